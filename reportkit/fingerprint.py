"""What a report says, reduced to comparable text: the provenance record keeps the fingerprints of
what reportkit wrote, and `absorb` and `build --force` compare an edited copy with them.

A fingerprint is taken per *unit*, a paragraph or table of the body as Word holds it. It keeps
the words, bold and italic, and each footnote's text where its mark stands; it drops what Word
and LibreOffice recompute or restyle on their own (field results such as page numbers, run
boundaries, spacing, hyperlink styling)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reportkit.document import (BlockQuote, Document, Heading, Link, LineBreak,
                                ListBlock, NoteReference, Paragraph, Placeholder, Region,
                                SourcesList, Table, TableOfContents, Text)
from reportkit.walk import body_blocks, plain_text


def _spaced(text: str) -> str:
    """Each run of white space one space, none at the ends."""
    return " ".join(text.split())


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _segments(content, found: list[tuple[str, bool, bool]]) -> None:
    for item in content:
        if isinstance(item, Text):
            found.append((item.text, item.bold, item.italic))
        elif isinstance(item, Placeholder):
            found.append((item.text, False, False))
        elif isinstance(item, LineBreak):
            found.append((" ", False, False))
        elif isinstance(item, Link):
            _segments(item.content, found)
        elif isinstance(item, NoteReference):
            found.append((f"^[{inline_text(item.note.content)}]", False, False))
        # NoteNumber is a field (Word recomputes it); citations are notes by now.


def inline_text(content, formatting: bool = True) -> str:
    """Inlines as one comparable string: words, **bold**, *italic* and ^[notes]."""
    segments: list[tuple[str, bool, bool]] = []
    _segments(content, segments)
    pieces: list[str] = []
    for text, bold, italic in segments:
        if not formatting or not text.strip():
            bold = italic = False
        mark = ("**" if bold else "") + ("*" if italic else "")
        pieces.append(f"{mark}{text}{mark[::-1]}" if mark else text)
    joined = "".join(pieces)
    if formatting:  # **a****b** and **a** **b** are the same bold text
        joined = joined.replace("****", "").replace("** **", " ")
    return _spaced(joined)


def unit_text(block) -> str:
    """The fingerprint text of one unit: a paragraph, heading, list paragraph, quote or table."""
    if isinstance(block, (Paragraph, Heading)):
        return inline_text(block.content)
    if isinstance(block, Table):  # formatting in tables is the template's (bold header row)
        rows = [" | ".join(inline_text(cell, formatting=False) for cell in row)
                for row in ((block.header,) if block.header else ()) + tuple(block.rows)]
        return _spaced(" / ".join(rows))
    if isinstance(block, (ListBlock, BlockQuote)):
        return " ".join(unit_text(inner) for inner in units(block))
    return ""


def units(block) -> list:
    """The units a block is written as: each paragraph of a list or quote, a table whole."""
    if isinstance(block, ListBlock):
        return [unit for item in block.items for inner in item for unit in units(inner)]
    if isinstance(block, BlockQuote):
        return [unit for inner in block.blocks for unit in units(inner)]
    if isinstance(block, Region):
        return [unit for inner in block.blocks for unit in units(inner)]
    if isinstance(block, (Paragraph, Heading, Table)):
        return [block]
    return []


def region_text(blocks) -> str:
    """The fingerprint text of a region: its units' texts, one a line, empty ones left out."""
    return "\n".join(text for text in (unit_text(unit) for block in blocks
                                       for unit in units(block)) if text)


@dataclass(frozen=True)
class Written:
    """What reportkit wrote into a report, as fingerprints."""

    regions: dict[str, str]        # region marker -> hash of its region_text
    notes: dict[str, tuple[str, str]]  # note marker -> (citation, hash of its text)
    template: frozenset[str]       # hashes of the units written outside every region


def written(document: Document) -> Written:
    regions = {}
    template: set[str] = set()
    headings = [block for block in body_blocks(document.blocks) if isinstance(block, Heading)]
    for block in document.blocks:
        _outside(block, regions, template, headings)
    notes = {note.marker: (note.citation, short_hash(inline_text(note.content)))
             for note in document.footnotes if note.marker}
    return Written(regions, notes, frozenset(template))


def _outside(block, regions: dict[str, str], template: set[str], headings) -> None:
    if isinstance(block, Region):
        regions[block.marker] = short_hash(region_text(block.blocks))
        for inner in block.blocks:  # a region inside a region is its own region
            if isinstance(inner, Region):
                _outside(inner, regions, template, headings)
        return
    if isinstance(block, TableOfContents):
        texts = [block.title] + [plain_text(heading) for heading in headings
                                 if heading.level <= block.depth]
    elif isinstance(block, SourcesList):
        texts = [inline_text(entry) for entry in block.entries]
    else:
        texts = [unit_text(unit) for unit in units(block)]
    template.update(short_hash(_spaced(text)) for text in texts if text.strip())
