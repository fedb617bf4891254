"""`reportkit schedule`: the UK country-information evidence schedule, read back part by part."""

from __future__ import annotations

import re
from pathlib import Path

import docx

from conftest import EXAMPLE_CASES, docx_parts, edit, run_cli
from readers import docx_to_pdf, pdf_pages


def schedule(folder: Path, output: Path, *extra) -> object:
    return run_cli("schedule", folder / "case.yaml", "-o", output, "--library", folder / "library", *extra)


def schedule_of(case: Path, output: Path) -> object:
    return run_cli("schedule", case, "-o", output)


def cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_one_table_per_question_with_the_sections_named_for_it(scenario, tmp_path):
    output = tmp_path / "schedule.docx"
    result = schedule(scenario, output)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(output))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Schedule of country information evidence",
                        "Issue 1: Is the account consistent with country conditions?",
                        "Issue 2: Is state protection available?"]
    first, second = (cell_texts(table) for table in document.tables)
    assert first[0] == ["Paragraph or extract relied on", "Source"]
    # Question 1 names only the journalists section; question 2 uses every selected section.
    assert [row[0].split(",")[0] for row in first[1:]] == ["Journalists"] * 4
    assert {row[0].split(",")[0] for row in second[1:]} == {"Journalists", "State protection and internal relocation"}
    assert ("Journalists, paragraph 16: “Press Monitor reported that reporters covering "
            "protests in Eastmarch were detained by the police.”") in first[1][0]
    assert "Press Monitor, Annual report on Qualityland (1 March 2025), https://example.org/monitor-2025" in first[1][1]
    assert document.tables[0].style.name == "Table Grid"


def test_each_source_is_a_hyperlink(scenario, tmp_path):
    output = tmp_path / "schedule.docx"
    assert schedule(scenario, output).exit_code == 0
    parts = docx_parts(output)
    relationships = parts["word/_rels/document.xml.rels"]
    for url in ("https://example.org/monitor-2025", "https://example.org/rights-2026"):
        assert f'Target="{url}" TargetMode="External"' in relationships
    assert parts["word/document.xml"].count("<w:hyperlink ") >= 8


def test_pages_are_estimated_or_counted_by_libreoffice_when_asked(scenario, tmp_path):
    output = tmp_path / "schedule.docx"
    result = schedule(scenario, output, "--pages")
    assert result.exit_code == 0, result.stderr
    pages = len(pdf_pages(docx_to_pdf(output, tmp_path)))
    assert f"{pages} pages, counted by LibreOffice" in result.stdout
    estimated = schedule(scenario, output, "--force")
    assert estimated.exit_code == 0, estimated.stderr
    assert "pages, estimate; --pages counts exactly with LibreOffice" in estimated.stdout
    text = "".join(pdf_pages(tmp_path / "schedule.pdf"))
    assert "Issue 2: Is state protection available?" in text


def test_a_schedule_over_the_limit_is_warned_about(scenario, tmp_path, monkeypatch):
    monkeypatch.setattr("reportkit.schedule.PAGE_LIMIT", 0)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))  # no LibreOffice: the count is an estimate
    output = tmp_path / "schedule.docx"
    result = schedule(scenario, output)
    assert result.exit_code == 0, result.stderr
    assert "(estimate; --pages counts exactly with LibreOffice)" in result.stderr
    assert "allows at most 0" in result.stderr
    assert output.exists()


def test_an_anonymised_case_keeps_the_name_out(scenario, tmp_path):
    case = scenario / "case.yaml"
    edit(case, "anonymise: false", "anonymise: true")
    edit(case, 'text: "Is the account consistent', 'text: "Is Olga Quillfeather\'s account consistent')
    output = tmp_path / "schedule.docx"
    result = schedule(scenario, output)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(output))
    issue = next(p.text for p in document.paragraphs if p.text.startswith("Issue 1"))
    assert "O.Z.Q." in issue and "Olga" not in issue
    assert not any("Quillfeather" in text for text in docx_parts(output).values())


def test_template_syntax_in_a_cases_own_section_is_quoted_as_written(scenario, tmp_path):
    """A case's own section is Markdown, not a template: the schedule quotes `{{ 7*7 }}` as the
    report prints it."""
    case = scenario / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8") + (
        "sections:\n  replace:\n    - id: journalists\n"
        "      body: \"The council wrote {{ 7*7 }} and {% if x %} [@monitor-2025].\"\n"),
        encoding="utf-8")
    output = tmp_path / "schedule.docx"
    result = schedule(scenario, output)
    assert result.exit_code == 0, result.stderr
    first = cell_texts(docx.Document(str(output)).tables[0])
    assert any("The council wrote {{ 7*7 }} and {% if x %}" in row[0] for row in first), first


def assert_clean_failure(result, path: Path, line: int | None, text: str, output: Path) -> None:
    assert result.exit_code == 1, result.stdout + result.stderr
    assert (f"{path}:{line}: " if line else f"{path}") in result.stderr, result.stderr
    assert text in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not output.exists() and not list(output.parent.glob(".*.tmp"))


def test_an_unknown_section_in_a_question_names_file_and_line(scenario, tmp_path):
    case = scenario / "case.yaml"
    line = edit(case, "sections: [journalists]", "sections: [journalistz]")
    output = tmp_path / "schedule.docx"
    result = schedule(scenario, output)
    assert_clean_failure(result, case, line, "unknown section 'journalistz'", output)
    assert "did you mean 'journalists'?" in result.stderr


def test_a_malformed_case_file_names_file_and_line(scenario, tmp_path):
    case = scenario / "case.yaml"
    line = edit(case, "sections: [journalists]", "sections: journalists")
    output = tmp_path / "schedule.docx"
    assert_clean_failure(schedule(scenario, output), case, line, "sections", output)


def test_an_existing_file_is_kept_without_force(scenario, tmp_path):
    output = tmp_path / "schedule.docx"
    output.write_bytes(b"mine")
    result = schedule(scenario, output)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert output.read_bytes() == b"mine"
    assert schedule(scenario, output, "--force").exit_code == 0
    assert output.read_bytes() != b"mine"


def test_paragraph_numbers_are_the_ones_the_report_shows(tmp_path):
    """Each "paragraph N" of the schedule opens, in LibreOffice's rendering of the report,
    with the words the schedule quotes."""
    case = EXAMPLE_CASES / "journalist.yaml"
    report, output = tmp_path / "report.docx", tmp_path / "schedule.docx"
    assert run_cli("build", case, "-o", report).exit_code == 0
    assert schedule_of(case, output).exit_code == 0
    shown = " ".join(" ".join(pdf_pages(docx_to_pdf(report, tmp_path))).split())
    rows = [row[0] for table in docx.Document(output).tables for row in cell_texts(table)[1:]]
    cited = [re.match(r".*, paragraph (\d+): “(.*)", row) for row in rows]
    cited = [(int(match.group(1)), match.group(2).split()[:5]) for match in cited if match]
    assert len(cited) >= 5  # the example is shortened to its summaries to fit 20 pages
    for number, words in cited:
        assert re.search(rf"(?<![\d.]){number}\. {re.escape(' '.join(words))}", shown), \
            (number, words)
