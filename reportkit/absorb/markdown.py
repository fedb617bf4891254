"""Write what was read back from a report as the Markdown of a case file: paragraphs, emphasis,
lists, quotes, links, a generated footnote as its citation again, a typed one as `^[...]`."""

from __future__ import annotations

import re

from reportkit.document import (BlockQuote, Footnote, Heading, LineBreak, Link, ListBlock,
                                NoteReference, Paragraph, Placeholder, Table, Text)
from reportkit.fingerprint import inline_text, short_hash
from reportkit.provenance import NoteWritten

_SPECIAL = re.compile(r"([\\`*_\[\]^<>|])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)")


class NoteOrigins:
    """Tells a generated footnote (kept as reportkit wrote it) from one the expert typed or
    changed, by its marker or, if the marker was lost, by its text."""

    def __init__(self, notes: tuple[NoteWritten, ...]):
        self.by_marker = {note.marker: note for note in notes}
        self.by_text = {note.written: note for note in notes}
        self.typed = 0
        self.edited = 0

    def citation(self, note: Footnote) -> str | None:
        written = short_hash(inline_text(note.content))
        known = self.by_marker.get(note.marker)
        if known is not None and known.written == written and known.citation:
            return known.citation
        if known is None and written in self.by_text and self.by_text[written].citation:
            return self.by_text[written].citation
        if known is not None and known.citation:
            self.edited += 1  # a generated note the expert changed: kept as they wrote it
        else:
            self.typed += 1
        return None


def to_markdown(blocks, notes: NoteOrigins) -> str:
    pieces: list[str] = []
    previous = None
    for block in blocks:
        text = _block(block, notes)
        if text is None:
            continue
        # Items of one list stay together; everything else is separated by a blank line.
        joined = isinstance(block, ListBlock) and isinstance(previous, ListBlock)
        pieces.append(("\n" if joined else "\n\n") + text if pieces else text)
        previous = block
    return "".join(pieces).strip() + "\n" if pieces else ""


def _block(block, notes: NoteOrigins, depth: int = 0) -> str | None:
    if isinstance(block, Heading):
        return "#" * min(max(block.level, 1), 6) + " " + _inlines(block.content, notes)
    if isinstance(block, Paragraph):
        text = _inlines(block.content, notes)
        return _LINE_START.sub(r"\1\\\2", text) if text.strip() else None
    if isinstance(block, ListBlock):
        lines = []
        for item in block.items:
            for inner in item:
                if isinstance(inner, ListBlock):
                    lines.append(_block(inner, notes, depth + 1))
                elif isinstance(inner, Paragraph):
                    marker = "1." if block.ordered else "-"
                    lines.append("    " * depth + f"{marker} " + _inlines(inner.content, notes))
        # A list paragraph wrapped once per level: the markers go at the innermost.
        return "\n".join(line for line in lines if line)
    if isinstance(block, BlockQuote):
        inner = [_block(item, notes) for item in block.blocks]
        return "\n>\n".join("> " + text for text in inner if text)
    if isinstance(block, Table):
        rows = [[_inlines(cell, notes).replace("|", "\\|") for cell in row] for row in block.rows]
        if not rows:
            return None
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)
    return None


def _inlines(content, notes: NoteOrigins) -> str:
    pieces: list[str] = []
    for bold, italic, text in _runs(content, notes):
        if not (bold or italic) or not text.strip():
            pieces.append(text)
            continue
        mark = "***" if bold and italic else "**" if bold else "*"
        core = text.strip()
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        pieces.append(f"{lead}{mark}{core}{mark}{trail}")
    return re.sub(r"[ \t]+", " ", "".join(pieces)).strip()


def _runs(content, notes: NoteOrigins) -> list[tuple[bool, bool, str]]:
    """(bold, italic, Markdown) pieces, neighbours with the same formatting merged."""
    runs: list[tuple[bool, bool, str]] = []

    def add(bold: bool, italic: bool, text: str) -> None:
        if runs and runs[-1][:2] == (bold, italic):
            runs[-1] = (bold, italic, runs[-1][2] + text)
        else:
            runs.append((bold, italic, text))

    for item in content:
        if isinstance(item, Text):
            add(item.bold, item.italic, _SPECIAL.sub(r"\\\1", item.text.replace("\t", " ")))
        elif isinstance(item, Placeholder):
            add(False, False, item.text)  # stays a placeholder when the report is built again
        elif isinstance(item, LineBreak):
            add(False, False, "\\\n")
        elif isinstance(item, Link):
            add(False, False, f"[{_inlines(item.content, notes)}](<{item.url}>)")
        elif isinstance(item, NoteReference):
            citation = notes.citation(item.note)
            if citation:
                add(False, False, f" {citation}")
            else:
                add(False, False, f"^[{_inlines(item.note.content, notes)}]")
    return runs
