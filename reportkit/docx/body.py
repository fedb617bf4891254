"""The body and the footnotes as WordprocessingML text, block by block, in one pass.

Every string from the document model is escaped on its way in (`xml.text`, `xml.attribute`),
so case text stays literal whatever markup it holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reportkit.document import (Block, BlockQuote, Footnote, Heading, Inline, LineBreak, Link,
                                ListBlock, NoteNumber, NoteReference, PageBreak, Paragraph,
                                Placeholder, Region, SourcesList, Table, TableOfContents, Text)
from reportkit.docx.numbering import HeadingCounter, Numbering
from reportkit.docx.styles import StyleMap
from reportkit.docx.xml import attribute, text
from reportkit.walk import plain_text

LINKABLE_SCHEMES = ("http", "https", "mailto")
_SENTINEL = re.compile("\x00(\\d+)\x00")
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def linkable(url: str) -> bool:
    """Only web and mail addresses become hyperlinks; anything else is written as text."""
    scheme, colon, rest = url.partition(":")
    return bool(colon and rest) and scheme.lower() in LINKABLE_SCHEMES


@dataclass
class Relationships:
    """The relationships of one part (document.xml or footnotes.xml)."""

    entries: list[tuple[str, str, str, bool]] = field(default_factory=list)
    _by_url: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, target: str, external: bool = False) -> str:
        identifier = f"rId{len(self.entries) + 1}"
        self.entries.append((identifier, kind, target, external))
        return identifier

    def hyperlink(self, url: str) -> str:
        if url not in self._by_url:
            self._by_url[url] = self.add(HYPERLINK, url, external=True)
        return self._by_url[url]


@dataclass(frozen=True)
class HeadingEntry:
    """A heading as the table of contents lists it."""

    level: int
    label: str       # its number as Word shows it ("F.1"), "" when unnumbered
    text: str
    bookmark: str


def complex_field(instruction: str, result: str = "") -> str:
    """A complex field as Word writes it: begin, instruction, separate, cached result, end."""
    cached = f"<w:r><w:t>{text(result)}</w:t></w:r>" if result else ""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
            f" {text(instruction)} </w:instrText></w:r>"
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{cached}'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


class BodyWriter:
    """Writes blocks as XML text into `out` (the body) and `notes` (footnotes.xml)."""

    def __init__(self, styles: StyleMap, numbering: Numbering):
        self.styles = styles
        self.numbering = numbering
        self.counter = HeadingCounter(numbering, styles)
        self.headings: list[HeadingEntry] = []
        self.contents: list[tuple[int, TableOfContents]] = []  # written once headings are known
        self.notes_cited_again: set[int] = set()
        self.out: list[str] = []
        self.notes: list[str] = []
        self.relationships = Relationships()
        self.note_relationships = Relationships()
        self.bookmark_id = 0
        self.pending_starts: list[str] = []
        self.last_close: int | None = None        # index in `out` of the last "</w:p>"
        self.last_body_close: int | None = None   # the same, outside tables
        self.has_toc = False
        self.break_pending = False   # a page break for the next paragraph (w:pageBreakBefore)
        self._run_properties: dict[tuple, str] = {}

    # ------------------------------------------------------------ paragraphs

    def paragraph(self, style_id: str, content: str, numbering: str = "",
                  properties: str = "", in_table: bool = False) -> None:
        starts = "".join(self.pending_starts)
        self.pending_starts.clear()
        if self.break_pending and not in_table:
            self.break_pending = False
            numbering = "<w:pageBreakBefore/>" + numbering
        self.out.append(f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{numbering}{properties}'
                        f"</w:pPr>{starts}{content}")
        self.out.append("</w:p>")
        self.last_close = len(self.out) - 1
        self.last_body_close = None if in_table else self.last_close

    def append_to_last(self, xml: str, body_only: bool = False) -> bool:
        index = self.last_body_close if body_only else self.last_close
        if index is None:
            return False
        self.out[index] = xml + self.out[index]
        return True

    def new_bookmark_id(self) -> int:
        self.bookmark_id += 1
        return self.bookmark_id

    # ------------------------------------------------------------ blocks

    def blocks(self, blocks, list_level: int = 0) -> None:
        for block in blocks:
            self.block(block, list_level)

    def block(self, block: Block, list_level: int = 0) -> None:
        if isinstance(block, Paragraph):
            style = (self.styles.named(block.style) if block.style
                     else self.styles.role("paragraph"))
            self.paragraph(style, self.inlines(block.content))
        elif isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, ListBlock):
            self.list_block(block, list_level)
        elif isinstance(block, BlockQuote):
            for inner in block.blocks:
                if isinstance(inner, Paragraph):
                    self.paragraph(self.styles.role("quote"), self.inlines(inner.content))
                else:
                    self.block(inner, list_level)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, PageBreak):
            # At the end of the paragraph before it; after the contents (or a table), on the
            # next paragraph, so that a full page never leaves an empty paragraph to break alone.
            if not self.append_to_last('<w:r><w:br w:type="page"/></w:r>', body_only=True):
                self.break_pending = True
        elif isinstance(block, TableOfContents):
            self.table_of_contents(block)
        elif isinstance(block, SourcesList):
            for entry in block.entries:
                self.paragraph(self.styles.role("body"), self.inlines(entry))
        elif isinstance(block, Region):
            self.region(block, list_level)

    def region(self, block: Region, list_level: int) -> None:
        """The region's blocks, with a hidden point bookmark `marker` at the start of its first
        paragraph and `marker_end` at the end of its last, inside paragraphs (also in table
        cells). Point bookmarks, not one around the region: LibreOffice loses a bookmark that
        spans paragraphs when it saves a .docx."""
        if not block.marker:
            self.blocks(block.blocks, list_level)
            return
        start = self.point_bookmark(block.marker)
        self.pending_starts.append(start)
        self.blocks(block.blocks, list_level)
        if start in self.pending_starts:  # nothing written: an empty paragraph holds the marks
            self.paragraph(self.styles.role("body"), "")
        self.append_to_last(self.point_bookmark(f"{block.marker}_end"))

    def point_bookmark(self, name: str) -> str:
        identifier = self.new_bookmark_id()
        return (f'<w:bookmarkStart w:id="{identifier}" w:name="{attribute(name)}"/>'
                f'<w:bookmarkEnd w:id="{identifier}"/>')

    def heading(self, block: Heading) -> None:
        style = self.styles.role(f"heading_{min(max(block.level, 1), 3)}")
        entry = HeadingEntry(block.level, self.counter.label(style, block.numbered),
                             plain_text(block), f"_Toc{len(self.headings) + 1:08d}")
        self.headings.append(entry)
        identifier = self.new_bookmark_id()
        numbering = "" if block.numbered else '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
        self.paragraph(style, f'<w:bookmarkStart w:id="{identifier}" w:name="{entry.bookmark}"/>'
                              f"{self.inlines(block.content)}<w:bookmarkEnd w:id=\"{identifier}\"/>",
                       numbering)

    def list_block(self, block: ListBlock, level: int) -> None:
        style = self.styles.role("list_number" if block.ordered else "list_bullet")
        level = min(level, 8)
        num_id = (self.numbering.ordered(level, block.start) if block.ordered
                  else self.numbering.bullets())
        numbering = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
        for item in block.items:
            first = True
            for inner in item:
                if isinstance(inner, Paragraph) and first:
                    self.paragraph(style, self.inlines(inner.content), numbering)
                    first = False
                elif isinstance(inner, ListBlock):
                    self.list_block(inner, level + 1)
                elif isinstance(inner, Paragraph):
                    self.paragraph(self.styles.role("body"), self.inlines(inner.content))
                else:
                    self.block(inner, level + 1)

    def flush_page_break(self) -> None:
        """A pending page break where no paragraph follows to carry it: a paragraph of its own."""
        if self.break_pending:
            self.break_pending = False
            self.paragraph(self.styles.role("body"), '<w:r><w:br w:type="page"/></w:r>')

    def table(self, block: Table) -> None:
        self.flush_page_break()
        columns = max([len(block.header)] + [len(row) for row in block.rows] + [1])
        widths = (list(block.widths) if len(block.widths) == columns
                  else [1 / columns] * columns)
        total = sum(widths) or 1
        text_width = self.styles.reference.text_width
        grid = [int(text_width * width / total) for width in widths]
        style = self.styles.role("table")
        text_style = self.styles.role("table_text")
        self.out.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="5000" w:type="pct"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
            'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
            + "".join(f'<w:gridCol w:w="{width}"/>' for width in grid) + "</w:tblGrid>")
        rows = ([(block.header, True)] if block.header else []) + [(row, False) for row in block.rows]
        for row, is_header in rows:
            # Rows may split across pages: a long chronology row would otherwise leave a gap.
            self.out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if is_header else "<w:tr>")
            for column in range(columns):
                content = row[column] if column < len(row) else ()
                if is_header:
                    content = tuple(Text(item.text, True, item.italic, item.code)
                                    if isinstance(item, Text) else item for item in content)
                self.out.append(f'<w:tc><w:tcPr><w:tcW w:w="{grid[column]}" w:type="dxa"/></w:tcPr>')
                self.paragraph(text_style, self.inlines(content), in_table=True)
                self.out.append("</w:tc>")
            self.out.append("</w:tr>")
        self.out.append("</w:tbl>")
        self.last_body_close = None

    def table_of_contents(self, block: TableOfContents) -> None:
        """Where the contents go; written by `finish`, when every heading is known."""
        self.has_toc = True
        self.contents.append((len(self.out), block))
        self.out.append("")
        self.last_body_close = None

    def finish(self) -> str:
        """The body's XML, with the tables of contents in their places."""
        self.flush_page_break()
        for index, block in self.contents:
            mark = len(self.out)
            self.contents_field(block)
            self.out[index] = "".join(self.out[mark:])
            del self.out[mark:]
        # Case text cannot hold U+0000 (it is refused as it is read), so the sentinels are ours.
        return _SENTINEL.sub(self._reference_mark, "".join(self.out))

    def contents_field(self, block: TableOfContents) -> None:
        """A TOC field as Word writes it, in a Table of Contents content control, whose cached
        result lists each heading with its number; page numbers are left for Word to fill on
        opening (updateFields) unless a layout pass fills them (`fill_toc_pages`)."""
        self.out.append('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
                        "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>")
        self.paragraph(self.styles.role("toc_heading"), self.run(block.title))
        entries = [entry for entry in self.headings if entry.level <= block.depth]
        begin = complex_field(f'TOC \\o "1-{block.depth}" \\h \\z \\u').split(
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')[0]
        if not entries:
            self.paragraph(self.styles.role("toc_1"), begin + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        for index, entry in enumerate(entries):
            role = f"toc_{entry.level}" if self.styles.has_role(f"toc_{entry.level}") else "toc_2"
            label = (f"<w:r><w:t>{text(entry.label)}</w:t></w:r><w:r><w:tab/></w:r>"
                     if entry.label else "")
            tab = f'<w:tabs><w:tab w:val="left" w:pos="{340 * (entry.level - 1) + 850}"/></w:tabs>'
            # Until Word or a layout pass fills it, the page number is two figure spaces (each
            # as wide as a digit), so that filling it in never makes an entry wrap anew.
            page = complex_field(f"PAGEREF {entry.bookmark} \\h", "\u2007\u2007")
            link = (f'<w:hyperlink w:anchor="{entry.bookmark}" w:history="1">{label}'
                    f"{self.run(entry.text)}<w:r><w:tab/></w:r>{page}</w:hyperlink>")
            end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if index == len(entries) - 1 else ""
            self.paragraph(self.styles.role(role), (begin if index == 0 else "") + link + end,
                           properties=tab if entry.label else "")
        self.out.append("</w:sdtContent></w:sdt>")

    # ------------------------------------------------------------ inlines

    def run_properties(self, bold=False, italic=False, code=False, style="", highlight="") -> str:
        key = (bold, italic, code, style, highlight)
        found = self._run_properties.get(key)
        if found is None:
            pieces = []
            if style:
                pieces.append(f'<w:rStyle w:val="{style}"/>')
            if code:
                pieces.append('<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>')
            if bold:
                pieces.append("<w:b/>")
            if italic:
                pieces.append("<w:i/>")
            if highlight:
                pieces.append(f'<w:highlight w:val="{highlight}"/>')
            found = f"<w:rPr>{''.join(pieces)}</w:rPr>" if pieces else ""
            self._run_properties[key] = found
        return found

    def run(self, value: str, properties: str = "") -> str:
        if "\t" not in value:
            if not value:
                return f"<w:r>{properties}</w:r>"
            space = ' xml:space="preserve"' if value[0] == " " or value[-1] == " " else ""
            return f"<w:r>{properties}<w:t{space}>{text(value)}</w:t></w:r>"
        pieces = []
        for index, piece in enumerate(value.split("\t")):
            if index:
                pieces.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece[0] == " " or piece[-1] == " " else ""
                pieces.append(f"<w:t{space}>{text(piece)}</w:t>")
        return f"<w:r>{properties}{''.join(pieces)}</w:r>"

    def inlines(self, content: tuple[Inline, ...], in_note: bool = False, style: str = "") -> str:
        pieces = []
        for item in content:
            if type(item) is Text:  # most of a report: the fast path
                properties = self._run_properties.get((item.bold, item.italic, item.code, style, ""))
                if properties is None:
                    properties = self.run_properties(item.bold, item.italic, item.code, style)
                pieces.append(self.run(item.text, properties))
            else:
                pieces.append(self.inline(item, in_note, style))
        return "".join(pieces)

    def inline(self, item: Inline, in_note: bool, style: str) -> str:
        if isinstance(item, Text):
            return self.run(item.text, self.run_properties(item.bold, item.italic, item.code, style))
        if isinstance(item, Placeholder):
            return self.run(item.text, self.run_properties(True, False, False, style, "yellow"))
        if isinstance(item, LineBreak):
            return "<w:r><w:br/></w:r>"
        if isinstance(item, Link):
            return self.hyperlink(item, in_note)
        if isinstance(item, NoteReference):
            return self.note_reference(item.note)
        if isinstance(item, NoteNumber):
            self.notes_cited_again.add(item.number)
            return complex_field(f"NOTEREF _RefNote{item.number} \\h", str(item.number))
        return ""

    def hyperlink(self, link: Link, in_note: bool) -> str:
        if not linkable(link.url):
            return self.inlines(link.content, in_note)
        relationships = self.note_relationships if in_note else self.relationships
        identifier = relationships.hyperlink(link.url)
        inner = self.inlines(link.content, in_note, self.styles.role("hyperlink"))
        return f'<w:hyperlink r:id="{identifier}" w:history="1">{inner}</w:hyperlink>'

    def note_reference(self, note: Footnote) -> str:
        """The reference mark, left as a sentinel: whether a later note refers back to it (and
        so whether it needs a bookmark) is known only once the later notes are written."""
        style = self.styles.role("footnote_reference")
        self.footnote(note, style)
        return f"\x00{note.number}\x00"

    def _reference_mark(self, match: re.Match) -> str:
        number = int(match.group(1))
        run = (f'<w:r><w:rPr><w:rStyle w:val="{self.styles.role("footnote_reference")}"/>'
               f'</w:rPr><w:footnoteReference w:id="{number}"/></w:r>')
        if number not in self.notes_cited_again:
            return run
        identifier = self.new_bookmark_id()
        return (f'<w:bookmarkStart w:id="{identifier}" w:name="_RefNote{number}"/>{run}'
                f'<w:bookmarkEnd w:id="{identifier}"/>')

    def footnote(self, note: Footnote, reference_style: str) -> None:
        # A note's marker is a point bookmark where its text starts, to read an edited copy back.
        marker = self.point_bookmark(note.marker) if note.marker else ""
        self.notes.append(
            f'<w:footnote w:id="{note.number}"><w:p><w:pPr><w:pStyle '
            f'w:val="{self.styles.role("footnote_text")}"/></w:pPr><w:r><w:rPr><w:rStyle '
            f'w:val="{reference_style}"/></w:rPr><w:footnoteRef/></w:r>{marker}'
            f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{self.inlines(note.content, in_note=True)}'
            "</w:p></w:footnote>")
