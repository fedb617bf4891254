"""Citation stage: every reference a report prints, formatted from the template set's style file.

One formatter reads one style (a YAML file in the template set: `oscola.yaml`, `us-legal.yaml`)
and writes each form a reference takes: the full note, the later short note with a live
"(n 3)" / "supra note 3" cross-reference, "Ibid"/"Id.", the reference inside a table cell, the
annex entry, the evidence schedule's column and the library listings. Dates come from Babel in
the template set's language. Citations follow pandoc's syntax (see reportkit/parse/syntax.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportkit.dates import date_parts
from reportkit.document import (Citation, CiteItem, Document, Footnote, Heading, Inline,
                                InlineNote, Link, NoteNumber, NoteReference, Paragraph,
                                SourcesList, Table, Text)
from reportkit.errors import Problem, ReportkitError
from reportkit.models import CslDate, Source, Strict
from reportkit.walk import query, walk

UNKNOWN_CITATION_KEY = "unknown-citation-key"   # Problem.code of a key sources.json lacks
UNKNOWN_CITING_SOURCE = "unknown-citing-source"

# ---------------------------------------------------------------- the style file


class _Titles(Strict):
    quoted: str
    plain: str
    quoted_short: str
    plain_short: str


class _Pinpoint(Strict):
    page_labels: list[str] = []
    page: str = "{number}"
    other: str = "{locator}"


class _Forms(Strict):
    note: str
    subsequent: str
    ibid: str
    in_cell: str
    bibliography: str
    schedule: str
    listing: str
    cited_in: str
    caveat: str
    archived: str


class _Terms(Strict):
    undated: str
    no_author: str
    untitled: str
    note_end: str = "."
    entry_end: str = ""
    item_separator: str = "; "
    in_cell_open: str = " ("
    in_cell_close: str = ")"
    creators_shown: int | None = None   # more authors than this: the first, then and_others
    and_others: str = " and others"


class StyleFile(Strict):
    """What a citation style file holds."""

    name: str
    quoted_types: list[str] = []
    titles: _Titles
    pinpoint: _Pinpoint = _Pinpoint()
    forms: _Forms
    terms: _Terms


@dataclass(frozen=True)
class _Value:
    name: str


@dataclass(frozen=True)
class _Group:
    """A run of pieces; `optional` groups are left out when any value in them is empty."""

    pieces: tuple  # of str (literal text), _Value, _Group, or _ITALIC
    optional: bool = False


_ITALIC = object()  # toggles italic
_TOKEN = re.compile(r"\\(.)|\{([a-z_]+)\}|(\[)|(\])|(\*)|([^\\{}\[\]*]+)|(.)", re.S)


def parse_form(form: str) -> _Group:
    """'[{creator}, ]*{title}*' as a tree of groups, values and text (ValueError if malformed)."""
    stack: list[list] = [[]]
    for match in _TOKEN.finditer(form):
        escaped, value, opening, closing, star, text, stray = match.groups()
        if escaped is not None or text is not None:
            stack[-1].append(escaped if escaped is not None else text)
        elif value is not None:
            stack[-1].append(_Value(value))
        elif opening:
            stack.append([])
        elif closing:
            if len(stack) == 1:
                raise ValueError(f"']' without '[' in {form!r}")
            pieces = stack.pop()
            stack[-1].append(_Group(tuple(pieces), optional=True))
        elif star:
            stack[-1].append(_ITALIC)
        else:
            raise ValueError(f"'{stray}' must be written '\\{stray}' in {form!r}")
    if len(stack) != 1:
        raise ValueError(f"'[' without ']' in {form!r}")
    return _Group(tuple(stack[0]))


Values = dict[str, list[Inline] | str | int | None]


def _render(group: _Group, values: Values, italic: bool = False) -> tuple[list[Inline], bool] | None:
    """The inlines of `group` and the italic state after it; None for a left-out group."""
    out: list[Inline] = []
    for piece in group.pieces:
        if piece is _ITALIC:
            italic = not italic
        elif isinstance(piece, str):
            out.append(Text(piece, italic=italic))
        elif isinstance(piece, _Value):
            value = values.get(piece.name)
            if value is None or value == "" or value == []:
                if group.optional:
                    return None
                continue
            out.extend(_as_inlines(value, italic))
        else:
            inner = _render(piece, values, italic)
            if inner is None:
                continue
            pieces, italic = inner
            out.extend(pieces)
    return out, italic


def _as_inlines(value, italic: bool) -> list[Inline]:
    if isinstance(value, str):
        return [Text(value, italic=italic)]
    if isinstance(value, int):
        return [NoteNumber(value)]
    if italic:
        return [replace(item, italic=True) if isinstance(item, Text) else item for item in value]
    return list(value)


@dataclass(frozen=True)
class CitationStyle:
    """A parsed style file and the language its dates are written in."""

    style: StyleFile
    forms: dict[str, _Group]
    language: str
    date_format: str = "long"
    # Each reference already made: (form, source, item, first note) -> (source, inlines). A
    # batch makes the same references case after case, with the same library's sources.
    _made: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, document, path: Path, language: str, date_format: str = "long") -> "CitationStyle":
        """From a loaded style file (a YamlDocument), with the template set's language."""
        from reportkit.validate import validate_document
        style = validate_document(StyleFile, document)
        forms = {}
        texts = {**style.forms.model_dump(), **{f"title_{name}": form for name, form
                                                 in style.titles.model_dump().items()},
                 "pinpoint_page": style.pinpoint.page, "pinpoint_other": style.pinpoint.other}
        for name, text in texts.items():
            try:
                forms[name] = parse_form(text)
            except ValueError as error:
                raise ReportkitError(f"the citation form '{name}' cannot be read: {error}",
                                     path=path,
                                     hint="see the comment at the top of the bundled oscola.yaml") from None
        return cls(style, forms, language, date_format)

    # ------------------------------------------------------------ values

    def date(self, date: CslDate | None) -> str:
        if date is None:
            return ""
        if date.literal or date.raw:
            return date.literal or date.raw or ""
        return date_parts(date.parts(), self.language, self.date_format)

    def creator(self, source: Source) -> str:
        terms = self.style.terms
        return creator(source, terms.no_author, terms.creators_shown, terms.and_others)

    def title(self, source: Source, short: bool) -> list[Inline]:
        text = (source.title_short if short and source.title_short else source.title) \
            or self.style.terms.untitled
        kind = "quoted" if source.type in self.style.quoted_types else "plain"
        form = self.forms[f"title_{kind}{'_short' if short else ''}"]
        return _render(form, {"text": text, "container": source.container_title})[0]

    def pinpoint(self, locator: str) -> list[Inline]:
        if not locator:
            return []
        for label in self.style.pinpoint.page_labels:
            if locator.startswith(label) and locator[len(label):][:1] in (" ", "\u00a0"):
                number = locator[len(label):].strip()
                return _render(self.forms["pinpoint_page"], {"number": number,
                                                             "locator": locator})[0]
        return _render(self.forms["pinpoint_other"], {"number": locator, "locator": locator})[0]

    def values(self, source: Source, item: CiteItem | None = None,
               first_note: int | None = None) -> Values:
        url = source.URL or (f"https://doi.org/{source.DOI}" if source.DOI else None)
        link = [Link(url, (Text(url),))] if url else []
        locator = item.locator if item else ""
        suppress_author = item is not None and item.mode == "suppress-author"
        return {
            "creator": None if suppress_author else self.creator(source),
            "title": self.title(source, short=False),
            "short_title": self.title(source, short=True),
            "short_text": source.title_short or source.title or self.style.terms.untitled,
            "container": source.container_title,
            "number": source.number,
            "publisher": source.publisher if source.author else None,
            "issued": self.date(source.issued) or self.style.terms.undated,
            "accessed": self.date(source.accessed),
            "url": link,
            "address": link or source.number,
            "pinpoint": self.pinpoint(locator),
            "locator": locator,
            "first_note": first_note,
            "caveat": (source.caveat or "").strip(),
        }

    # ------------------------------------------------------------ forms

    def form(self, name: str, source: Source, item: CiteItem | None = None,
             first_note: int | None = None) -> list[Inline]:
        """One reference in the form `name` (note, subsequent, ibid, in_cell, bibliography,
        schedule, listing)."""
        key = (name, id(source), item, first_note)
        made = self._made.get(key)
        if made is None or made[0] is not source:  # the source kept, so its id is not reused
            if len(self._made) > 20_000:
                self._made.clear()
            made = self._made[key] = (source, tuple(
                _merge(_render(self.forms[name], self.values(source, item, first_note))[0])))
        return list(made[1])

    def text(self, name: str, source: Source, **values) -> list[Inline]:
        return _render(self.forms[name], values)[0]


def creator(source: Source, no_author: str = "Unknown author", shown: int | None = None,
            and_others: str = " and others") -> str:
    """The authors' names (more than `shown`: the first and `and_others`), or the publisher for
    a work without a personal author."""
    if source.author:
        if shown and len(source.author) > shown:
            return source.author[0].display() + and_others
        return ", ".join(name.display() for name in source.author)
    return source.publisher or no_author


def _merge(pieces: list[Inline]) -> list[Inline]:
    """Adjacent text of the same look joined, so the writer makes one run of each."""
    merged: list[Inline] = []
    for piece in pieces:
        if (merged and isinstance(piece, Text) and isinstance(merged[-1], Text)
                and (piece.bold, piece.italic, piece.code)
                == (merged[-1].bold, merged[-1].italic, merged[-1].code)):
            merged[-1] = Text(merged[-1].text + piece.text, piece.bold, piece.italic, piece.code)
        elif not (isinstance(piece, Text) and not piece.text):
            merged.append(piece)
    return merged


def _ends_with(pieces: list[Inline], text: str) -> bool:
    for piece in reversed(pieces):
        if isinstance(piece, Text):
            if piece.text:
                return piece.text.endswith(text)
        else:
            return False
    return False


def _finish(pieces: list[Inline], end: str) -> list[Inline]:
    """Add the closing punctuation once: "Ibid." and a suffix "." never give "..". """
    if end and not _ends_with(pieces, end):
        pieces = pieces + [Text(end)]
    return _merge(pieces)


def _capitalised(pieces: list[Inline]) -> list[Inline]:
    """A note starts with a capital, as a sentence does ("See ...", "Ibid")."""
    if pieces and isinstance(pieces[0], Text) and pieces[0].text[:1].islower():
        pieces = [replace(pieces[0], text=pieces[0].text[0].upper() + pieces[0].text[1:]),
                  *pieces[1:]]
    return pieces


# ---------------------------------------------------------------- the citer


class _Citer:
    def __init__(self, sources: dict[str, Source], style: CitationStyle):
        self.sources = sources
        self.style = style
        self.first_note: dict[str, int] = {}
        self.cited: dict[str, None] = {}  # every cited id, in order of first citation
        self.footnotes: list[Footnote] = []
        self.problems: list[Problem] = []
        # The one source the previous note cited, and its locator: what "Ibid" can stand for.
        self.previous: tuple[str, str] | None = None

    def _problem(self, message: str, origin, hint: str) -> None:
        self.problems.append(Problem(message, origin.path if origin else None,
                                     origin.line if origin else None, hint, code=UNKNOWN_CITATION_KEY))

    def known_items(self, citation: Citation):
        for item in citation.items:
            source = self.sources.get(item.key)
            if source is None:
                self._problem(f"unknown citation key '@{item.key}'", citation.origin,
                              "add the source to the library's sources.json, or correct the key")
                continue
            self.cited.setdefault(item.key)
            yield item, source

    def citing_source(self, source: Source, origin) -> Source | None:
        """The source through which `source` is known (its `cited_in`), or None."""
        if source.cited_in is None:
            return None
        citing = self.sources.get(source.cited_in.key)
        if citing is None or citing.id == source.id:
            self.problems.append(Problem(
                f"source '{source.id}' is cited in '{source.cited_in.key}', which is not a "
                f"{'different ' if citing is not None else ''}source of the library",
                origin.path if origin else None, origin.line if origin else None,
                "correct \"cited_in\" in sources.json", code=UNKNOWN_CITING_SOURCE))
            return None
        return citing

    def reference(self, source: Source, item: CiteItem, number: int, origin,
                  ibid: bool = False) -> list[Inline]:
        """The full reference on a source's first citation, "Ibid" for the source of the note
        just before, the short one after; a source known at second hand adds "cited in" and the
        citing source, which counts as cited too."""
        style = self.style
        if ibid:
            return style.form("ibid", source, item)
        if source.id in self.first_note:
            return style.form("subsequent", source, item, self.first_note[source.id])
        self.first_note[source.id] = number
        pieces = style.form("note", source, item)
        citing = self.citing_source(source, origin)
        if citing is not None:
            self.cited.setdefault(citing.id)
            pieces += [Text(", "), *style.text("cited_in", source)]
            pieces += self.reference(citing, CiteItem(citing.id, source.cited_in.locator),
                                     number, origin)
        return pieces

    def note_for(self, citation: Citation) -> NoteReference:
        """A numbered footnote for `citation`, recording the citation it came from."""
        number = len(self.footnotes) + 1
        content: list[Inline] = []
        items = list(self.known_items(citation))
        last: tuple[str, str] | None = None
        for index, (item, source) in enumerate(items):
            if index:
                content.append(Text(self.style.style.terms.item_separator))
            if item.prefix:
                content.append(Text(f"{item.prefix} "))
            before = self.previous if index == 0 else last
            same = (before is not None and before[0] == source.id and source.cited_in is None
                    and (item.locator or not before[1]))
            content += self.reference(source, item, number, citation.origin, ibid=same)
            if item.suffix:
                content.append(Text(item.suffix if item.suffix[0] in ".,;:" else f" {item.suffix}"))
            last = (source.id, item.locator)
        self.previous = last if len(items) == 1 else None
        footnote = Footnote(number, tuple(_capitalised(_finish(content,
                                                               self.style.style.terms.note_end))),
                            citation_text(citation), note_marker(number))
        self.footnotes.append(footnote)
        return NoteReference(footnote)

    def typed_note(self, note: InlineNote) -> NoteReference:
        """A note the author wrote (`^[...]`), numbered with the others."""
        number = len(self.footnotes) + 1
        self.previous = None  # "Ibid" never reaches back past a note the author wrote
        footnote = Footnote(number, note.content, "", note_marker(number))
        self.footnotes.append(footnote)
        return NoteReference(footnote)

    def in_cell(self, citation: Citation) -> list[Inline]:
        """Inside a table a citation is printed in the cell, e.g. "(Amnesty International,
        *Lethal racism*)": LibreOffice can push a footnote in a table row that ends a page onto
        the next page, away from its mark. The full reference is in the sources list."""
        terms = self.style.style.terms
        content: list[Inline] = [Text(terms.in_cell_open)]
        for index, (item, source) in enumerate(self.known_items(citation)):
            if index:
                content.append(Text(terms.item_separator))
            if item.prefix:
                content.append(Text(f"{item.prefix} "))
            content += self.style.form("in_cell", source, item)
        content.append(Text(terms.in_cell_close))
        return _merge(content)

    def in_text(self, content: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """`@key says`: the creator is printed in the sentence, before the citation's mark."""
        result: list[Inline] = []
        for item in content:
            if isinstance(item, Citation) and item.in_text:
                source = self.sources.get(item.items[0].key)
                if source is not None:
                    result.append(Text(self.style.creator(source)))
            result.append(item)
        return tuple(result)

    def in_place(self, content: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """Citations in a table cell or inside a note are printed where they stand."""
        result: list[Inline] = []
        for item in self.in_text(content):
            if isinstance(item, Citation):
                if not item.in_text:
                    _strip_space_before(result)
                result.extend(self.in_cell(item))
            else:
                result.append(item)
        return tuple(result)

    def cells_and_notes(self, node):
        """First pass: citations in tables and in written notes, which get no footnote; the
        creator of an in-text citation put into the sentence."""
        if isinstance(node, Table):
            return replace(node, header=tuple(self.in_place(cell) for cell in node.header),
                           rows=tuple(tuple(self.in_place(cell) for cell in row)
                                      for row in node.rows))
        if isinstance(node, InlineNote):
            return _with_content(node, self.in_place(node.content))
        if isinstance(node, (Paragraph, Heading, Link)):
            return _with_content(node, self.in_text(node.content))
        return node

    def notes(self, node):
        """Second pass, in reading order: each citation and written note becomes a footnote."""
        if isinstance(node, Citation):
            return self.note_for(node)
        if isinstance(node, InlineNote):
            return self.typed_note(node)
        if isinstance(node, (Paragraph, Heading, Link)):
            return _with_content(node, _mark_after_word(node.content))
        return node

    def entry(self, source: Source) -> tuple[Inline, ...]:
        """An annex entry: the full reference; "cited in" with the citing source (and the note
        that first cites it) for a source known at second hand; the caveat; an archived copy."""
        style = self.style
        entry = style.form("bibliography", source)
        citing = self.citing_source(source, None)
        if citing is not None:
            entry += [Text(", "), *style.text("cited_in", source)]
            item = CiteItem(citing.id, source.cited_in.locator)
            entry += (style.form("subsequent", citing, item, self.first_note[citing.id])
                      if citing.id in self.first_note else style.form("in_cell", citing, item))
        entry = _finish(entry, style.style.terms.entry_end)
        if source.caveat:
            entry += style.text("caveat", source, caveat=source.caveat.strip())
        if source.archive is not None:
            entry += style.text("archived", source)
        return tuple(_merge(entry))

    def sources_list(self) -> SourcesList:
        cited = [self.sources[key] for key in self.cited]
        cited.sort(key=lambda source: (self.style.creator(source).casefold(),
                                       (source.title or "").casefold()))
        return SourcesList(tuple(self.entry(source) for source in cited))


def resolve_citations(document: Document, sources: dict[str, Source],
                      style: CitationStyle) -> tuple[Document, list[str]]:
    """Replace each citation by a numbered footnote (in a table: a short reference in the cell);
    return the document and the cited ids."""
    citer = _Citer(sources, style)
    for citation in query(document.blocks, Citation):  # the record lists them in reading order
        citer.cited.update((item.key, None) for item in citation.items if item.key in sources)
    blocks = walk(document.blocks, citer.cells_and_notes,
                  (Table, InlineNote, Paragraph, Heading, Link))
    blocks = walk(blocks, citer.notes, (Citation, InlineNote, Paragraph, Heading, Link))
    if citer.problems:
        raise ReportkitError.from_problems(citer.problems)
    sources_list = citer.sources_list()
    blocks = walk(blocks, lambda node: sources_list, SourcesList)
    return (replace(document, blocks=tuple(blocks), footnotes=tuple(citer.footnotes)),
            list(citer.cited))


def _with_content(node, content: tuple[Inline, ...]):
    """`node` with `content`; `node` itself when its content is the same inlines."""
    if len(content) == len(node.content) and all(
            new is old for new, old in zip(content, node.content)):
        return node
    return replace(node, content=content)


def _mark_after_word(content: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """"text [@a]" puts the mark straight after the word, as a footnote mark sits; after an
    in-text citation's creator ("Amnesty International[1] says") there is no space to strip."""
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
    """The citation in pandoc syntax, as an author would write it: "[@key, p. 3]", "[-@key]",
    "@key [p. 3]"."""
    if citation.in_text:
        item = citation.items[0]
        return f"@{item.key}" + (f" [{item.locator}]" if item.locator else "")
    return "[" + "; ".join(_item_text(item) for item in citation.items) + "]"


def _item_text(item: CiteItem) -> str:
    text = ("-" if item.mode == "suppress-author" else "") + f"@{item.key}"
    if item.prefix:
        text = f"{item.prefix} {text}"
    if item.locator:
        text += f", {item.locator}"
    if item.suffix:
        text += item.suffix if item.suffix[0] in ".,;:" else f" {item.suffix}"
    return text


def reference_text(style: CitationStyle, form: str, source: Source, locator: str = "") -> str:
    """A reference as Markdown text ("Creator, *Short title* (date), p. 3"), for the listings."""
    return markdown_text(style.form(form, source, CiteItem(source.id, locator)))


def markdown_text(pieces: list[Inline]) -> str:
    from reportkit.walk import query
    return "".join(f"*{piece.text}*" if piece.italic and piece.text else piece.text
                   for piece in query(list(pieces), Text))
