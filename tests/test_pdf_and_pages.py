"""`build --pdf`, the page estimate and limit, and LibreOffice run only when asked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE_CASES, FIXTURE_CASES, FIXTURE_LIBRARY, ROOT, docx_parts, run_cli
from readers import need


@pytest.fixture
def short_limit(tmp_path) -> Path:
    """The uk set with a 2-page limit, so the fixture report exceeds it."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "uk", folder / "uk")
    config = folder / "uk" / "template.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("page_limit: 20", "page_limit: 2"),
                      encoding="utf-8")
    return folder


@pytest.fixture
def without_libreoffice(monkeypatch, tmp_path):
    """A PATH on which LibreOffice cannot be found, as on a laptop without it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))


def build(output: Path, *extra) -> object:
    return run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                   "--library", FIXTURE_LIBRARY, *extra)


def test_pdf_is_written_beside_the_docx(tmp_path):
    need("soffice")
    result = build(tmp_path / "report.docx", "--pdf")
    assert result.exit_code == 0, result.stderr
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")


def test_pdf_without_libreoffice_says_how_to_install_it(tmp_path, without_libreoffice):
    output = tmp_path / "report.docx"
    result = build(output, "--pdf")
    assert result.exit_code == 1
    assert "LibreOffice" in result.stderr and "apt-get install libreoffice-writer-nogui" in result.stderr
    assert not output.exists() and not (tmp_path / "report.pdf").exists()


@pytest.fixture
def recording_soffice(monkeypatch, tmp_path) -> Path:
    """A `soffice` first on PATH that only records that it was started."""
    bin_dir = tmp_path / "recording-bin"
    bin_dir.mkdir()
    calls = tmp_path / "soffice-calls"
    program = bin_dir / "soffice"
    program.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\nexit 1\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return calls


def test_a_plain_build_never_starts_libreoffice(tmp_path, short_limit, recording_soffice):
    result = build(tmp_path / "report.docx", "--templates", short_limit)
    assert result.exit_code == 0, result.stderr
    assert not recording_soffice.exists()
    # Over the limit, the warning gives the estimate and says it is one.
    assert "limit is 2 pages" in result.stderr
    assert "(an estimate; `--final` or `check --pages` counts exactly with LibreOffice)" in result.stderr


def test_page_limit_warning_is_an_estimate_without_libreoffice(tmp_path, short_limit, without_libreoffice):
    result = build(tmp_path / "report.docx", "--templates", short_limit)
    assert result.exit_code == 0, result.stderr
    assert "an estimate" in result.stderr


def test_final_refuses_a_report_over_the_limit_counted_by_libreoffice(tmp_path, short_limit):
    need("soffice")
    output = tmp_path / "report.docx"
    case = tmp_path / "case.yaml"
    case.write_text((FIXTURE_CASES / "journalist.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(FIXTURE_CASES / "expert.yaml", tmp_path / "expert.yaml")
    answered = _answer_every_question(case)
    result = run_cli("build", answered, "-o", output, "--library", FIXTURE_LIBRARY,
                     "--templates", short_limit, "--final")
    assert result.exit_code == 1
    assert "counted by LibreOffice" in result.stderr and "limit is 2" in result.stderr
    assert "permission_to_exceed_page_limit" in result.stderr
    assert not output.exists()
    # With the tribunal's permission recorded, the same report is written.
    permitted = answered.with_name("permitted.yaml")
    permitted.write_text(answered.read_text(encoding="utf-8").replace(
        "anonymise: false", "anonymise: false\noptions:\n  permission_to_exceed_page_limit: true"), encoding="utf-8")
    result = run_cli("build", permitted, "-o", output, "--library", FIXTURE_LIBRARY,
                     "--templates", short_limit, "--final")
    assert result.exit_code == 0, result.stderr
    assert output.exists()


def _answer_every_question(case: Path) -> Path:
    """The case with its open question answered, so that --final looks only at the pages."""
    text = case.read_text(encoding="utf-8")
    assert 'answer: ""' in text
    case.write_text(text.replace('answer: ""', 'answer: "The sources describe the risk."'),
                    encoding="utf-8")
    return case


def test_permission_silences_the_page_limit_warning(tmp_path, short_limit, without_libreoffice):
    case = tmp_path / "case.yaml"
    text = (FIXTURE_CASES / "journalist.yaml").read_text(encoding="utf-8")
    case.write_text(text.replace("anonymise: false", "anonymise: false\noptions:\n  permission_to_exceed_page_limit: true")
                    , encoding="utf-8")
    shutil.copy(FIXTURE_CASES / "expert.yaml", tmp_path / "expert.yaml")
    result = run_cli("build", case, "-o", tmp_path / "report.docx", "--library", FIXTURE_LIBRARY,
                     "--templates", short_limit)
    assert result.exit_code == 0, result.stderr
    assert "pages" not in result.stderr


def test_the_default_uk_limit_is_not_exceeded_by_the_fixture(tmp_path):
    result = build(tmp_path / "report.docx")
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_check_pages_counts_with_libreoffice_and_fails_over_the_limit(short_limit):
    need("soffice")
    result = run_cli("check", FIXTURE_CASES / "journalist.yaml", "--library", FIXTURE_LIBRARY,
                     "--templates", short_limit, "--pages")
    assert result.exit_code == 1
    assert "journalist.yaml: " in result.stdout and "pages (counted by LibreOffice); the limit is 2 (over the limit" in result.stdout
    without = run_cli("check", FIXTURE_CASES / "journalist.yaml", "--library", FIXTURE_LIBRARY,
                      "--templates", short_limit)
    assert "counted by LibreOffice" not in without.stdout


def test_a_layout_pass_fills_the_contents_with_libreoffices_pages(tmp_path):
    need("soffice")
    need("pdftotext")
    from reportkit.docx import heading_pages
    from reportkit.docx.toc import toc_entries
    from reportkit.libreoffice import page_texts

    output = tmp_path / "report.docx"
    result = build(output, "--pdf")
    assert result.exit_code == 0, result.stderr
    data = output.read_bytes()
    pages = heading_pages(data, page_texts((tmp_path / "report.pdf").read_bytes()))
    assert pages and len(pages) == len(toc_entries(data))
    document = docx_parts(output)["word/document.xml"]
    for bookmark, page in pages.items():
        cached = re.search(rf'PAGEREF {bookmark}\b.*?fldCharType="separate"/></w:r><w:r><w:t>(\d+)</w:t>',
                           document, re.S)
        assert cached and int(cached.group(1)) == page, bookmark


def test_the_pdf_shows_the_contents_page_numbers_the_docx_holds(tmp_path):
    """The PDF is made from the DOCX as written, its contents filled: each entry's line ends
    with the page on which the PDF shows the heading."""
    need("soffice")
    need("pdftotext")
    from reportkit.docx import heading_pages
    from reportkit.libreoffice import page_texts

    output = tmp_path / "report.docx"
    assert build(output, "--pdf").exit_code == 0
    texts = page_texts((tmp_path / "report.pdf").read_bytes())
    pages = heading_pages(output.read_bytes(), texts)
    contents = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", tmp_path / "report.pdf", "-"],
                              capture_output=True, text=True, check=True).stdout
    numbers = re.findall(r"^\s*(?:[A-Z]\.|[A-Z]\.\d+|Annex [A-Z]:).*?\.{3,}\s*(\d+)\s*$", contents, re.M)
    assert numbers and [int(number) for number in numbers] == list(pages.values()), contents


def test_final_fills_the_contents_pages_also_with_permission_to_exceed(workdir):
    """--final lays the report out whenever LibreOffice is there: the report filed has its
    contents' page numbers, whether or not the page limit applies."""
    need("soffice")
    need("pdftotext")
    case = workdir / "cases" / "journalist.yaml"
    text = case.read_text(encoding="utf-8").replace('answer: ""', 'answer: "The sources describe it."')
    case.write_text(text + "options: {permission_to_exceed_page_limit: true}\n", encoding="utf-8")
    output = workdir / "final.docx"
    result = run_cli("build", case, "-o", output, "--final", "--library", workdir / "library")
    assert result.exit_code == 0, result.stderr
    document = docx_parts(output)["word/document.xml"]
    cached = re.findall(r'PAGEREF _Toc\w+\b.*?fldCharType="separate"/></w:r><w:r><w:t>(\d+)</w:t>',
                        document, re.S)
    assert cached and all(number.isdigit() for number in cached)


def test_the_bundled_uk_examples_fit_the_practice_directions_20_pages():
    """PD (FtT IAC, 2024) §9.2: an expert report must not exceed 20 pages; every page of the
    report as built counts (cover, contents, annexes and CV), counted by LibreOffice."""
    need("soffice")
    uk = sorted(case for case in EXAMPLE_CASES.glob("*.yaml")
                if "jurisdiction: uk" in case.read_text(encoding="utf-8"))
    assert len(uk) >= 2
    result = run_cli("check", *uk, "--pages")
    assert result.exit_code == 0, result.stdout + result.stderr
    counts = re.findall(r": (\d+) pages \(counted by LibreOffice\); the limit is 20", result.stdout)
    assert len(counts) == len(uk) and max(map(int, counts)) <= 20, result.stdout
