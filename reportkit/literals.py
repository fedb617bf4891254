"""The markers that carry case text past the Markdown parser: the one definition that the render
stage (which sets text aside) and the parse stage (which puts it back) both use.

Case text never passes through the parser: the renderer stores it and leaves `\\ue000N\\ue001`
(two private-use characters around the store's index) in its place, and the parser restores the
exact text after Markdown has been parsed.
"""

from __future__ import annotations

import re

LITERAL_OPEN, LITERAL_CLOSE = "\ue000", "\ue001"
LITERAL = re.compile(f"{LITERAL_OPEN}(\\d+){LITERAL_CLOSE}")
# Word's manual line break, as a vertical tab in case text: kept as a line break.
LINE_BREAK = "\x0b"


def marker(index: int) -> str:
    """The marker for the stored text number `index`."""
    return f"{LITERAL_OPEN}{index}{LITERAL_CLOSE}"


def restore(text: str, literals: list[str] | None) -> str:
    """`text` with each marker replaced by its stored text (None: text straight from a file)."""
    if literals is None or LITERAL_OPEN not in text:
        return text
    return LITERAL.sub(lambda match: literals[int(match.group(1))], text)
