"""`reportkit sources list|show|import`: reading sources, and merging a Zotero CSL JSON export
into a library without losing, overwriting or churning what is there."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_LIBRARY, FIXTURES, ROOT, run_cli
from reportkit.load.library import record_spans

ZOTERO = FIXTURES / "zotero"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, folder)
    return folder


def sources_file(library: Path) -> Path:
    return library / "testland" / "sources.json"


def import_file(library: Path, name: str | Path, *options: str):
    path = name if isinstance(name, Path) else ZOTERO / name
    return run_cli("sources", "import", path, "--country", "testland", "--library", library, *options)


def ids(library: Path) -> list[str]:
    return [record["id"] for record in json.loads(sources_file(library).read_text(encoding="utf-8"))]


def test_list_shows_id_type_creator_date_and_title():
    result = run_cli("sources", "list", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # The title, too long for a column in 80 characters, goes on its own line below its row.
    assert lines[0].split() == ["id", "type", "author/publisher", "issued"]
    assert lines[1].split() == ["title"]
    assert lines[2].split() == ["alpha-2023", "report", "Alpha", "Watch", "2023-05-25"]
    assert lines[3] == "    Alpha report on Testland: the full title"
    assert lines[4].split()[:5] == ["beta-news", "article-newspaper", "Beta", "Media", "2024-02"]
    assert all(len(line) <= 80 for line in lines)


def test_show_prints_every_field_and_where_the_record_is():
    result = run_cli("sources", "show", "beta-news", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    assert f"{FIXTURE_LIBRARY / 'testland' / 'sources.json'}:14" in result.stdout
    for field, value in [("container-title", "The Beta Times"), ("publisher", "Beta Media"),
                         ("issued", "2024-02"), ("accessed", "2026-11-01"),
                         ("URL", "https://example.org/beta"), ("language", "es")]:
        assert any(line.split(None, 1) == [field, value] for line in result.stdout.splitlines()), field


def test_show_unknown_source_suggests_the_closest_id():
    result = run_cli("sources", "show", "alpha-2032", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert "no source 'alpha-2032'" in result.stderr and "did you mean 'alpha-2023'" in result.stderr


def test_import_adds_new_records_in_id_order_and_leaves_identical_ones(library):
    result = import_file(library, "good.json")
    assert result.exit_code == 0, result.stderr
    assert "1 added, 0 updated, 1 unchanged, 0 conflicts skipped, 0 duplicates, 0 invalid" in result.stdout
    assert ids(library) == ["alpha-2023", "beta-news", "gamma-2025"]
    shown = run_cli("sources", "show", "gamma-2025", "--library", library)
    assert shown.exit_code == 0 and "Gamma Institute" in shown.stdout


def test_import_of_one_record_only_adds_that_records_lines(library):
    before = sources_file(library).read_text(encoding="utf-8").splitlines(keepends=True)
    assert import_file(library, "good.json").exit_code == 0
    after = sources_file(library).read_text(encoding="utf-8").splitlines(keepends=True)
    changes = [op for op in difflib.SequenceMatcher(None, before, after).get_opcodes() if op[0] != "equal"]
    assert [op[0] for op in changes] == ["insert"], changes
    _, _, _, start, end = changes[0]
    added = "".join(after[start:end])
    # The comma that now ends the previous record, then the new record at the library's indent.
    assert added.startswith("  },\n  {\n") or added.startswith("  {\n    \"id\": \"gamma-2025\"")
    assert '"id": "gamma-2025"' in added and "alpha-2023" not in added and "beta-news" not in added


def test_import_inserts_between_records_without_touching_them(library, tmp_path):
    middle = tmp_path / "middle.json"
    middle.write_text(json.dumps([{"id": "alpha-2024", "type": "report", "title": "Alpha again",
                                   "URL": "https://example.org/alpha-2024"}]), encoding="utf-8")
    before = sources_file(library).read_text(encoding="utf-8")
    assert import_file(library, middle).exit_code == 0
    after = sources_file(library).read_text(encoding="utf-8")
    assert ids(library) == ["alpha-2023", "alpha-2024", "beta-news"]
    record = '  {\n    "id": "alpha-2024",\n    "type": "report",\n    "title": "Alpha again",\n' \
             '    "URL": "https://example.org/alpha-2024"\n  },\n'
    assert after.replace(record, "", 1) == before


def test_import_into_a_library_written_by_json_dumps_keeps_that_formatting(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(ROOT / "country_data" / "peru", library / "peru")
    shutil.copy(ROOT / "country_data" / "profiles.yaml", library / "profiles.yaml")
    result = run_cli("sources", "import", ZOTERO / "good.json", "--country", "peru", "--library", library)
    assert result.exit_code == 0, result.stderr
    text = (library / "peru" / "sources.json").read_text(encoding="utf-8")
    records = json.loads(text)
    assert [record["id"] for record in records] == sorted(record["id"] for record in records)
    assert "gamma-2025" in [record["id"] for record in records]
    assert text == json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def test_importing_the_same_file_twice_changes_nothing(library):
    assert import_file(library, "good.json").exit_code == 0
    written = sources_file(library).read_bytes()
    again = import_file(library, "good.json")
    assert again.exit_code == 0
    assert "0 added, 0 updated, 2 unchanged" in again.stdout and "is unchanged" in again.stdout
    assert sources_file(library).read_bytes() == written


def test_malformed_json_is_reported_at_its_line_and_the_library_is_untouched(library):
    before = sources_file(library).read_bytes()
    result = import_file(library, "malformed.json")
    assert result.exit_code == 1
    assert f"{ZOTERO / 'malformed.json'}:10: invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sources_file(library).read_bytes() == before
    assert not list(sources_file(library).parent.glob(".*.tmp"))


def test_a_file_that_is_not_a_list_is_refused(library, tmp_path):
    single = tmp_path / "single.json"
    single.write_text('{"id": "gamma-2025", "title": "One record"}\n', encoding="utf-8")
    before = sources_file(library).read_bytes()
    result = import_file(library, single)
    assert result.exit_code == 1 and "expected a CSL-JSON list" in result.stderr
    assert sources_file(library).read_bytes() == before


def test_an_invalid_record_is_reported_at_its_line_and_nothing_is_written(library):
    before = sources_file(library).read_bytes()
    result = import_file(library, "invalid-record.json")
    assert result.exit_code == 1, result.stderr
    path = ZOTERO / "invalid-record.json"
    assert f"{path}:6: invalid record 1 'zeta-2024': issued.date-parts" in result.stderr
    assert "month 13" in result.stderr
    # The valid records are reported as what the import would have done, and not written.
    assert "would have added eta-2024" in result.stdout
    assert "nothing was written: 1 invalid record" in result.stderr
    assert sources_file(library).read_bytes() == before


def test_an_id_conflict_is_skipped_without_update(library):
    before = sources_file(library).read_bytes()
    result = import_file(library, "conflict.json")
    assert result.exit_code == 0
    assert f"{ZOTERO / 'conflict.json'}:2: conflict 'beta-news': differs in title, issued, " \
           "accessed from the record at sources.json:14" in result.stderr
    assert "sources.json:14" in result.stderr and "--update" in result.stderr
    assert "1 conflicts skipped" in result.stdout
    assert sources_file(library).read_bytes() == before


def test_update_replaces_the_conflicting_record_and_only_it(library):
    before = sources_file(library).read_text(encoding="utf-8")
    result = import_file(library, "conflict.json", "--update")
    assert result.exit_code == 0, result.stderr
    assert "0 added, 1 updated" in result.stdout
    after = sources_file(library).read_text(encoding="utf-8")
    records = {record["id"]: record for record in json.loads(after)}
    assert records["beta-news"]["title"] == "Beta story, corrected"
    assert records["beta-news"]["issued"] == {"date-parts": [[2024, 2, 3]]}
    alpha = before[before.index("  {"):before.index("  },") + 4]
    assert '"alpha-2023"' in alpha and alpha in after  # the other record keeps its exact bytes
    shown = run_cli("sources", "show", "beta-news", "--library", library)
    assert "Beta story, corrected" in shown.stdout


def test_a_new_id_with_a_known_url_is_a_duplicate_and_not_imported(library):
    before = sources_file(library).read_bytes()
    result = import_file(library, "duplicate-url.json")
    assert result.exit_code == 0
    assert "duplicate 'alpha-watch-report-2023'" in result.stderr
    assert "same URL as 'alpha-2023'" in result.stderr and "1 duplicates" in result.stdout
    assert sources_file(library).read_bytes() == before
    # --update is about ids; it does not import a likely duplicate.
    assert import_file(library, "duplicate-url.json", "--update").exit_code == 0
    assert sources_file(library).read_bytes() == before


def test_keep_duplicates_imports_a_likely_duplicate(library):
    result = import_file(library, "duplicate-url.json", "--keep-duplicates")
    assert result.exit_code == 0
    assert "1 added" in result.stdout and "same URL as 'alpha-2023'" in result.stdout
    assert "alpha-watch-report-2023" in ids(library)


def test_the_same_doi_written_differently_is_a_duplicate(library):
    result = import_file(library, "duplicate-doi.json")
    assert result.exit_code == 0
    assert "duplicate 'theta-journal-2022'" in result.stderr and "same DOI as 'theta-2022'" in result.stderr
    assert "1 added" in result.stdout and "1 duplicates" in result.stdout
    assert ids(library) == ["alpha-2023", "beta-news", "theta-2022"]


def test_import_into_an_unknown_country_names_the_known_ones(library):
    result = run_cli("sources", "import", ZOTERO / "good.json", "--country", "atlantis",
                     "--library", library)
    assert result.exit_code == 1 and "atlantis" in result.stderr and "testland" in result.stderr


def test_import_refuses_to_merge_into_a_broken_library_file(library):
    path = sources_file(library)
    path.write_text(path.read_text(encoding="utf-8").replace('"beta-news"', '"alpha-2023"'),
                    encoding="utf-8")
    before = path.read_bytes()
    result = import_file(library, "good.json")
    assert result.exit_code == 1 and "duplicate source id 'alpha-2023'" in result.stderr
    assert path.read_bytes() == before


# Any JSON: strings with quotes, backslashes, brackets and line breaks escaped inside them.
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@pytest.mark.property
@settings(max_examples=300, deadline=None)
@given(records=st.lists(_JSON, max_size=6), indent=st.sampled_from([None, 1, 2]))
def test_each_record_of_a_json_list_is_found_with_its_first_line(records, indent):
    """What names a record's line in a problem, and what `sources import` rewrites."""
    text = json.dumps(records, indent=indent, ensure_ascii=False)
    spans = record_spans(text)
    assert [json.loads(text[start:end]) for start, end, _ in spans] == \
        [record for record in records if isinstance(record, dict | list)]
    assert [line for _, _, line in spans] == [text.count("\n", 0, start) + 1
                                              for start, _, _ in spans]
