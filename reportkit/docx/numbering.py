"""numbering.xml: the reference's definitions (headings, numbered paragraphs), nine-level
definitions for bullet and ordered lists, and the heading numbers Word will show."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree

from reportkit.docx.xml import W, W_NS, serialise

_EMPTY = f'<w:numbering xmlns:w="{W_NS}"/>'
# Nine levels each; indents put level n under the text of the level before.
BULLETS = ("\u2022", "\u25e6", "\u25aa")
ORDERED_FORMATS = ("decimal", "lowerLetter", "lowerRoman")
LEVELS = 9
_STEP = 357      # 0.63 cm, in twentieths of a point
_FIRST = 720     # 1.27 cm: lists sit under the text of numbered paragraphs


def _level(level: int, number_format: str, text: str) -> str:
    left = _FIRST + _STEP * (level + 1)
    return (f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{_STEP}"/></w:pPr></w:lvl>')


def _abstract(identifier: int, bullet: bool) -> str:
    levels = "".join(
        _level(level, "bullet", BULLETS[level % 3]) if bullet
        else _level(level, ORDERED_FORMATS[level % 3], f"%{level + 1}.")
        for level in range(LEVELS))
    return (f'<w:abstractNum w:abstractNumId="{identifier}">'
            f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')


@dataclass
class Numbering:
    """The reference's numbering, plus what this report's lists need."""

    reference: etree._Element | None
    _abstract_base: int = 0
    _num_base: int = 0
    _lists: list[tuple[bool, int, int]] = field(default_factory=list)  # (bullet, level, start)
    _bullet_num: int | None = None

    def __post_init__(self) -> None:
        root = self.reference if self.reference is not None else etree.fromstring(_EMPTY)
        self.reference = root
        self._abstract_base = max([int(node.get(f"{W}abstractNumId"))
                                   for node in root.findall(f"{W}abstractNum")], default=-1) + 1
        self._num_base = max([int(node.get(f"{W}numId")) for node in root.findall(f"{W}num")],
                             default=0) + 1

    def bullets(self) -> int:
        """The one numbering instance all bullet lists share."""
        if self._bullet_num is None:
            self._bullet_num = self._new(True, 0, 1)
        return self._bullet_num

    def ordered(self, level: int, start: int) -> int:
        """A fresh instance for each ordered list, so each starts at its own start."""
        return self._new(False, level, start)

    def _new(self, bullet: bool, level: int, start: int) -> int:
        self._lists.append((bullet, level, start))
        return self._num_base + len(self._lists) - 1

    def part(self, styles: frozenset[str], style_numbering: set[int]) -> bytes:
        """numbering.xml: the reference's definitions that the shipped `styles` use (their
        levels no longer naming styles left out), and this report's lists."""
        root = copy.deepcopy(self.reference)
        kept_abstracts = set()
        for num in root.findall(f"{W}num"):
            if int(num.get(f"{W}numId")) in style_numbering:
                kept_abstracts.add(num.find(f"{W}abstractNumId").get(f"{W}val"))
            else:
                root.remove(num)
        for abstract in root.findall(f"{W}abstractNum"):
            if abstract.get(f"{W}abstractNumId") not in kept_abstracts:
                root.remove(abstract)
                continue
            for style in abstract.iter(f"{W}pStyle"):
                if style.get(f"{W}val") not in styles:
                    style.getparent().remove(style)
        if self._lists:
            bullet_id, ordered_id = self._abstract_base, self._abstract_base + 1
            added = [_abstract(bullet_id, True), _abstract(ordered_id, False)]
            nums = []
            for index, (bullet, level, start) in enumerate(self._lists):
                override = ("" if bullet else
                            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                            "</w:lvlOverride>")
                nums.append(f'<w:num w:numId="{self._num_base + index}"><w:abstractNumId '
                            f'w:val="{bullet_id if bullet else ordered_id}"/>{override}</w:num>')
            wrapper = etree.fromstring(f'<w:numbering xmlns:w="{W_NS}">{"".join(added + nums)}'
                                       "</w:numbering>")
            abstracts = root.findall(f"{W}abstractNum")
            anchor = abstracts[-1] if abstracts else None
            for node in wrapper.findall(f"{W}abstractNum"):
                if anchor is not None:
                    anchor.addnext(node)
                else:  # after any picture bullets, before the instances
                    pictures = root.findall(f"{W}numPicBullet")
                    (pictures[-1].addnext(node) if pictures else root.insert(0, node))
                anchor = node
            instances = root.findall(f"{W}num")
            last = instances[-1] if instances else anchor
            for node in wrapper.findall(f"{W}num"):
                last.addnext(node)
                last = node
        return serialise(root)

    # ------------------------------------------------------------ heading numbers

    def level_formats(self, num_id: int) -> dict[int, tuple[str, str, int]]:
        """(numFmt, lvlText, start) of each level of a numbering instance."""
        root = self.reference
        num = next((node for node in root.findall(f"{W}num")
                    if node.get(f"{W}numId") == str(num_id)), None)
        if num is None:
            return {}
        abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")
        abstract = next((node for node in root.findall(f"{W}abstractNum")
                         if node.get(f"{W}abstractNumId") == abstract_id), None)
        if abstract is None:
            return {}
        formats = {}
        for level in abstract.findall(f"{W}lvl"):
            def value(tag: str, default: str) -> str:
                node = level.find(f"{W}{tag}")
                return node.get(f"{W}val", default) if node is not None else default
            formats[int(level.get(f"{W}ilvl"))] = (value("numFmt", "decimal"),
                                                    value("lvlText", ""), int(value("start", "1")))
        for override in num.findall(f"{W}lvlOverride"):
            start = override.find(f"{W}startOverride")
            level = int(override.get(f"{W}ilvl"))
            if start is not None and level in formats:
                number_format, text, _ = formats[level]
                formats[level] = (number_format, text, int(start.get(f"{W}val")))
        return formats

    def level_of_style(self, num_id: int, style_id: str) -> int | None:
        """The level whose w:pStyle links it to `style_id` (how Word ties headings to levels)."""
        root = self.reference
        num = next((node for node in root.findall(f"{W}num")
                    if node.get(f"{W}numId") == str(num_id)), None)
        if num is None:
            return None
        abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")
        for abstract in root.findall(f"{W}abstractNum"):
            if abstract.get(f"{W}abstractNumId") != abstract_id:
                continue
            for level in abstract.findall(f"{W}lvl"):
                style = level.find(f"{W}pStyle")
                if style is not None and style.get(f"{W}val") == style_id:
                    return int(level.get(f"{W}ilvl"))
        return None


class HeadingCounter:
    """Counts headings as Word numbers them, giving each its label ("F.1")."""

    def __init__(self, numbering: Numbering, styles):
        self.numbering = numbering
        self.styles = styles
        self.counters: dict[int, list[int]] = {}
        self.formats: dict[int, dict[int, tuple[str, str, int]]] = {}

    def label(self, style_id: str, numbered: bool) -> str:
        found = self.styles.numbering_of(style_id)
        if not numbered or found is None or found[0] == 0:
            return ""
        num_id, level = found
        if level < 0:
            level = self.numbering.level_of_style(num_id, style_id) or 0
        if num_id not in self.formats:
            self.formats[num_id] = self.numbering.level_formats(num_id)
        formats = self.formats[num_id]
        if level not in formats:
            return ""
        counts = self.counters.setdefault(num_id, [0] * LEVELS)
        for deeper in range(level + 1, LEVELS):
            counts[deeper] = 0
        counts[level] = counts[level] + 1 if counts[level] else formats[level][2]
        number_format, text, _ = formats[level]
        if number_format == "bullet":
            return text
        label = text
        for index in range(level + 1):
            index_format, _, start = formats.get(index, ("decimal", "", 1))
            value = counts[index] or start
            label = label.replace(f"%{index + 1}", format_number(value, index_format))
        return label


def format_number(value: int, number_format: str) -> str:
    if number_format in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format == "none":
        return ""
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    pieces = []
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                            (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                            (4, "IV"), (1, "I")):
        while value >= number:
            pieces.append(letters)
            value -= number
    return "".join(pieces)
