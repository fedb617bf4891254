"""The table of contents after a layout pass: its entries, the page each heading fell on in a
rendering, and the TOC field's cached page numbers filled in from those pages."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Mapping

from lxml import etree

from reportkit.docx.package import zip_package
from reportkit.docx.xml import W, parse, serialise

_PAGEREF = re.compile(r"PAGEREF\s+(\S+)")


@dataclass(frozen=True)
class TocEntry:
    bookmark: str
    label: str      # the heading's number ("F.1"), "" when unnumbered
    text: str


def toc_entries(docx: bytes) -> list[TocEntry]:
    """The entries of the table of contents, in order, as the document lists them."""
    root = _document(docx)
    entries = []
    for link in root.iter(f"{W}hyperlink"):
        anchor = link.get(f"{W}anchor") or ""
        if not anchor.startswith("_Toc"):
            continue
        pieces, label = [], ""
        for node in link.iter(f"{W}t", f"{W}tab", f"{W}instrText"):
            if node.tag == f"{W}instrText":
                break
            pieces.append("\t" if node.tag == f"{W}tab" else node.text or "")
        fields = "".join(pieces).strip("\t").split("\t")
        if len(fields) > 1:
            label, title = fields[0], "\t".join(fields[1:])
        else:
            title = fields[0]
        entries.append(TocEntry(anchor, label, title.strip()))
    return entries


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def heading_pages(docx: bytes, page_texts: list[str]) -> dict[str, int]:
    """The page (from 1) each contents entry's heading is on, from the text of each page of a
    rendering (pdftotext of LibreOffice's PDF): the first line after the previous heading that
    starts with the heading's number and title and is not itself a contents line."""
    pages: dict[str, int] = {}
    entries = toc_entries(docx)
    page, line_index = 0, 0
    lines_by_page = [[_collapse(line) for line in text.splitlines()] for text in page_texts]
    for entry in entries:
        prefix = _collapse(f"{entry.label} {entry.text}")[:40]
        found = False
        for page_number in range(page, len(lines_by_page)):
            lines = lines_by_page[page_number]
            start = line_index if page_number == page else 0
            for index in range(start, len(lines)):
                line = lines[index]
                if line.startswith(prefix) and "...." not in line:
                    page, line_index, found = page_number, index + 1, True
                    break
            if found:
                break
        if found:
            pages[entry.bookmark] = page + 1
    return pages


def fill_toc_pages(docx: bytes, pages: Mapping[str, int]) -> bytes:
    """The same DOCX with the contents' cached page numbers set from `pages` (bookmark name ->
    page), so that a reader that does not update fields (LibreOffice) shows them; Word still
    updates them on opening."""
    archive = zipfile.ZipFile(io.BytesIO(docx))
    root = _document(docx)
    for link in root.iter(f"{W}hyperlink"):
        runs = list(link.iter(f"{W}r"))
        for index, run in enumerate(runs):
            instruction = run.find(f"{W}instrText")
            match = _PAGEREF.search(instruction.text or "") if instruction is not None else None
            if not match or match.group(1) not in pages:
                continue
            separate = next(later for later in runs[index + 1:]
                            if _field_char(later) == "separate")
            end = next(later for later in runs[runs.index(separate) + 1:]
                       if _field_char(later) == "end")
            for old in runs[runs.index(separate) + 1:runs.index(end)]:
                old.getparent().remove(old)
            result = etree.SubElement(link, f"{W}r")
            etree.SubElement(result, f"{W}t").text = str(pages[match.group(1)])
            end.addprevious(result)
    members = []
    for info in archive.infolist():
        blob = serialise(root) if info.filename == "word/document.xml" else archive.read(info)
        members.append((info.filename, blob, False))
    return zip_package(members)


def _field_char(run) -> str | None:
    node = run.find(f"{W}fldChar")
    return node.get(f"{W}fldCharType") if node is not None else None


def _document(docx: bytes):
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return parse(archive.read("word/document.xml"))
