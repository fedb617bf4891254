"""The Peru library: checks clean, serves each profile, keeps each death toll with its own source,
cites every source, and is written in its own words."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import docx
import pytest
from lxml import etree

from conftest import EXAMPLE_CASES, ROOT, docx_parts
from reportkit.build import LibraryCache, build_report, load_inputs
from reportkit.paths import default_library, template_search_path
from reportkit.parse import citations_in, parse_markdown
from reportkit.quality.config import load_quality_config
from reportkit.select import ALL_PROFILES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SOURCE_DOCUMENTS = ROOT.parent / "shared" / "sources"
# Hashes of every ten-word run of the five source documents, so the test runs without them.
FINGERPRINTS = ROOT / "tests" / "fixtures" / "source-fingerprints.txt"
PERU = default_library() / "peru"

# Each figure, in the words the library uses, and the title of the only source it may cite.
DEATH_TOLLS = [
    (r"\b49 people\b", "Stand with victims of repression in Peru"),
    (r"\bat least 48 civilians\b", "The Biden Administration must denounce violent repression in Peru"),
    (r"\b41 of them\b", "The Biden Administration must denounce violent repression in Peru"),
]


@pytest.fixture(scope="module")
def libraries() -> LibraryCache:
    return LibraryCache(default_library())


@pytest.fixture(scope="module")
def library(libraries):
    return libraries.get("peru")  # raises on unknown profiles or citation keys


@pytest.fixture(scope="module")
def reports(libraries):
    built = {}
    for case in sorted(EXAMPLE_CASES.glob("*.yaml")):
        inputs = load_inputs(case, libraries, template_search_path())
        built[case.stem] = (inputs, build_report(inputs, libraries))
    assert len(built) == 3, "expected one example case per profile"
    return built


def test_each_report_has_its_profile_sections_and_not_the_others(library, reports):
    for _name, (inputs, report) in reports.items():
        profiles = set(inputs.loaded.case.applicant.profiles)
        headings = {p.text for p in docx.Document(io.BytesIO(report.docx)).paragraphs
                    if p.style.name.startswith("Heading")}
        for section in library.sections.values():
            meant = (bool(ALL_PROFILES in section.meta.profiles or profiles & set(section.meta.profiles))
                     and section.id not in inputs.loaded.case.sections.exclude)
            assert (section.id in report.section_ids) == meant, (section.id, profiles)
            if section.meta.part != "limitations":  # the template prints no title for those
                assert (section.meta.title in headings) == meant, (section.meta.title, profiles)


def _paragraph_notes(report) -> list[tuple[str, list[str]]]:
    """(paragraph text, texts of its footnotes) for every paragraph with a footnote."""
    parts = docx_parts(report.docx)
    notes = etree.fromstring(parts["word/footnotes.xml"].encode())
    note_text = {note.get(f"{W}id"): "".join(t.text or "" for t in note.iter(f"{W}t"))
                 for note in notes.iter(f"{W}footnote")}
    body = etree.fromstring(parts["word/document.xml"].encode())
    found = []
    for paragraph in body.iter(f"{W}p"):
        ids = [node.get(f"{W}id") for node in paragraph.iter(f"{W}footnoteReference")]
        if ids:
            text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
            found.append((text, [note_text[i] for i in ids]))
    return found


def test_each_death_toll_keeps_its_own_source(reports, library):
    """A paragraph stating one source's figure cites that source, and not the other's."""
    names = {title: [title[:25]] + [source.title_short for source in library.sources.values()
                                    if source.title == title and source.title_short]
             for _figure, title in DEATH_TOLLS}
    checked = 0
    for _name, (_inputs, report) in reports.items():
        for text, notes in _paragraph_notes(report):
            stated = {title for figure, title in DEATH_TOLLS if re.search(figure, text)}
            for title in stated:
                assert any(name in note for name in names[title] for note in notes), (title, text[:80])
                checked += 1
            for title in set(names) - stated if len(stated) == 1 else ():
                assert not any(name in note for name in names[title] for note in notes), text[:80]
    assert checked >= 3


def test_every_source_is_cited(library):
    cited: set[str] = set()
    for section in library.sections.values():
        blocks = parse_markdown(section.body, str(section.path), section.body_line - 1)
        cited |= {item.key for citation in citations_in(blocks) for item in citation.items}
    for item in library.chronology:
        blocks = parse_markdown(item.entry.text, str(item.path), item.line - 1)
        cited |= {item.key for citation in citations_in(blocks) for item in citation.items}
    assert sorted(set(library.sources) - cited) == []


def test_every_section_is_reviewed_and_every_profile_is_covered(library):
    # Reviewed: within the review age that `check` allows (L003) before the example reports'
    # date, and not after it.
    months = load_quality_config(default_library())[0].thresholds.review_age_months
    report_dates = {case_report_date(case) for case in EXAMPLE_CASES.glob("*.yaml")}
    for section in library.sections.values():
        for report_date in report_dates:
            assert report_date - dt.timedelta(days=31 * months) <= section.meta.last_reviewed \
                <= report_date, (section.id, section.meta.last_reviewed)
    required = {"situation", "state_risk", "non_state_risk", "state_protection", "internal_relocation"}
    for profile in library.info.profiles:
        topics = set()
        for section in library.sections.values():
            if ALL_PROFILES in section.meta.profiles or profile in section.meta.profiles:
                topics |= set(section.meta.topics)
        assert required <= topics, (profile, required - topics)


def case_report_date(path) -> dt.date:
    return dt.date.fromisoformat(re.search(r"^report_date: (\S+)", path.read_text(encoding="utf-8"),
                                           re.M).group(1))


def _words(text: str) -> list[str]:
    text = text.replace("’", "'").replace("‘", "'").lower()
    return re.findall(r"[\w']+", text)


def _unquoted(text: str) -> str:
    """Library text outside quotation marks, citations and front matter."""
    text = re.sub(r"\A---.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"\[@[^\]]*\]", " | ", text)
    return re.sub(r"[\"“][^\"”]*[\"”]", " | ", text)


def _shingles(words: list[str]) -> set[str]:
    """Each run of ten words, hashed (the fingerprints file holds no text of the documents)."""
    return {hashlib.sha1(" ".join(words[i:i + 10]).encode("utf-8")).hexdigest()[:16]
            for i in range(len(words) - 9)}


def _document_shingles() -> set[str]:
    shingles = set()
    for document in sorted(SOURCE_DOCUMENTS.glob("*.txt")):
        shingles |= _shingles(_words(document.read_text(encoding="utf-8")))
    return shingles


def test_fingerprints_match_the_source_documents():
    """Where the documents are at hand, the stored fingerprints must be theirs."""
    if not list(SOURCE_DOCUMENTS.glob("*.txt")):
        pytest.skip(f"the source documents are not at {SOURCE_DOCUMENTS}")
    assert set(FINGERPRINTS.read_text().split()) == _document_shingles()


def test_no_ten_word_run_is_copied_from_the_source_documents():
    shingles = set(FINGERPRINTS.read_text().split())
    assert len(shingles) > 1000
    copied = []
    for path in sorted(PERU.rglob("*")):
        if path.suffix not in {".md", ".yaml"}:
            continue
        for segment in _unquoted(path.read_text(encoding="utf-8")).split("|"):
            words = _words(segment)
            copied += [(path.name, " ".join(words[i:i + 10])) for i in range(len(words) - 9)
                       if _shingles(words[i:i + 10]) & shingles]
    assert copied == []


def test_example_reports_are_byte_identical_when_built_twice(libraries):
    for case in sorted(EXAMPLE_CASES.glob("*.yaml")):
        inputs = load_inputs(case, libraries, template_search_path())
        assert build_report(inputs, libraries).docx == build_report(inputs, libraries).docx


def test_built_examples_say_cited_in_and_print_no_access_date_the_data_does_not_hold(library, reports):
    second_hand = {source.id: source for source in library.sources.values() if source.cited_in}
    assert second_hand and all(source.accessed is None for source in second_hand.values())
    checked = 0
    for _name, (inputs, report) in reports.items():
        paragraphs = [p.text for p in docx.Document(io.BytesIO(report.docx)).paragraphs]
        annex_start = max(i for i, text in enumerate(paragraphs) if text.endswith("B: Sources"))
        entries = paragraphs[annex_start + 1:]
        for key in report.cited:
            source = library.sources[key]
            entry = next(text for text in entries if (source.title or "") in text
                         and (source.URL or "") in text)
            accessed = " accessed " in entry or "(last visited " in entry  # OSCOLA, US notes
            if key in second_hand:
                assert ", cited in " in entry and not accessed, entry
                checked += 1
            else:
                assert (accessed or not source.URL) and ", cited in " not in entry, entry
            if source.caveat:
                assert source.caveat in entry
    assert checked >= 10
