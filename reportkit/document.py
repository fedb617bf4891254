"""The document model in the middle: what a report says, with no case files and no OOXML."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Origin:
    """Where a piece of the document came from, for error messages."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Link:
    url: str
    content: tuple["Inline", ...]


@dataclass(frozen=True)
class Placeholder:
    """Text the expert must still write, e.g. `[EXPERT TO COMPLETE: answer to question 1]`."""

    text: str
    origin: Origin | None = None


@dataclass(frozen=True)
class CiteItem:
    """One item of a pandoc citation: `[see @key, p. 3]`, `[-@key]`, `@key [p. 3]`."""

    key: str
    locator: str = ""     # what follows ", " after the key: "p. 3", "fn 9"
    prefix: str = ""      # "see"
    suffix: str = ""      # what follows the key without a comma: "." in `[@key.]`
    mode: str = "normal"  # "normal", "suppress-author" (`-@key`) or "author-in-text" (`@key`)


@dataclass(frozen=True)
class Citation:
    items: tuple[CiteItem, ...]
    origin: Origin | None = None

    @property
    def in_text(self) -> bool:
        """`@key says`: the creator is part of the sentence."""
        return bool(self.items) and self.items[0].mode == "author-in-text"


@dataclass(frozen=True)
class NoteNumber:
    """The number of an earlier footnote, as in "(n 3)"; kept live as a cross-reference."""

    number: int


@dataclass(frozen=True)
class Footnote:
    number: int
    content: tuple["Inline", ...]
    # The citation this note was made from, in pandoc syntax ("[@key, p. 3]"); "" for a note the
    # author wrote (`^[...]`). `marker` names the hidden point bookmark at the start of the
    # note's text in the DOCX, so that an edited copy can be read back ("" for none).
    citation: str = ""
    marker: str = ""


@dataclass(frozen=True)
class InlineNote:
    """A footnote written in the text (`^[...]`); the citation stage numbers it."""

    content: tuple["Inline", ...]
    origin: Origin | None = None


@dataclass(frozen=True)
class NoteReference:
    """The reference mark in the text; the citation stage turns each Citation into one."""

    note: Footnote


Inline = (Text | LineBreak | Link | Placeholder | Citation | InlineNote | NoteReference
          | NoteNumber)


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int
    content: tuple[Inline, ...]
    numbered: bool = True
    origin: Origin | None = None


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    style: str | None = None  # a style's display name; None means the template's default
    origin: Origin | None = None


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple["Block", ...], ...]
    start: int = 1


@dataclass(frozen=True)
class BlockQuote:
    blocks: tuple["Block", ...]


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    # Each column's share of the width, from the Markdown's column rule (`|--|------|--|` gives
    # 0.2, 0.6, 0.2); () for equal columns.
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class TableOfContents:
    title: str = "Contents"
    depth: int = 3      # heading levels listed: Word's TOC \o "1-3"


@dataclass(frozen=True)
class SourcesList:
    """Where the list of cited sources goes; the citation stage fills `entries`."""

    entries: tuple[tuple[Inline, ...], ...] = ()


@dataclass(frozen=True)
class Region:
    """A stretch of the report with one origin: an answer, a case's own section or a library
    section. The writer marks it with two hidden point bookmarks, `marker` at the start of its
    first paragraph and `marker` + "_end" at the end of its last, so that a copy edited in Word or
    LibreOffice can be read back region by region. (Not one bookmark around the whole region:
    LibreOffice loses a bookmark that spans paragraphs when it saves a .docx.)"""

    kind: str        # "answer", "case_section" or "library_section"
    id: str          # the question ("q1") or the section id
    digest: str      # hash of the Markdown that was rendered into it
    marker: str      # the bookmark name in the DOCX (letters, digits, "_"; at most 40)
    blocks: tuple["Block", ...]


Block = (Heading | Paragraph | ListBlock | BlockQuote | Table | PageBreak | TableOfContents
         | SourcesList | Region)


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str = ""
    keywords: str = ""
    language: str = "en-GB"
    created: str = ""  # ISO date
    properties: tuple[tuple[str, str], ...] = ()  # custom document properties, e.g. the reference


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    metadata: Metadata
    footnotes: tuple[Footnote, ...] = field(default=())
