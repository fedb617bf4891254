"""`build --pdf` and the page-limit warning, with LibreOffice and without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, ROOT, run_cli
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


def test_page_limit_warning_counts_with_libreoffice(tmp_path, short_limit):
    need("soffice")
    result = build(tmp_path / "report.docx", "--templates", short_limit)
    assert result.exit_code == 0, result.stderr
    assert "counted by LibreOffice" in result.stderr
    assert "limit is 2 pages" in result.stderr


def test_page_limit_warning_is_an_estimate_without_libreoffice(tmp_path, short_limit, without_libreoffice):
    result = build(tmp_path / "report.docx", "--templates", short_limit)
    assert result.exit_code == 0, result.stderr
    assert "(estimate; install LibreOffice for an exact count)" in result.stderr


def test_permission_silences_the_page_limit_warning(tmp_path, short_limit, without_libreoffice):
    case = tmp_path / "case.yaml"
    text = (FIXTURE_CASES / "journalist.yaml").read_text(encoding="utf-8")
    case.write_text(text.replace("anonymise: false", "anonymise: false\npermission_to_exceed_page_limit: true")
                    , encoding="utf-8")
    shutil.copy(FIXTURE_CASES / "expert.yaml", tmp_path / "expert.yaml")
    result = run_cli("build", case, "-o", tmp_path / "report.docx", "--library", FIXTURE_LIBRARY,
                     "--templates", short_limit)
    assert result.exit_code == 0, result.stderr
    assert "pages" not in result.stderr


def test_the_default_uk_limit_is_not_exceeded_by_the_fixture(tmp_path):
    result = build(tmp_path / "report.docx")
    assert result.exit_code == 0 and "warning" not in result.stderr
