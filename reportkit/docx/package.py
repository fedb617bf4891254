"""Document properties and the zip itself: same input, same bytes."""

from __future__ import annotations

import datetime as dt
import io
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


def reproducible_bytes(document) -> bytes:
    """Save, then rewrite the zip with fixed timestamps and order."""
    raw = io.BytesIO()
    document.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    names = source.namelist()
    first = [name for name in ("[Content_Types].xml", "_rels/.rels") if name in names]
    ordered = first + sorted(name for name in names if name not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
