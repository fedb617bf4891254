"""The DOCX writer's layout as the real readers show it: LibreOffice (PDF, pdftotext), and
pandoc 3 reading the DOCX. A reference.docx re-saved by LibreOffice builds too."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli
from ooxml import audit_findings, schema_errors
from readers import REQUIRED, docx_to_pdf, need, pandoc_nodes, pdf_pages
from reportkit.docx.toc import toc_entries
from test_docx_valid import FALSE_POSITIVES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def build(folder: Path, *extra) -> Path:
    output = folder / "features.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output, "--library",
                     FIXTURE_LIBRARY, *extra)
    assert result.exit_code == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("layout")
    docx = build(folder)
    return docx, pdf_pages(docx_to_pdf(docx, folder))


def test_the_cover_page_has_no_running_header_or_page_number(rendered):
    _docx, pages = rendered
    first_lines = [[line.strip() for line in page.splitlines() if line.strip()][0] for page in pages[:2]]
    assert first_lines[0] != "PA/00001/2026"  # no running header above the cover's text
    assert first_lines[1] == "PA/00001/2026"  # the header from the second page on
    assert not re.search(r"Page \d+ of", pages[0])
    assert f"Page 2 of {len(pages)}" in pages[1]


def _columns(header: str, names: list[str]) -> list[int]:
    return [header.index(name) for name in names]


def test_table_columns_follow_the_markdown_rule(rendered):
    """pdftotext -layout puts each column where LibreOffice drew it: the event column of the
    chronology (62 %) is the widest, and |--|------|--| gives a middle column 3 times as wide."""
    _docx, pages = rendered
    text = "\n".join(pages)
    chronology = next(line for line in text.splitlines()
                      if re.match(r"\s*Date\s+Event\s+Basis\s*$", line))
    date, event, basis = _columns(chronology, ["Date", "Event", "Basis"])
    assert event - date < basis - event  # the event column is wider than the date column
    assert (basis - event) / (event - date) == pytest.approx(62 / 18, rel=0.15)
    features = next(line for line in text.splitlines() if re.match(r"\s*Code\s+Description", line))
    code, description, year = _columns(features, ["Code", "Description", "Year"])
    # 60 % against 20 %: pdftotext's character grid is coarse for short words, so "at least
    # twice", where equal columns would give 1.
    assert (year - description) > 2 * (description - code)


def test_nested_lists_indent_each_level(rendered):
    _docx, pages = rendered
    lines = "\n".join(pages).splitlines()

    def indent(words: str) -> int:
        line = next(line for line in lines if words in line)
        return len(line) - len(line.lstrip(" •◦▪-"))

    outer, nested, twice = (indent("An outer point"), indent("A nested point"),
                            indent("A point nested twice"))
    assert outer < nested < twice
    assert indent("An outer step") < indent("A nested step")


def _pandoc3() -> str:
    try:
        import pypandoc
        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        path = None
    if path and subprocess.run([path, "--version"], capture_output=True, text=True).stdout.startswith("pandoc 3"):
        return path
    message = "pandoc 3 is not installed (pip install pypandoc-binary)"
    if REQUIRED:
        pytest.fail(message + " but REPORTKIT_REQUIRE_READERS=1 requires it")
    pytest.skip(message)


def test_pandoc_3_reads_headings_notes_lists_and_tables(rendered):
    docx, _pages = rendered
    tree = json.loads(subprocess.run([_pandoc3(), "-f", "docx", "-t", "json", str(docx)],
                                     capture_output=True, text=True, check=True, timeout=120).stdout)
    headers = pandoc_nodes(tree, "Header")
    assert len(headers) == len(toc_entries(docx.read_bytes()))
    assert len(pandoc_nodes(tree, "Note")) >= 10
    bullets = pandoc_nodes(tree, "BulletList")
    assert any(pandoc_nodes({"blocks": item}, "BulletList") for bullet in bullets for item in bullet["c"])
    assert pandoc_nodes(tree, "OrderedList")
    assert len(pandoc_nodes(tree, "Table")) >= 3


def test_a_reference_docx_resaved_by_libreoffice_builds(tmp_path):
    """LibreOffice writes 'Heading 1' for Word's 'heading 1', levels in its own order, its own
    numbering ids: the build still finds every style, numbers the headings, and stays valid."""
    soffice = need("soffice")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "uk", templates / "uk")
    resaved = tmp_path / "resaved"
    with __import__("tempfile").TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(resaved),
                        str(templates / "uk" / "reference.docx")],
                       check=True, capture_output=True, timeout=180)
    import zipfile
    styles = zipfile.ZipFile(resaved / "reference.docx").read("word/styles.xml").decode()
    assert '<w:name w:val="Heading 1"/>' in styles  # LibreOffice's spelling
    shutil.copy(resaved / "reference.docx", templates / "uk" / "reference.docx")
    docx = build(tmp_path, "--templates", templates)
    entries = toc_entries(docx.read_bytes())
    assert [entry.label for entry in entries[:2]] == ["A.", "B."]
    assert schema_errors(docx) == []
    assert [finding for finding in audit_findings(docx) if finding not in FALSE_POSITIVES] == []
