"""Page counts: a calibrated estimate for every build, LibreOffice's exact count when asked.

The estimate lays the document model out line by line on the reference.docx's page (text area,
font sizes, spacing); it is within one page of LibreOffice on the bundled examples and fixtures
(tests/test_page_estimate.py holds it to that). LibreOffice runs only for `--pdf`, `--final`,
`check --pages` and `schedule --pages`, through reportkit.libreoffice; its layout also gives the
page of each contents entry (reportkit.docx.toc), which fills in the contents' page numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from reportkit.document import (BlockQuote, Document, Footnote, Heading, ListBlock, NoteReference,
                                PageBreak, Paragraph, Region, SourcesList, Table, TableOfContents)
from reportkit.docx.geometry import PageGeometry, TextStyle, page_geometry
from reportkit.walk import children, plain_text, query

# Calibrated against LibreOffice 7 on the bundled examples and fixtures (A4 and Letter, Arial):
# the average width of a character of running English text, as a fraction of the font size, and
# the share of a page's height that text fills once widows, orphans and kept-together headings
# have pushed lines on.
CHARACTER_WIDTH = 0.40
PAGE_FILL = 1.0
WRAP_LOSS = 3           # characters per line lost to breaking between words
LIST_INDENT = 36.0      # points per list level (the numbering's indentation)
CELL_PADDING = 10.8     # points of left and right cell margins
FOOTNOTE_SEPARATOR = 16.0


@dataclass(frozen=True)
class PageCount:
    pages: int
    estimated: bool

    def __str__(self) -> str:
        return f"about {self.pages} pages (estimate)" if self.estimated else f"{self.pages} pages"

    @property
    def how(self) -> str:
        return "estimate" if self.estimated else "counted by LibreOffice"


def estimate(document: Document, reference: Path, roles: dict[str, str]) -> PageCount:
    return PageCount(estimate_pages(document, page_geometry(reference, roles)), estimated=True)


def estimate_pages(document: Document, geometry: PageGeometry) -> int:
    """Pages the document takes, laid out in points on `geometry`'s page."""
    layout = _Layout(geometry, document)
    for block in document.blocks:
        layout.block(block, 0.0)
    return layout.finish()


class _Layout:
    def __init__(self, geometry: PageGeometry, document: Document):
        self.geometry = geometry
        self.document = document
        self.page_height = geometry.height * PAGE_FILL
        self.pages = 0             # full pages before the current one
        self.used = 0.0            # points used on the current page
        note = geometry.style("footnote_text")
        self.note_heights = {footnote.number: self._height(plain_text(footnote.content), note,
                                                           geometry.width)
                             for footnote in document.footnotes}
        self.notes_on_page = 0

    # -- placing

    def place(self, height: float, notes: list[int] = ()) -> None:
        note_height = sum(self.note_heights.get(number, 0.0) for number in notes)
        if notes and not self.notes_on_page:
            note_height += FOOTNOTE_SEPARATOR
        self.used += height + note_height
        if notes:
            self.notes_on_page += len(notes)
        while self.used > self.page_height:
            self.used -= self.page_height
            self.pages += 1
            self.notes_on_page = 0

    def page_break(self) -> None:
        if self.used > 0:
            self.pages += 1
        self.used = 0.0
        self.notes_on_page = 0

    def finish(self) -> int:
        return max(1, self.pages + (1 if self.used > 0 else 0))

    # -- measuring

    def _height(self, text: str, style: TextStyle, width: float) -> float:
        return self._lines(text, style, width) * style.line + style.before + style.after

    @staticmethod
    def _lines(text: str, style: TextStyle, width: float) -> int:
        # Lines break between words: on average half a word of each line is left empty.
        per_line = max(8, int((width - style.indent) / (style.size * CHARACTER_WIDTH)) - WRAP_LOSS)
        return max(1, math.ceil(len(text) / per_line))

    @staticmethod
    def _notes(node) -> list[int]:
        return [reference.note.number for reference in query(node, NoteReference)]

    # -- the blocks, through the one traversal of the model

    def block(self, block, indent: float) -> None:
        geometry = self.geometry
        width = geometry.width - indent
        if isinstance(block, Heading):
            style = geometry.style(f"heading_{min(block.level, 3)}")
            self.place(self._height(plain_text(block), style, width), self._notes(block))
        elif isinstance(block, Paragraph):
            style = geometry.style("paragraph" if block.style is None else block.style)
            self.place(self._height(plain_text(block), style, width), self._notes(block))
        elif isinstance(block, ListBlock):
            for item in block.items:
                for inner in item:
                    self.block(inner, indent + LIST_INDENT)
        elif isinstance(block, BlockQuote):
            quote = geometry.style("quote")
            for inner in children(block):
                self.block(inner, indent + quote.indent)
        elif isinstance(block, Region):
            for inner in children(block):
                self.block(inner, indent)
        elif isinstance(block, Table):
            self.table(block, width)
        elif isinstance(block, SourcesList):
            style = geometry.style("body")
            for entry in block.entries:
                self.place(self._height(plain_text(entry), style, width))
        elif isinstance(block, TableOfContents):
            style = geometry.style("toc_1")
            title = geometry.style("toc_heading")
            entries = [heading for heading in query(self.document.blocks, Heading)
                       if heading.numbered and heading.level <= block.depth]
            self.place(title.line + title.before + title.after
                       + len(entries) * (style.line + style.before + style.after))
        elif isinstance(block, PageBreak):
            self.page_break()

    def table(self, table: Table, width: float) -> None:
        style = self.geometry.style("table_text")
        columns = max((len(row) for row in (table.header, *table.rows)), default=1) or 1
        shares = getattr(table, "widths", None) or [1 / columns] * columns
        for row in (table.header, *table.rows):
            lines = max((self._lines(plain_text(cell), style, width * share - CELL_PADDING)
                         for cell, share in zip(row, shares)), default=1)
            self.place(lines * style.line + style.before + style.after,
                       self._notes([inline for cell in row for inline in cell]))


@dataclass(frozen=True)
class Layout:
    """What a LibreOffice layout pass found: the PDF, its pages, and the page of the heading of
    each contents entry (by the entry's bookmark)."""

    pdf: bytes
    count: PageCount
    heading_pages: dict[str, int] | None  # None without pdftotext

    def with_contents_pages(self, docx: bytes) -> bytes:
        """The laid-out DOCX with its contents' page numbers filled from this layout."""
        if not self.heading_pages:
            return docx
        from reportkit.docx import fill_toc_pages

        return fill_toc_pages(docx, self.heading_pages)


def layout_of(pdf: bytes, docx: bytes) -> Layout:
    """The layout LibreOffice gave `docx` when it wrote `pdf`."""
    from reportkit.docx import heading_pages
    from reportkit.libreoffice import page_texts, pdf_page_count

    texts = page_texts(pdf)
    return Layout(pdf, PageCount(pdf_page_count(pdf), estimated=False),
                  heading_pages(docx, texts) if texts is not None else None)


def page_limit_warning(count: PageCount, limit: int) -> str:
    """The warning for a report over its template set's page limit."""
    how = ("an estimate; `--final` or `check --pages` counts exactly with LibreOffice"
           if count.estimated else "counted by LibreOffice")
    return (f"the report is {count.pages} pages ({how}); the template set's limit is {limit} "
            f"pages unless permission is given (set options: {{permission_to_exceed_page_limit: true}} once it is)")
