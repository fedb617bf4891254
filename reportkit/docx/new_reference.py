"""Make a fresh reference.docx for a template set from the starting values in its
template.yaml (`page:`): page size and margins, font and sizes, line spacing, paragraph
spacing, the minimums a court sets for every style, heading and paragraph numbering.

Run as `python -m reportkit.docx.new_reference templates/uk [templates/us ...]` (`make
references`). It writes a reference.docx only where there is none: once made, the file is the
template set's one place for styles, numbering and page setup, restyled in Word or LibreOffice,
and never overwritten. Delete it to start again from template.yaml.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from reportkit.docx.xml import PARAGRAPH_PROPERTIES_ORDER, sort_children
from reportkit.errors import ReportkitError
from reportkit.load.yaml_file import load_yaml
from reportkit.models import Minimums, NumberLevel, TemplateSet
from reportkit.validate import validate_document


def element(tag: str, attributes: dict | None = None, *children):
    node = OxmlElement(tag)
    for key, value in (attributes or {}).items():
        node.set(qn(key), str(value))
    for child in children:
        node.append(child)
    return node


def text_run(text: str):
    run = element("w:r")
    node = element("w:t")
    node.text = text
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(node)
    return run


PAGE_SIZES = {"A4": (Cm(21.0), Cm(29.7)), "Letter": (Cm(21.59), Cm(27.94))}
BLACK = RGBColor(0, 0, 0)


def _numbering_scheme(numbering, levels: list[NumberLevel], styles: list[str]) -> int:
    """Add an abstract numbering linked to `styles` (one per level); return its num id."""
    abstract_ids = [int(node.get(qn("w:abstractNumId")))
                    for node in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    abstract = element("w:abstractNum", {"w:abstractNumId": abstract_id},
                       element("w:multiLevelType", {"w:val": "multilevel"}))
    for level, (settings, style_id) in enumerate(zip(levels, styles)):
        indent = settings.indent_cm
        abstract.append(element(
            "w:lvl", {"w:ilvl": level},
            element("w:start", {"w:val": 1}),
            element("w:numFmt", {"w:val": settings.format}),
            element("w:pStyle", {"w:val": style_id}),
            element("w:lvlText", {"w:val": settings.text}),
            element("w:lvlJc", {"w:val": "left"}),
            element("w:pPr", None, element("w:ind", {"w:left": int(indent * 567),
                                                      "w:hanging": int(indent * 567)}))))
    existing = numbering.findall(qn("w:abstractNum"))
    if existing:
        existing[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    return numbering.add_num(abstract_id).numId


def _link_style(style, num_id: int, level: int) -> None:
    properties = style.element.get_or_add_pPr()
    for old in properties.findall(qn("w:numPr")):
        properties.remove(old)
    number = element("w:numPr", None, element("w:ilvl", {"w:val": level}),
                     element("w:numId", {"w:val": num_id}))
    properties.append(number)
    sort_children(properties, PARAGRAPH_PROPERTIES_ORDER)


def _indent_list(document, numbering, style) -> None:
    """Indent list levels to sit under the text of numbered paragraphs, not at the margin."""
    properties = style.element.pPr
    if properties is None or properties.numPr is None or properties.numPr.numId is None:
        return
    abstract_id = numbering.num_having_numId(properties.numPr.numId.val).abstractNumId.val
    for abstract in numbering.findall(qn("w:abstractNum")):
        if int(abstract.get(qn("w:abstractNumId"))) != abstract_id:
            continue
        for level in abstract.findall(qn("w:lvl")):
            depth = int(level.get(qn("w:ilvl")))
            paragraph = level.find(qn("w:pPr"))
            if paragraph is None:
                paragraph = element("w:pPr")
                level.append(paragraph)
            for old in paragraph.findall(qn("w:ind")):
                paragraph.remove(old)
            paragraph.append(element("w:ind", {"w:left": int((1.27 + 0.63 * (depth + 1)) * 567),
                                                "w:hanging": int(0.63 * 567)}))


_KINDS = {WD_STYLE_TYPE.PARAGRAPH: "paragraph", WD_STYLE_TYPE.CHARACTER: "character"}


def _style(document, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = "Normal",
           style_id: str | None = None, builtin: bool = False):
    """A style by name; a missing one is added with Word's id for it (`FootnoteText` for
    'footnote text'), marked custom unless Word has it built in."""
    try:
        style = document.styles[name]
    except KeyError:
        identifier = style_id or name.replace(" ", "")
        custom = "" if builtin else ' w:customStyle="1"'
        node = parse_xml(
            f'<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            f'w:type="{_KINDS[kind]}"{custom} w:styleId="{identifier}"><w:name w:val="{name}"/>'
            "<w:qFormat/></w:style>")
        document.styles.element.append(node)
        style = document.styles[name]
    if base and kind != WD_STYLE_TYPE.CHARACTER:
        style.base_style = document.styles[base]
    return style


def _inherit_font(style) -> None:
    """No font of its own (python-docx's template gives headings the theme's heading font):
    the style takes Normal's, so restyling Normal reaches it."""
    for element_ in (style.element, _linked(style)):
        if element_ is None or element_.rPr is None:
            continue
        for fonts in element_.rPr.findall(qn("w:rFonts")):
            element_.rPr.remove(fonts)


def _linked(style):
    link = style.element.find(qn("w:link"))
    if link is None:
        return None
    return style.element.getparent().get_by_id(link.get(qn("w:val")))


def _font(style, size: float | None = None, bold: bool | None = None, italic: bool | None = None,
          color: RGBColor | None = BLACK, name: str | None = None) -> None:
    font = style.font
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color
    if name:
        font.name = name
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), name)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attribute), None)


def _spacing(style, before: float = 0, after: float = 6, line: float | None = None,
             keep_next: bool = False) -> None:
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(before)
    paragraph.space_after = Pt(after)
    if line:
        paragraph.line_spacing = line
    if keep_next:
        paragraph.keep_with_next = True


def make_reference(config: TemplateSet) -> bytes:
    page = config.page
    document = docx.Document()
    # Page layout.
    section = document.sections[0]
    width, height = PAGE_SIZES[page.size]
    section.page_width, section.page_height = width, height
    margin = Cm(page.margin_cm)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
    text_width = width - 2 * margin
    # Language and fonts for the whole document.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for language in defaults.iter(qn("w:lang")):
        language.set(qn("w:val"), config.language)
    font_name, font_size = page.font, page.font_size
    line, after = page.line_spacing, page.space_after_pt
    normal = document.styles["Normal"]
    _font(normal, font_size, name=font_name)
    _spacing(normal, after=after, line=line)
    # Headings and paragraphs.
    before = page.heading_space_before_pt
    for level, size in ((1, font_size + 3), (2, font_size + 1), (3, font_size)):
        heading = document.styles[f"Heading {level}"]
        _font(heading, size, bold=True, italic=(level == 3))
        _inherit_font(heading)
        _spacing(heading, before=before[level - 1], after=6, keep_next=True)
    for name in ("Title", "Subtitle"):
        title = document.styles[name]
        title.element.get_or_add_pPr()
        for border in title.element.pPr.findall(qn("w:pBdr")):
            title.element.pPr.remove(border)
        _font(title, 24 if name == "Title" else 14, bold=(name == "Title"), italic=False)
        _inherit_font(title)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(title, before=12, after=12)
    numbered = _style(document, config.styles["paragraph"])
    _spacing(numbered, after=after, line=line)
    body = _style(document, config.styles["body"])
    _spacing(body, after=after, line=line)
    quote = document.styles[config.styles["quote"]]
    quote.paragraph_format.left_indent = Cm(1.27)
    quote.paragraph_format.right_indent = Cm(1.27)
    _font(quote, italic=False)
    table_text = _style(document, config.styles["table_text"])
    _font(table_text, font_size - 1)
    _spacing(table_text, after=2, line=1.0)
    for name, centred in (("Cover Text", True), ("Signature", False)):
        cover = _style(document, name)
        if centred:
            cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(cover, after=6)
    # Footnotes, links, contents.
    footnote_text = _style(document, config.styles["footnote_text"], style_id="FootnoteText",
                           builtin=True)
    _font(footnote_text, font_size - 2)
    _spacing(footnote_text, after=2, line=1.0)
    footnote_reference = _style(document, config.styles["footnote_reference"],
                                WD_STYLE_TYPE.CHARACTER, base=None, style_id="FootnoteReference",
                                builtin=True)
    footnote_reference.font.superscript = True
    hyperlink = _style(document, config.styles["hyperlink"], WD_STYLE_TYPE.CHARACTER, base=None,
                       style_id="Hyperlink", builtin=True)
    hyperlink.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    hyperlink.font.underline = True
    toc_heading = document.styles[config.styles["toc_heading"]]
    _font(toc_heading, font_size + 3, bold=True)
    _inherit_font(toc_heading)
    toc_heading.base_style = document.styles["Normal"]
    for level in (level for level in (1, 2, 3) if f"toc_{level}" in config.styles):
        toc = _style(document, config.styles[f"toc_{level}"], style_id=f"TOC{level}", builtin=True)
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT,
                                                    WD_TAB_LEADER.DOTS)
        _spacing(toc, after=2)
    # Word-native numbering, linked to styles, as the template set defines it.
    numbering = document.part.numbering_part.element
    scheme = page.numbering
    heading_levels = scheme.headings
    heading_styles = [document.styles[config.styles[f"heading_{level}"]] for level in (1, 2, 3)]
    heading_num = _numbering_scheme(numbering, heading_levels, [s.style_id for s in heading_styles])
    for level, style in enumerate(heading_styles[:len(heading_levels)]):
        _link_style(style, heading_num, level)
    for name in (config.styles["list_bullet"], config.styles["list_number"]):
        _indent_list(document, numbering, document.styles[name])
    paragraph_levels = [scheme.paragraphs]
    paragraph_num = _numbering_scheme(numbering, paragraph_levels, [numbered.style_id])
    _link_style(numbered, paragraph_num, 0)
    # Header: the case reference; footer: Page X of Y. Both are fields.
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header._p.append(element("w:fldSimple", {"w:instr": " DOCPROPERTY CaseReference \\* MERGEFORMAT "},
                             text_run("Case reference")))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    words = page.page_words
    footer._p.append(text_run(f"{words[0]} "))
    footer._p.append(element("w:fldSimple", {"w:instr": " PAGE "}, text_run("1")))
    footer._p.append(text_run(f" {words[1]} "))
    footer._p.append(element("w:fldSimple", {"w:instr": " NUMPAGES "}, text_run("1")))
    _apply_minimums(document.styles.element, page.minimums)
    _only_the_table_style(document, config.styles["table"])
    # Only styles and layout: no body content.
    body_element = document.element.body
    for child in list(body_element):
        if child.tag != qn("w:sectPr"):
            body_element.remove(child)
    document.core_properties.title = f"reportkit reference styles: {config.name}"
    document.core_properties.author = "reportkit"
    document.core_properties.revision = 1
    fixed = dt.datetime(2026, 1, 1)
    document.core_properties.created = document.core_properties.modified = fixed
    document.core_properties.last_printed = fixed
    saved = io.BytesIO()
    document.save(saved)
    return _without_baggage(saved.getvalue())


def _only_the_table_style(document, name: str) -> None:
    """python-docx's starting document defines a hundred table styles, nine tenths of its
    styles.xml, which every build would read. Word offers its built-in table styles whatever the
    file holds, so a reference keeps the one the template set names, what it is based on, and
    the default."""
    keep, style = set(), document.styles[name]
    while style is not None:
        keep.add(style.style_id)
        style = style.base_style
    for style in list(document.styles):
        if (style.type == WD_STYLE_TYPE.TABLE and style.style_id not in keep
                and style.element.get(qn("w:default")) not in ("1", "true", "on")):
            style.delete()


def _apply_minimums(styles, minimums: Minimums) -> None:
    """No style, nor the document defaults, below `font_size` points or `line_spacing` lines
    (a court's rule for documents under a page limit, e.g. the UK Practice Direction §1.6)."""
    size, line = minimums.font_size, minimums.line_spacing
    defaults = styles.find(qn("w:docDefaults"))
    if size:
        run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        if run.find(qn("w:sz")) is None:
            run.append(element("w:sz", {"w:val": int(size * 2)}))
        for node in styles.iter(qn("w:sz"), qn("w:szCs")):
            node.set(qn("w:val"), str(max(int(node.get(qn("w:val"))), int(size * 2))))
    if line:
        paragraph = defaults.find(qn("w:pPrDefault"))
        if paragraph is None:
            paragraph = element("w:pPrDefault")
            defaults.append(paragraph)
        properties = paragraph.find(qn("w:pPr"))
        if properties is None:
            properties = element("w:pPr")
            paragraph.append(properties)
        if properties.find(qn("w:spacing")) is None:
            properties.append(element("w:spacing", {"w:line": 240, "w:lineRule": "auto"}))
        for node in styles.iter(qn("w:spacing")):
            if node.get(qn("w:line")) is not None or node.getparent().getparent().tag == qn("w:pPrDefault"):
                if node.get(qn("w:lineRule"), "auto") == "auto":
                    value = int(node.get(qn("w:line"), 240))
                    node.set(qn("w:line"), str(max(value, int(line * 240))))
                    node.set(qn("w:lineRule"), "auto")


_KEPT = ("styles", "numbering", "settings", "theme", "fontTable", "header", "footer")


def _without_baggage(blob: bytes) -> bytes:
    """Only the parts a reference is read for, in a reproducible zip: no thumbnail, no empty
    bibliography item, no stylesWithEffects, no app.xml, no web settings."""
    from reportkit.docx import package
    from reportkit.docx.writer import _settings

    archive = zipfile.ZipFile(io.BytesIO(blob))
    types = {}
    for node in etree.fromstring(archive.read("[Content_Types].xml")):
        if node.get("PartName"):
            types[node.get("PartName").lstrip("/")] = node.get("ContentType")
    relationships = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    kept, members = [], []
    for node in relationships:
        if node.get("Type").rsplit("/", 1)[-1] in _KEPT:
            kept.append((node.get("Id"), node.get("Type"), node.get("Target"), False))
            name = "word/" + node.get("Target")
            data = archive.read(name)
            if name == "word/settings.xml":
                data = _settings(etree.fromstring(data), False, archive.read("word/document.xml"))
            members.append((name, data, False))
    members.append(("word/document.xml", archive.read("word/document.xml"), False))
    members.append(("word/_rels/document.xml.rels", package.relationships_part(kept), False))
    members.append(("docProps/core.xml", archive.read("docProps/core.xml"), False))
    content_types = {name: types[name] for name, _data, _ in members if name in types}
    package_relationships = [
        ("rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
         "word/document.xml", False),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                 "core-properties", "docProps/core.xml", False)]
    head = [("[Content_Types].xml", package.content_types_part(content_types), False),
            ("_rels/.rels", package.relationships_part(package_relationships), False)]
    return package.zip_package(head + sorted(members))


def main(folders: list[str]) -> None:
    """Make each folder's reference.docx where there is none; never replace one."""
    for folder in folders:
        path = Path(folder)
        target = path / "reference.docx"
        if target.exists():
            print(f"kept {target}: it exists (restyle it in Word or LibreOffice, or delete it "
                  "to make a fresh one from template.yaml)")
            continue
        config = validate_document(TemplateSet, load_yaml(path / "template.yaml"))
        target.write_bytes(make_reference(config))
        print(f"wrote {target}")


if __name__ == "__main__":  # `make references`: a bad template.yaml is an error, not a traceback
    try:
        main(sys.argv[1:])
    except ReportkitError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
