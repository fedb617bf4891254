"""The page and text measures in a reference.docx that a page estimate needs (no rendering)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportkit.docx.reference import load_reference
from reportkit.docx.styles import find_style, style_chain, style_index
from reportkit.docx.xml import W

TWIPS_PER_POINT = 20
# A single line of Arial, Calibri or Times is about 1.15 times the font size.
LINE_HEIGHT = 1.15
# Proportional spacing above single (1.5 lines, say) takes more room in LibreOffice than the
# multiple alone predicts; calibrated on the bundled examples (see reportkit/pages.py).
SPACING_WEIGHT = 1.4


@dataclass(frozen=True)
class TextStyle:
    """How much room a paragraph in one style takes, in points."""

    size: float              # font size
    line: float              # height of one line
    before: float = 0.0      # space before the paragraph
    after: float = 0.0       # space after it
    indent: float = 0.0      # left plus right indentation


class PageGeometry:
    """The text area, in points, and the measures of a style, each taken from the reference
    when first asked for (a reference may define hundreds of styles; a report uses a few)."""

    def __init__(self, width: float, height: float, styles, roles: dict[str, str]):
        self.width, self.height = width, height
        self._styles, self._roles = styles, roles
        self._by_id, self._by_name = style_index(styles)
        self._measures = _Measures(styles)
        self._measured: dict[str, TextStyle | None] = {}

    def style(self, role: str) -> TextStyle:
        """The measures of a role ("footnote_text") or of a style by name ("Cover Text")."""
        return self.measured(role) or self.measured(role.casefold()) or self.measured("normal")

    def measured(self, key: str) -> TextStyle | None:
        """A role's style; else the paragraph style of that case-folded name; for "normal"
        without such a style, the default paragraph style. None when the reference has none."""
        if key not in self._measured:
            self._measured[key] = self._measure(key)
        return self._measured[key]

    def _measure(self, key: str) -> TextStyle | None:
        style_id = find_style(self._styles, self._roles[key]) if key in self._roles else None
        if style_id is None:
            named = self._by_name.get(key)
            if named is not None and self._by_id[named].get(f"{W}type", "paragraph") == "paragraph":
                style_id = named
        if style_id is None and key == "normal":
            style_id = next((identifier for identifier, style in self._by_id.items()
                             if style.get(f"{W}type", "paragraph") == "paragraph"
                             and style.get(f"{W}default") in ("1", "true", "on")), None)
            return self._measures.measure(style_id)
        return self._measures.measure(style_id) if style_id is not None else None


def page_geometry(reference: Path, roles: dict[str, str]) -> PageGeometry:
    """The text area of the reference's last section and the measures of each role's style."""
    try:
        stamp = reference.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _page_geometry(reference, stamp, tuple(sorted(roles.items())))


@lru_cache(maxsize=8)
def _page_geometry(reference: Path, _stamp: int, roles: tuple[tuple[str, str], ...]) -> PageGeometry:
    parts = load_reference(reference)
    size, margins = parts.section.find(f"{W}pgSz"), parts.section.find(f"{W}pgMar")
    width = _twips(size, "w", 11906) - _twips(margins, "left", 1440) - _twips(margins, "right", 1440)
    height = _twips(size, "h", 16838) - _twips(margins, "top", 1440) - _twips(margins, "bottom", 1440)
    return PageGeometry(width / TWIPS_PER_POINT, height / TWIPS_PER_POINT, parts.styles,
                        dict(roles))


def _twips(node, attribute: str, default: int) -> int:
    if node is None:
        return default
    value = node.get(f"{W}{attribute}")
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


class _Measures:
    """The few properties a layout needs, resolved along a style's `basedOn` chain and the
    document defaults."""

    def __init__(self, styles):
        self.styles = styles
        self.defaults = styles.find(f"{W}docDefaults")

    def _first(self, nodes, kind: str, child: str, attribute: str):
        """The nearest value of `kind` (rPr or pPr) / `child` @ `attribute` along the chain."""
        for node in nodes:
            found = node.find(f"{W}{kind}/{W}{child}")
            if found is None:
                found = node.find(f"{W}{kind}Default/{W}{kind}/{W}{child}")
            if found is not None and found.get(f"{W}{attribute}") is not None:
                return found.get(f"{W}{attribute}"), found
        return None, None

    def measure(self, style_id: str | None) -> TextStyle:
        nodes = style_chain(self.styles, style_id)
        if self.defaults is not None:
            nodes.append(self.defaults)
        size_value, _ = self._first(nodes, "rPr", "sz", "val")
        size = int(size_value) / 2 if size_value else 10.0
        line_value, spacing = self._first(nodes, "pPr", "spacing", "line")
        natural = size * LINE_HEIGHT
        if line_value is None:
            line = natural
        elif (spacing.get(f"{W}lineRule") or "auto") == "auto":
            multiple = int(line_value) / 240
            line = natural * (1 + (multiple - 1) * (SPACING_WEIGHT if multiple > 1 else 1))
        else:  # exact or at least, in twips
            line = max(int(line_value) / TWIPS_PER_POINT,
                       natural if spacing.get(f"{W}lineRule") == "atLeast" else 0)
        before, _ = self._first(nodes, "pPr", "spacing", "before")
        after, _ = self._first(nodes, "pPr", "spacing", "after")
        left, _ = self._first(nodes, "pPr", "ind", "left")
        if left is None:
            left, _ = self._first(nodes, "pPr", "ind", "start")
        right, _ = self._first(nodes, "pPr", "ind", "right")
        if right is None:
            right, _ = self._first(nodes, "pPr", "ind", "end")
        return TextStyle(size, line, _points(before), _points(after),
                         _points(left) + _points(right))


def _points(twips: str | None) -> float:
    try:
        return int(float(twips)) / TWIPS_PER_POINT if twips else 0.0
    except ValueError:
        return 0.0
