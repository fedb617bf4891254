"""Small OOXML builders (runs, fields, bookmarks, hyperlinks) on python-docx's element API."""

from __future__ import annotations

from functools import lru_cache

from docx.oxml import OxmlElement
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser


@lru_cache(maxsize=None)
def _clark(tag: str) -> tuple[str, dict[str, str]]:
    """'w:p' as lxml names it, with its namespace: worked out once per tag, not per element."""
    prefixed = NamespacePrefixedTag(tag)
    return prefixed.clark_name, prefixed.nsmap


_attribute = lru_cache(maxsize=None)(qn)


def element(tag: str, attributes: dict[str, str] | None = None, *children) -> OxmlElement:
    # What OxmlElement(tag) does, through the same parser (so python-docx's element classes
    # still apply), without parsing the tag name again for each of thousands of runs.
    name, namespaces = _clark(tag)
    node = oxml_parser.makeelement(name, nsmap=namespaces)
    for key, value in (attributes or {}).items():
        node.set(_attribute(key), str(value))
    for child in children:
        node.append(child)
    return node


def text_run(text: str, *, bold: bool = False, italic: bool = False, code: bool = False,
             style_id: str | None = None, highlight: str | None = None) -> OxmlElement:
    run = element("w:r")
    if bold or italic or code or style_id or highlight:
        run.append(run_properties(bold=bold, italic=italic, code=code, style_id=style_id,
                                  highlight=highlight))
    pieces = text.split("\t")
    for index, piece in enumerate(pieces):
        if index:
            run.append(element("w:tab"))
        if piece:
            node = element("w:t")
            node.text = piece
            if piece != piece.strip():
                node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(node)
    return run


def run_properties(*, bold=False, italic=False, code=False, style_id=None, highlight=None,
                   vertical_align=None) -> OxmlElement:
    properties = element("w:rPr")
    if style_id:
        properties.append(element("w:rStyle", {"w:val": style_id}))
    if code:
        properties.append(element("w:rFonts", {"w:ascii": "Courier New", "w:hAnsi": "Courier New",
                                               "w:cs": "Courier New"}))
    if bold:
        properties.append(element("w:b"))
    if italic:
        properties.append(element("w:i"))
    if highlight:
        properties.append(element("w:highlight", {"w:val": highlight}))
    if vertical_align:
        properties.append(element("w:vertAlign", {"w:val": vertical_align}))
    return properties


def break_run(kind: str | None = None) -> OxmlElement:
    return element("w:r", None, element("w:br", {"w:type": kind} if kind else None))


def field_runs(instruction: str, result: str) -> list[OxmlElement]:
    """A complex field: begin, instruction, separate, the cached result, end."""
    def char(kind: str) -> OxmlElement:
        return element("w:r", None, element("w:fldChar", {"w:fldCharType": kind}))

    instruction_text = element("w:instrText")
    instruction_text.text = f" {instruction} "
    instruction_text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [char("begin"), element("w:r", None, instruction_text), char("separate"),
            text_run(result), char("end")]


def bookmark(identifier: int, name: str) -> tuple[OxmlElement, OxmlElement]:
    return (element("w:bookmarkStart", {"w:id": identifier, "w:name": name}),
            element("w:bookmarkEnd", {"w:id": identifier}))


def set_numbering(paragraph_element, num_id: int, level: int = 0) -> None:
    properties = paragraph_element.get_or_add_pPr()
    existing = properties.find(qn("w:numPr"))
    if existing is not None:
        properties.remove(existing)
    number = element("w:numPr", None, element("w:ilvl", {"w:val": level}),
                     element("w:numId", {"w:val": num_id}))
    # numPr comes after pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl.
    style = properties.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(number)
    else:
        properties.insert(0, number)
