"""Edits made the way Word saves them: runs split mid-word, rsid attributes on paragraphs and
runs, proofing marks around words, paragraphs inserted and deleted. Used on a built report
through python-docx's element tree, as a person's edits in Word would leave the XML."""

from __future__ import annotations

import copy
import itertools

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

_RSID = itertools.count(0x00A1B2C3)


def _rsid() -> str:
    return f"{next(_RSID):08X}"


def bookmark_names(paragraph) -> list[str]:
    return [node.get(qn("w:name")) for node in paragraph._p.iter(qn("w:bookmarkStart"))]


def find(document, text: str, style: str = ""):
    """The first body paragraph whose text starts with `text` (and whose style name starts
    with `style`)."""
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(text) and paragraph.style.name.startswith(style):
            return paragraph
    raise AssertionError(f"no paragraph starts with {text!r}")


def word_runs(text: str, bold_words: tuple[str, ...] = ()) -> list:
    """Runs as Word leaves them after typing: split in the middle of words, each with an
    rsid, a proofing mark around one word."""
    runs = []
    pieces = [text[index:index + 7] for index in range(0, len(text), 7)]
    rsid = _rsid()
    for number, piece in enumerate(pieces):
        if number == 1:
            runs.append(OxmlElement("w:proofErr", {qn("w:type"): "spellStart"}))
        run = OxmlElement("w:r", {qn("w:rsidR"): rsid, qn("w:rsidRPr"): rsid})
        if any(word in piece for word in bold_words):
            properties = OxmlElement("w:rPr")
            properties.append(OxmlElement("w:b"))
            run.append(properties)
        node = OxmlElement("w:t")
        node.text = piece
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(node)
        runs.append(run)
        if number == 1:
            runs.append(OxmlElement("w:proofErr", {qn("w:type"): "spellEnd"}))
    return runs


def retype(paragraph, text: str, bold_words: tuple[str, ...] = ()) -> None:
    """Replace a paragraph's words, keeping its properties, bookmarks and footnote marks."""
    element = paragraph._p
    element.set(qn("w:rsidR"), _rsid())
    element.set(qn("w:rsidRDefault"), _rsid())
    keep = (qn("w:pPr"), qn("w:bookmarkStart"), qn("w:bookmarkEnd"))
    notes = [run for run in element.findall(qn("w:r"))
             if run.find(qn("w:footnoteReference")) is not None]
    for child in list(element):
        if child.tag not in keep:
            element.remove(child)
    # New words go after the start markers and before the end markers.
    ends = [child for child in element if child.tag == qn("w:bookmarkEnd")
            and child.getprevious() is not None
            and child.getprevious().get(qn("w:name"), "").endswith("_end")]
    anchor = ends[0].getprevious() if ends else None
    for run in word_runs(text, bold_words) + notes:
        (anchor.addprevious(run) if anchor is not None else element.append(run))


def append_text(paragraph, text: str) -> None:
    """Type at the end of a paragraph's last sentence (before any end marker)."""
    runs = word_runs(text)
    element = paragraph._p
    last_run = element.findall(qn("w:r"))[-1]
    for run in reversed(runs):
        last_run.addnext(run)


def insert_after(paragraph, text: str, style: str | None = None):
    """A new paragraph after `paragraph`, as pressing Enter at its end and typing makes one:
    Word copies the paragraph properties, not the bookmarks."""
    element = OxmlElement("w:p", {qn("w:rsidR"): _rsid(), qn("w:rsidRDefault"): _rsid()})
    properties = paragraph._p.find(qn("w:pPr"))
    if properties is not None:
        element.append(copy.deepcopy(properties))
    if style is not None:
        element.get_or_add_pPr().get_or_add_pStyle().val = style
    for run in word_runs(text):
        element.append(run)
    paragraph._p.addnext(element)
    return element


def delete(paragraph) -> None:
    """Delete a whole paragraph, bookmarks and all, as selecting it and pressing Delete does."""
    paragraph._p.getparent().remove(paragraph._p)


def typed_footnote(document, paragraph, text: str) -> None:
    """Insert > Footnote at the end of `paragraph`, and type its text."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = next(rel.target_part for rel in document.part.rels.values()
                if rel.reltype == RT.FOOTNOTES)
    root = etree.fromstring(part.blob)
    number = max(int(note.get(qn("w:id"))) for note in root.findall(qn("w:footnote"))) + 1
    note = OxmlElement("w:footnote", {qn("w:id"): str(number)})
    note_paragraph = OxmlElement("w:p")
    note_paragraph.append(_note_mark("w:footnoteRef"))
    for run in word_runs(" " + text):
        note_paragraph.append(run)
    note.append(note_paragraph)
    root.append(note)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    mark = _note_mark("w:footnoteReference", number)
    paragraph._p.findall(qn("w:r"))[-1].addnext(mark)


def _note_mark(tag: str, number: int | None = None):
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    properties.append(OxmlElement("w:rStyle", {qn("w:val"): "FootnoteReference"}))
    run.append(properties)
    run.append(OxmlElement(tag, {qn("w:id"): str(number)} if number is not None else None))
    return run


def tracked_insertion(paragraph, text: str, author: str = "A. Reviewer") -> None:
    """Text typed while Track Changes is on: a w:ins around a new run."""
    insertion = OxmlElement("w:ins", {qn("w:id"): "901", qn("w:author"): author,
                                      qn("w:date"): "2026-11-25T10:00:00Z"})
    for run in word_runs(text):
        insertion.append(run)
    paragraph._p.findall(qn("w:r"))[-1].addnext(insertion)


def comment(document, paragraph, text: str) -> None:
    """A comment on a paragraph, as Review > New Comment makes."""
    document.add_comment(paragraph.runs, text=text, author="A. Reviewer")


def open_docx(path):
    return docx.Document(str(path))
