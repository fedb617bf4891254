"""Anonymity in every output and message, and no refusal of a name someone else shares.

The bundled Peru library names real people (journalists, officials): an applicant who shares a
given name with one of them builds anonymised. Library text with the applicant's full name or two
parts of it in sequence is refused with where it is and the name masked, unless the case confirms
it is about someone else (`anonymity_allow`). `check` reports what the build would refuse.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from anonymity_names import count, searched_forms
from case_text import base_case, to_yaml
from conftest import EXAMPLE_CASES, FIXTURE_LIBRARY, ROOT, docx_parts, edit, run_cli
from readers import docx_to_pdf, need
from reportkit.build import LibraryCache, build_report, load_inputs
from reportkit.paths import template_search_path
from reportkit.provenance import read_record

BUNDLED = LibraryCache(ROOT / "country_data")
README_APPLICANT = "Rosa Quispe Mamani"


def _case_named(tmp_path: Path, source: Path, name: str, file_name: str = "case.yaml",
                extra: str = "") -> Path:
    text = source.read_text(encoding="utf-8")
    old = re.search(r'^  name: ".*"$', text, re.M).group()
    text = text.replace(old, f'  name: "{name}"', 1).replace("anonymise: false", "anonymise: true")
    text = re.sub(r"^  surname: .*\n", "", text, count=1, flags=re.M)  # the example's own
    expert = (source.parent / text.split("expert: ", 1)[1].split()[0]).resolve()
    text = re.sub(r"^expert: .*$", f"expert: {expert.name}", text, count=1, flags=re.M)
    shutil.copy(expert, tmp_path / expert.name)
    case = tmp_path / file_name
    case.write_text(text + extra, encoding="utf-8")
    return case


def _build(case: Path, libraries: LibraryCache):
    inputs = load_inputs(case, libraries, template_search_path(None), anonymise=True)
    return build_report(inputs, libraries)


def _visible(docx: bytes) -> str:
    """Each part's text with the markup removed (runs joined), and its attributes."""
    shown = []
    for text in docx_parts(docx).values():
        shown.append(re.sub(r"<[^>]+>", "", text))
        shown.extend(re.findall(r'="([^"]*)"', text))
    return "\n".join(shown)


# ---------------------------------------------------------------- the bundled library


@pytest.mark.parametrize("example", sorted(EXAMPLE_CASES.glob("*.yaml")), ids=lambda path: path.stem)
def test_the_readme_applicant_builds_anonymised_with_the_bundled_library(example, tmp_path):
    """The library names Rosa María Palacios (a journalist) and links to .../rosa-maria-...:
    a shared given name is not a leak."""
    report = _build(_case_named(tmp_path, example, README_APPLICANT), BUNDLED)
    shown = _visible(report.docx)
    assert "R.Q.M." in shown
    for form in ("quispe mamani", "rosa quispe", "rosa mamani"):
        assert form not in shown.lower()


# Given names the bundled library uses for the people it names.
LIBRARY_GIVEN_NAMES = ["María", "Rosa", "Pedro", "Gustavo", "Paola", "Marina", "Erika", "Agnès",
                       "Daniel"]


def test_the_given_names_are_really_in_the_bundled_library():
    text = "\n".join(path.read_text(encoding="utf-8")
                     for path in (ROOT / "country_data" / "peru").rglob("*") if path.is_file())
    assert all(re.search(rf"\b{name}\b", text) for name in LIBRARY_GIVEN_NAMES)


@pytest.mark.parametrize("given_name", LIBRARY_GIVEN_NAMES)
def test_an_applicant_sharing_a_given_name_with_the_library_builds(given_name, tmp_path):
    name = f"{given_name} Ccori Apaza"
    report = _build(_case_named(tmp_path, EXAMPLE_CASES / "journalist.yaml", name), BUNDLED)
    shown = _visible(report.docx)
    for form in ("ccori", "apaza"):
        assert count(form, shown) == 0


# ---------------------------------------------------------------- library text naming the applicant


@pytest.fixture
def library(tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, copy)
    return copy


def _journalist_case(tmp_path: Path, extra: str = "") -> Path:
    return _case_named(tmp_path, FIXTURE_LIBRARY.parent / "cases" / "journalist.yaml",
                       "Rosa Quispe Mamani", "named.yaml", extra)


def test_library_text_with_the_full_name_is_refused_saying_where_and_masked(library, tmp_path):
    section = library / "testland" / "sections" / "journalists.md"
    line = edit(section, "The Beta Times reported", "The journalist Rosa Quispe wrote that the Beta Times reported")
    case = _journalist_case(tmp_path)
    output = tmp_path / "report.docx"
    result = run_cli("build", case, "-o", output, "--library", library)
    assert result.exit_code == 1 and not output.exists()
    assert f"{section}:{line}: library section 'journalists' names the applicant" in result.stderr
    assert "The journalist •••• •••••• wrote" in result.stderr
    assert "Quispe" not in result.stdout + result.stderr
    # `check` reports the same text at the same place, and the same way.
    checked = run_cli("check", case, "--library", library)
    assert checked.exit_code == 1
    assert f"{section}:{line}:" in checked.stdout + checked.stderr
    assert "L007" in checked.stdout and "Quispe" not in checked.stdout + checked.stderr


def test_confirmed_library_text_builds_and_the_record_notes_it(library, tmp_path):
    edit(library / "testland" / "sections" / "journalists.md", "The Beta Times reported",
         "The journalist Rosa Quispe wrote that the Beta Times reported")
    allow = ('anonymity_allow:\n  - id: journalists\n    text: "The journalist Rosa Quispe"\n')
    case = _journalist_case(tmp_path, allow)
    output = tmp_path / "report.docx"
    result = run_cli("build", case, "-o", output, "--library", library)
    assert result.exit_code == 0, result.stderr
    assert "The journalist Rosa Quispe wrote" in _visible(output.read_bytes())
    assert read_record(output).anonymity_allowed == ("journalists",)
    assert run_cli("check", case, "--library", library, "--format", "json").stdout.count('"L007"') == 0


SURNAME = 'applicant:\n  surname: "Quispe Mamani"\n'


def _with_surname(case: Path) -> Path:
    edit(case, "applicant:\n", SURNAME)
    return case


def test_the_surname_alone_in_library_text_is_refused_when_the_case_gives_it(library, tmp_path):
    section = library / "testland" / "sections" / "journalists.md"
    line = edit(section, "The Beta Times reported", "The Mamani family said the Beta Times reported")
    case = _journalist_case(tmp_path)
    assert run_cli("build", case, "-o", tmp_path / "plain.docx", "--library", library).exit_code == 0
    _with_surname(case)
    output = tmp_path / "report.docx"
    result = run_cli("build", case, "-o", output, "--library", library)
    assert result.exit_code == 1 and not output.exists()
    assert f"{section}:{line}: library section 'journalists' names the applicant" in result.stderr
    assert '"The •••••• family said' in result.stderr and "Mamani" not in result.stderr
    checked = run_cli("check", case, "--library", library, "--format", "json")
    assert checked.stdout.count('"L007"') == 1 and "Mamani" not in checked.stdout
    # Confirmed as being about someone else, it builds.
    edit(case, "anonymise: true", 'anonymise: true\nanonymity_allow:\n'
         '  - {id: journalists, text: "The Mamani family"}')
    assert run_cli("build", case, "-o", output, "--library", library).exit_code == 0


def test_a_surname_that_is_a_word_of_the_template_builds(tmp_path):
    """Template text is not searched for the surname alone: "Tribunal" is the template's word."""
    case = _case_named(tmp_path, FIXTURE_LIBRARY.parent / "cases" / "journalist.yaml", "Ana Tribunal")
    edit(case, "applicant:\n", 'applicant:\n  surname: "Tribunal"\n')
    assert "addressed to the Tribunal" in _visible(_build(case, LibraryCache(FIXTURE_LIBRARY)).docx)


def test_a_surname_that_is_not_in_the_name_is_an_error_at_its_line(tmp_path):
    case = _journalist_case(tmp_path)
    line = edit(case, "applicant:\n", 'applicant:\n  surname: "Quispe Mamany"\n') + 1
    result = run_cli("build", case, "-o", tmp_path / "r.docx", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1 and not (tmp_path / "r.docx").exists()
    assert f"{case}:{line}: applicant.surname must be the family name(s)" in result.stderr


@pytest.mark.parametrize("entry, message", [
    ('{id: journalistz, text: "Rosa Quispe"}', "anonymity_allow names 'journalistz', which is neither"),
    ('{id: journalists, text: "Rosa Quispe"}', "anonymity_allow: 'journalists' does not contain the text"),
])
def test_a_confirmation_that_names_nothing_is_an_error(library, tmp_path, entry, message):
    case = _journalist_case(tmp_path, f"anonymity_allow:\n  - {entry}\n")
    line = case.read_text(encoding="utf-8").splitlines().index(f"  - {entry}") + 1
    result = run_cli("build", case, "-o", tmp_path / "r.docx", "--library", library)
    assert result.exit_code == 1
    assert f"{case}:{line}: {message}" in result.stderr


def test_a_section_outside_this_report_is_neither_checked_nor_refused(library, tmp_path):
    """defenders.md serves only the defender profile; this applicant is a journalist."""
    edit(library / "testland" / "sections" / "defenders.md", "\n---\n", "\n---\nRosa Quispe Mamani was detained.\n")
    case = _journalist_case(tmp_path)
    assert run_cli("build", case, "-o", tmp_path / "r.docx", "--library", library).exit_code == 0
    checked = run_cli("check", case, "--library", library, "--format", "json")
    assert '"L007"' not in checked.stdout


# ---------------------------------------------------------------- file names and messages

NAME = "Rosa Quispe Mamani"


@pytest.mark.parametrize("file_name", ["rosa_quispe.yaml", "RosaQuispe.yaml", "quispe2026.yaml",
                                       "statement-of-Rosa-Quispe-Mamani.yaml"])
def test_batch_output_names_and_messages_hold_no_name(tmp_path, file_name):
    case = _journalist_case(tmp_path)
    case.rename(tmp_path / file_name)
    out = tmp_path / "out"
    result = run_cli("batch", tmp_path / file_name, "-o", out, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    (written,) = list(out.iterdir())
    shown = f"{written.name}\n{result.stdout}\n{result.stderr}"
    assert [form for form in searched_forms(NAME) if count(form, shown)] == []


@pytest.mark.parametrize("anonymised_by", ["case", "option"])
def test_a_failing_case_in_a_batch_is_named_without_the_name(tmp_path, anonymised_by):
    """The progress, `failed` and summary lines give the case file's path with the name masked,
    also when the case cannot even be loaded (a wrong pronoun)."""
    case = _journalist_case(tmp_path)
    edit(case, "  name: ", "  pronoun: one\n  name: ")
    if anonymised_by == "option":
        edit(case, "anonymise: true", "anonymise: false")
    named = tmp_path / "rosa_quispe.yaml"
    case.rename(named)
    option = ["--anonymise"] if anonymised_by == "option" else []
    result = run_cli("batch", named, "-o", tmp_path / "out", "--library", FIXTURE_LIBRARY, *option)
    assert result.exit_code == 1
    assert "applicant.pronoun" in result.stderr and "failed" in result.stderr
    shown = f"{result.stdout}\n{result.stderr}"
    assert [form for form in searched_forms(NAME) if count(form, shown)] == []


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_check_of_an_anonymised_case_names_no_one(tmp_path, output_format):
    """Findings, problems and the summary of `check` give the case file's name and any case
    text masked, as a build's messages do."""
    case = _journalist_case(tmp_path)
    edit(case, 'answer: ""', 'answer: "Rosa Quispe is clearly at risk [@RosaQuispe2024]."')
    named = tmp_path / "rosa_quispe.yaml"
    case.rename(named)
    result = run_cli("check", named, "--library", FIXTURE_LIBRARY, "--format", output_format)
    assert result.exit_code == 1
    shown = f"{result.stdout}\n{result.stderr}"
    assert "unknown citation key" in shown and ".yaml" in shown
    assert [form for form in searched_forms(NAME) if count(form, shown)] == []


def test_a_load_error_of_a_build_anonymised_by_option_hides_the_file_name(tmp_path):
    case = _journalist_case(tmp_path)
    edit(case, "anonymise: true", "anonymise: false")
    edit(case, "  name: ", "  pronoun: one\n  name: ")
    named = tmp_path / "Rosa-Quispe.yaml"
    case.rename(named)
    result = run_cli("build", named, "--anonymise", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1 and "applicant.pronoun" in result.stderr
    assert "••••" in result.stderr
    assert [form for form in searched_forms(NAME) if count(form, result.stderr)] == []
    assert list(tmp_path.glob("*.docx")) == []


def test_a_protected_name_that_is_a_word_of_the_template_builds(tmp_path):
    """"Will Report": the template's own "This report is addressed to ..." is not the name."""
    case = _journalist_case(tmp_path, 'protected_names: ["Will Report"]\n')
    text = _visible(_build(case, LibraryCache(FIXTURE_LIBRARY)).docx)
    assert "This report" in text and "Will Report" not in text


def test_an_email_address_with_the_name_keeps_being_an_address(tmp_path):
    """`rosa.quispe@example.org` becomes `R.Q.M@example.org` (two parts stand for the whole
    name): a full stop before the "@" would make the rest a citation key, which the build
    would refuse as unknown."""
    case = _journalist_case(tmp_path)
    edit(case, "  account: |\n", "  account: |\n    She wrote from rosa.quispe@example.org.\n\n")
    assert "R.Q.M@example.org" in _visible(_build(case, LibraryCache(FIXTURE_LIBRARY)).docx)


def test_schedule_output_name_and_messages_hold_no_name(scenario):
    case = scenario / "case.yaml"
    edit(case, "anonymise: false", "anonymise: true")
    named = scenario / "olga_quillfeather.yaml"
    case.rename(named)
    result = run_cli("schedule", named, "--library", scenario / "library")
    assert result.exit_code == 0, result.stderr
    (written,) = list(scenario.glob("*-schedule.docx"))
    shown = f"{written.name}\n{result.stdout}\n{result.stderr}"
    assert [form for form in searched_forms("Olga Zenobia Quillfeather") if count(form, shown)] == []


# ---------------------------------------------------------------- PDF text

SPELLINGS = ["Ayñayanqui Đukić", "AYNAYANQUI", "Ay\u00adñayanqui", "Аyñayanqui2023",
             "@AyñayanquiĐukić90", "Statement_of_Dukic.pdf"]


def test_the_pdf_text_holds_no_spelling_of_the_name(tmp_path):
    """LibreOffice's rendering, read back by pdftotext: what a reader of the PDF sees."""
    need("pdftotext")
    case = base_case()
    case["anonymise"] = True
    case["applicant"]["name"] = "Ayñayanqui Đukić"
    case["applicant"]["account"] = ", ".join(SPELLINGS)
    case["sections"]["extra"] = [{"id": "family", "title": "Family", "body":
                                  "Hua*yña*yanqui and Ay*ñayan*qui Đukić said so.\n"}]
    path = tmp_path / "case.yaml"
    path.write_text(to_yaml(case)[0], encoding="utf-8")
    report = _build(path, LibraryCache(FIXTURE_LIBRARY))
    docx = tmp_path / "report.docx"
    docx.write_bytes(report.docx)
    pdf = docx_to_pdf(docx, tmp_path)
    shown = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "A.Đ." in shown
    assert [form for form in searched_forms("Ayñayanqui Đukić") if count(form, shown)] == []
