"""Concise by default under a page limit: sections with a `summary:` are shortened to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, docx_parts, edit, run_cli

SUMMARY = """summary: >
  In short: Alpha Watch described the features of the protests [@alpha-2023, p. 4].
"""


@pytest.fixture
def limited(workdir: Path) -> Path:
    """The scratch library with a summary on one section, and the uk set with a 2-page limit."""
    edit(workdir / "library" / "testland" / "sections" / "features.md",
         "last_reviewed: 2026-11-01\n", "last_reviewed: 2026-11-01\n" + SUMMARY)
    shutil.copytree(ROOT / "templates" / "uk", workdir / "templates" / "uk")
    edit(workdir / "templates" / "uk" / "template.yaml", "page_limit: 20", "page_limit: 2")
    return workdir


def build(folder: Path, case: str = "journalist.yaml", *extra) -> tuple[object, str]:
    output = folder / "report.docx"
    result = run_cli("build", folder / "cases" / case, "-o", output, "--library",
                     folder / "library", "--templates", folder / "templates", "--force", *extra)
    assert result.exit_code == 0, result.stderr
    return result, docx_parts(output)["word/document.xml"]


def test_a_report_over_the_limit_uses_the_summaries(limited):
    result, body = build(limited)
    assert "In short: Alpha Watch described the features of the protests" in body
    assert "This paragraph has" not in body  # the full text of that section is left out
    assert "1 section(s) are shortened to their summary: features" in result.stderr
    # The summary's citation is a footnote like any other.
    notes = docx_parts(limited / "report.docx")["word/footnotes.xml"]
    assert "Alpha Watch" in notes


def test_permission_to_exceed_keeps_the_full_text(limited):
    edit(limited / "cases" / "journalist.yaml", "anonymise: false",
         "anonymise: false\noptions:\n  permission_to_exceed_page_limit: true")
    result, body = build(limited)
    assert "This paragraph has" in body and "In short:" not in body
    assert "shortened" not in result.stderr


def test_a_report_within_the_limit_keeps_the_full_text(limited):
    edit(limited / "templates" / "uk" / "template.yaml", "page_limit: 2", "page_limit: 20")
    result, body = build(limited)
    assert "This paragraph has" in body and "In short:" not in body


def test_a_summary_citing_an_unknown_source_is_reported_at_its_line(limited):
    line = edit(limited / "library" / "testland" / "sections" / "features.md",
                "[@alpha-2023, p. 4].\n---", "[@no-such-source].\n---")
    result = run_cli("check", "--library", limited / "library")
    assert result.exit_code == 1
    assert f"features.md:{line}: L002" in result.stdout


@pytest.mark.parametrize("made", ["shipped", "regenerated"])
def test_the_uk_template_set_follows_practice_direction_1_6(made, tmp_path):
    """PD (FtT IAC, 1 November 2024) §1.6: text in a document under a page limit is no smaller than
    12 point, with 1.5 line spacing. Every style in the UK reference.docx, and its defaults; and
    in one made afresh from template.yaml (`make references`)."""
    import zipfile

    from lxml import etree

    from reportkit.docx.new_reference import make_reference
    from reportkit.load.templates import load_template_set

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    reference = ROOT / "templates" / "uk" / "reference.docx"
    if made == "regenerated":
        reference = tmp_path / "reference.docx"
        reference.write_bytes(make_reference(load_template_set("uk", [ROOT / "templates"]).config))
    with zipfile.ZipFile(reference) as archive:
        styles = etree.fromstring(archive.read("word/styles.xml"))
    sizes = [int(node.get(f"{w}val")) / 2 for node in styles.iter(f"{w}sz")]
    assert sizes and min(sizes) >= 12
    spacings = [node for node in styles.iter(f"{w}spacing") if node.get(f"{w}line")]
    assert spacings
    for node in spacings:
        assert node.get(f"{w}lineRule", "auto") == "auto" and int(node.get(f"{w}line")) >= 360
    defaults = styles.find(f"{w}docDefaults/{w}pPrDefault/{w}pPr/{w}spacing")
    assert int(defaults.get(f"{w}line")) >= 360
