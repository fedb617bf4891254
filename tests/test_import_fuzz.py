"""Generated hostile exports: whatever a CSL-JSON or .bib file holds, `sources import` ends in one
of two ways. Either it exits 1 with located messages and the library file keeps its exact bytes,
or it exits 0 and the library is still a valid library holding every record it held before,
which `sources list` and `check` read without a crash. Records are a real-shaped base record
with fields replaced by generated values: text with control characters and markup, impossible
dates (year 0, thirty digits, month 13, words), wrong types, deep but legal nesting, ids used
twice or already in the library, URLs and DOIs of library records; .bib files are entries
assembled from generated keys, types and field values with unbalanced braces, LaTeX commands,
@string macros and concatenation. And generated exports imported into one library at the same
time end as if imported one after another.

The imports run in-process; a traceback fails the test."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_LIBRARY, run_cli
from reportkit.load.library import load_sources

settings.register_profile(
    "reportkit-import-fuzz", deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ = settings.get_profile("reportkit-import-fuzz")

LIBRARY_RECORDS = {record["id"]: record for record in json.loads(
    (FIXTURE_LIBRARY / "testland" / "sources.json").read_text(encoding="utf-8"))}
AWKWARD = ["\x00", "\x0b", "\x1f", "\ud800", "\ufeff", "\u202e", "😀", "e\u0301", "{{ x }}",
           "[@alpha-2023]", "<w:p/>", "\\", '"', "}", "{", "%", "@", "#", "~", "\n", " "]
TEXT = st.lists(st.one_of(st.sampled_from(AWKWARD), st.text(max_size=8)), max_size=6).map("".join)
NUMBERS = st.one_of(st.integers(-5, 3000), st.sampled_from([0, 10 ** 30, 2023, 13, 32]),
                    st.floats(allow_nan=True), st.text(max_size=4),
                    st.sampled_from(["2023", "05", "1" * 30, "May", ""]))
DATES = st.one_of(
    st.fixed_dictionaries({"date-parts": st.lists(st.lists(NUMBERS, max_size=4), max_size=3)}),
    st.fixed_dictionaries({"raw": st.one_of(TEXT, st.sampled_from(
        ["March 2024", "5 March 2024", "2024-02-30", "2024/2025", "0000", "Spring 2024"]))}),
    st.fixed_dictionaries({"literal": TEXT}),
    st.just({"date-parts": "2023"}), st.just([2023]), TEXT, st.none())
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(TEXT, children, max_size=3)),
    max_leaves=12)
IDS = st.one_of(
    st.sampled_from(list(LIBRARY_RECORDS) + ["http://zotero.org/users/local/AbC123/items/7XK2LM9P",
                                             "7XK2LM9P", "kappa", "kappa", "a b", ""]),
    TEXT, st.integers(), st.none())
NAMES = st.lists(st.one_of(
    st.fixed_dictionaries({"family": TEXT}, optional={"given": TEXT}),
    st.fixed_dictionaries({"literal": TEXT}), TEXT, JSON_VALUES), max_size=3)
FIELDS = {
    "id": IDS, "citation-key": st.one_of(TEXT, st.sampled_from(["kappa2024", "alpha-2023"])),
    "title": st.one_of(TEXT, st.none(), st.integers()), "type": st.one_of(TEXT, JSON_VALUES),
    "author": NAMES, "issued": DATES, "accessed": DATES, "publisher": TEXT,
    "URL": st.one_of(TEXT, st.sampled_from(["https://example.org/alpha", "HTTP://WWW.example.org/alpha/",
                                            "javascript:alert(1)", "\\\\host\\share"])),
    "DOI": st.one_of(TEXT, st.sampled_from(["10.1234/x", "https://doi.org/10.1234/X"])),
    "note": JSON_VALUES, "extra-field": JSON_VALUES,
}


@st.composite
def csl_records(draw):
    record = {"id": "kappa-2024", "type": "report", "title": "Kappa report",
              "author": [{"literal": "Kappa Watch"}], "issued": {"date-parts": [["2024", "3"]]},
              "URL": "https://example.org/kappa"}
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=4, unique=True)):
        if draw(st.booleans()):
            record[name] = draw(FIELDS[name])
        else:
            record.pop(name, None)
    return record


EXPORTS = st.one_of(st.lists(csl_records(), max_size=5), st.lists(JSON_VALUES, max_size=3),
                    JSON_VALUES)

BIB_TYPES = st.sampled_from(["report", "article", "online", "misc", "book", "thesis", "strange",
                             "string", "comment", "preamble", "", "ARTICLE"])
BIB_KEYS = st.one_of(st.sampled_from(["alpha-2023", "kappa", "kappa", "a b", "", "x,y"]), TEXT)
BIB_VALUES = st.one_of(
    TEXT.map(lambda text: "{" + text + "}"), TEXT.map(lambda text: '"' + text + '"'),
    st.sampled_from(["{N{\\'u}{\\~n}ez}", "{{Delta Foundation}}", "{\\textbf{bold}}", "{\\begin{x}",
                     "{$x^2$}", "{50\\%}", "jts # { more}", "{a {b {c {d}}}}", "2024", "{2024-13-40}",
                     "{0}", "{" + "9" * 30 + "}", "{Smith, John and {Org Name} and von Neumann, J.}",
                     "{\\url{http://x}}", "{\\}", "{\\\\}", "{%}", "nov", "{March 2024}"]))
BIB_FIELDS = st.sampled_from(["title", "author", "editor", "date", "year", "month", "url",
                              "urldate", "doi", "journaltitle", "journal", "institution",
                              "langid", "pages", "number", "note", "file", "keywords", "odd"])


@st.composite
def bib_files(draw):
    entries = ['@string{jts = "Journal of Testland Studies"}'] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 4))):
        fields = draw(st.lists(st.tuples(BIB_FIELDS, BIB_VALUES), max_size=6))
        body = ",\n  ".join(f"{name} = {value}" for name, value in fields)
        entries.append(f"@{draw(BIB_TYPES)}{{{draw(BIB_KEYS)},\n  {body}\n}}")
    if draw(st.booleans()):
        entries.insert(draw(st.integers(0, len(entries))), draw(TEXT))
    return "\n\n".join(entries) + "\n"


def _import_ends_cleanly(export_text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        shutil.copytree(FIXTURE_LIBRARY, library)
        sources = library / "testland" / "sources.json"
        before = sources.read_bytes()
        export = Path(folder) / f"export{suffix}"
        export.write_text(export_text, encoding="utf-8", errors="surrogatepass")
        result = run_cli("sources", "import", export, "--country", "testland", "--library", library)
        assert result.exit_code in (0, 1), result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        if result.exit_code == 1:
            assert result.stderr.strip(), "exit 1 without a message"
            assert sources.read_bytes() == before
            return
        load_sources(sources)  # still a valid library
        after = {record["id"]: record for record in json.loads(sources.read_text(encoding="utf-8"))}
        for source_id, record in LIBRARY_RECORDS.items():  # nothing the library held is lost
            assert after[source_id] == record
        listed = run_cli("sources", "list", "--library", library)
        assert listed.exit_code == 0, listed.stderr
        checked = run_cli("check", "--library", library)
        assert checked.exit_code in (0, 1) and "Traceback" not in checked.stderr


@settings(FUZZ, max_examples=120)
@given(export=EXPORTS)
def test_a_generated_csl_json_export_is_imported_or_refused_cleanly(export):
    _import_ends_cleanly(json.dumps(export, ensure_ascii=False), ".json")


@settings(FUZZ, max_examples=120)
@given(export=bib_files())
def test_a_generated_bib_file_is_imported_or_refused_cleanly(export):
    _import_ends_cleanly(export, ".bib")


@settings(FUZZ, max_examples=30)
@given(depth=st.integers(40, 5000), opening=st.sampled_from(["[", "{\"a\": "]))
def test_a_generated_deeply_nested_export_is_refused_or_imported(depth, opening):
    closing = "]" if opening == "[" else "}"
    record = '{"id": "kappa", "title": "Kappa", "note": ' + opening * depth + "1" \
        + closing * depth + "}"
    _import_ends_cleanly("[" + record + "]", ".json")


RECORD_IDS = st.sampled_from(["kappa", "lambda", "mu", "nu", "xi", "alpha-2023"])


@st.composite
def import_batches(draw):
    """Two to six exports of valid records; ids, URLs and contents overlap between them."""
    batches = []
    for _ in range(draw(st.integers(2, 6))):
        records = {}
        for source_id in draw(st.lists(RECORD_IDS, min_size=1, max_size=3, unique=True)):
            records[source_id] = {"id": source_id, "type": "report",
                                  "title": f"Report {draw(st.sampled_from(['one', 'two']))}",
                                  "URL": f"https://example.org/{draw(st.sampled_from(['a', 'b', source_id]))}"}
        batches.append(list(records.values()))
    return batches


@settings(FUZZ, max_examples=25)
@given(batches=import_batches())
def test_generated_imports_run_at_the_same_time_lose_nothing(batches):
    """Imports into one library in parallel threads (each holding its own lock, as separate
    processes do) end as if they had run one after another: every record an import reports as
    added is in the library, the library holds nothing else new, and it is still valid."""
    from concurrent.futures import ThreadPoolExecutor

    from reportkit.library_sources import ADDED, import_sources

    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        shutil.copytree(FIXTURE_LIBRARY, library)
        exports = []
        for number, batch in enumerate(batches):
            exports.append(Path(folder) / f"export-{number}.json")
            exports[-1].write_text(json.dumps(batch), encoding="utf-8")
        with ThreadPoolExecutor(len(exports)) as pool:
            results = list(pool.map(lambda export: import_sources(library, "testland", export),
                                    exports))
        added = [outcome.source_id for result in results for outcome in result.outcomes
                 if outcome.status == ADDED]
        assert len(added) == len(set(added)), "two imports both added the same id"
        sources, _ = load_sources(library / "testland" / "sources.json")
        assert set(sources) == set(LIBRARY_RECORDS) | set(added)
