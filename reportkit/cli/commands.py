"""Import every command module so that each registers its commands on the app."""

# One import per line, in the order the commands appear in `reportkit --help`.
from reportkit.cli import build  # noqa: F401
from reportkit.cli import check  # noqa: F401
from reportkit.cli import schedule  # noqa: F401
