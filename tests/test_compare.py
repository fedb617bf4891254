"""`reportkit compare`: a redline of two versions with Word's own tracked changes, read by pandoc
and opened by LibreOffice."""

from __future__ import annotations

import subprocess

import pytest

from conftest import edit
from readers import docx_to_pdf, need, pdf_pages

try:  # the OOXML schema check, where the test helpers provide it
    from ooxml import schema_errors
except ImportError:  # pragma: no cover
    schema_errors = None


@pytest.fixture(scope="module")
def redline(tmp_path_factory):
    """Two versions of the fixture report: an answer rewritten and extended, a library
    sentence changed and one deleted."""
    import shutil

    from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli

    folder = tmp_path_factory.mktemp("compare")
    shutil.copytree(FIXTURE_CASES, folder / "cases")
    shutil.copytree(FIXTURE_LIBRARY, folder / "library")
    case = folder / "cases" / "journalist.yaml"
    older, newer, output = folder / "v1.docx", folder / "v2.docx", folder / "redline.docx"
    assert run_cli("build", case, "-o", older, "--library", folder / "library").exit_code == 0
    edit(case, 'answer: "The sources describe attacks on journalists."',
         'answer: "The sources describe repeated attacks on journalists.\\n\\n'
         'A paragraph added in the revised report."')
    edit(folder / "library" / "testland" / "sections" / "background.md",
         "A second paragraph relies on two sources [@alpha-2023; @beta-news].\n", "")
    assert run_cli("build", case, "-o", newer, "--library", folder / "library").exit_code == 0
    result = run_cli("compare", older, newer, "-o", output)
    assert result.exit_code == 0, result.stderr
    assert "by Dr Test Expert, dated 2026-11-22" in result.stdout
    return output


def test_pandoc_reads_the_insertions_and_deletions(redline):
    pandoc = need("pandoc")
    native = subprocess.run([pandoc, "--track-changes=all", "-t", "native", str(redline)],
                            check=True, capture_output=True, text=True, timeout=120).stdout
    assert native.count('[ "insertion" ]') >= 2 and '[ "deletion" ]' in native
    assert '( "author" , "Dr Test Expert" )' in native
    assert '( "date" , "2026-11-22T00:00:00Z" )' in native
    accepted = subprocess.run([pandoc, "--track-changes=accept", "-t", "plain", str(redline)],
                              check=True, capture_output=True, text=True, timeout=120).stdout
    rejected = subprocess.run([pandoc, "--track-changes=reject", "-t", "plain", str(redline)],
                              check=True, capture_output=True, text=True, timeout=120).stdout
    assert "A paragraph added in the revised report." in accepted
    assert "A paragraph added in the revised report." not in rejected
    assert "A second paragraph relies on two sources" in rejected
    assert "A second paragraph relies on two sources" not in accepted


def test_libreoffice_opens_the_redline(redline, tmp_path):
    pages = pdf_pages(docx_to_pdf(redline, tmp_path))
    text = " ".join(" ".join(page.split()) for page in pages)
    assert "The sources describe" in text and "revised report" in text


@pytest.mark.skipif(schema_errors is None, reason="the OOXML schema helper is not available")
def test_the_redline_body_is_schema_valid(redline):
    errors = [error for error in schema_errors(redline.read_bytes())
              if error.startswith(("word/document.xml", "word/footnotes.xml"))]
    assert errors == []


def test_compare_never_writes_over_a_report_it_compares(tmp_path, cli, redline):
    older = redline.with_name("v1.docx")
    before = older.read_bytes()
    result = cli("compare", older, redline.with_name("v2.docx"), "-o", older, "--force")
    assert result.exit_code == 1
    assert "would replace one of the reports compared" in result.stderr
    assert older.read_bytes() == before
