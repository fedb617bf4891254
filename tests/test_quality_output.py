"""`reportkit check` output: text and JSON, --strict, --select/--ignore, quality.yaml, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import edit, run_cli


def with_warnings_and_an_error(folder: Path) -> dict[str, Path]:
    """An advocacy word (L006), an old source (S003) and an uncited paragraph (L001)."""
    sections = folder / "library" / "qualityland" / "sections"
    edit(sections / "protection.md", "with limited reach", "with a brutal lack of reach")
    edit(folder / "library" / "qualityland" / "sources.json", "[[2025, 3, 1]]", "[[2019, 3, 1]]")
    edit(sections / "journalists.md", "by the police [@monitor-2025, p. 4].", "by the police.")
    return {"protection": sections / "protection.md", "journalists": sections / "journalists.md",
            "sources": folder / "library" / "qualityland" / "sources.json"}


def check(folder: Path, *extra) -> object:
    return run_cli("check", folder / "case.yaml", "--library", folder / "library", *extra)


def test_text_is_grouped_by_file_in_line_order_with_hints(scenario):
    paths = with_warnings_and_an_error(scenario)
    result = check(scenario, "--library-warnings")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{paths['journalists']}:10: L001 error: paragraph has no citation: " \
           f"\"Press Monitor reported that reporters covering protests in ...\"" in lines
    assert f"{paths['protection']}:10: L006 warning: advocacy or emotive wording: 'brutal'" in lines
    assert f"{paths['sources']}:2: S003 warning: source 'monitor-2025' was issued 2019-03-01, " \
           f"more than 5 years before 2026-11-22" in lines
    hint = lines[lines.index(f"{paths['protection']}:10: L006 warning: advocacy or emotive wording: 'brutal'") + 1]
    assert hint.startswith("  hint: describe what the sources report in neutral terms")
    located = [line.split(":")[:2] for line in lines if line.startswith(str(scenario))]
    assert located == sorted(located, key=lambda where: (where[0], int(where[1])))
    assert lines[lines.index(f"{paths['protection']}:10: L006 warning: advocacy or emotive wording: 'brutal'") - 1] == ""
    assert lines[-1].endswith("1 error, 2 warnings")


def test_warnings_alone_pass_unless_strict(scenario):
    sections = scenario / "library" / "qualityland" / "sections"
    edit(sections / "protection.md", "with limited reach", "with a brutal lack of reach")
    assert check(scenario).exit_code == 0
    assert check(scenario, "--strict").exit_code == 1


def test_select_and_ignore_take_ids_prefixes_and_names(scenario):
    with_warnings_and_an_error(scenario)

    def ids(*options) -> set[str]:
        result = check(scenario, "--format", "json", *options)
        return {finding["id"] for finding in json.loads(result.stdout)["findings"]}

    assert ids() == {"L001", "L006", "S003"}
    assert ids("--select", "L") == {"L001", "L006"}
    assert ids("--select", "S003,L006") == {"L006", "S003"}
    assert ids("--ignore", "L00") == {"S003"}
    assert ids("--select", "L", "--ignore", "uncited-paragraph") == {"L006"}
    assert check(scenario, "--ignore", "L001").exit_code == 0


def test_unknown_check_id_is_a_usage_error(scenario):
    result = check(scenario, "--select", "X999")
    assert result.exit_code == 2 and "unknown check id or name: X999" in result.stderr


def test_json_shape(scenario):
    paths = with_warnings_and_an_error(scenario)
    result = check(scenario, "--format", "json")
    report = json.loads(result.stdout)
    assert set(report) == {"version", "checked", "findings", "invalid", "summary"}
    assert report["version"] == 1
    assert report["checked"]["libraries"] == ["qualityland"]
    assert report["checked"]["cases"] == [str(scenario / "case.yaml")]
    assert report["summary"] == {"errors": 1, "warnings": 2, "invalid": 0, "failed": True}
    advocacy = next(finding for finding in report["findings"] if finding["id"] == "L006")
    assert advocacy == {"id": "L006", "name": "advocacy-wording", "severity": "warning",
                        "message": "advocacy or emotive wording: 'brutal'",
                        "path": str(paths["protection"]), "line": 10, "hint": advocacy["hint"]}
    assert result.exit_code == 1


def test_library_alone_is_checked_per_profile(scenario):
    edit(scenario / "library" / "qualityland" / "sections" / "protection.md",
         "topics: [state_protection, internal_relocation]", "topics: [state_protection]")
    result = run_cli("check", "--library", scenario / "library", "--select", "L008")
    assert result.exit_code == 0
    assert (f"{scenario / 'library' / 'qualityland' / 'country.yaml'}:4: L008 warning: the sections "
            f"for the profile 'journalist' cover no internal relocation") in result.stdout
    assert "checked library qualityland" in result.stdout


def test_the_library_can_carry_its_own_quality_file(scenario):
    edit(scenario / "library" / "qualityland" / "sources.json", "[[2025, 3, 1]]", "[[2019, 3, 1]]")
    assert "S003" in check(scenario, "--library-warnings").stdout
    quality = scenario / "library" / "quality.yaml"
    shutil.copy(Path(__file__).resolve().parent.parent / "country_data" / "quality.yaml", quality)
    edit(quality, "source_age_years: 5", "source_age_years: 10")
    result = check(scenario, "--format", "json")
    assert "S003" not in {finding["id"] for finding in json.loads(result.stdout)["findings"]}
    assert json.loads(result.stdout)["checked"]["quality_file"] == str(quality)


def assert_reported(result, path: Path, line: int, text: str) -> None:
    assert result.exit_code == 1, result.stdout + result.stderr
    assert f"{path}:{line}: " in result.stderr and text in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_malformed_quality_file_names_file_and_line(scenario):
    quality = scenario / "library" / "quality.yaml"
    shutil.copy(Path(__file__).resolve().parent.parent / "country_data" / "quality.yaml", quality)
    line = edit(quality, "source_age_years: 5", "source_age_years: five")
    assert_reported(check(scenario), quality, line, "thresholds.source_age_years")


def test_a_malformed_case_file_names_file_and_line(scenario):
    case = scenario / "case.yaml"
    line = edit(case, "report_date: 2026-11-22", "report_date: 2026-13-45")
    assert_reported(check(scenario), case, line, "report_date: not a valid date")
    json_result = check(scenario, "--format", "json")
    assert json_result.exit_code == 1
    invalid = json.loads(json_result.stdout)["invalid"]
    assert invalid[0]["path"] == str(case) and invalid[0]["line"] == line


def test_malformed_sources_name_file_and_line(scenario):
    sources = scenario / "library" / "qualityland" / "sources.json"
    line = edit(sources, '"type": "report",', '"type": "report"')
    assert_reported(check(scenario), sources, line + 1, "invalid JSON")


def test_an_unanswered_question_is_reported_once_with_its_line(scenario):
    """C003 names the answer's line; the answer's placeholder in the report is not a second C008."""
    case = scenario / "case.yaml"
    line = edit(case, '"The sources describe a protection programme with limited reach."', '""')
    result = run_cli("check", case, "--library", scenario / "library", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(item["id"], item["line"]) for item in findings if item["id"] in {"C003", "C008"}] \
        == [("C003", line)]


def test_the_case_own_sections_are_held_to_the_library_standard(scenario):
    """`sections.extra` (and `replace`) text is the expert's: uncited facts and advocacy count."""
    case = scenario / "case.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(text + (
        "sections:\n"
        "  extra:\n"
        "    - id: local-context\n"
        "      title: Local context\n"
        "      body: |\n"
        "        The police were brutal towards reporters [@monitor-2025, p. 4].\n"
        "\n"
        "        Reporters in the north are often detained.\n"), encoding="utf-8")
    first = text.count("\n") + 6
    result = run_cli("check", case, "--library", scenario / "library", "--format", "json")
    found = {(item["id"], item["line"]) for item in json.loads(result.stdout)["findings"]
             if item["path"] == str(case)}
    assert {("L006", first), ("L001", first + 2)} <= found
    assert result.exit_code == 1
