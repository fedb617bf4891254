"""`reportkit compare`: a redline of two versions with Word's own tracked changes, read by pandoc
and opened by LibreOffice (the `redline` fixture is in conftest.py; its schema check is in
test_docx_valid.py)."""

from __future__ import annotations

import subprocess

from readers import docx_to_pdf, need, pdf_pages


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


def test_compare_never_writes_over_a_report_it_compares(tmp_path, cli, redline):
    older = redline.with_name("v1.docx")
    before = older.read_bytes()
    result = cli("compare", older, redline.with_name("v2.docx"), "-o", older, "--force")
    assert result.exit_code == 1
    assert "would replace one of the reports compared" in result.stderr
    assert older.read_bytes() == before
