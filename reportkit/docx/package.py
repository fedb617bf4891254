"""Document properties and the zip itself: same input, same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from reportkit.document import Metadata

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def set_properties(document, metadata: Metadata) -> None:
    core = document.core_properties
    core.title = metadata.title
    core.author = metadata.author
    core.last_modified_by = metadata.author
    core.subject = metadata.subject
    core.keywords = metadata.keywords
    core.language = metadata.language
    core.comments = ""
    core.category = ""
    core.revision = 1
    if metadata.created:
        moment = dt.datetime.combine(dt.date.fromisoformat(metadata.created), dt.time(0, 0))
        core.created = moment
        core.modified = moment
        core.last_printed = moment
    _set_custom_properties(document, metadata.properties)


def _set_custom_properties(document, properties: tuple[tuple[str, str], ...]) -> None:
    package = document.part.package
    for relationship_id, relationship in list(package.rels.items()):
        if relationship.reltype == RT.CUSTOM_PROPERTIES:
            package.rels.pop(relationship_id)
    if not properties:
        return
    rows = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{index}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for index, (name, value) in enumerate(properties, start=2))
    blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{rows}</Properties>").encode("utf-8")
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    from lxml import etree

    try:
        root = etree.fromstring(archive.read("docProps/custom.xml"))
    except KeyError:
        return {}
    namespace = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {node.get("name"): "".join(node.itertext()) for node in root.iter(f"{namespace}property")}


def read_core_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """docProps/core.xml as {local name: text}, e.g. "creator" (the author), "created"."""
    from lxml import etree

    try:
        root = etree.fromstring(archive.read("docProps/core.xml"),
                                etree.XMLParser(resolve_entities=False, no_network=True))
    except (KeyError, etree.XMLSyntaxError):
        return {}
    return {etree.QName(node).localname: (node.text or "") for node in root}


class _Members:
    """Stands in for python-docx's zip writer, keeping each member's bytes by name."""

    def __init__(self):
        self.blobs: dict[str, bytes] = {}

    def write(self, uri, blob: bytes) -> None:
        self.blobs[uri.membername] = blob


def reproducible_bytes(document) -> bytes:
    """The package as a zip with fixed timestamps and order, compressed once.

    python-docx's own save writes a zip with the current time; its PackageWriter steps are
    reused here, collecting each member instead, so the zip is written once, reproducibly."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    members = _Members()
    PackageWriter._write_content_types_stream(members, parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, parts)
    names = list(members.blobs)
    first = [name for name in ("[Content_Types].xml", "_rels/.rels") if name in names]
    ordered = first + sorted(name for name in names if name not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, members.blobs[name])
    return out.getvalue()


_CUSTOM_XML_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


def add_custom_xml(document, blob: bytes) -> None:
    """Store `blob` in the document as a custom XML data part, as Word stores one.

    The item (customXml/itemN.xml) is related from the main document part and has its own
    properties part (itemPropsN.xml) naming the item's namespace."""
    import uuid

    package = document.part.package
    namespace = _namespace_of(blob) or ""
    # A reference.docx saved from an earlier report brings that report's item: drop it, so that
    # the document holds one item in this namespace, this build's.
    for relationship_id, relationship in list(document.part.rels.items()):
        if relationship.reltype == RT.CUSTOM_XML and not relationship.is_external and \
                _namespace_of(relationship.target_part.blob) == namespace:
            document.part.rels.pop(relationship_id)
    item_name = package.next_partname("/customXml/item%d.xml")
    number = item_name.idx
    # The same namespace always gets the same item id, so that builds stay byte-identical.
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, namespace)).upper() + "}"
    properties = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<ds:datastoreItem ds:itemID="{item_id}" xmlns:ds="{_CUSTOM_XML_NS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{escape(namespace, {chr(34): "&quot;"})}"/>'
        "</ds:schemaRefs></ds:datastoreItem>").encode("utf-8")
    item = Part(item_name, CT.XML, blob, package)
    item_properties = Part(PackURI(f"/customXml/itemProps{number}.xml"),
                           CT.OFC_CUSTOM_XML_PROPERTIES, properties, package)
    item.relate_to(item_properties, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


def _namespace_of(blob: bytes) -> str | None:
    from lxml import etree

    try:
        root = etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    return etree.QName(root).namespace


def read_custom_xml(archive: zipfile.ZipFile, namespace: str) -> bytes | None:
    """The first custom XML data part whose root element is in `namespace`, if there is one."""
    for name in sorted(archive.namelist()):
        if not re.fullmatch(r"customXml/item\d+\.xml", name):
            continue
        blob = archive.read(name)
        if _namespace_of(blob) == namespace:
            return blob
    return None
