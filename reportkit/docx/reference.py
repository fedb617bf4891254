"""reference.docx, read once per process: the parts a report takes from it (styles, numbering,
settings, theme, fonts, headers and footers, the page setup), and nothing else.

As pandoc does, only styles and page layout come from the reference; its content, its
thumbnail, its custom XML, its app.xml and Word's stale stylesWithEffects.xml stay behind.
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from lxml import etree

from reportkit.docx.xml import LEVEL_ORDER, R, W, parse, sort_children
from reportkit.errors import ReportkitError

PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_DOCUMENT = _RT + "officeDocument"
# What the main document part takes from the reference, by relationship type.
TAKEN = {"styles": "styles", "numbering": "numbering", "settings": "settings",
         "theme": "theme", "fontTable": "fontTable"}
HEADER, FOOTER = _RT + "header", _RT + "footer"


@dataclass(frozen=True)
class Related:
    """A part a header or footer refers to (an image, a hyperlink)."""

    relationship_id: str
    type: str
    target: str           # a part name inside the package, or an external address
    external: bool


@dataclass(frozen=True)
class HeaderFooter:
    kind: str             # "header" or "footer"
    type: str             # "default", "first" or "even"
    name: str             # part name, e.g. "word/header1.xml"
    root: etree._Element  # parsed once; copied before a build changes it
    related: tuple[Related, ...]


@dataclass(frozen=True)
class Reference:
    path: Path
    blobs: dict[str, bytes]          # every part taken, by name, as stored
    content_types: dict[str, str]    # part name -> content type
    styles: etree._Element
    numbering: etree._Element | None
    settings: etree._Element | None
    theme: str | None                # part name of the theme
    font_table: str | None
    section: etree._Element          # the body's final w:sectPr
    headers_footers: tuple[HeaderFooter, ...]

    @property
    def text_width(self) -> int:
        """The width between the margins, in twentieths of a point."""
        size, margins = self.section.find(f"{W}pgSz"), self.section.find(f"{W}pgMar")
        width = int((size.get(f"{W}w") if size is not None else None) or 11906)
        left = int(float((margins.get(f"{W}left") if margins is not None else None) or 1440))
        right = int(float((margins.get(f"{W}right") if margins is not None else None) or 1440))
        return max(width - left - right, 1440)


def load_reference(path: Path) -> Reference:
    """The reference document at `path`, parsed once per process for the same bytes."""
    try:
        blob = path.read_bytes()
    except OSError as error:
        raise ReportkitError(f"cannot read reference.docx: {error.strerror or error}",
                             path=path) from None
    return _load(hashlib.sha256(blob).hexdigest(), blob, str(path))


@lru_cache(maxsize=8)
def _load(_digest: str, blob: bytes, path: str) -> Reference:
    try:
        return _read(blob, Path(path))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise ReportkitError(
            f"cannot read reference.docx: {error or type(error).__name__}", path=Path(path),
            hint="save the styles document again from Word or LibreOffice as .docx") from None


def _relationships(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str, bool]]:
    """(id, type, target, external) of a part's relationships; targets as part names."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in archive.namelist():
        return []
    found = []
    for node in parse(archive.read(rels_name)):
        if not isinstance(node.tag, str):
            continue
        target = node.get("Target", "")
        external = node.get("TargetMode") == "External"
        if not external:
            target = (target.lstrip("/") if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
        found.append((node.get("Id", ""), node.get("Type", ""), target, external))
    return found


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    root = parse(archive.read("[Content_Types].xml"))
    defaults, overrides = {}, {}
    for node in root:
        if not isinstance(node.tag, str):
            continue
        if node.tag.endswith("Default"):
            defaults[node.get("Extension", "").lower()] = node.get("ContentType", "")
        elif node.tag.endswith("Override"):
            overrides[node.get("PartName", "").lstrip("/")] = node.get("ContentType", "")
    types = {}
    for name in archive.namelist():
        if name in overrides:
            types[name] = overrides[name]
        elif name.rsplit(".", 1)[-1].lower() in defaults:
            types[name] = defaults[name.rsplit(".", 1)[-1].lower()]
    return types


def _read(blob: bytes, path: Path) -> Reference:
    archive = zipfile.ZipFile(BytesIO(blob))
    types = _content_types(archive)
    main = next((target for _id, kind, target, _external in _relationships(archive, "")
                 if kind == OFFICE_DOCUMENT), "word/document.xml")
    relationships = _relationships(archive, main)
    taken: dict[str, str] = {}
    for _id, kind, target, external in relationships:
        short = kind.rsplit("/", 1)[-1]
        if not external and short in TAKEN and target in types:
            taken.setdefault(TAKEN[short], target)
    if "styles" not in taken:
        raise ValueError("it has no styles part")
    blobs = {name: archive.read(name) for name in taken.values()}
    styles = parse(blobs[taken["styles"]])  # as the file orders it (see styles._styles_part)
    numbering = parse(blobs[taken["numbering"]]) if "numbering" in taken else None
    for level in (numbering.iter(f"{W}lvl") if numbering is not None else ()):
        sort_children(level, LEVEL_ORDER)  # LibreOffice writes pStyle before numFmt
    document = parse(archive.read(main))
    body = document.find(f"{W}body")
    section = body.find(f"{W}sectPr") if body is not None else None
    if section is None:  # no page setup: Word's defaults (A4 would be a guess; Letter is Word's)
        section = etree.fromstring(f'<w:sectPr xmlns:w="{W[1:-1]}"><w:pgSz w:w="12240" w:h="15840"/>'
                                   '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" '
                                   'w:left="1440" w:header="720" w:footer="720" w:gutter="0"/>'
                                   '</w:sectPr>')
    by_id = {identifier: (kind, target) for identifier, kind, target, _external in relationships}
    headers_footers = []
    for reference in section:
        if reference.tag not in (f"{W}headerReference", f"{W}footerReference"):
            continue
        kind, target = by_id.get(reference.get(f"{R}id"), ("", ""))
        if kind not in (HEADER, FOOTER) or target not in types:
            continue
        related = []
        for identifier, related_kind, related_target, external in _relationships(archive, target):
            if not external:
                if related_target not in types:
                    continue
                blobs[related_target] = archive.read(related_target)
            related.append(Related(identifier, related_kind, related_target, external))
        blobs[target] = archive.read(target)
        headers_footers.append(HeaderFooter(
            "header" if kind == HEADER else "footer", reference.get(f"{W}type", "default"),
            target, parse(blobs[target]), tuple(related)))
    return Reference(
        path=path, blobs=blobs, content_types={name: types[name] for name in blobs},
        styles=styles,
        numbering=numbering,
        settings=parse(blobs[taken["settings"]]) if "settings" in taken else None,
        theme=taken.get("theme"), font_table=taken.get("fontTable"), section=section,
        headers_footers=tuple(headers_footers))
