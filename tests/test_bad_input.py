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
    """A user's copy of the uk template set, to break."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "uk", folder / "uk")
    return folder


@pytest.mark.parametrize("old, new, message", [
    ("# Expertise", "# Expertise {% if %}", "template syntax error"),
    ("# Expertise", "# Expertise {{ applicant.nmae }}", "undefined variable"),
    ("# Expertise", "# Expertise {% include 'no-such-partial.md.j2' %}", "template 'no-such-partial.md.j2' not found"),
])
def test_template_errors_name_the_template_file_and_line(template_copy, tmp_path, old, new, message):
    report = template_copy / "uk" / "report.md.j2"
    line = edit(report, old, new)
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, report, line, message, output)


def test_unreadable_reference_docx(template_copy, tmp_path):
    reference = template_copy / "uk" / "reference.docx"
    reference.write_bytes(b"this is not a zip file")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, reference, None, "cannot read reference.docx", output)


def test_missing_style_is_named(template_copy, tmp_path):
    edit(template_copy / "uk" / "template.yaml", "quote: Quote", "quote: Fancy Quote")
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--templates", template_copy)
    assert_clean_failure(result, template_copy / "uk" / "reference.docx", None,
                         "the style 'Fancy Quote' is not defined in reference.docx", output)


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
    assert_clean_failure(result, section, line, "undefined variable", output)


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
