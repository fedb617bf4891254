"""Library text as checkable units: each paragraph, list item and table row, with its citations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportkit.document import (BlockQuote, Citation, ListBlock, Paragraph, Placeholder, Table,
                                Text)
from reportkit.parse import parse_markdown
from reportkit.walk import body_blocks, plain_text, query

# A Jinja comment `{# noqa #}` or `{# noqa: L001, L006 #}` inside a paragraph silences checks
# for that paragraph. Jinja drops comments when rendering, so the marker never reaches a report.
_NOQA = re.compile(r"\{#-?\s*noqa(?:\s*:\s*(?P<ids>[\w\s,-]*?))?\s*-?#\}", re.I)
_MARK_OPEN, _MARK_CLOSE = "\ue010", "\ue011"
_MARK = re.compile(f"{_MARK_OPEN}([^{_MARK_CLOSE}]*){_MARK_CLOSE}")
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
# A Jinja expression stands for a case value; checks see this neutral word in its place.
CASE_VALUE = "(value)"
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?)])")
QUOTED = re.compile(r'"[^"\n]*"|“[^”]*”|‘[^’]*’|«[^»]*»')


@dataclass(frozen=True)
class Unit:
    """One claim-sized piece of library text."""

    text: str                      # the words, without citations or markers
    keys: tuple[str, ...]          # cited source ids, in order
    path: str
    line: int | None
    kind: str                      # paragraph, list item, table row, quotation, chronology entry
    lead_in: bool = False          # a paragraph ending in ':' that introduces a list
    noqa: frozenset[str] | None = None  # None: no marker; empty: every check silenced
    locators: tuple[str, ...] = ()  # the pinpoint of each cited source, beside `keys`

    def silences(self, check_id: str) -> bool:
        if self.noqa is None:
            return False
        return not self.noqa or any(check_id.upper().startswith(code) for code in self.noqa)

    @property
    def quoted(self) -> bool:
        return self.kind == "quotation"


def mask_jinja(body: str) -> str:
    """Jinja tags out, expressions as a neutral word, noqa comments as markers; lines kept."""
    def replace(match: re.Match) -> str:
        tag = match.group()
        newlines = "\n" * tag.count("\n")
        noqa = _NOQA.fullmatch(tag)
        if noqa:
            return f"{_MARK_OPEN}{noqa.group('ids') or ''}{_MARK_CLOSE}{newlines}"
        if tag.startswith("{{"):
            return CASE_VALUE + newlines
        return newlines
    return _JINJA.sub(replace, body)


def units_in(markdown: str, path: Path | str, first_line: int, kind: str | None = None,
             literals: list[str] | None = None) -> list[Unit]:
    """Parse Markdown that starts on `first_line` of `path` into units: a section's source with
    its Jinja masked, or, given the `literals` that restore its case text, Markdown the renderer
    has already rendered (template syntax left in it is text, a case's own section's say)."""
    masked = mask_jinja(markdown) if literals is None else markdown
    blocks = parse_markdown(masked, str(path), first_line - 1, literals)
    rows = _RowLines(masked.splitlines(), first_line)
    units = []
    for claim_kind, contents, line, lead_in in _claims(tuple(body_blocks(blocks)), kind):
        if claim_kind == "table row":
            line = rows.line_of(contents)
        unit = _unit(contents, str(path), line, claim_kind, lead_in)
        if unit is not None:
            units.append(unit)
            rows.last_line = unit.line or rows.last_line
    return units


def _claims(blocks: tuple, kind: str | None):
    """(kind, inline sequences, line, lead-in) for each claim-sized block: a paragraph, a list
    item (its paragraphs), a table row (its cells); a quotation's paragraphs are quotations."""
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            if any(isinstance(item, Text) and item.code for item in block.content):
                continue  # code blocks are not claims
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            yield (kind or "paragraph", [block.content], block.origin.line if block.origin else None,
                   isinstance(following, ListBlock))
        elif isinstance(block, ListBlock):
            for item in block.items:
                paragraphs = [inner for inner in item if isinstance(inner, Paragraph)]
                line = next((p.origin.line for p in paragraphs if p.origin), None)
                yield "list item", [p.content for p in paragraphs], line, False
                yield from _claims(tuple(body_blocks(inner for inner in item
                                                     if not isinstance(inner, Paragraph))), None)
        elif isinstance(block, BlockQuote):
            yield from _claims(tuple(body_blocks(block.blocks)), "quotation")
        elif isinstance(block, Table):
            for row in block.rows:
                yield "table row", list(row), None, False


def _unit(contents: list[tuple], path: str, line: int | None, kind: str,
          lead_in: bool) -> Unit | None:
    """The unit of these inline sequences: their words (a citation or a gap stands as a space; a
    note's words are not the sentence's), and the sources cited, a note's too."""
    raw = " ".join(plain_text([_GAP if isinstance(item, (Citation, Placeholder)) else item
                               for item in content]) for content in contents)
    citations = query([item for content in contents for item in content], Citation)
    marks = _MARK.findall(raw) if _MARK_OPEN in raw else []
    if marks:
        raw = _MARK.sub(" ", raw)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(raw.split()))
    if not text:
        return None
    noqa = None
    if marks:
        codes = {code.strip().upper() for mark in marks for code in mark.split(",") if code.strip()}
        noqa = frozenset() if any(not mark.strip() for mark in marks) else frozenset(codes)
    return Unit(text, tuple(item.key for citation in citations for item in citation.items), path,
                line, kind, lead_in and text.rstrip().endswith(":"), noqa,
                tuple(item.locator for citation in citations for item in citation.items))


_GAP = Text(" ")  # what a citation or a placeholder stands as among a unit's words


class _RowLines:
    """Tables carry no line numbers: each row is found by its first cell's words, after the
    line of the unit before it."""

    def __init__(self, lines: list[str], first_line: int):
        self.lines, self.first_line, self.last_line = lines, first_line, first_line

    def line_of(self, row: list[tuple]) -> int | None:
        needle = plain_text(list(row[0])).split(" ")[0] if row and row[0] else ""
        start = max(self.last_line - self.first_line, 0)
        for offset, text in enumerate(self.lines[start:], start):
            if text.lstrip().startswith("|") and needle and needle in text and "---" not in text:
                if offset + self.first_line > self.last_line:
                    return offset + self.first_line
        return self.last_line


def unquoted(text: str) -> str:
    """The text with quoted passages blanked out (quoted words are the source's, not the expert's)."""
    return QUOTED.sub(lambda match: " " * len(match.group()), text)


def line_of(lines: list[str], first_line: int, start_line: int | None, pattern: re.Pattern) -> int | None:
    """The first line at or after `start_line` whose text matches `pattern`."""
    if start_line is None:
        return None
    for offset in range(max(start_line - first_line, 0), len(lines)):
        if pattern.search(lines[offset]):
            return offset + first_line
    return start_line
