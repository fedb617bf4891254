"""Write the document model into a copy of reference.docx: its styles and page layout, our content."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError

from reportkit.document import (Block, BlockQuote, Document, Footnote, Heading, Inline, LineBreak,
                                Link, ListBlock, NoteNumber, NoteReference, PageBreak, Paragraph,
                                Placeholder, Region, SourcesList, Table, TableOfContents, Text)
from reportkit.docx.footnotes import new_footnotes_part
from reportkit.docx.oxml import (bookmark, break_run, element, field_runs, set_numbering, text_run)
from reportkit.docx.package import add_custom_xml, reproducible_bytes, set_properties
from reportkit.docx.styles import StyleMap
from reportkit.errors import ReportkitError
from reportkit.walk import body_blocks, plain_text, query

_DOCPROPERTY = re.compile(r'DOCPROPERTY\s+"?([\w.-]+)"?')


def open_reference(reference: Path):
    try:
        return docx.Document(str(reference))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError,
            OSError) as error:
        raise ReportkitError(
            f"cannot read reference.docx: {error or type(error).__name__}", path=reference,
            hint="save the styles document again from Word or LibreOffice as .docx") from None


def write_docx(document: Document, reference: Path, roles: dict[str, str],
               record: bytes | None = None) -> bytes:
    """The single entry point: a document model in, the bytes of a .docx out.

    `record`, an XML document, travels inside the file as a custom XML part (provenance)."""
    output = open_reference(reference)
    styles = StyleMap(output, roles, reference)
    # Phase 1: keep only the reference's final section properties (page size, margins, headers).
    body = output.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # Phase 2: the blocks, with footnotes collected into their own part.
    writer = _BodyWriter(output, styles, new_footnotes_part(output), document)
    for block in document.blocks:
        writer.block(block)
    # Phase 3: header and footer fields show the case's properties; properties; settings.
    properties = dict(document.metadata.properties)
    _fill_property_fields(output, properties)
    set_properties(output, document.metadata)
    if writer.has_toc:
        _ask_to_update_fields(output)
    if record is not None:
        add_custom_xml(output, record)
    return reproducible_bytes(output)


def _fill_property_fields(output, properties: dict[str, str]) -> None:
    for part in output.part.package.iter_parts():
        if part.content_type not in (CT.WML_HEADER, CT.WML_FOOTER):
            continue
        for field in part.element.iter(qn("w:fldSimple")):
            match = _DOCPROPERTY.search(field.get(qn("w:instr")) or "")
            if match and match.group(1) in properties:
                texts = list(field.iter(qn("w:t")))
                if texts:
                    texts[0].text = properties[match.group(1)]
                    for extra in texts[1:]:
                        extra.text = ""


def _ask_to_update_fields(output) -> None:
    settings = output.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = element("w:updateFields", {"w:val": "true"})
        anchor = settings.find(qn("w:zoom"))
        (anchor.addnext(update) if anchor is not None else settings.insert(0, update))


class _BodyWriter:
    def __init__(self, output, styles: StyleMap, footnotes_part, document: Document):
        self.output = output
        self.styles = styles
        self.footnotes_part = footnotes_part
        self.bookmark_id = 0
        self.has_toc = False
        self.last_paragraph = None
        self.referenced_notes = _notes_cited_again(document)
        self.headings = _heading_anchors(document.blocks)
        self.heading_index = 0

    # ------------------------------------------------------------ blocks

    def paragraph(self, style_id: str):
        # Built here and put before the final section properties: add_paragraph() looks for
        # them among all the paragraphs so far, each time.
        paragraph = element("w:p", None, element("w:pPr", None,
                                                 element("w:pStyle", {"w:val": style_id})))
        body = self.output.element.body
        section = body[-1] if len(body) and body[-1].tag == qn("w:sectPr") else None
        (section.addprevious(paragraph) if section is not None else body.append(paragraph))
        self.last_paragraph = paragraph
        return paragraph

    def block(self, block: Block, list_level: int = 0) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph):
            style = (self.styles.style_id(block.style) if block.style
                     else self.styles.role("paragraph"))
            self.inlines(self.paragraph(style), block.content, self.output.part)
        elif isinstance(block, ListBlock):
            self.list_block(block, list_level)
        elif isinstance(block, BlockQuote):
            for inner in block.blocks:
                if isinstance(inner, Paragraph):
                    self.inlines(self.paragraph(self.styles.role("quote")), inner.content,
                                 self.output.part)
                else:
                    self.block(inner)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, PageBreak):
            target = self.last_paragraph
            if target is None:
                target = self.paragraph(self.styles.role("body"))
            target.append(break_run("page"))
        elif isinstance(block, TableOfContents):
            self.table_of_contents(block)
        elif isinstance(block, SourcesList):
            for entry in block.entries:
                self.inlines(self.paragraph(self.styles.role("body")), entry, self.output.part)
        elif isinstance(block, Region):
            self.region(block)

    def region(self, block: Region) -> None:
        """A region's blocks, with a point bookmark `marker` at the start of its first paragraph
        and `marker_end` at the end of its last. Point bookmarks, not one bookmark around the
        region: LibreOffice loses a bookmark that spans paragraphs when it saves a .docx."""
        def content() -> list:
            return [child for child in self.output.element.body if child.tag != qn("w:sectPr")]

        before = len(content())
        for inner in block.blocks:
            self.block(inner)
        if not block.marker:
            return
        added = content()[before:]
        paragraphs = [p for child in added for p in child.iter(qn("w:p"))]
        if not paragraphs:
            return
        first, last = paragraphs[0], paragraphs[-1]
        start = self.new_bookmark(block.marker)
        properties = first.find(qn("w:pPr"))
        index = 1 if properties is not None else 0
        first.insert(index, start[1])
        first.insert(index, start[0])
        last.extend(self.new_bookmark(f"{block.marker}_end"))

    def heading(self, block: Heading) -> None:
        level = min(max(block.level, 1), 3)
        paragraph = self.paragraph(self.styles.role(f"heading_{level}"))
        if not block.numbered:
            set_numbering(paragraph, 0)
        if self.heading_index < len(self.headings):
            name = self.headings[self.heading_index][2]
        else:  # a heading nested in a list or quote: linked, though not listed in the contents
            name = f"_TocNested{self.heading_index:05d}"
        self.heading_index += 1
        start, end = self.new_bookmark(name)
        paragraph.append(start)
        self.inlines(paragraph, block.content, self.output.part)
        paragraph.append(end)

    def list_block(self, block: ListBlock, level: int) -> None:
        style_id = self.styles.role("list_number" if block.ordered else "list_bullet")
        num_id = self.list_numbering(style_id, block) if block.ordered else None
        for item in block.items:
            first = True
            for inner in item:
                if isinstance(inner, Paragraph) and first:
                    paragraph = self.paragraph(style_id)
                    if num_id is not None or level:
                        set_numbering(paragraph, num_id or self.style_num_id(style_id) or 0, level)
                    self.inlines(paragraph, inner.content, self.output.part)
                    first = False
                elif isinstance(inner, ListBlock):
                    self.list_block(inner, level + 1)
                elif isinstance(inner, Paragraph):
                    self.inlines(self.paragraph(self.styles.role("body")), inner.content,
                                 self.output.part)
                else:
                    self.block(inner, level + 1)

    def style_num_id(self, style_id: str) -> int | None:
        style = self.output.styles.element.get_by_id(style_id)
        properties = style.pPr if style is not None else None
        if properties is None or properties.numPr is None or properties.numPr.numId is None:
            return None
        return properties.numPr.numId.val

    def list_numbering(self, style_id: str, block: ListBlock) -> int | None:
        """A fresh numbering instance, so each ordered list starts again at its own start."""
        style_num = self.style_num_id(style_id)
        if style_num is None:
            return None
        numbering = self.output.part.numbering_part.element
        abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(0).add_startOverride(block.start)
        return num.numId

    def table(self, block: Table) -> None:
        columns = max([len(block.header)] + [len(row) for row in block.rows] + [1])
        rows = ([block.header] if block.header else []) + list(block.rows)
        table = self.output.add_table(rows=len(rows), cols=columns)
        self.styles.role("table", WD_STYLE_TYPE.TABLE)
        table.style = self.output.styles[self.styles.name("table")]
        text_style = self.styles.role("table_text")
        # The row and cell elements directly: table.cell() walks the whole table on each call.
        row_elements = table._tbl.tr_lst
        for row_index, row in enumerate(rows):
            is_header = bool(block.header) and row_index == 0
            # A row stays on one page, so a footnote in it can sit on the same page.
            properties = row_elements[row_index].get_or_add_trPr()
            properties.append(element("w:cantSplit"))
            if is_header:
                properties.append(element("w:tblHeader"))
            cells = row_elements[row_index].tc_lst
            for column, cell_content in enumerate(row):
                paragraph = cells[column].p_lst[0]
                paragraph.get_or_add_pPr().get_or_add_pStyle().val = text_style
                content = tuple(Text(item.text, True, item.italic, item.code)
                                if is_header and isinstance(item, Text) else item
                                for item in cell_content)
                self.inlines(paragraph, content, self.output.part)
        self.last_paragraph = None

    def table_of_contents(self, block: TableOfContents) -> None:
        """One linked entry per heading, its page number a live PAGEREF field.

        Word and LibreOffice both compute PAGEREF fields when they lay the document out, so the
        numbers are right in either without a refresh step (LibreOffice keeps a TOC field's
        stale cached text instead). Word refreshes the fields on open (updateFields).
        """
        self.has_toc = True
        title = self.paragraph(self.styles.role("toc_heading"))
        title.append(text_run(block.title))
        for level, text, name in self.headings:
            if level > block.depth:
                continue
            paragraph = self.paragraph(self.styles.role(f"toc_{min(level, 2)}"))
            link = element("w:hyperlink", {"w:anchor": name, "w:history": "1"})
            link.append(text_run(text))
            link.append(text_run("\t"))
            for run in field_runs(f"PAGEREF {name} \\h", "?"):
                link.append(run)
            paragraph.append(link)

    # ------------------------------------------------------------ inlines

    def new_bookmark(self, name: str):
        self.bookmark_id += 1
        return bookmark(self.bookmark_id, name)

    def inlines(self, paragraph, content: tuple[Inline, ...], part) -> None:
        for item in content:
            for run in self.runs(item, part):
                paragraph.append(run)

    def runs(self, item: Inline, part, style_id: str | None = None) -> list:
        if isinstance(item, Text):
            return [text_run(item.text, bold=item.bold, italic=item.italic, code=item.code,
                             style_id=style_id)]
        if isinstance(item, LineBreak):
            return [break_run()]
        if isinstance(item, Placeholder):
            return [text_run(item.text, bold=True, highlight="yellow", style_id=style_id)]
        if isinstance(item, Link):
            return [self.hyperlink(item, part)]
        if isinstance(item, NoteReference):
            return self.note_reference(item.note)
        if isinstance(item, NoteNumber):
            return field_runs(f"NOTEREF _RefNote{item.number} \\h", str(item.number))
        return []

    def hyperlink(self, link: Link, part):
        if link.url.startswith("#"):
            node = element("w:hyperlink", {"w:anchor": link.url[1:], "w:history": "1"})
        else:
            relationship = part.relate_to(link.url, RT.HYPERLINK, is_external=True)
            node = element("w:hyperlink", {"r:id": relationship, "w:history": "1"})
        style_id = self.styles.role("hyperlink", WD_STYLE_TYPE.CHARACTER)
        for inner in link.content:
            for run in self.runs(inner, part, style_id):
                node.append(run)
        return node

    def note_reference(self, note: Footnote) -> list:
        reference_style = self.styles.role("footnote_reference", WD_STYLE_TYPE.CHARACTER)
        run = element("w:r", None, element("w:rPr", None, element("w:rStyle", {"w:val": reference_style})),
                      element("w:footnoteReference", {"w:id": note.number}))
        self.write_footnote(note, reference_style)
        if note.number in self.referenced_notes:
            start, end = self.new_bookmark(f"_RefNote{note.number}")
            return [start, run, end]
        return [run]

    def write_footnote(self, note: Footnote, reference_style: str) -> None:
        paragraph = element("w:p", None, element("w:pPr", None, element(
            "w:pStyle", {"w:val": self.styles.role("footnote_text")})))
        paragraph.append(element("w:r", None, element("w:rPr", None, element(
            "w:rStyle", {"w:val": reference_style})), element("w:footnoteRef")))
        if note.marker:  # where the note's text starts, to read an edited copy back
            paragraph.extend(self.new_bookmark(note.marker))
        paragraph.append(text_run(" "))
        self.inlines(paragraph, note.content, self.footnotes_part)
        self.footnotes_part.element.append(
            element("w:footnote", {"w:id": note.number}, paragraph))


def _heading_anchors(blocks) -> list[tuple[int, str, str]]:
    """(level, text, bookmark name) for every heading of the body (a region's too), in order:
    the TOC comes before them."""
    found = []
    for block in body_blocks(blocks):
        if isinstance(block, Heading):
            found.append((block.level, plain_text(block), f"_Toc{len(found) + 1:05d}"))
    return found


def _notes_cited_again(document: Document) -> set[int]:
    return {number.number for number in query(document.footnotes, NoteNumber)}
