"""The page and text measures in a reference.docx that a page estimate needs (no rendering)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from reportkit.errors import ReportkitError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
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


@dataclass(frozen=True)
class PageGeometry:
    width: float   # the text area, in points
    height: float
    styles: dict[str, TextStyle]  # by role ("body", ...) and by lower-case style name

    def style(self, role: str) -> TextStyle:
        """The measures of a role ("footnote_text") or of a style by name ("Cover Text")."""
        return self.styles.get(role) or self.styles.get(role.lower()) or self.styles["normal"]


def page_geometry(reference: Path, roles: dict[str, str]) -> PageGeometry:
    """The text area of the reference's last section and the measures of each role's style."""
    try:
        stamp = reference.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _page_geometry(reference, stamp, tuple(sorted(roles.items())))


@lru_cache(maxsize=8)
def _page_geometry(reference: Path, _stamp: int, roles: tuple[tuple[str, str], ...]) -> PageGeometry:
    try:
        with zipfile.ZipFile(reference) as archive:
            document = etree.fromstring(archive.read("word/document.xml"))
            styles = etree.fromstring(archive.read("word/styles.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise ReportkitError(f"cannot read reference.docx: {error}", path=reference,
                             hint="save the styles document again from Word or LibreOffice as .docx") from None
    section = document.findall(f".//{_W}sectPr")[-1]
    size, margins = section.find(f"{_W}pgSz"), section.find(f"{_W}pgMar")
    width = _twips(size, "w", 11906) - _twips(margins, "left", 1440) - _twips(margins, "right", 1440)
    height = _twips(size, "h", 16838) - _twips(margins, "top", 1440) - _twips(margins, "bottom", 1440)
    table = _StyleTable(styles)
    measured = {"normal": table.measure(table.default_paragraph_id())}
    for name, style_id in table.by_name.items():  # a Paragraph may name any style
        if table.by_id[style_id].get(f"{_W}type") == "paragraph":
            measured[name] = table.measure(style_id)
    for role, name in roles:
        style_id = table.find(name)
        if style_id is not None:
            measured[role] = table.measure(style_id)
    return PageGeometry(width / TWIPS_PER_POINT, height / TWIPS_PER_POINT, measured)


def _twips(node, attribute: str, default: int) -> int:
    if node is None:
        return default
    value = node.get(f"{_W}{attribute}")
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


class _StyleTable:
    """styles.xml with `basedOn` inheritance, resolved for the few properties a layout needs."""

    def __init__(self, root):
        self.by_id = {}
        self.by_name = {}
        self.default_id = None
        for style in root.findall(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            self.by_id[style_id] = style
            name = style.find(f"{_W}name")
            if name is not None:
                self.by_name.setdefault(name.get(f"{_W}val", "").lower(), style_id)
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
                self.default_id = style_id
        self.defaults = root.find(f"{_W}docDefaults")

    def default_paragraph_id(self) -> str | None:
        return self.default_id

    def find(self, name: str) -> str | None:
        if name in self.by_id:
            return name
        return self.by_name.get(name.lower())

    def chain(self, style_id: str | None) -> list:
        """The style and its ancestors, nearest first, then the document defaults."""
        nodes, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            nodes.append(style)
            based = style.find(f"{_W}basedOn")
            style_id = based.get(f"{_W}val") if based is not None else None
        if self.defaults is not None:
            nodes.append(self.defaults)
        return nodes

    def _first(self, nodes, kind: str, child: str, attribute: str):
        """The nearest value of `kind` (rPr or pPr) / `child` @ `attribute` along the chain."""
        for node in nodes:
            found = node.find(f"{_W}{kind}/{_W}{child}")
            if found is None:
                found = node.find(f"{_W}{kind}Default/{_W}{kind}/{_W}{child}")
            if found is not None and found.get(f"{_W}{attribute}") is not None:
                return found.get(f"{_W}{attribute}"), found
        return None, None

    def measure(self, style_id: str | None) -> TextStyle:
        nodes = self.chain(style_id)
        size_value, _ = self._first(nodes, "rPr", "sz", "val")
        size = int(size_value) / 2 if size_value else 10.0
        line_value, spacing = self._first(nodes, "pPr", "spacing", "line")
        natural = size * LINE_HEIGHT
        if line_value is None:
            line = natural
        elif (spacing.get(f"{_W}lineRule") or "auto") == "auto":
            multiple = int(line_value) / 240
            line = natural * (1 + (multiple - 1) * (SPACING_WEIGHT if multiple > 1 else 1))
        else:  # exact or at least, in twips
            line = max(int(line_value) / TWIPS_PER_POINT,
                       natural if spacing.get(f"{_W}lineRule") == "atLeast" else 0)
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
