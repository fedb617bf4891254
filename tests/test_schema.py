"""`reportkit schema case`, the schema shipped with the package, and the case files `new` writes."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import FIXTURE_LIBRARY, ROOT, run_cli

SHIPPED = ROOT / "reportkit" / "data" / "case.schema.json"


def test_schema_case_prints_the_json_schema_of_a_case_file():
    result = run_cli("schema", "case")
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert {"reference", "jurisdiction", "country", "report_date", "instructions", "expert",
            "applicant"} <= set(schema["required"])
    assert schema["properties"]["report_date"]["format"] == "date"
    applicant = schema["$defs"]["Applicant"]
    assert applicant["properties"]["pronoun"]["anyOf"][0]["enum"] == ["she", "he", "they"]
    assert applicant["properties"]["profiles"]["minItems"] == 1


def test_unknown_schema_name_is_a_usage_error():
    assert run_cli("schema", "library").exit_code == 2


def test_the_shipped_schema_file_is_up_to_date():
    """If this fails, regenerate it: reportkit schema case > reportkit/data/case.schema.json"""
    assert SHIPPED.read_text(encoding="utf-8") == run_cli("schema", "case").stdout


def test_new_points_the_case_file_at_the_shipped_schema(tmp_path):
    case = tmp_path / "new.yaml"
    result = run_cli("new", case, "--country", "testland", "--profile", "journalist",
                     "--jurisdiction", "uk", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    first = case.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    location = urlparse(first.removeprefix(prefix))
    assert location.scheme == "file"
    assert Path(unquote(location.path)).read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")


@pytest.mark.parametrize("jurisdiction, present, absent", [
    ("uk", ["hearing_centre", "permission_to_exceed_page_limit", "appellant's initials",
            "e.g. PA/00000/0000"], ["a_number", "signed_within_united_states", "respondent"]),
    ("us", ["a_number", "signed_within_united_states", "respondent's initials",
            "e.g. A 000-000-000"], ["hearing_centre", "permission_to_exceed", "appellant"]),
])
def test_new_writes_the_fields_and_words_of_the_jurisdiction_asked(tmp_path, jurisdiction, present,
                                                                  absent):
    case = tmp_path / "new.yaml"
    result = run_cli("new", case, "--country", "testland", "--profile", "journalist",
                     "--jurisdiction", jurisdiction, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    text = case.read_text(encoding="utf-8")
    assert [word for word in present if word not in text] == []
    assert [word for word in absent if word in text] == []


@pytest.mark.parametrize("jurisdiction", ["uk", "us"])
def test_a_case_written_by_new_still_loads_and_builds_once_filled_in(tmp_path, jurisdiction):
    case = tmp_path / "new.yaml"
    assert run_cli("new", case, "--country", "testland", "--profile", "journalist",
                   "--jurisdiction", jurisdiction, "--library", FIXTURE_LIBRARY).exit_code == 0
    text = case.read_text(encoding="utf-8")
    output = tmp_path / "new.docx"
    unfilled = run_cli("build", case, "-o", output, "--library", FIXTURE_LIBRARY)
    # The schema line is a comment: problems are still reported at the right lines.
    line = text.splitlines().index('  instructed_by: ""                  '
                                   '# name and firm of the instructing party') + 1
    assert unfilled.exit_code == 1 and f"{case}:{line}: instructions.instructed_by" in unfilled.stderr
    for old, new in [('instructed_by: ""', 'instructed_by: "Example Solicitors"'),
                     ('  name: ""\n  title: ""', '  name: "Dr A Expert"\n  title: ""'),
                     ('applicant:\n  name: ""', 'applicant:\n  name: "A B"')]:
        assert old in text, old
        text = text.replace(old, new, 1)
    case.write_text(text, encoding="utf-8")
    filled = run_cli("build", case, "-o", output, "--library", FIXTURE_LIBRARY)
    assert filled.exit_code == 0, filled.stderr
    assert output.is_file()
