"""`reportkit sources import` of real exports: Zotero's own CSL JSON (item ids, dates as text),
Better BibTeX (citation keys), BibTeX/BibLaTeX .bib files; and ten imports at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from reportkit.errors import ReportkitError
from reportkit.load.library import load_sources
# The scratch copy of the fixture library and the import helpers of the command's own tests.
from test_sources_cmd import ZOTERO, import_file, library, sources_file  # noqa: F401

ZOTERO_KEYS = ["deltafoundation2023human", "nunez2024defensor", "nunez2024protests",
               "deltafoundation2023humana"]


def records(library: Path) -> dict[str, dict]:
    return {record["id"]: record
            for record in json.loads(sources_file(library).read_text(encoding="utf-8"))}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- Zotero's own CSL JSON


def test_a_zotero_export_gets_readable_keys_and_says_which_it_made(library):
    result = import_file(library, ZOTERO / "zotero-export.json")
    assert result.exit_code == 0, result.stderr
    for key in ZOTERO_KEYS:
        assert f"added {key} (key made: the export gave none)" in result.stdout
    assert "4 added" in result.stdout and "4 keys made" in result.stdout
    imported = records(library)
    assert set(ZOTERO_KEYS) <= set(imported)
    assert not any("zotero.org" in key for key in imported)


def test_zotero_dates_as_text_and_raw_dates_become_numbers(library):
    assert import_file(library, ZOTERO / "zotero-export.json").exit_code == 0
    imported = records(library)
    assert imported["deltafoundation2023human"]["issued"] == {"date-parts": [[2023, 5, 25]]}
    assert imported["deltafoundation2023human"]["accessed"] == {"date-parts": [[2026, 11, 2]]}
    assert imported["nunez2024defensor"]["issued"] == {"date-parts": [[2024, 3]]}
    assert imported["nunez2024protests"]["issued"] == {"date-parts": [[2024]]}
    shown = run_cli("sources", "show", "nunez2024defensor", "--library", library)
    assert shown.exit_code == 0 and "2024-03" in shown.stdout


def test_importing_the_same_zotero_export_again_finds_every_record_unchanged(library):
    assert import_file(library, ZOTERO / "zotero-export.json").exit_code == 0
    written = sources_file(library).read_bytes()
    again = import_file(library, ZOTERO / "zotero-export.json")
    assert again.exit_code == 0, again.stderr
    assert "0 added, 0 updated, 4 unchanged" in again.stdout
    assert sources_file(library).read_bytes() == written


def test_a_made_key_never_takes_a_key_the_library_uses_for_another_work(library, tmp_path):
    export = write(tmp_path, "export.json", json.dumps([
        {"id": "http://zotero.org/users/local/AbC123/items/AAAAAAAA", "type": "report",
         "title": "Alpha", "author": [{"literal": "Beta"}], "URL": "https://example.org/one"}]))
    path = sources_file(library)
    path.write_text(path.read_text(encoding="utf-8").replace('"beta-news"', '"betaalpha"'),
                    encoding="utf-8")
    result = import_file(library, export)
    assert result.exit_code == 0, result.stderr
    assert "added betaalphaa (key made" in result.stdout
    assert records(library)["betaalpha"]["title"] == "Beta story"


# ---------------------------------------------------------------- Better BibTeX CSL JSON


def test_better_bibtex_citation_keys_are_the_ids(library):
    result = import_file(library, ZOTERO / "better-bibtex.json")
    assert result.exit_code == 0, result.stderr
    imported = records(library)
    assert {"deltafoundation2023human", "nunez2024protests"} <= set(imported)
    assert "keys made" not in result.stdout
    assert all("citation-key" not in record for record in imported.values())


def test_the_same_url_with_another_scheme_www_and_slash_is_a_duplicate(library):
    # The library has https://example.org/alpha; the export has http://www.example.org/alpha/.
    result = import_file(library, ZOTERO / "better-bibtex.json")
    assert "duplicate 'alpha-watch-2023': likely duplicate: same URL as 'alpha-2023'" in result.stderr
    assert "alpha-watch-2023" not in records(library)


def test_a_conflict_names_the_fields_that_differ(library):
    assert import_file(library, ZOTERO / "zotero-export.json").exit_code == 0
    result = import_file(library, ZOTERO / "better-bibtex.json")
    assert result.exit_code == 0, result.stderr
    conflict = next(line for line in result.stderr.splitlines()
                    if "conflict 'nunez2024protests'" in line)
    assert "differs in ISSN, source from the record at sources.json:" in conflict


# ---------------------------------------------------------------- BibTeX and BibLaTeX


def test_a_biblatex_file_from_zotero_is_imported_as_csl(library):
    result = import_file(library, ZOTERO / "zotero-biblatex.bib")
    assert result.exit_code == 0, result.stderr
    assert "4 added" in result.stdout
    imported = records(library)
    report = imported["deltafoundation2023human"]
    assert report["type"] == "report" and report["author"] == [{"literal": "Delta Foundation"}]
    assert report["title"] == "Human Rights in Testland: Annual Report 2023"
    assert report["publisher"] == "Delta Foundation" and report["number"] == "DF 2/2023"
    assert report["issued"] == {"date-parts": [[2023, 5, 25]]}
    assert report["accessed"] == {"date-parts": [[2026, 11, 2]]} and report["language"] == "en"
    article = imported["nunez2024protests"]
    assert article["type"] == "article-journal"
    assert article["author"] == [{"family": "Núñez", "given": "Carmen"}]
    assert (article["issue"], article["page"], article["DOI"]) == ("2", "101–124", "10.1234/jts.2024.11")
    news = imported["nunez2024defensor"]
    assert news["type"] == "article-newspaper" and news["language"] == "es"
    assert news["author"][1] == {"family": "Pérez Ríos", "given": "José Luis"}
    assert news["issued"] == {"date-parts": [[2024, 3]]}
    assert imported["deltafoundation2023update"]["type"] == "webpage"


def test_a_classic_bibtex_file_resolves_strings_accents_and_months(library):
    result = import_file(library, ZOTERO / "bibtex-classic.bib")
    assert result.exit_code == 0, result.stderr
    imported = records(library)
    report = imported["epsilon2022"]
    assert report["title"] == "Detention conditions in Testland: 50% over capacity"
    assert report["URL"] == "https://example.org/epsilon/detention_2022%20final.pdf"
    assert report["issued"] == {"date-parts": [[2022, 11]]} and report["type"] == "report"
    article = imported["theta2021"]
    assert article["container-title"] == "Journal of Testland Studies"
    assert article["DOI"] == "10.1234/JTS.2021.03"
    assert article["author"][1] == {"family": "Vega", "given": "María",
                                    "non-dropping-particle": "de la"}


def test_bibtex_fields_with_no_csl_counterpart_are_named(library, tmp_path):
    bib = write(tmp_path, "x.bib", "@misc{kappa2020, title = {Kappa}, year = {2020},\n"
                                   "  mendeley-tags = {x}, addendum = {see also}}\n")
    result = import_file(library, bib)
    assert result.exit_code == 0, result.stderr
    assert "left out (no CSL field for them): addendum (1), mendeley-tags (1)" in result.stdout


def test_a_bib_entry_that_cannot_be_parsed_is_invalid_at_its_line(library, tmp_path):
    bib = write(tmp_path, "broken.bib", "@report{one, title = {One}, year = 2020}\n\n"
                                        "@report{two,\n  title = {unclosed\n\n"
                                        "@report{three, title = {Three}, year = 2021}\n")
    before = sources_file(library).read_bytes()
    result = import_file(library, bib)
    assert result.exit_code == 1
    assert f"{bib}:3: this entry cannot be read as BibTeX" in result.stderr
    assert "Traceback" not in result.stderr
    assert sources_file(library).read_bytes() == before


def test_a_bib_key_used_twice_is_invalid(library, tmp_path):
    bib = write(tmp_path, "twice.bib", "@report{one, title = {One}, year = 2020}\n"
                                       "@report{one, title = {Other}, year = 2021}\n")
    result = import_file(library, bib)
    assert result.exit_code == 1 and f"{bib}:2: the key 'one' is used twice" in result.stderr


# ---------------------------------------------------------------- refused records


@pytest.mark.parametrize("export_name, text", [
    ("untitled.json", json.dumps([{"id": "kappa", "type": "report", "URL": "https://example.org/k"}])),
    ("blank.json", json.dumps([{"id": "kappa", "type": "report", "title": "  "}])),
    ("untitled.bib", "@report{kappa, author = {Kappa}, year = 2020}\n"),
])
def test_a_record_without_a_title_is_refused_and_nothing_is_written(library, tmp_path,
                                                                     export_name, text):
    export = write(tmp_path, export_name, text)
    before = sources_file(library).read_bytes()
    result = import_file(library, export)
    assert result.exit_code == 1
    assert "record 1 has no title" in result.stderr and "nothing was written" in result.stderr
    assert sources_file(library).read_bytes() == before


@pytest.mark.parametrize("issued, message", [
    ({"date-parts": [[0]]}, "year 0 is not a four-digit year"),
    ({"date-parts": [["1" * 30]]}, "is not a four-digit year"),
    ({"date-parts": [["2023", "May"]]}, "'May' is not a number"),
    ({"raw": "sometime soon"}, "cannot read the date 'sometime soon'"),
])
def test_an_impossible_date_is_refused(library, tmp_path, issued, message):
    export = write(tmp_path, "dates.json", json.dumps(
        [{"id": "kappa", "type": "report", "title": "Kappa", "issued": issued}]))
    before = sources_file(library).read_bytes()
    result = import_file(library, export)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert sources_file(library).read_bytes() == before


def test_a_library_file_with_an_impossible_year_is_an_error_not_a_crash(library):
    path = sources_file(library)
    path.write_text(path.read_text(encoding="utf-8").replace("[[2024, 2]]", "[[" + "9" * 30 + "]]"),
                    encoding="utf-8")
    with pytest.raises(ReportkitError, match="not a four-digit year"):
        load_sources(path)
    result = run_cli("check", "--library", library)
    assert result.exit_code == 1 and "not a four-digit year" in result.stderr


@pytest.mark.parametrize("name, text", [
    ("deep.json", "[" * 100_000 + "]" * 100_000),
    ("deep-record.json", '[{"id": "a", "title": "t", "note": ' + "[" * 100_000 + "]" * 100_000 + "}]"),
    ("deep.bib", "@misc{a, title = " + "{" * 100_000 + "}" * 100_000 + "}\n"),
])
def test_an_export_nested_100000_deep_is_refused_without_a_traceback(library, tmp_path, name, text):
    before = sources_file(library).read_bytes()
    result = import_file(library, write(tmp_path, name, text))
    assert result.exit_code == 1
    assert "nested more than 50 levels deep" in result.stderr
    assert sources_file(library).read_bytes() == before


# ---------------------------------------------------------------- imports at the same time


def test_ten_imports_into_one_library_at_once_all_survive(library, tmp_path):
    """Ten real processes, each adding one record: every record must be in the library after."""
    exports = []
    for number in range(10):
        exports.append(write(tmp_path, f"export-{number}.json", json.dumps([
            {"id": f"parallel-{number}", "type": "report", "title": f"Parallel report {number}",
             "URL": f"https://example.org/parallel/{number}"}])))
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    processes = [subprocess.Popen(
        [sys.executable, "-m", "reportkit", "sources", "import", str(export), "--country",
         "testland", "--library", str(library)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True)
        for export in exports]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr
        assert "1 added" in stdout and "Traceback" not in stderr
    imported = records(library)
    assert {f"parallel-{number}" for number in range(10)} <= set(imported)
    assert {"alpha-2023", "beta-news"} <= set(imported)
    assert list(imported) == sorted(imported)
    load_sources(sources_file(library))  # still a valid library file
    assert not list(sources_file(library).parent.glob(".*.tmp"))


def test_a_citation_key_that_is_not_text_is_invalid_not_dropped(library, tmp_path):
    export = write(tmp_path, "keys.json", json.dumps(
        [{"id": "kappa", "citation-key": 5, "title": "Kappa"},
         {"id": "lambda", "citation-key": "", "title": "Lambda"}]))
    result = import_file(library, export)
    assert result.exit_code == 1
    assert "invalid record 1 'kappa': citation-key: expected text, found 5" in result.stderr
    assert "invalid record 2 'lambda': citation-key: expected text" in result.stderr
