"""Word's view of a DOCX without Word: each XML part validated against the ISO/IEC 29500-4
transitional schemas (after Markup Compatibility processing), and openxml-audit's findings."""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "ooxml-schemas"
ISO = SCHEMAS / "ISO-IEC29500-4_2016"
OPC = SCHEMAS / "ecma" / "fourth-edition"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# The schema for each root element's namespace.
SCHEMA_FOR = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": ISO / "wml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": ISO / "dml-main.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        ISO / "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties":
        ISO / "shared-documentPropertiesCustom.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/customXml":
        ISO / "shared-customXmlDataProperties.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": OPC / "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": OPC / "opc-relationships.xsd",
}


@lru_cache(maxsize=None)
def schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def markup_compatibility(root: etree._Element) -> etree._Element:
    """What a consumer that knows only the standard sees: elements and attributes in ignorable
    namespaces removed, each mc:AlternateContent replaced by its mc:Fallback's children."""
    ignorable = set()
    for node in root.iter():
        value = node.get(f"{{{MC}}}Ignorable")
        if value:
            ignorable |= {node.nsmap.get(prefix) for prefix in value.split()}
    for alternate in list(root.iter(f"{{{MC}}}AlternateContent")):
        fallback = alternate.find(f"{{{MC}}}Fallback")
        parent = alternate.getparent()
        position = parent.index(alternate)
        for child in (list(fallback) if fallback is not None else []):
            parent.insert(position, child)
            position += 1
        parent.remove(alternate)
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        if etree.QName(node).namespace in ignorable and node.getparent() is not None:
            node.getparent().remove(node)
            continue
        for name in list(node.attrib):
            namespace = etree.QName(name).namespace
            if namespace in ignorable or namespace == MC:
                del node.attrib[name]
    return root


def schema_errors(docx: bytes | Path) -> list[str]:
    """Every schema error in every XML part of the package, as 'part:line: message'."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    errors = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not (name.endswith(".xml") or name.endswith(".rels")):
                continue
            root = etree.fromstring(archive.read(name))
            namespace = etree.QName(root).namespace
            if name == "docProps/core.xml" or name.startswith("customXml/item") and \
                    not name.startswith("customXml/itemProps"):
                continue  # core.xml: checked by openxml-audit; item1.xml: our own record
            path = SCHEMA_FOR.get(namespace)
            if path is None:
                errors.append(f"{name}: no schema for the namespace {namespace}")
                continue
            checker = schema(path)
            if not checker.validate(etree.ElementTree(markup_compatibility(root))):
                errors += [f"{name}:{error.line}: {error.message}" for error in checker.error_log]
    return errors


def audit_findings(path: Path) -> list[str]:
    """openxml-audit's findings for a file, as text."""
    from openxml_audit import OpenXmlValidator

    result = OpenXmlValidator().validate(str(path))
    return [str(error) for error in result.errors]
