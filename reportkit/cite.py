"""Citation stage: number the footnotes, write full and short references, list the sources."""

from __future__ import annotations

from dataclasses import replace

from reportkit.document import (Citation, CiteItem, Document, Footnote, Heading, Inline,
                                InlineNote, Link, NoteNumber, NoteReference, Paragraph,
                                SourcesList, Table, Text)
from reportkit.errors import Problem, ReportkitError
from reportkit.models import CslDate, Source
from reportkit.render import MONTHS
from reportkit.walk import query, walk

# CSL types whose titles are quoted, with the container in italics; the rest are italic.
_QUOTED_TYPES = {"article", "article-newspaper", "article-journal", "article-magazine", "webpage",
                 "post", "post-weblog", "chapter", "entry", "entry-encyclopedia", "interview"}


def format_date(date: CslDate | None, date_format: str) -> str:
    if date is None:
        return ""
    if date.literal or date.raw:
        return date.literal or date.raw or ""
    parts = date.parts()
    if len(parts) == 3:
        return date_format.format(day=parts[2], month=MONTHS[parts[1] - 1], year=parts[0])
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0]) if parts else ""


def creator(source: Source) -> str:
    if source.author:
        return ", ".join(name.display() for name in source.author)
    return source.publisher or "Unknown author"


def _title(source: Source, short: bool) -> list[Inline]:
    title = (source.title_short if short and source.title_short else source.title) or "Untitled"
    if source.type in _QUOTED_TYPES:
        pieces: list[Inline] = [Text(f"‘{title}’")]
        if source.container_title and not short:
            pieces += [Text(", "), Text(source.container_title, italic=True)]
        return pieces
    return [Text(title, italic=True)]


def full_reference(source: Source, date_format: str, locator: str = "") -> list[Inline]:
    """Creator, *Title* (number, publisher, date), locator, <URL> accessed date."""
    pieces: list[Inline] = [Text(f"{creator(source)}, "), *_title(source, short=False)]
    details = [source.number or ""]
    if source.publisher and source.author:
        details.append(source.publisher)
    details.append(format_date(source.issued, date_format) or "undated")
    pieces.append(Text(" (" + ", ".join(part for part in details if part) + ")"))
    if locator:
        pieces.append(Text(f", {locator}"))
    if source.URL:
        pieces += [Text(", "), Link(source.URL, (Text(source.URL),))]
        accessed = format_date(source.accessed, date_format)
        if accessed:
            pieces.append(Text(f" accessed {accessed}"))
    elif source.DOI:
        pieces += [Text(", "), Link(f"https://doi.org/{source.DOI}", (Text(f"doi:{source.DOI}"),))]
    return pieces


def short_reference(source: Source, first_note: int, locator: str) -> list[Inline]:
    pieces: list[Inline] = [Text(f"{creator(source)}, "), *_title(source, short=True),
                            Text(" (n "), NoteNumber(first_note), Text(")")]
    if locator:
        pieces.append(Text(f", {locator}"))
    return pieces


class _Citer:
    def __init__(self, sources: dict[str, Source], date_format: str):
        self.sources = sources
        self.date_format = date_format
        self.first_note: dict[str, int] = {}
        self.cited: dict[str, None] = {}  # every cited id, in order of first citation
        self.footnotes: list[Footnote] = []
        self.problems: list[Problem] = []

    def known_items(self, citation: Citation):
        for item in citation.items:
            source = self.sources.get(item.key)
            if source is None:
                origin = citation.origin
                self.problems.append(Problem(
                    f"unknown citation key '@{item.key}'", origin.path if origin else None,
                    origin.line if origin else None,
                    "add the source to the library's sources.json, or correct the key"))
                continue
            self.cited.setdefault(item.key)
            yield item, source

    def note_for(self, citation: Citation) -> NoteReference:
        """A numbered footnote for `citation`, recording the citation it came from."""
        number = len(self.footnotes) + 1
        content: list[Inline] = []
        for index, (item, source) in enumerate(self.known_items(citation)):
            if index:
                content.append(Text("; "))
            if item.prefix:
                content.append(Text(f"{item.prefix} "))
            if item.key in self.first_note:
                content += short_reference(source, self.first_note[item.key], item.locator)
            else:
                self.first_note[item.key] = number
                content += full_reference(source, self.date_format, item.locator)
        content.append(Text("."))
        footnote = Footnote(number, tuple(content), citation_text(citation),
                            note_marker(number))
        self.footnotes.append(footnote)
        return NoteReference(footnote)

    def typed_note(self, note: InlineNote) -> NoteReference:
        """A note the author wrote (`^[...]`), numbered with the others."""
        number = len(self.footnotes) + 1
        footnote = Footnote(number, note.content, "", note_marker(number))
        self.footnotes.append(footnote)
        return NoteReference(footnote)

    def in_cell(self, citation: Citation) -> list[Inline]:
        """Inside a table a citation is printed in the cell, e.g. "(Amnesty International,
        *Lethal racism*)": LibreOffice can push a footnote in a table row that ends a page onto
        the next page, away from its mark. The full reference is in the sources list."""
        content: list[Inline] = [Text(" (")]
        for index, (item, source) in enumerate(self.known_items(citation)):
            if index:
                content.append(Text("; "))
            if item.prefix:
                content.append(Text(f"{item.prefix} "))
            content += [Text(f"{creator(source)}, "), *_title(source, short=True)]
            if item.locator:
                content.append(Text(f", {item.locator}"))
        content.append(Text(")"))
        return content

    def in_place(self, content: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """Citations in a table cell or inside a note are printed where they stand."""
        result: list[Inline] = []
        for item in content:
            if isinstance(item, Citation):
                _strip_space_before(result)
                result.extend(self.in_cell(item))
            else:
                result.append(item)
        return tuple(result)

    def cells_and_notes(self, node):
        """First pass: citations in tables and in written notes, which get no footnote."""
        if isinstance(node, Table):
            return replace(node, header=tuple(self.in_place(cell) for cell in node.header),
                           rows=tuple(tuple(self.in_place(cell) for cell in row)
                                      for row in node.rows))
        if isinstance(node, InlineNote):
            return replace(node, content=self.in_place(node.content))
        return node

    def notes(self, node):
        """Second pass, in reading order: each citation and written note becomes a footnote."""
        if isinstance(node, Citation):
            return self.note_for(node)
        if isinstance(node, InlineNote):
            return self.typed_note(node)
        if isinstance(node, (Paragraph, Heading, Link)):
            return replace(node, content=_mark_after_word(node.content))
        return node

    def sources_list(self) -> SourcesList:
        cited = [self.sources[key] for key in self.cited]
        cited.sort(key=lambda source: (creator(source).casefold(), (source.title or "").casefold()))
        return SourcesList(tuple(tuple(full_reference(source, self.date_format) + [Text(".")])
                                 for source in cited))


def resolve_citations(document: Document, sources: dict[str, Source],
                      date_format: str) -> tuple[Document, list[str]]:
    """Replace each citation by a numbered footnote (in a table: a short reference in the cell);
    return the document and the cited ids."""
    citer = _Citer(sources, date_format)
    for citation in query(document.blocks, Citation):  # the record lists them in reading order
        citer.cited.update((item.key, None) for item in citation.items if item.key in sources)
    blocks = walk(walk(document.blocks, citer.cells_and_notes), citer.notes)
    if citer.problems:
        raise ReportkitError.from_problems(citer.problems)
    sources_list = citer.sources_list()
    blocks = walk(blocks, lambda node: sources_list if isinstance(node, SourcesList) else node)
    return (replace(document, blocks=tuple(blocks), footnotes=tuple(citer.footnotes)),
            list(citer.cited))


def _mark_after_word(content: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """"text [@a]" puts the mark straight after the word, as a footnote mark sits."""
    result: list[Inline] = []
    for item in content:
        if isinstance(item, NoteReference):
            _strip_space_before(result)
        result.append(item)
    return tuple(result)


def _strip_space_before(result: list[Inline]) -> None:
    if result and isinstance(result[-1], Text) and result[-1].text.endswith(" "):
        stripped = result[-1].text.rstrip()
        result[-1:] = [replace(result[-1], text=stripped)] if stripped else []


def note_marker(number: int) -> str:
    """The hidden bookmark name at the start of footnote `number`'s text."""
    return f"_RkN{number:04d}"


def citation_text(citation: Citation) -> str:
    """The citation in pandoc syntax, as an author would write it: "[@key, p. 3]"."""
    return "[" + "; ".join(_item_text(item) for item in citation.items) + "]"


def _item_text(item: CiteItem) -> str:
    text = f"@{item.key}"
    if item.prefix:
        text = f"{item.prefix} {text}"
    if item.locator:
        text += f", {item.locator}"
    return text
