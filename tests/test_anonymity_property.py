"""Property: whatever the name and however a case file spells it, an anonymised build succeeds
and shows no part of it anywhere.

Names come from several scripts and traditions (anonymity_names.py). Each example puts a name's
parts, in a different spelling each (accents added or stripped, letters without a decomposition,
invisible characters, look-alike letters, fullwidth forms, joined to other parts, digits or `_`,
split by Markdown, in link addresses and titles), in every case field the report prints and in
the case's own sections; a second person goes in protected_names. The report is built in-process
against the small fixture library.

What is searched: every part of the zip (the text of each paragraph, so that a name split across
runs is whole again, every other text node and every attribute), the Markdown, and the output
file name for the case-file names people use. Words such as `Val`, `Thai` or `Page` are in every
report already (attributes, theme, template text): for each form, the anonymised report may hold
it no more often than a report built from the same case without any name in it.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from anonymity_names import (DECORATE, INVISIBLE, LOOK_ALIKES, TRADITIONS, count, counts_in,
                             searched_forms, strip_accents)
from case_text import base_case, to_yaml
from conftest import FIXTURE_LIBRARY
from reportkit.build import LibraryCache, build_report, default_output, load_inputs
from reportkit.paths import template_search_path
from reportkit.render import restore_literals

# At least 300 examples in every run (CI included); REPORTKIT_FUZZ_SCALE=10 for a longer search.
settings.register_profile(
    "reportkit-anonymity", deadline=None, print_blob=True,
    max_examples=300 * int(os.environ.get("REPORTKIT_FUZZ_SCALE", "1")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("reportkit-anonymity")

LIBRARIES = LibraryCache(FIXTURE_LIBRARY)
TEMPLATE_DIRS = template_search_path(None)
TEMPLATE_SETS: dict = {}

# ---------------------------------------------------------------- spellings


def _replace_one(part: str, table: dict[str, str], data) -> str:
    """`part` with one of its letters replaced as `table` says (unchanged if it has none)."""
    places = [index for index, char in enumerate(part) if char in table]
    if not places:
        return part
    index = data.draw(st.sampled_from(places))
    return part[:index] + table[part[index]] + part[index + 1:]


def _decorate(part: str, data) -> str:
    return part.replace("ss", "ß") if "ss" in part else _replace_one(part, DECORATE, data)


def _look_alike(part: str, data) -> str:
    return _replace_one(part, LOOK_ALIKES, data)


def _invisible(part: str, data) -> str:
    index = data.draw(st.integers(1, max(1, len(part) - 1)))
    return part[:index] + data.draw(st.sampled_from(INVISIBLE)) + part[index:]


def _fullwidth(part: str, data) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isascii() and char.isalpha() else char
                   for char in strip_accents(part))


SPELLINGS = {
    "as written": lambda part, data: part,
    "upper case": lambda part, data: part.upper(),
    "lower case": lambda part, data: part.lower(),
    "no accents": lambda part, data: strip_accents(part),
    "accents added": _decorate,
    "invisible character": _invisible,
    "look-alike letter": _look_alike,
    "fullwidth": _fullwidth,
}

# How a case file joins a name to what is around it: {a} and {b} are two parts of the name.
JOINED = ["{a} {b}", "{A}{B}", "{a}_{b}", "@{A}{B}90", "{B}2023", "Statement_of_{A}.pdf",
          "{a}.{b}@example.org", "{A}-{B}", "{B}, {A}", "({A})", "{A}'s"]
# Markdown in a case's own section that leaves a name whole for the reader but not in the source.
MARKDOWN = ["{a_head}*{a_tail}*", "**{a_head}**{a_tail}", "_{A}_ {B}",
            "[the statement][ref]\n\n[ref]: https://example.org/{a}-{b} \"{A} {B}\"",
            "[a page](https://example.org/p \"{A}\") and ![photo](https://example.org/{b}.png)",
            "<https://example.org/{a}/{b}>", "`{A}`"]


@st.composite
def names(draw) -> str:
    pools = TRADITIONS[draw(st.sampled_from(sorted(TRADITIONS)))]
    words = [draw(st.sampled_from(pool)) for pool in pools]
    return " ".join(dict.fromkeys(words))


@st.composite
def mentions(draw, name: str, markdown: bool = False) -> str:
    """One mention of `name` as a case file might hold it."""
    parts = [word for word in name.split() if word not in ("bin", "ibn")]
    a, b = draw(st.permutations(parts))[:2] if len(parts) > 1 else (parts[0], parts[0])
    spelled = [SPELLINGS[draw(st.sampled_from(sorted(SPELLINGS)))](part, draw_data(draw))
               for part in (a, b)]
    shape = draw(st.sampled_from(JOINED + (MARKDOWN if markdown else [])))
    cut = draw(st.integers(1, max(1, len(spelled[0]) - 1)))
    return shape.format(a=spelled[0].lower(), b=spelled[1].lower(), A=spelled[0], B=spelled[1],
                        a_head=spelled[0][:cut], a_tail=spelled[0][cut:])


def draw_data(draw):
    class Data:  # lets a spelling draw what it needs
        @staticmethod
        def draw(strategy):
            return draw(strategy)
    return Data


# ---------------------------------------------------------------- the case

FIELDS = {  # case field -> a sentence around the mention
    ("reference",): "PA/00123/2026 ({})",
    ("instructions", "instructed_by"): "Test Solicitors, for {}",
    ("instructions", "documents", 0): "Witness statement of {} dated 1 October 2026",
    ("instructions", "questions", 0, "text"): "Is the account of {} consistent with the sources?",
    ("instructions", "questions", 1, "answer"): "Yes: {} was threatened.",
    ("applicant", "ethnicity"): "Testish ({} family)",
    ("applicant", "home_region"): "Northshire, near {}",
    ("applicant", "account"): "{} wrote articles.\nShe was threatened in 2023.\n",
    ("applicant", "events", 0, "place"): "the home of {}",
    ("applicant", "events", 0, "description"): "{} attended a protest",
}


def literal_at(text: str) -> str:
    """Case Markdown (an answer, a case section) writes a literal "@" as "\\@": a bare one starts
    a citation in pandoc's syntax, as `@NameSurname90` would."""
    return text.replace("@", "\\@")


def case_with(name: str, other: str, mention) -> dict:
    """The fixture case with `name` as the applicant, `other` protected, and `mention(name)` in
    every printed field and both of the case's own sections."""
    case = base_case()
    case["anonymise"] = True
    case["protected_names"] = [other] if other else []
    case["applicant"]["name"] = name
    for path, sentence in FIELDS.items():
        target = case
        for key in path[:-1]:
            target = target[key]
        text = mention(name, False)
        if path[-1] == "answer":
            text = literal_at(text)
        target[path[-1]] = sentence.format(text)
    case["sections"]["extra"] = [{
        "id": "family", "title": f"The family of {mention(name, False)}", "part": "profile",
        "body": literal_at(f"Reports name {mention(name, True)}.\n\nA colleague, {mention(other or name, True)}, "
                 f"was also threatened.\n\nSee {mention(name, True)}.\n")}]
    case["sections"]["replace"] = [{
        "id": "journalists", "body": f"Journalists such as {literal_at(mention(name, True))} were attacked "
                                     f"[@beta-news].\n"}]
    return case


def build(case: dict, folder: Path, file_name: str = "case.yaml"):
    path = folder / file_name
    path.write_text(to_yaml(case)[0], encoding="utf-8")
    inputs = load_inputs(path, LIBRARIES, TEMPLATE_DIRS, TEMPLATE_SETS, anonymise=True)
    report = build_report(inputs, LIBRARIES)
    return inputs, report


# ---------------------------------------------------------------- what a reader can see


def zip_parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {part: archive.read(part) for part in archive.namelist()}


def shown_texts(parts: dict[str, bytes], same_as: dict[str, bytes] | None = None) -> dict[str, list[str]]:
    """Per zip part: the text of each paragraph (runs joined), every text node, every attribute.
    A part byte for byte the same as in `same_as` is left out: it holds nothing more."""
    shown = {}
    for part, data in parts.items():
        if same_as is not None and same_as.get(part) == data:
            continue
        if not part.endswith((".xml", ".rels")):
            shown[part] = [data.decode("utf-8", errors="replace")]
            continue
        root = etree.fromstring(data)
        texts = ["".join(paragraph.itertext()) for paragraph in root.iter("{*}p")]
        texts += list(root.itertext())
        texts += [value for element in root.iter() for value in element.attrib.values()]
        shown[part] = texts
    return shown


def counts(texts: dict[str, list[str]], forms: list[str]) -> dict[tuple[str, str], int]:
    found = {}
    for part, pieces in texts.items():
        for form, number in counts_in("\n".join(pieces), forms).items():
            found[(part, form)] = number
    return found


@cache
def baseline() -> tuple[dict, dict, str]:
    """A report from the same case shape with no name in it: what every report holds anyway."""
    with tempfile.TemporaryDirectory() as folder:
        case = case_with("Zed", "", lambda name, markdown: "Z.")
        _, report = build(case, Path(folder))
        parts = zip_parts(report.docx)
        return parts, shown_texts(parts), restore_literals(report.markdown, report.literals)


@settings(PROFILE)
@given(data=st.data(), name=names(), other=names())
def test_an_anonymised_build_succeeds_and_shows_no_spelling_of_any_name(data, name, other):
    if other == name:
        other = ""

    def mention(who: str, markdown: bool) -> str:
        return data.draw(mentions(who, markdown), label=f"mention of {who}")

    case = case_with(name, other, mention)
    forms = searched_forms(name) + (searched_forms(other) if other else [])
    base_parts, base_texts, base_markdown = baseline()
    base_counts = counts(base_texts, forms)
    with tempfile.TemporaryDirectory() as folder:
        inputs, report = build(case, Path(folder))  # raises (fails the test) if refused
        found = counts(shown_texts(zip_parts(report.docx), same_as=base_parts), forms)
        leaks = {key: value for key, value in found.items() if value > base_counts.get(key, 0)}
        assert not leaks, f"{name} / {other}: {leaks}"
        markdown = restore_literals(report.markdown, report.literals)
        leaks = [form for form in forms if count(form, markdown) > count(form, base_markdown)]
        assert not leaks, f"Markdown holds {leaks}"
        # The output file name, for the case-file names people give.
        a, b = strip_accents(name).split()[0], strip_accents(name).split()[-1]
        for stem in (f"{a}_{b}", f"{a}{b}", f"{b.lower()}2026", f"statement-of-{a}-{b}", f"{a} {b}"):
            output = default_output(Path(folder) / f"{stem}.yaml", inputs.anonymiser)
            named = [form for form in forms if count(form, output.name)]
            assert not named, f"{output.name} holds {named}"
