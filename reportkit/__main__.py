"""Allow `python -m reportkit`."""

from reportkit.cli import run

run()
