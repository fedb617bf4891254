"""Import every command module so that each registers its commands on the app."""

from reportkit.cli import build, check, schedule  # noqa: F401
