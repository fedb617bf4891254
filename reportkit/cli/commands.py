"""Import every command module so that each registers its commands on the app."""

# One import per line, in the order the commands appear in `reportkit --help`.
from reportkit.cli import build  # noqa: F401
from reportkit.cli import check  # noqa: F401
from reportkit.cli import schedule  # noqa: F401
from reportkit.cli import absorb  # noqa: F401
from reportkit.cli import compare  # noqa: F401
from reportkit.cli import batch  # noqa: F401
from reportkit.cli import provenance  # noqa: F401
from reportkit.cli import sections  # noqa: F401
from reportkit.cli import sources  # noqa: F401
from reportkit.cli import templates  # noqa: F401
from reportkit.cli import schema  # noqa: F401
