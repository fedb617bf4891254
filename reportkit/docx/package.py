"""The package around the parts: content types, relationships, document properties, and the zip
itself, with fixed timestamps and order so that the same input gives the same bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import struct
import uuid
import zipfile
import zlib
from functools import lru_cache

from reportkit.document import Metadata
from reportkit.docx.xml import XML_HEADER, attribute, parse, text

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PACKAGE_RT = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_XML = "application/xml"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_DOCUMENT = _WML + "document.main+xml"
CT_FOOTNOTES = _WML + "footnotes+xml"
CT_NUMBERING = _WML + "numbering+xml"
CT_STYLES = _WML + "styles+xml"
CT_SETTINGS = _WML + "settings+xml"
CT_HEADER = _WML + "header+xml"
CT_FOOTER = _WML + "footer+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CT_CUSTOM_XML_PROPERTIES = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_CUSTOM_XML_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


def relationships_part(entries) -> bytes:
    """A .rels part from (id, type, target, external) entries."""
    rows = "".join(
        f'<Relationship Id="{identifier}" Type="{kind}" Target="{attribute(target)}"'
        + (' TargetMode="External"/>' if external else "/>")
        for identifier, kind, target, external in entries)
    return (XML_HEADER + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{rows}</Relationships>').encode("utf-8")


def content_types_part(types: dict[str, str]) -> bytes:
    overrides = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>'
                        for name, kind in sorted(types.items()) if kind)
    return (XML_HEADER + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Default Extension="rels" ContentType="{CT_RELS}"/>'
            f'<Default Extension="xml" ContentType="{CT_XML}"/>{overrides}</Types>').encode("utf-8")


def core_properties_part(metadata: Metadata) -> bytes:
    moment = ""
    if metadata.created:
        stamp = dt.date.fromisoformat(metadata.created).isoformat() + "T00:00:00Z"
        moment = (f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                  f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>')
    fields = [("dc:title", metadata.title), ("dc:subject", metadata.subject),
              ("dc:creator", metadata.author), ("cp:keywords", metadata.keywords),
              ("cp:lastModifiedBy", metadata.author), ("cp:revision", "1"),
              ("dc:language", metadata.language)]
    body = "".join(f"<{tag}>{text(value)}</{tag}>" for tag, value in fields if value)
    return (XML_HEADER + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
            '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}{moment}'
            "</cp:coreProperties>").encode("utf-8")


def app_properties_part() -> bytes:
    """Extended properties that claim no application: the document's own, not a template's."""
    return (XML_HEADER + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
            'docPropsVTypes"><DocSecurity>0</DocSecurity></Properties>').encode("utf-8")


def custom_properties_part(properties: tuple[tuple[str, str], ...]) -> bytes:
    rows = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{index}" name="{attribute(name)}">'
        f"<vt:lpwstr>{text(value)}</vt:lpwstr></property>"
        for index, (name, value) in enumerate(properties, start=2))
    return (XML_HEADER + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'docPropsVTypes">{rows}</Properties>').encode("utf-8")


def custom_xml_properties_part(blob: bytes) -> bytes:
    """itemProps for a custom XML item, naming its namespace; the same namespace always gets
    the same item id, so that builds stay byte-identical."""
    namespace = _namespace_of(blob) or ""
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, namespace)).upper() + "}"
    return (XML_HEADER.replace('standalone="yes"', 'standalone="no"')
            + f'<ds:datastoreItem ds:itemID="{item_id}" xmlns:ds="{_CUSTOM_XML_NS}">'
            f'<ds:schemaRefs><ds:schemaRef ds:uri="{attribute(namespace)}"/></ds:schemaRefs>'
            "</ds:datastoreItem>").encode("utf-8")


# ------------------------------------------------------------------ the zip

_FIXED_TIME = (0 << 11) | (0 << 5) | 0, ((1980 - 1980) << 9) | (1 << 5) | 1  # 00:00, 1 Jan 1980


def _deflate(blob: bytes) -> tuple[bytes, int]:
    # The fastest level: a report's XML compresses three times faster than at zlib's default,
    # to a file about a fifth larger.
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return compressor.compress(blob) + compressor.flush(), zlib.crc32(blob)


# A part copied from the reference unchanged (theme, fonts, the same styles and headers) is
# compressed once per process and copied compressed after that.
_deflate_unchanged = lru_cache(maxsize=32)(_deflate)


def zip_package(members: list[tuple[str, bytes, bool]]) -> bytes:
    """A zip of (name, bytes, from the reference unchanged) members, in that order, deflated,
    with fixed timestamps."""
    local, central, offset, written = [], [], 0, []
    for name, blob, unchanged in members:
        encoded = name.encode("utf-8")
        data, crc = (_deflate_unchanged if unchanged else _deflate)(blob)
        written.append((name, crc))
        header = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, _FIXED_TIME[0],
                             _FIXED_TIME[1], crc, len(data), len(blob), len(encoded), 0)
        local += [header, encoded, data]
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 0x0314, 20, 0, 8,
                                   _FIXED_TIME[0], _FIXED_TIME[1], crc, len(data), len(blob),
                                   len(encoded), 0, 0, 0, 0, 0o644 << 16, offset) + encoded)
        offset += len(header) + len(encoded) + len(data)
    directory = b"".join(central)
    comment = _seal(written)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(directory), offset, len(comment))
    return b"".join(local) + directory + end + comment


# The zip's comment holds a digest of every member's name and CRC-32 as written. Word and
# LibreOffice write a new zip when they save (without it); any other change to a member changes
# its CRC-32. So a file whose comment still matches is exactly as reportkit wrote it.
_SEAL = b"reportkit "


def _seal(members: list[tuple[str, int]]) -> bytes:
    digest = hashlib.sha256("\n".join(f"{name} {crc:08x}" for name, crc in members).encode())
    return _SEAL + digest.hexdigest()[:32].encode()


def unchanged_since_written(path) -> bool:
    """Whether the .docx at `path` is as reportkit wrote it (read from the zip's directory
    alone, nothing decompressed); False for anything else, readable or not."""
    try:
        with zipfile.ZipFile(path) as archive:
            comment = archive.comment
            members = [(info.filename, info.CRC) for info in archive.infolist()]
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    return comment.startswith(_SEAL) and comment == _seal(members)


# ------------------------------------------------------------------ reading back


def read_custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        root = parse(archive.read("docProps/custom.xml"))
    except KeyError:
        return {}
    namespace = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {node.get("name"): "".join(node.itertext()) for node in root.iter(f"{namespace}property")}


def read_core_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """docProps/core.xml as {local name: text}, e.g. "creator" (the author), "created"."""
    from lxml import etree

    try:
        root = parse(archive.read("docProps/core.xml"))
    except (KeyError, etree.XMLSyntaxError):
        return {}
    return {etree.QName(node).localname: (node.text or "") for node in root}


def _namespace_of(blob: bytes) -> str | None:
    from lxml import etree

    try:
        root = parse(blob)
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
