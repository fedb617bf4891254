"""What the court document says: cover pages, the CV annex, the court's words, and nothing about
the tool. Read back with pandoc, as a reader other than our own writer."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli
from readers import pandoc_json  # noqa: F401  (skips or fails as REPORTKIT_REQUIRE_READERS says)


def body(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def build(case: Path, output: Path) -> str:
    result = run_cli("build", case, "-o", output, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    return body(output)


@pytest.fixture
def cases(tmp_path) -> Path:
    folder = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, folder)
    return folder


def test_uk_cover_names_the_parties_tribunal_appeal_and_hearing(cases, tmp_path):
    case = cases / "journalist.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "anonymise: false", "anonymise: false\noptions:\n  hearing_centre: Taylor House\n"
        "  hearing_date: 2027-01-15"), encoding="utf-8")
    text = build(case, tmp_path / "uk.docx")
    assert "In the First-tier Tribunal (Immigration and Asylum Chamber), sitting at Taylor House" in text
    assert "Appeal number: PA/00001/2026" in text
    assert ("Renée Água Testperson (Appellant) v Secretary of State for the Home Department "
            "(Respondent)") in text
    assert "Hearing date: 15 January 2027" in text


def test_us_cover_is_in_the_matter_of_with_a_number_and_court(cases, tmp_path):
    text = build(cases / "journalist-us.yaml", tmp_path / "us.docx")
    assert "In the Matter of" in text and "Respondent. In Removal Proceedings." in text
    assert "A-Number: A 000-111-222" in text
    assert "Immigration Court, Testville, TS" in text
    # One date line in the declaration: "Executed on", no blank "Date:" to fill in.
    declaration = text[text.index("I declare under penalty of perjury"):]
    assert "under the laws of the United States of America" in declaration  # signed abroad
    assert "Executed on" in declaration and "Date:" not in declaration


def test_the_court_document_never_names_the_tool_or_a_commit(cases, tmp_path):
    output = tmp_path / "uk.docx"
    text = build(cases / "journalist.yaml", output)
    assert "reportkit" not in text.lower()
    assert not re.search(r"\bgit:|\b[0-9a-f]{12,40}\b", text)
    assert "country information library “Testland: country information”, version" in text


def test_annex_c_is_the_cv_from_the_expert_file(cases, tmp_path):
    text = build(cases / "journalist.yaml", tmp_path / "uk.docx")
    assert "My curriculum vitae is at Annex C." in text
    annex = text[text.index("Annex C: Curriculum vitae"):]
    assert "Dr Test Expert" in annex and "Lecturer, University of Testland (fictional)" in annex
    assert "PhD, fictional university" in annex


def test_annex_c_is_the_experts_own_word_cv_when_the_expert_file_names_one(cases, tmp_path):
    cv = docx.Document()
    cv.add_heading("Curriculum vitae of Dr Test Expert (fictional)", level=1)
    cv.add_paragraph("A PARAGRAPH ONLY IN THE WORD CV").runs[0].bold = True
    cv.save(str(cases / "cv.docx"))
    expert = cases / "expert.yaml"
    expert.write_text(expert.read_text(encoding="utf-8") + "cv_docx: cv.docx\n", encoding="utf-8")
    output = tmp_path / "uk.docx"
    text = build(cases / "journalist.yaml", output)
    annex = text[text.index("Annex C: Curriculum vitae"):]
    assert "The curriculum vitae of Dr Test Expert follows." in annex
    assert annex.index("follows.") < annex.index("A PARAGRAPH ONLY IN THE WORD CV")
    bold = [run for paragraph in docx.Document(str(output)).paragraphs for run in paragraph.runs
            if run.text == "A PARAGRAPH ONLY IN THE WORD CV"]
    assert bold and bold[0].bold  # its own formatting kept
    again = tmp_path / "again.docx"
    build(cases / "journalist.yaml", again)
    assert again.read_bytes() == output.read_bytes()  # still byte-identical for the same inputs


def test_languages_are_joined_with_and_and_the_place_comes_first(cases, tmp_path):
    case = cases / "journalist.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "languages: [Testish]", "languages: [Testish, Otherish]"), encoding="utf-8")
    text = build(case, tmp_path / "uk.docx")
    assert "speaks Testish and Otherish" in text
    assert "Capital: Renée attended a protest" in text


def test_a_cv_docx_outside_the_case_folder_is_refused(cases, tmp_path):
    expert = cases / "expert.yaml"
    expert.write_text(expert.read_text(encoding="utf-8") + "cv_docx: ../cv.docx\n", encoding="utf-8")
    result = run_cli("build", cases / "journalist.yaml", "-o", tmp_path / "x.docx",
                     "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert f"{expert}:" in result.stderr and "outside the case's folder" in result.stderr
    assert not (tmp_path / "x.docx").exists()
