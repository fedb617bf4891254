"""Read a report back, as Word or LibreOffice saved it: its body as document-model blocks, one unit
per paragraph or table, with the region and note markers (hidden bookmarks) each one holds."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportkit.document import (BlockQuote, Footnote, Heading, Inline, LineBreak, Link, ListBlock,
                                NoteReference, Paragraph, Placeholder, Table, Text)
from reportkit.errors import ReportkitError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REGION_PREFIX, NOTE_PREFIX, END_SUFFIX = "_RkR", "_RkN", "_end"
# Revisions Word and LibreOffice record while changes are tracked.
_REVISIONS = ("ins", "del", "moveFrom", "moveTo", "pPrChange", "rPrChange", "sectPrChange",
              "tblPrChange", "trPrChange", "tcPrChange", "numberingChange")
_HEADING_STYLE = re.compile(r"^heading\s?(\d)$", re.I)
_PLACEHOLDER = "[EXPERT TO COMPLETE"
# Elements that hold runs (Word wraps runs in these for smart tags, content controls and the
# like). fldSimple is not among them: its runs are a field's cached result, not text.
_CONTAINERS = {f"{{{W}}}{name}" for name in ("smartTag", "customXml", "sdt", "sdtContent", "ins",
                                             "moveTo", "dir", "bdo")}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Unit:
    """A paragraph or table of the body, as a block, with the markers inside it."""

    block: object
    starts: list[str] = field(default_factory=list)   # region markers that start here
    ends: list[str] = field(default_factory=list)     # region markers whose "_end" is here
    number: int = 0                                   # 1-based place among the body's units

    def preview(self) -> str:
        from reportkit.fingerprint import unit_text

        text = unit_text(self.block)
        return (text[:60] + "…") if len(text) > 60 else text


@dataclass
class ReportXml:
    path: Path
    body: etree._Element
    footnotes: etree._Element | None
    links: dict[str, str]            # relationship id -> URL
    comments: int                    # how many comments the document holds


def read_report_xml(path: Path) -> ReportXml:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise ReportkitError("not a Word document (a zip without word/document.xml)",
                                     path=path)
            document = etree.fromstring(archive.read("word/document.xml"), _PARSER)
            footnotes = (etree.fromstring(archive.read("word/footnotes.xml"), _PARSER)
                         if "word/footnotes.xml" in names else None)
            rels = (etree.fromstring(archive.read("word/_rels/document.xml.rels"), _PARSER)
                    if "word/_rels/document.xml.rels" in names else None)
            comments = (len(etree.fromstring(archive.read("word/comments.xml"), _PARSER)
                            .findall(w("comment"))) if "word/comments.xml" in names else 0)
    except (zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise ReportkitError(f"not a readable Word document ({error})", path=path) from None
    except OSError as error:
        raise ReportkitError(f"cannot read the file: {error.strerror or error}", path=path) from None
    links = {}
    if rels is not None:
        for relationship in rels.iter(f"{{{_REL}}}Relationship"):
            if relationship.get("TargetMode") == "External":
                links[relationship.get("Id")] = relationship.get("Target")
    body = document.find(w("body"))
    if body is None:
        raise ReportkitError("the document has no body", path=path)
    return ReportXml(path, body, footnotes, links, comments)


# ---------------------------------------------------------------- tracked changes


def pending_changes(report: ReportXml) -> list[etree._Element]:
    """Every revision still waiting to be accepted or rejected, in the body and the notes."""
    roots = [report.body] + ([report.footnotes] if report.footnotes is not None else [])
    tags = {w(name) for name in _REVISIONS}
    return [node for root in roots for node in root.iter() if node.tag in tags]


def accept_changes(report: ReportXml) -> None:
    """Accept every revision, as Word's "Accept All Changes" does."""
    for node in pending_changes(report):
        if node.getparent() is None:
            continue
        name = etree.QName(node).localname
        parent = node.getparent()
        if name in ("del", "moveFrom") and parent.tag == w("rPr"):
            # The paragraph mark itself was deleted: the paragraph joins the next one.
            paragraph = parent.getparent().getparent()
            parent.remove(node)
            following = paragraph.getnext()
            if paragraph.tag == w("p") and following is not None and following.tag == w("p"):
                properties = following.find(w("pPr"))
                index = following.index(properties) + 1 if properties is not None else 0
                for child in [c for c in paragraph if c.tag != w("pPr")]:
                    following.insert(index, child)
                    index += 1
                paragraph.getparent().remove(paragraph)
        elif name in ("del", "moveFrom"):
            parent.remove(node)
        elif name in ("ins", "moveTo") and parent.tag == w("rPr"):
            parent.remove(node)
        elif name in ("ins", "moveTo"):
            index = parent.index(node)
            for child in list(node):
                parent.insert(index, child)
                index += 1
            parent.remove(node)
        else:  # a formatting or numbering change: keep the new formatting
            parent.remove(node)


# ---------------------------------------------------------------- the body


def read_units(report: ReportXml) -> list[Unit]:
    notes = _footnotes(report)
    reader = _Reader(report.links, notes)
    found: list[Unit] = []
    pending: list[str] = []  # markers found between paragraphs belong to the next one

    def visit(parent) -> None:
        for child in parent:
            if child.tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None and not _is_contents(child):
                    visit(content)
            elif child.tag in (w("p"), w("tbl")):
                unit = Unit(reader.paragraph(child) if child.tag == w("p") else reader.table(child))
                _markers(child, unit, pending)
                pending.clear()
                unit.number = len(found) + 1
                found.append(unit)
            elif child.tag == w("bookmarkStart"):
                pending.append(child.get(w("name")) or "")

    visit(report.body)
    return found


def _is_contents(sdt) -> bool:
    """The table of contents: generated from the headings (Word regenerates it), never text
    the author wrote."""
    gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
    return gallery is not None and gallery.get(w("val")) == "Table of Contents"


def _markers(element, unit: Unit, pending: list[str]) -> None:
    for name in pending + [node.get(w("name")) or "" for node in element.iter(w("bookmarkStart"))]:
        if not name.startswith(REGION_PREFIX):
            continue
        if name.endswith(END_SUFFIX):
            unit.ends.append(name[:-len(END_SUFFIX)])
        elif name not in unit.starts:
            unit.starts.append(name)


def _footnotes(report: ReportXml) -> dict[str, tuple[str, tuple[Inline, ...]]]:
    """Each footnote's id -> (its marker, if it kept one; its content)."""
    found = {}
    if report.footnotes is None:
        return found
    reader = _Reader(report.links, {})
    for note in report.footnotes.iter(w("footnote")):
        if note.get(w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        marker = next((node.get(w("name")) for node in note.iter(w("bookmarkStart"))
                       if (node.get(w("name")) or "").startswith(NOTE_PREFIX)), "")
        content: list[Inline] = []
        for index, paragraph in enumerate(note.findall(w("p"))):
            if index:
                content.append(LineBreak())
            content.extend(reader.inlines(paragraph))
        found[note.get(w("id"))] = (marker, tuple(_strip_leading_space(content)))
    return found


def _strip_leading_space(content: list[Inline]) -> list[Inline]:
    while content and isinstance(content[0], Text) and not content[0].text.strip():
        content = content[1:]
    if content and isinstance(content[0], Text):
        content = [Text(content[0].text.lstrip(), content[0].bold, content[0].italic)] + content[1:]
    return content


def _on(properties, tag: str) -> bool:
    node = properties.find(w(tag)) if properties is not None else None
    return node is not None and (node.get(w("val")) or "true").lower() not in ("0", "false", "off")


class _Reader:
    def __init__(self, links: dict[str, str], notes: dict):
        self.links = links
        self.notes = notes

    def paragraph(self, element):
        properties = element.find(w("pPr"))
        style = ""
        level = None
        if properties is not None:
            style_node = properties.find(w("pStyle"))
            style = style_node.get(w("val")) if style_node is not None else ""
            number = properties.find(w("numPr"))
            if number is not None:
                level_node = number.find(w("ilvl"))
                level = int(level_node.get(w("val")) or 0) if level_node is not None else 0
        content = tuple(self.inlines(element))
        heading = _HEADING_STYLE.match(style or "")
        if heading:
            return Heading(int(heading.group(1)), content)
        lowered = (style or "").lower()
        if "list" in lowered:
            block = Paragraph(content)
            for _ in range((level or 0) + 1):
                block = ListBlock("number" in lowered, ((block,),))
            return block
        if "quote" in lowered:
            return BlockQuote((Paragraph(content),))
        return Paragraph(content, style or None)

    def table(self, element) -> Table:
        rows = []
        for row in element.iter(w("tr")):
            cells = []
            for cell in row.findall(w("tc")):
                content: list[Inline] = []
                for index, paragraph in enumerate(cell.iter(w("p"))):
                    if index:
                        content.append(LineBreak())
                    content.extend(self.inlines(paragraph))
                cells.append(tuple(content))
            rows.append(tuple(cells))
        return Table((), tuple(rows))

    def inlines(self, paragraph) -> list[Inline]:
        result: list[Inline] = []
        self._runs(paragraph, result, [0])
        return result

    def _runs(self, parent, result: list[Inline], field_depth: list[int]) -> None:
        """`field_depth[0]` > 0 while inside a field's instruction or result (not text)."""
        for child in parent:
            tag = child.tag
            if tag == w("r"):
                self._run(child, result, field_depth)
            elif tag == w("hyperlink"):
                content: list[Inline] = []
                self._runs(child, content, field_depth)
                url = self.links.get(child.get(f"{{{R}}}id") or "")
                if url:
                    result.append(Link(url, tuple(content)))
                else:  # a link inside the document (a contents entry): its text
                    result.extend(content)
            elif tag in _CONTAINERS:
                self._runs(child, result, field_depth)
            # fldSimple (a field's cached result), deleted text, proofErr, bookmarks: not text.

    def _run(self, run, result: list[Inline], field_depth: list[int]) -> None:
        properties = run.find(w("rPr"))
        bold, italic = _on(properties, "b"), _on(properties, "i")
        highlighted = properties is not None and properties.find(w("highlight")) is not None
        for child in run:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    field_depth[0] += 1
                elif kind == "end":
                    field_depth[0] = max(0, field_depth[0] - 1)
            elif field_depth[0]:
                continue
            elif tag == w("t"):
                text = child.text or ""
                if highlighted and text.startswith(_PLACEHOLDER):
                    result.append(Placeholder(text))
                elif result and isinstance(result[-1], Placeholder) and highlighted:
                    result[-1] = Placeholder(result[-1].text + text)
                elif text:
                    result.append(Text(text, bold, italic))
            elif tag == w("tab"):
                result.append(Text("\t", bold, italic))
            elif tag in (w("br"), w("cr")) and child.get(w("type")) in (None, "textWrapping"):
                result.append(LineBreak())
            elif tag == w("noBreakHyphen"):
                result.append(Text("\u2011", bold, italic))
            elif tag == w("footnoteReference"):
                marker, content = self.notes.get(child.get(w("id")), ("", ()))
                number = int(child.get(w("id")) or 0)
                result.append(NoteReference(Footnote(number, content, "", marker)))
