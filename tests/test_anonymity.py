"""An anonymised report holds no part of a protected name: not in any zip part, not in its file name.

The fixture case mentions the applicant and a protected colleague, with and without accents and
in every case, in every text field the templates print.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import FIXTURE_LIBRARY, FIXTURES, run_cli
from reportkit.anonymise import fold

CASE = FIXTURES / "hardening" / "renee-agua-testperson.yaml"
# Every part of each protected name, folded (lower case, no accents).
NAME_PARTS = ["renee", "agua", "testperson", "juan", "perez", "nandu"]


def leaked_parts(text: str) -> set[str]:
    folded = fold(text)
    return {part for part in NAME_PARTS if re.search(rf"(?<![a-z]){part}(?![a-z])", folded)}


def zip_leaks(path: Path) -> dict[str, set[str]]:
    """Each part of the zip that holds a name part, searched as stored and as visible text."""
    found = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            raw = archive.read(name).decode("utf-8", errors="replace")
            # Also the text with the markup removed, in case a name is split across runs.
            visible = "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", raw))
            leaks = leaked_parts(raw) | leaked_parts(visible)
            if leaks:
                found[name] = leaks
    return found


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    shutil.copy(CASE, tmp_path / CASE.name)
    shutil.copy(CASE.parent / "expert.yaml", tmp_path / "expert.yaml")
    return tmp_path


def test_the_fixture_really_names_the_people_everywhere():
    """Guards the test itself: without anonymisation every name part is in the report."""
    text = CASE.read_text(encoding="utf-8")
    assert leaked_parts(text) == set(NAME_PARTS)


def test_named_build_leaks_without_anonymisation(case_dir: Path):
    """The search below can find names: a build with anonymise off shows them."""
    case = case_dir / CASE.name
    case.write_text(case.read_text(encoding="utf-8").replace("anonymise: true", "anonymise: false"),
                    encoding="utf-8")
    output = case_dir / "named.docx"
    result = run_cli("build", case, "-o", output, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    leaks = zip_leaks(output)
    assert set().union(*leaks.values()) == set(NAME_PARTS)
    assert "docProps/core.xml" in leaks and "docProps/custom.xml" in leaks


def test_case_marked_anonymise_leaks_no_name_anywhere(case_dir: Path):
    result = run_cli("build", case_dir / CASE.name, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    outputs = list(case_dir.glob("*.docx"))
    assert len(outputs) == 1
    output = outputs[0]
    assert leaked_parts(output.name) == set(), output.name
    assert zip_leaks(output) == {}
    text = "\n".join(paragraph.text for paragraph in docx.Document(str(output)).paragraphs)
    assert "R.Á.T. (Appellant) v Secretary of State for the Home Department" in text
    assert "J.P.Ñ." in text
    assert "PA/00099/2026 (R.Á.T.)" in zipfile.ZipFile(output).read("docProps/core.xml").decode()


def test_anonymise_option_overrides_the_case(case_dir: Path):
    case = case_dir / CASE.name
    case.write_text(case.read_text(encoding="utf-8").replace("anonymise: true", "anonymise: false"),
                    encoding="utf-8")
    result = run_cli("build", case, "--anonymise", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    (output,) = case_dir.glob("*.docx")
    assert leaked_parts(output.name) == set()
    assert zip_leaks(output) == {}


def test_markdown_emitted_for_an_anonymised_report_holds_no_name(case_dir: Path):
    markdown = case_dir / "report.md"
    result = run_cli("build", case_dir / CASE.name, "-o", case_dir / "report.docx",
                     "--emit-markdown", markdown, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    assert leaked_parts(markdown.read_text(encoding="utf-8")) == set()


def test_a_section_that_prints_a_protected_name_stops_the_build(case_dir: Path, tmp_path: Path):
    """Library text is not scrubbed (it is the expert's own); the final check refuses instead."""
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    section = library / "testland" / "sections" / "journalists.md"
    section.write_text(section.read_text() + "\nThe case of Juan Perez was widely reported.\n")
    output = case_dir / "report.docx"
    result = run_cli("build", case_dir / CASE.name, "-o", output, "--library", library)
    assert result.exit_code == 1
    assert "library section 'journalists' names the applicant or a protected person" in result.stderr
    assert "The case of •••• ••••• was widely reported." in result.stderr
    assert not output.exists()
