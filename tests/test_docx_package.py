"""What a built DOCX carries besides its text: Word's style vocabulary, only the styles used,
nine list levels, no template baggage, byte-identical builds; and what a reference.docx may be."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def build(tmp: Path, name: str, *extra) -> Path:
    output = tmp / f"{name}.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output, "--library",
                     FIXTURE_LIBRARY, *extra)
    assert result.exit_code == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("package"), "report")


def part(path: Path, name: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def styles_of(path: Path) -> dict[str, etree._Element]:
    return {style.get(f"{W}styleId"): style for style in part(path, "word/styles.xml").iter(f"{W}style")}


def test_no_template_baggage(report):
    names = zipfile.ZipFile(report).namelist()
    assert not [name for name in names if "thumbnail" in name or "stylesWithEffects" in name
                or "webSettings" in name]
    # The one custom XML item is the provenance record, not an empty bibliography.
    assert [name for name in names if re.fullmatch(r"customXml/item\d+\.xml", name)] == ["customXml/item1.xml"]
    assert etree.QName(part(report, "customXml/item1.xml")).namespace == "urn:reportkit:provenance:1"
    app = etree.tostring(part(report, "docProps/app.xml")).decode()
    assert "Application" not in app and "Macintosh" not in app


def test_word_opens_it_without_compatibility_mode_and_updates_fields(report):
    settings = part(report, "word/settings.xml")
    modes = [node.get(f"{W}val") for node in settings.iter(f"{W}compatSetting")
             if node.get(f"{W}name") == "compatibilityMode"]
    assert modes == ["15"]
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"
    assert settings.find(f"{W}attachedTemplate") is None


def test_document_id_is_derived_from_the_content(report, tmp_path):
    reference = zipfile.ZipFile(TEMPLATES / "uk" / "reference.docx")
    template_id = etree.fromstring(reference.read("word/settings.xml")).find(f"{W14}docId")
    own_id = part(report, "word/settings.xml").find(f"{W14}docId").get(f"{W14}val")
    assert template_id is None or own_id != template_id.get(f"{W14}val")
    again = build(tmp_path, "again")
    assert again.read_bytes() == report.read_bytes()  # the same input, the same bytes
    other = build(tmp_path, "other", "--anonymise")
    assert part(other, "word/settings.xml").find(f"{W14}docId").get(f"{W14}val") != own_id


def test_word_built_in_styles_for_notes_contents_and_links(report):
    styles = styles_of(report)
    names = {identifier: style.find(f"{W}name").get(f"{W}val") for identifier, style in styles.items()}
    assert names["FootnoteText"] == "footnote text"
    assert names["FootnoteReference"] == "footnote reference"
    assert names["TOC1"] == "toc 1" and names["TOC2"] == "toc 2"
    assert names["Hyperlink"] == "Hyperlink"
    for identifier in ("FootnoteText", "FootnoteReference", "TOC1", "Hyperlink"):
        assert styles[identifier].get(f"{W}customStyle") is None, identifier


def test_headings_take_their_font_from_normal(report):
    styles = styles_of(report)
    for identifier in ("Heading1", "Heading2", "Heading3", "Heading1Char", "Title"):
        if identifier in styles:
            assert styles[identifier].find(f"{W}rPr/{W}rFonts") is None, identifier


def test_only_the_styles_used_and_what_they_inherit_from(report):
    styles = styles_of(report)
    with zipfile.ZipFile(report) as archive:
        referenced = set()
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                for node in etree.fromstring(archive.read(name)).iter(f"{W}pStyle", f"{W}rStyle",
                                                                       f"{W}tblStyle"):
                    referenced.add(node.get(f"{W}val"))
    roles = {"NumberedParagraph", "BodyText", "Heading1", "Heading2", "Heading3", "Quote",
             "ListBullet", "ListNumber", "TableGrid", "TableText", "FootnoteText",
             "FootnoteReference", "Hyperlink", "TOCHeading", "TOC1", "TOC2", "TOC3"}
    reachable, pending = set(), list(referenced | roles)
    pending += [identifier for identifier, style in styles.items() if style.get(f"{W}default") == "1"]
    while pending:
        identifier = pending.pop()
        if identifier in reachable or identifier not in styles:
            continue
        reachable.add(identifier)
        for tag in ("basedOn", "link", "next"):
            node = styles[identifier].find(f"{W}{tag}")
            if node is not None:
                pending.append(node.get(f"{W}val"))
    assert referenced - {None} <= set(styles), "a style used but not defined"
    assert set(styles) == reachable
    assert len(styles) < 45


def test_lists_have_nine_levels_indented_deeper_each_level(report):
    numbering = part(report, "word/numbering.xml")
    document = part(report, "word/document.xml")
    used = {node.find(f"{W}numId").get(f"{W}val") for node in document.iter(f"{W}numPr")
            if node.getparent().find(f"{W}pStyle").get(f"{W}val") in ("ListBullet", "ListNumber")}
    abstract_of = {num.get(f"{W}numId"): num.find(f"{W}abstractNumId").get(f"{W}val")
                   for num in numbering.iter(f"{W}num")}
    abstracts = {node.get(f"{W}abstractNumId"): node for node in numbering.iter(f"{W}abstractNum")}
    assert used
    for num_id in used:
        levels = abstracts[abstract_of[num_id]].findall(f"{W}lvl")
        assert [int(level.get(f"{W}ilvl")) for level in levels] == list(range(9))
        indents = [int(level.find(f"{W}pPr/{W}ind").get(f"{W}left")) for level in levels]
        assert indents == sorted(set(indents))
    levels_written = {node.find(f"{W}ilvl").get(f"{W}val") for node in document.iter(f"{W}numPr")
                      if node.find(f"{W}numId").get(f"{W}val") in used}
    assert {"0", "1", "2"} <= levels_written  # the fixture nests bullets three deep


def test_the_cover_page_has_an_empty_header_and_footer(report):
    section = part(report, "word/document.xml").find(f"{W}body/{W}sectPr")
    assert section.find(f"{W}titlePg") is not None
    rels = {node.get("Id"): node.get("Target") for node in part(report, "word/_rels/document.xml.rels")}
    for kind in ("header", "footer"):
        first = [node for node in section.findall(f"{W}{kind}Reference") if node.get(f"{W}type") == "first"]
        assert len(first) == 1
        target = part(report, "word/" + rels[first[0].get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")])
        assert "".join(target.itertext()) == ""


def test_table_columns_follow_the_markdown_rule(report):
    document = part(report, "word/document.xml")
    for table in document.iter(f"{W}tbl"):
        assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        assert table.find(f".//{W}cantSplit") is None  # long rows may split across pages
    grids = [[int(col.get(f"{W}w")) for col in table.iter(f"{W}gridCol")] for table in document.iter(f"{W}tbl")]
    # features.md: |--|------|--| ; the chronology: 18 / 62 / 20.
    assert any(len(grid) == 3 and grid[1] == 3 * grid[0] == 3 * grid[2] for grid in grids)
    chronology = grids[-1]
    assert [round(100 * width / sum(chronology)) for width in chronology] == [18, 62, 20]


def _templates_with_styles(tmp_path: Path, change) -> Path:
    """A copy of the uk template set whose reference.docx has styles.xml passed through `change`."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "uk", templates / "uk")
    target = templates / "uk" / "reference.docx"
    with zipfile.ZipFile(TEMPLATES / "uk" / "reference.docx") as original, \
            zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "word/styles.xml":
                data = change(data.decode()).encode()
            copy.writestr(item, data)
    return templates


def test_styles_are_found_by_name_in_any_capitalisation(tmp_path):
    """LibreOffice writes 'Heading 1' and 'Footnote Text' where Word writes 'heading 1' and
    'footnote text'; and a style id may differ from Word's."""
    templates = _templates_with_styles(tmp_path, lambda xml: xml.replace(
        '<w:name w:val="heading 1"/>', '<w:name w:val="Heading 1"/>').replace(
        '<w:name w:val="footnote text"/>', '<w:name w:val="Footnote Text"/>').replace(
        'w:styleId="FootnoteText"', 'w:styleId="Footnotetext"').replace(
        '<w:pStyle w:val="FootnoteText"/>', '<w:pStyle w:val="Footnotetext"/>'))
    reference = templates / "uk" / "reference.docx"
    assert 'w:val="Heading 1"' in zipfile.ZipFile(reference).read("word/styles.xml").decode()
    output = build(tmp_path, "renamed", "--templates", templates)
    notes = etree.tostring(part(output, "word/footnotes.xml")).decode()
    assert 'w:pStyle w:val="Footnotetext"' in notes


def test_every_missing_style_is_named_in_one_error(tmp_path):
    templates = _templates_with_styles(tmp_path, lambda xml: xml.replace(
        '<w:name w:val="Quote"/>', '<w:name w:val="Zitat"/>').replace(
        '<w:name w:val="Table Text"/>', '<w:name w:val="Tabellentext"/>').replace(
        'w:styleId="Quote"', 'w:styleId="Zitat"').replace('w:styleId="TableText"', 'w:styleId="Tabellentext"'))
    reference = templates / "uk" / "reference.docx"
    output = tmp_path / "out.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output, "--library",
                     FIXTURE_LIBRARY, "--templates", templates)
    assert result.exit_code == 1
    assert "'Quote'" in result.stderr and "'Table Text'" in result.stderr
    assert str(reference) in result.stderr and "Traceback" not in result.stderr
    assert not output.exists()


def test_make_references_never_replaces_a_restyled_reference(tmp_path):
    from reportkit.docx.new_reference import main

    folder = tmp_path / "uk"
    shutil.copytree(TEMPLATES / "uk", folder)
    restyled = b"a restyled reference.docx"
    (folder / "reference.docx").write_bytes(restyled)
    main([str(folder)])
    assert (folder / "reference.docx").read_bytes() == restyled
    (folder / "reference.docx").unlink()
    main([str(folder)])
    fresh = zipfile.ZipFile(folder / "reference.docx")
    assert "word/styles.xml" in fresh.namelist()


@pytest.mark.parametrize("name", ["uk", "us"])
def test_a_regenerated_reference_has_the_shipped_ones_page_and_styles(tmp_path, name):
    """`make references` makes from template.yaml (data) what the set ships: page size and
    margins, and for every style the report uses, size, line spacing, spacing and indents
    (the UK's Practice Direction §1.6 values among them), and Normal's font."""
    from reportkit.docx.geometry import page_geometry
    from reportkit.docx.new_reference import main
    from reportkit.load.templates import load_template_set

    folder = tmp_path / name
    shutil.copytree(TEMPLATES / name, folder)
    (folder / "reference.docx").unlink()
    main([str(folder)])
    roles = dict(load_template_set(name, [TEMPLATES]).config.styles)
    roles.update({"cover": "Cover Text", "signature": "Signature", "title": "Title"})
    shipped = page_geometry(TEMPLATES / name / "reference.docx", roles)
    fresh = page_geometry(folder / "reference.docx", roles)
    assert (fresh.width, fresh.height) == (shipped.width, shipped.height)
    for role in [*roles, "normal"]:
        assert fresh.measured(role) == shipped.measured(role), role

    def normal_font(path: Path) -> str:
        with zipfile.ZipFile(path) as archive:
            styles = etree.fromstring(archive.read("word/styles.xml"))
        fonts = styles.find(f'{W}style[@{W}styleId="Normal"]/{W}rPr/{W}rFonts')
        return fonts.get(f"{W}ascii")

    assert normal_font(folder / "reference.docx") == normal_font(TEMPLATES / name / "reference.docx")

    def table_styles(path: Path) -> set[str]:
        return {identifier for identifier, style in styles_of(path).items()
                if style.get(f"{W}type") == "table"}

    # The table style the set names and the default one; not the hundred of python-docx's start.
    assert table_styles(folder / "reference.docx") == {"TableGrid", "TableNormal"}
    assert table_styles(TEMPLATES / name / "reference.docx") == {"TableGrid", "TableNormal"}
