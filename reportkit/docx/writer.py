"""write_docx: the document model in, the bytes of a .docx out, in one pass.

Phases: (1) the reference's parts, parsed once per process; (2) styles resolved by id or name;
(3) headings counted as Word numbers them, for the table of contents; (4) the body and the
footnotes written as XML text; (5) settings, headers and footers, properties; (6) the zip.
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from pathlib import Path

from lxml import etree

from reportkit.document import Document, Heading, PageBreak, TableOfContents
from reportkit.docx import package
from reportkit.docx.body import BodyWriter
from reportkit.docx.numbering import Numbering
from reportkit.docx.reference import HeaderFooter, Reference, load_reference
from reportkit.docx.styles import StyleMap
from reportkit.docx.xml import (R, R_NS, SECTION_ORDER, SETTINGS_ORDER, W, W_NS, XML_HEADER,
                                serialise, sort_children)

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_DOCPROPERTY = re.compile(r'DOCPROPERTY\s+"?([\w.-]+)"?')
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
_ROOT = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
_EMPTY_HEADER = f'{XML_HEADER}<w:{{kind}} {_ROOT}><w:p/></w:{{kind}}>'


def write_docx(document: Document, reference: Path, roles: dict[str, str],
               record: bytes | None = None) -> bytes:
    """The single entry point: a document model in, the bytes of a .docx out.

    `record`, an XML document, travels inside the file as a custom XML part (provenance)."""
    # Phases 1-2: the reference, and the styles of the template's roles.
    parts = load_reference(reference)
    styles = StyleMap(parts, roles)
    numbering = Numbering(parts.numbering)
    # Phases 3-4: the body and the footnotes, headings numbered as Word numbers them, and the
    # contents written once every heading is known.
    writer = BodyWriter(styles, numbering)
    writer.blocks(document.blocks)
    styles.check_named()
    body = writer.finish()
    # Phase 5: the parts around the body.
    relationships = writer.relationships
    members: list[tuple[str, bytes, bool]] = []
    types: dict[str, str] = {}

    def add(name: str, blob: bytes, content_type: str, unchanged: bool = False) -> None:
        members.append((name, blob, unchanged))
        types[name] = content_type

    section, header_parts = _section(parts, relationships, _has_cover(document), add)
    document_xml = (f"{XML_HEADER}<w:document {_ROOT}><w:body>{body}{section}</w:body>"
                    "</w:document>").encode("utf-8")
    add("word/document.xml", document_xml, package.CT_DOCUMENT)
    shipped = styles.shipped(_styles_in(header_parts))
    add("word/styles.xml", styles.part(shipped), package.CT_STYLES, True)
    relationships.add(_RT + "styles", "styles.xml")
    add("word/numbering.xml", numbering.part(shipped, styles.numbering_ids(shipped)),
        package.CT_NUMBERING)
    relationships.add(_RT + "numbering", "numbering.xml")
    add("word/settings.xml", _settings(parts.settings, writer.has_toc, document_xml),
        package.CT_SETTINGS)
    relationships.add(_RT + "settings", "settings.xml")
    for kind, name in (("theme", parts.theme), ("fontTable", parts.font_table)):
        if name:
            add(name, parts.blobs[name], parts.content_types[name], True)
            relationships.add(_RT + kind, name.removeprefix("word/"))
    notes = (f"{XML_HEADER}<w:footnotes {_ROOT}>{_SEPARATORS}{''.join(writer.notes)}"
             "</w:footnotes>").encode("utf-8")
    add("word/footnotes.xml", notes, package.CT_FOOTNOTES)
    relationships.add(_RT + "footnotes", "footnotes.xml")
    if writer.note_relationships.entries:
        add("word/_rels/footnotes.xml.rels",
            package.relationships_part(writer.note_relationships.entries), "")
    if record is not None:
        add("customXml/item1.xml", record, "")
        add("customXml/itemProps1.xml", package.custom_xml_properties_part(record),
            package.CT_CUSTOM_XML_PROPERTIES)
        add("customXml/_rels/item1.xml.rels", package.relationships_part(
            [("rId1", _RT + "customXmlProps", "itemProps1.xml", False)]), "")
        relationships.add(_RT + "customXml", "../customXml/item1.xml")
    add("word/_rels/document.xml.rels", package.relationships_part(relationships.entries), "")
    metadata = document.metadata
    properties = dict(metadata.properties)
    for name, root, related in header_parts:
        _fill_property_fields(root, properties)
        add(name, serialise(root), package.CT_HEADER if "header" in name else package.CT_FOOTER)
        if related:
            folder, file_name = name.rsplit("/", 1)
            add(f"{folder}/_rels/{file_name}.rels", package.relationships_part(
                [(item.relationship_id, item.type,
                  item.target if item.external else _relative(name, item.target), item.external)
                 for item in related]), "")
            for item in related:
                if not item.external and item.target not in types:
                    add(item.target, parts.blobs[item.target], parts.content_types[item.target], True)
    add("docProps/core.xml", package.core_properties_part(metadata), package.CT_CORE)
    add("docProps/app.xml", package.app_properties_part(), package.CT_APP)
    package_relationships = [
        ("rId1", _RT + "officeDocument", "word/document.xml", False),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                 "core-properties", "docProps/core.xml", False),
        ("rId3", _RT + "extended-properties", "docProps/app.xml", False)]
    if metadata.properties:
        add("docProps/custom.xml", package.custom_properties_part(metadata.properties),
            package.CT_CUSTOM)
        package_relationships.append(("rId4", _RT + "custom-properties", "docProps/custom.xml", False))
    # Phase 6: the zip, content types and package relationships first.
    head = [("[Content_Types].xml", package.content_types_part(types), False),
            ("_rels/.rels", package.relationships_part(package_relationships), False)]
    return package.zip_package(head + sorted(members))


def _relative(source: str, target: str) -> str:
    folder = source.rsplit("/", 1)[0] + "/"
    return target[len(folder):] if target.startswith(folder) else "/" + target


def _has_cover(document: Document) -> bool:
    """The report opens with a cover page: blocks and then a page break, before any heading or
    table of contents."""
    for index, block in enumerate(document.blocks):
        if isinstance(block, PageBreak):
            return index > 0
        if isinstance(block, (Heading, TableOfContents)):
            return False
    return False


def _section(parts: Reference, relationships, cover: bool, add):
    """The final section properties: the reference's page setup and running headers, and with
    a cover page, an empty first-page header and footer (w:titlePg)."""
    section = copy.deepcopy(parts.section)
    for node in list(section):
        if node.tag in (f"{W}headerReference", f"{W}footerReference"):
            section.remove(node)
    found = []
    for item in parts.headers_footers:
        if cover and item.type == "first":
            continue
        identifier = relationships.add(_RT + item.kind, item.name.removeprefix("word/"))
        etree.SubElement(section, f"{W}{item.kind}Reference",
                         {f"{W}type": item.type, f"{R}id": identifier})
        found.append((item.name, copy.deepcopy(item.root), item.related))
    if cover:
        for kind in ("header", "footer"):
            name = f"word/{kind}Cover.xml"
            add(name, _EMPTY_HEADER.format(kind="hdr" if kind == "header" else "ftr").encode(),
                package.CT_HEADER if kind == "header" else package.CT_FOOTER)
            identifier = relationships.add(_RT + kind, name.removeprefix("word/"))
            etree.SubElement(section, f"{W}{kind}Reference", {f"{W}type": "first", f"{R}id": identifier})
        if section.find(f"{W}titlePg") is None:
            etree.SubElement(section, f"{W}titlePg")
    sort_children(section, SECTION_ORDER)
    # The two reference kinds must stay grouped in the order written (headers, then footers).
    references = [node for node in section if node.tag in (f"{W}headerReference", f"{W}footerReference")]
    references.sort(key=lambda node: node.tag != f"{W}headerReference")
    for node in references:
        section.remove(node)
    for index, node in enumerate(references):
        section.insert(index, node)
    text = etree.tostring(section, encoding="unicode")
    return text, found


def _styles_in(header_parts) -> set[str]:
    used = set()
    for _name, root, _related in header_parts:
        for node in root.iter(f"{W}pStyle", f"{W}rStyle"):
            used.add(node.get(f"{W}val"))
    return used


def _fill_property_fields(root, properties: dict[str, str]) -> None:
    """Header and footer DOCPROPERTY fields show the case's values before any update, whether
    written as a simple field or as Word's complex field."""
    for field in root.iter(f"{W}fldSimple"):
        match = _DOCPROPERTY.search(field.get(f"{W}instr") or "")
        if match and match.group(1) in properties:
            texts = list(field.iter(f"{W}t"))
            if texts:
                texts[0].text = properties[match.group(1)]
                for extra in texts[1:]:
                    extra.text = ""
    instruction, name, in_result, first = "", None, False, True
    for node in root.iter(f"{W}fldChar", f"{W}instrText", f"{W}t"):
        if node.tag == f"{W}fldChar":
            kind = node.get(f"{W}fldCharType")
            if kind == "begin":
                instruction, name, in_result = "", None, False
            elif kind == "separate":
                match = _DOCPROPERTY.search(instruction)
                name = match.group(1) if match and match.group(1) in properties else None
                in_result, first = name is not None, True
            elif kind == "end":
                in_result = False
        elif node.tag == f"{W}instrText":
            instruction += node.text or ""
        elif in_result:
            node.text = properties[name] if first else ""
            first = False


def _settings(reference: etree._Element | None, update_fields: bool, document_xml: bytes) -> bytes:
    settings = (copy.deepcopy(reference) if reference is not None
                else etree.fromstring(f'<w:settings xmlns:w="{W_NS}"/>'))
    # Template baggage: a path to the template it came from, mail merge sources, edit sessions,
    # a request to save a thumbnail.
    for tag in ("attachedTemplate", "mailMerge", "rsids", "savePreviewPicture"):
        for node in settings.findall(f"{W}{tag}"):
            settings.remove(node)
    zoom = settings.find(f"{W}zoom")
    if zoom is not None and zoom.get(f"{W}percent") is None:  # required by the schema
        zoom.set(f"{W}percent", "100")
    if update_fields and settings.find(f"{W}updateFields") is None:
        etree.SubElement(settings, f"{W}updateFields", {f"{W}val": "true"})
    compat = settings.find(f"{W}compat")
    if compat is None:
        compat = etree.SubElement(settings, f"{W}compat")
    mode = next((node for node in compat.findall(f"{W}compatSetting")
                 if node.get(f"{W}name") == "compatibilityMode"), None)
    if mode is None:
        mode = etree.SubElement(compat, f"{W}compatSetting", {
            f"{W}name": "compatibilityMode", f"{W}uri": "http://schemas.microsoft.com/office/word"})
    mode.set(f"{W}val", "15")  # Word 2013 and later: no Compatibility Mode
    # A document id of its own, derived from its content (the same input, the same bytes).
    digest = hashlib.sha256(document_xml).hexdigest()
    for node in settings.findall(f"{{{_W14}}}docId"):
        node.set(f"{{{_W14}}}val", f"{int(digest[:8], 16) & 0x7FFFFFFF:08X}")
    for node in settings.findall(f"{{{_W15}}}docId"):
        node.set(f"{{{_W15}}}val", "{" + str(uuid.UUID(digest[:32])).upper() + "}")
    sort_children(settings, SETTINGS_ORDER)
    return serialise(settings)
