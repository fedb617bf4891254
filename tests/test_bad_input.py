"""Bad input: `path:line: message`, exit 1, no traceback, and no output file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, FIXTURES, ROOT, edit, run_cli

BAD_CASES = sorted((FIXTURES / "bad_cases").glob("*.yaml"))


def expectation(case: Path) -> tuple[int, str]:
    """Each bad case starts with `# expect: LINE: text`."""
    header = case.read_text(encoding="utf-8").splitlines()[0]
    line, text = header.removeprefix("# expect: ").split(": ", 1)
    return int(line), text


def assert_clean_failure(result, path: Path | str, line: int | None, text: str, output: Path):
    assert result.exit_code == 1, result.stdout + result.stderr
    prefix = f"{path}:{line}: " if line else f"{path}"
    assert prefix in result.stderr, result.stderr
    assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not output.exists()
    assert not list(output.parent.glob(".*.tmp"))


@pytest.mark.parametrize("case", BAD_CASES, ids=[case.stem for case in BAD_CASES])
def test_bad_case_file(case, tmp_path):
    line, text = expectation(case)
    output = tmp_path / "report.docx"
    result = run_cli("build", case, "-o", output, "--library", FIXTURE_LIBRARY)
    assert_clean_failure(result, case, line, text, output)


@pytest.mark.parametrize("case", BAD_CASES, ids=[case.stem for case in BAD_CASES])
def test_check_reports_the_same_problem(case):
    line, text = expectation(case)
    result = run_cli("check", case, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert f"{case}:{line}: " in result.stderr and text in result.stderr


@pytest.fixture
def template_copy(tmp_path) -> Path:
    """A user's copy of the uk template set and the shared base it extends, to break."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "uk", folder / "uk")
    shutil.copytree(ROOT / "templates" / "_base", folder / "_base")
    return folder


@pytest.mark.parametrize("old, new, message", [
    ("# Expertise", "# Expertise {% if %}", "template syntax error"),
    ("# Expertise", "# Expertise {{ applicant.nmae }}",
     "the case has no field `applicant.nmae` (did you mean `applicant.name`?)"),
    ("# Expertise", "# Expertise {{ instructions.instructing_firm }}",
     "the case has no field `instructions.instructing_firm` (did you mean `instructions.instructed_by`?)"),
    ("# Expertise", "# Expertise {{ aplicant.name }}",
     "there is no variable `aplicant` (did you mean `applicant`?)"),
    ("# Expertise", "# Expertise {% include 'no-such-partial.md.j2' %}", "template 'no-such-partial.md.j2' not found"),
])
def test_template_errors_name_the_template_file_and_line(template_copy, tmp_path, old, new, message):
    report = template_copy / "_base" / "report.md.j2"
    line = edit(report, old, new)
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, report, line, message, output)


def _zip_without_word_parts(path: Path) -> None:
    import zipfile
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")


@pytest.mark.parametrize("damage, message", [
    (lambda path: path.write_bytes(b""), "reference.docx is empty"),
    (lambda path: path.write_bytes(b"this is not a zip file"), "is not a Word document (it is not a .docx"),
    (lambda path: path.write_bytes(path.read_bytes()[:3000]), "or it was cut short"),
    (_zip_without_word_parts, "is not a Word document: it has no [Content_Types].xml"),
    (lambda path: path.unlink(), "the template set has no reference.docx"),
])
def test_a_damaged_reference_docx_is_named_plainly(template_copy, tmp_path, damage, message):
    reference = template_copy / "uk" / "reference.docx"
    damage(reference)
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, reference, None, message, output)
    assert "Package not found" not in result.stderr


@pytest.mark.parametrize("which", ["case", "expert"])
def test_an_empty_case_or_expert_file_is_called_empty(tmp_path, which):
    shutil.copytree(FIXTURE_CASES, tmp_path / "cases")
    case = tmp_path / "cases" / "journalist.yaml"
    (tmp_path / "cases" / ("journalist.yaml" if which == "case" else "expert.yaml")).write_text(
        "# nothing yet\n", encoding="utf-8")
    result = run_cli("build", case, "-o", tmp_path / "r.docx", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1 and "the file is empty" in result.stderr, result.stderr
    assert "NoneType" not in result.stderr


def test_a_citation_in_an_included_template_is_reported_where_it_is_written(template_copy, tmp_path):
    methodology = template_copy / "_base" / "methodology.md.j2"
    line = edit(methodology, "This {{ terms.document }} follows", "See [@nobody]. This {{ terms.document }} follows")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, methodology, line, "unknown citation key '@nobody'", output)


def test_an_error_in_an_included_template_is_reported_where_it_is_written(template_copy, tmp_path):
    methodology = template_copy / "_base" / "methodology.md.j2"
    line = edit(methodology, "This {{ terms.document }} follows", "{{ library.nmae }} This {{ terms.document }} follows")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, methodology, line,
                         "there is no field `library.nmae` (did you mean `library.name`?)", output)


def test_a_templates_folder_that_does_not_exist_is_an_error(tmp_path):
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", tmp_path / "mytpls")
    assert_clean_failure(result, tmp_path / "mytpls", None, "template folder not found", output)


def test_a_template_set_folder_given_instead_of_its_parent_is_used(template_copy, tmp_path):
    report = template_copy / "uk" / "report.md.j2"
    edit(report, "Country Expert Report: {{ library.name }}", "Country Expert Report of the copy")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy / "uk")
    assert result.exit_code == 0, result.stderr
    assert f"template set: uk ({template_copy / 'uk'})" in result.stdout
    import docx
    assert "Country Expert Report of the copy" in [p.text for p in docx.Document(output).paragraphs]


def test_build_says_which_template_set_it_used(tmp_path):
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", tmp_path / "r.docx",
                     "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0
    assert f"template set: uk ({ROOT / 'templates' / 'uk'})" in result.stdout


def test_missing_style_is_named(template_copy, tmp_path):
    edit(template_copy / "uk" / "template.yaml", "quote: Quote", "quote: Fancy Quote")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, template_copy / "uk" / "reference.docx", None,
                         "the style 'Fancy Quote' is not defined in reference.docx", output)


@pytest.mark.parametrize("old, new, message", [
    ("  space_after_pt: 6", "  space_after_pt: 6\n  line_spaceing: 1.5",
     "unknown field 'line_spaceing'"),
    ("  size: A4", "  size: A5", "page.size: Input should be 'A4' or 'Letter'"),
    ("{format: upperLetter, text: \"%1.\"}", "{format: upperletter, text: \"%1.\"}",
     "page.numbering.headings[1].format: Input should be"),
])
def test_a_wrong_page_setting_is_an_error_at_its_line(template_copy, tmp_path, old, new, message):
    """`page:` in template.yaml is checked like the rest: a misspelt key is not ignored."""
    config = template_copy / "uk" / "template.yaml"
    line = edit(config, old, new) + (1 if "line_spaceing" in new else 0)
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, config, line, message, output)


def test_unknown_citation_key_in_a_library_section(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    section = library / "testland" / "sections" / "protection.md"
    line = edit(section, "[@alpha-2023, p. 20]", "[@alpha-2032, p. 20]")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output, "--library", library)
    assert_clean_failure(result, section, line, "unknown citation key '@alpha-2032'", output)
    assert "did you mean '@alpha-2023'?" in result.stderr
    checked = run_cli("check", "--library", library)
    # `check` reports it as a finding (L002), on stdout with the other findings.
    assert checked.exit_code == 1 and f"{section}:{line}: L002 error: unknown citation key" in checked.stdout


def test_undefined_variable_in_a_library_section_names_the_section(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    section = library / "testland" / "sections" / "journalists.md"
    line = edit(section, "{{ applicant.home_region }}", "{{ applicant.home_town }}")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output, "--library", library)
    assert_clean_failure(result, section, line, "the case has no field `applicant.home_town` "
                         "(did you mean `applicant.home_region`?)", output)


def test_new_writes_a_case_file_and_refuses_to_overwrite(tmp_path):
    case = tmp_path / "new.yaml"
    result = run_cli("new", case, "--country", "testland", "--profile", "journalist",
                     "--jurisdiction", "uk", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    text = case.read_text(encoding="utf-8")
    assert "country: testland" in text and "profiles: [journalist]" in text
    again = run_cli("new", case, "--country", "testland", "--profile", "journalist",
                    "--jurisdiction", "uk", "--library", FIXTURE_LIBRARY)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert case.read_text(encoding="utf-8") == text


def test_new_creates_the_case_folder_but_not_for_bad_names(tmp_path):
    case = tmp_path / "cases" / "2026" / "new.yaml"
    bad = run_cli("new", case, "--country", "atlantis", "--profile", "journalist",
                  "--jurisdiction", "uk", "--library", FIXTURE_LIBRARY)
    assert bad.exit_code == 1 and not (tmp_path / "cases").exists()
    result = run_cli("new", case, "--country", "testland", "--profile", "journalist",
                     "--jurisdiction", "uk", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    assert "country: testland" in case.read_text(encoding="utf-8")


@pytest.mark.parametrize("option, value, message", [
    ("--profile", "astronaut", "unknown profile 'astronaut'"),
    ("--country", "atlantis", "unknown country 'atlantis'"),
    ("--jurisdiction", "mars", "unknown jurisdiction 'mars'"),
])
def test_new_rejects_unknown_names(tmp_path, option, value, message):
    arguments = {"--country": "testland", "--profile": "journalist", "--jurisdiction": "uk"}
    arguments[option] = value
    case = tmp_path / "new.yaml"
    result = run_cli("new", case, *[item for pair in arguments.items() for item in pair],
                     "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1 and message in result.stderr
    assert not case.exists()


def test_usage_error_exits_2():
    assert run_cli("build").exit_code == 2


def test_final_refuses_every_example_value_that_new_writes(tmp_path):
    """`new` writes its examples as placeholders: once the required fields are filled in, the
    report builds, shows each example as a gap, and --final refuses it while one remains."""
    case = tmp_path / "new.yaml"
    assert run_cli("new", case, "--country", "testland", "--profile", "journalist",
                   "--jurisdiction", "uk", "--library", FIXTURE_LIBRARY).exit_code == 0
    text = case.read_text(encoding="utf-8")
    for old, new in [('instructed_by: ""', 'instructed_by: "Example Solicitors"'),
                     ('  name: ""\n  title: ""', '  name: "Dr A Expert"\n  title: ""'),
                     ('applicant:\n  name: ""', 'applicant:\n  name: "A B"'),
                     ('answer: ""', 'answer: "Yes."'),
                     ('expertise: ""', 'expertise: "Country conditions."'),
                     ('qualifications: []', 'qualifications: ["PhD"]'),
                     ('documents: []', 'documents: ["A statement"]')]:
        text = text.replace(old, new, 1)
    case.write_text(text, encoding="utf-8")
    output = tmp_path / "new.docx"
    final = run_cli("build", case, "-o", output, "--final", "--library", FIXTURE_LIBRARY)
    assert final.exit_code == 1 and not output.exists()
    for example in ("court or tribunal reference", "the first question of the letter of instruction",
                    "a short summary of the account, taken from the documents provided"):
        assert f"[EXPERT TO COMPLETE: {example}" in final.stderr, final.stderr
    draft = run_cli("build", case, "-o", output, "--library", FIXTURE_LIBRARY)
    assert draft.exit_code == 0 and "placeholder(s) for the expert to complete" in draft.stderr
    for example in ("court or tribunal reference", "the first question of the letter of instruction",
                    "a short summary of the account, taken from the documents provided"):
        text = text.replace(next(line for line in text.splitlines() if example in line),
                            {"court or tribunal reference": 'reference: "PA/12345/2026"',
                             "the first question of the letter of instruction":
                                 '    - text: "Is the account consistent?"',
                             "a short summary of the account, taken from the documents provided":
                                 '  account: "She was threatened."'}[example])
    case.write_text(text, encoding="utf-8")
    finished = run_cli("build", case, "-o", output, "--final", "--force", "--library", FIXTURE_LIBRARY)
    assert finished.exit_code == 0, finished.stderr
