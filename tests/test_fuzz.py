"""Property-based tests: whatever a case file holds, a build ends in one of two ways.

Either it stops with exit 1 and a message that names the field (or its line), or it writes a
DOCX that opens and shows every character of the case text exactly as written. Cases are the
fixture case (tests/fixtures/cases/journalist.yaml) with one thing changed: any Unicode in a
text field (control characters, right-to-left text, emoji, combining marks, 100 KB strings),
a value of the wrong type, a key missing or added, a date far out of range, YAML nested very
deep, or YAML anchors and aliases built to blow up in size.

The builds run in-process with the fixture library loaded once; errors go through the same
`fail` the command line uses, so a traceback fails the test.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest
import typer
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from case_text import (PRINTED_FIELDS, Raw, base_case, delete_at, docx_paragraphs, field_name,
                       set_at, shown_as, to_yaml)
from conftest import FIXTURE_LIBRARY
from reportkit.build import LibraryCache, build_report, load_inputs
from reportkit.cli.app import fail
from reportkit.errors import ReportkitError
from reportkit.paths import template_search_path
from reportkit.dates import long_date

# 220 + 100 + 60 + 60 + 40 + 40 + 20 = 540 generated examples in every run, besides one build
# per missing key.
settings.register_profile(
    "reportkit-fuzz", deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example])
# Property-based tests take about a minute: `make test` and CI run them, `make test-fast` not.
pytestmark = pytest.mark.property

FUZZ = settings.get_profile("reportkit-fuzz")
# REPORTKIT_FUZZ_SCALE=10 runs ten times as many examples (a longer search before a release).
SCALE = int(os.environ.get("REPORTKIT_FUZZ_SCALE", "1"))

# The documented rule (models.py, README "The case file"): characters an XML 1.0 document
# cannot hold are refused with a message naming the field, never dropped.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Text that has broken text pipelines before: controls, line and paragraph separators, the byte
# order mark, noncharacters, lone surrogates, bidirectional controls, right-to-left scripts,
# emoji sequences, combining marks, the private-use characters the renderer uses as markers,
# and Jinja, Markdown, citation and XML syntax.
SPECIAL = [
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\t", "\n", "\r", "\r\n",
    "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udfff",
    "\u200b", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u202c", "\u2066", "\u2069",
    "שלום עולם", "مرحبا بالعالم", "ܐܒܓ", "😀", "👩\u200d👩\u200d👧", "🇵🇪", "e\u0301",
    "\u0301", "Z\u0351\u0352\u0353\u0338", "\ue000", "\ue001", "\ue0000\ue001", "\U0010fffd",
    "{{ 7*7 }}", "{% include 'x' %}", "{#", "# Heading", "[@alpha-2023]", "[@nobody]",
    "**bold**", "_i_", "`code`", "<w:p>", "]]>", "&amp;", "<![CDATA[", "\\", "|", ":::",
    "---", "    ", " ", "\u00a0", "> ", "1. ", "- ", "[EXPERT TO COMPLETE: x]", "'", '"',
]
ANY_CHARACTER = st.characters(codec=None, exclude_categories=[])
LEGAL_SPECIAL = [piece for piece in SPECIAL if not XML_ILLEGAL.search(piece)]


def _hundred_kilobytes(piece: str) -> str:
    piece = piece or "x"
    return (piece * (100_000 // len(piece) + 1))[:100_000]


TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=40),
    st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=4)), max_size=12).map("".join),
    st.lists(st.one_of(st.sampled_from(LEGAL_SPECIAL), st.text(max_size=4)), min_size=1,
             max_size=6).map("".join).map(_hundred_kilobytes),
)

REQUIRED_TEXT = {("reference",), ("instructions", "instructed_by"), ("expert", "name"),
                 ("applicant", "name"), ("instructions", "questions", 0, "text"),
                 ("instructions", "questions", 1, "text"),
                 ("applicant", "events", 0, "description")}

# Also document properties, which hold at most 255 characters.
PROPERTY_TEXT = {("reference",), ("expert", "name")}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """Builds a case given as data, the fixture library loaded once."""
    folder = tmp_path_factory.mktemp("fuzz")
    libraries = LibraryCache(FIXTURE_LIBRARY)
    template_dirs = template_search_path()

    def build(data: dict | str) -> Outcome:
        text, lines = (data, {}) if isinstance(data, str) else to_yaml(data)
        case = folder / "case.yaml"
        case.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            inputs = load_inputs(case, libraries, template_dirs)
            report = build_report(inputs, libraries)
        except ReportkitError as error:
            return Outcome(case, lines, None, _printed_error(error))
        return Outcome(case, lines, report.docx, "")

    return build


def _printed_error(error: ReportkitError) -> str:
    """What `reportkit build` prints for the error, through the CLI's own `fail`."""
    printed = []
    original, typer.echo = typer.echo, lambda message, err=False: printed.append(message)
    try:
        with pytest.raises(typer.Exit) as stopped:
            fail(error)
    finally:
        typer.echo = original
    assert stopped.value.exit_code == 1
    return "\n".join(printed)


class Outcome:
    def __init__(self, case: Path, lines: dict, docx: bytes | None, stderr: str):
        self.case, self.lines, self.docx, self.stderr = case, lines, docx, stderr

    def names(self, path: tuple) -> bool:
        """The message names the field, or points at the line where it (or its parent) is."""
        if self.docx is not None:
            return False
        assert "Traceback" not in self.stderr
        # The field, a field around it, or one inside the value written there.
        where = [f"{self.case}:{line}:" for place, line in self.lines.items()
                 if place == path[:len(place)] or place[:len(path)] == path]
        names = [field_name(path), str(path[-1])]
        return any(name in self.stderr for name in names) or any(w in self.stderr for w in where)

    def paragraphs(self) -> list[str]:
        assert self.docx is not None, self.stderr
        with zipfile.ZipFile(io.BytesIO(self.docx)) as archive:
            assert archive.testzip() is None
        assert docx.Document(io.BytesIO(self.docx)).paragraphs  # python-docx opens it
        return [text for _, text, _ in docx_paragraphs(self.docx)]

    def shows(self, text: str) -> bool:
        paragraphs = self.paragraphs()
        return all(any(piece in paragraph for paragraph in paragraphs)
                   for piece in shown_as(text))


# ---------------------------------------------------------------- any text in any field


@settings(FUZZ, max_examples=220 * SCALE)
@given(path=st.sampled_from(PRINTED_FIELDS), text=TEXT)
def test_any_text_renders_exactly_or_is_refused_naming_the_field(pipeline, path, text):
    case = base_case()
    set_at(case, path, text)
    outcome = pipeline(case)
    bad = XML_ILLEGAL.search(text)
    if len(text) > 255 and path in PROPERTY_TEXT:
        assert f"{outcome.case}:{outcome.lines[path]}: {field_name(path)}: String should have " \
            "at most 255 characters" in outcome.stderr, outcome.stderr
    elif bad:
        assert outcome.docx is None, f"{field_name(path)} kept U+{ord(bad.group()):04X}"
        assert f"{outcome.case}:{outcome.lines[path]}: {field_name(path)}" in outcome.stderr, \
            outcome.stderr
        if not re.search("[\ud800-\udfff]", text):  # pydantic refuses surrogates itself
            assert f"U+{ord(bad.group()):04X}" in outcome.stderr, outcome.stderr
    elif text == "" and path in REQUIRED_TEXT:
        assert outcome.names(path), outcome.stderr
    else:
        assert outcome.docx is not None, outcome.stderr
        assert outcome.shows(text), f"{field_name(path)}: {text[:200]!r} not in the report"


MARKDOWN_FIELDS = [("instructions", "questions", 1, "answer"),
                   ("instructions", "questions", 0, "answer")]


@settings(FUZZ, max_examples=30 * SCALE)
@given(path=st.sampled_from(MARKDOWN_FIELDS), text=TEXT)
def test_any_answer_builds_or_is_refused_naming_the_field(pipeline, path, text):
    """Answers are Markdown: whatever they hold, the build writes a DOCX that opens, or stops
    with a message naming the field or its line (e.g. an unknown citation key), never a
    traceback."""
    case = base_case()
    set_at(case, path, text)
    outcome = pipeline(case)
    if XML_ILLEGAL.search(text):
        assert outcome.docx is None and outcome.names(path), outcome.stderr
    elif outcome.docx is None:
        assert outcome.names(path), outcome.stderr
    else:
        assert outcome.paragraphs()


# ---------------------------------------------------------------- wrong types

ALL_FIELDS: list[tuple] = sorted({
    *PRINTED_FIELDS, ("jurisdiction",), ("country",), ("report_date",), ("anonymise",),
    ("fictional",), ("instructions",), ("instructions", "date"), ("instructions", "documents"),
    ("instructions", "questions"), ("instructions", "questions", 0), ("expert",),
    ("expert", "fictional"), ("expert", "qualifications"), ("applicant",),
    ("applicant", "gender"), ("applicant", "date_of_birth"), ("applicant", "profiles"),
    ("applicant", "profiles", 0), ("applicant", "languages"), ("applicant", "events"),
    ("applicant", "events", 0), ("applicant", "events", 0, "date"), ("sections",),
    ("sections", "include"), ("sections", "exclude"),
}, key=str)

VALUES = st.one_of(
    st.integers(min_value=-10**30, max_value=10**30), st.floats(allow_nan=True), st.booleans(),
    st.none(), st.just([]), st.just({}), st.lists(st.integers(), min_size=1, max_size=3),
    st.dictionaries(st.sampled_from(["a", "name", "text"]), st.integers(), min_size=1, max_size=2),
    st.text(max_size=10), st.dates(),
)


@settings(FUZZ, max_examples=100 * SCALE)
@given(path=st.sampled_from(ALL_FIELDS), value=VALUES)
def test_a_value_of_the_wrong_type_is_refused_naming_the_field(pipeline, path, value):
    case = base_case()
    set_at(case, path, value)
    outcome = pipeline(case)
    if outcome.docx is None:
        assert outcome.names(path), outcome.stderr
        return
    # Some values are right after all (a text where text is wanted, a date, ...): then a text
    # the report prints is printed as written, and a date in a printed date field in words.
    paragraphs = outcome.paragraphs()
    if path in PRINTED_FIELDS and isinstance(value, str) and value.split():
        assert any(value.split()[0] in paragraph for paragraph in paragraphs), (path, value)
    if path in {("instructions", "date"), ("applicant", "events", 0, "date")} \
            and isinstance(value, dt.date):
        assert outcome.shows(long_date(value, "en-GB")), (path, value)


# ---------------------------------------------------------------- missing and extra keys

# The fields a case file must have; every other one may be left out.
REQUIRED = {("reference",), ("jurisdiction",), ("country",), ("report_date",), ("instructions",),
            ("instructions", "instructed_by"), ("instructions", "date"),
            ("instructions", "questions", 0, "text"), ("expert",), ("expert", "name"),
            ("applicant",), ("applicant", "name"), ("applicant", "profiles"),
            ("applicant", "events", 0, "date"), ("applicant", "events", 0, "description")}
MAPPINGS = [(), ("instructions",), ("instructions", "questions", 0), ("expert",),
            ("applicant",), ("applicant", "events", 0), ("sections",)]


def _keys(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield path + (key,)
            yield from _keys(value, path + (key,))


KEY_PATHS = sorted((path for path in _keys(base_case()) if not isinstance(path[-1], int)
                    and not any(isinstance(part, int) and part > 0 for part in path)), key=str)


@pytest.mark.parametrize("path", KEY_PATHS, ids=field_name)
def test_a_missing_key_is_named_unless_it_is_optional(pipeline, path):
    case = base_case()
    delete_at(case, path)
    outcome = pipeline(case)
    if path not in REQUIRED:
        assert outcome.docx is not None, outcome.stderr
        assert outcome.paragraphs()
    else:
        assert outcome.docx is None
        assert f"missing required field '{field_name(path)}'" in outcome.stderr, outcome.stderr


@settings(FUZZ, max_examples=60 * SCALE)
@given(where=st.sampled_from(MAPPINGS), key=st.text(ANY_CHARACTER, min_size=1, max_size=20),
       value=VALUES)
def test_an_unknown_key_is_named(pipeline, where, key, value):
    case = base_case()
    target = case
    for part in where:
        target = target[part]
    assume(key not in target and not XML_ILLEGAL.search(key))
    target[key] = value
    outcome = pipeline(case)
    assert outcome.docx is None
    assert f"{outcome.case}:{outcome.lines[where + (key,)]}: unknown field '{key}'" \
        in outcome.stderr, outcome.stderr


# ---------------------------------------------------------------- dates

DATE_FIELDS = [("report_date",), ("information_cutoff",), ("instructions", "date"),
               ("applicant", "date_of_birth"), ("applicant", "events", 0, "date")]
DATES = st.one_of(
    st.dates(),
    st.sampled_from(["0000-01-01", "10000-01-01", "-0001-01-01", "2023-02-29", "2023-13-01",
                     "2023-00-10", "2024-02-30", "99999999-12-31", "2023-1-1", "1e9",
                     "2023-01-10T25:00:00", "2023-01-10 10:00:00", "today"]).map(Raw),
    st.integers(min_value=-10**20, max_value=10**20),
)


@settings(FUZZ, max_examples=60 * SCALE)
@given(path=st.sampled_from(DATE_FIELDS), value=DATES)
def test_dates_far_out_of_range_are_refused_or_printed(pipeline, path, value):
    case = base_case()
    set_at(case, path, value)
    outcome = pipeline(case)
    if outcome.docx is None:
        assert outcome.names(path), outcome.stderr
        return
    assert outcome.paragraphs()
    if isinstance(value, dt.date):
        if path in {("report_date",), ("information_cutoff",)}:
            assert 1900 <= value.year <= 2200
        if path in {("instructions", "date"), ("applicant", "events", 0, "date")}:
            assert outcome.shows(long_date(value, "en-GB"))


# ---------------------------------------------------------------- hostile YAML


def _nested(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "1" + "]" * depth
    return "{a: " * depth + "1" + "}" * depth


@settings(FUZZ, max_examples=40 * SCALE)
@given(path=st.sampled_from(ALL_FIELDS), depth=st.integers(min_value=1, max_value=5000),
       kind=st.sampled_from(["list", "mapping"]))
def test_deeply_nested_yaml_is_refused_at_its_line(pipeline, path, depth, kind):
    case = base_case()
    set_at(case, path, Raw(_nested(depth, kind)))
    outcome = pipeline(case)
    if outcome.docx is None:
        line = outcome.lines[path]
        if depth + len(path) > 50:
            assert f"{outcome.case}:{line}: the YAML is nested more than 50 levels deep" \
                in outcome.stderr, outcome.stderr
        else:
            assert outcome.names(path), outcome.stderr
    else:
        assert outcome.paragraphs()


def _laughs(levels: int, width: int) -> tuple[str, int]:
    """Anchors each made of `width` aliases of the one before: width**levels strings."""
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * width)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    return "\n".join(lines), 2


@settings(FUZZ, max_examples=40 * SCALE)
@given(levels=st.integers(min_value=1, max_value=12), width=st.integers(min_value=1, max_value=12),
       where=st.sampled_from(["top", "languages", "account"]))
def test_billion_laughs_is_refused_at_the_first_alias(pipeline, levels, width, where):
    laughs, first_alias = _laughs(levels, width)
    text, lines = to_yaml(base_case())
    if where == "top":
        text = laughs + "\n" + text
    else:
        # The anchors go first, and the field refers to the largest one.
        text = laughs + "\n" + text.replace(
            '"languages":\n    - "Testish"', f'"languages": *lol{levels}', 1) \
            if where == "languages" else laughs + "\n" + text.replace(
                '"account": "', f'"account": *lol{levels}\n  "ignored": "', 1)
    outcome = pipeline(text)
    assert outcome.docx is None
    assert f"{outcome.case}:{first_alias}: YAML aliases (*name) are not allowed" \
        in outcome.stderr, outcome.stderr


@settings(FUZZ, max_examples=20 * SCALE)
@given(path=st.sampled_from(PRINTED_FIELDS),
       text=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
                    max_size=30))
def test_an_anchor_without_an_alias_is_plain_text(pipeline, path, text):
    case = base_case()
    set_at(case, path, Raw("&anchor " + to_yaml({"x": text})[0].split(": ", 1)[1].strip()))
    outcome = pipeline(case)
    assert outcome.docx is not None, outcome.stderr
    assert outcome.shows(text)
