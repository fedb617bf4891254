"""Access recorded, never assumed: a source known only through another prints "cited in" (with a
live cross-reference to the citing source's note), never an access date the data does not hold;
a caveat reaches the annex; `check` and `build --final` catch a source with neither."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import docx_parts, run_cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CASES = {"uk": "journalist.yaml", "us": "journalist-us.yaml"}
ANNEX = {"uk": "Annex B: Sources", "us": "Exhibit B: Sources"}
# How each style says that Beta is known through Alpha (first cited in note 1), at Alpha's fn 9.
CITED_IN = {"uk": "https://example.org/beta>, cited in Alpha Watch, Alpha report (n 1) fn 9.",
            "us": "https://example.org/beta, cited in Alpha report, supra note 1, at fn 9."}
CITING_IN_FULL = {"uk": ", cited in Beta Media, ‘Beta story’, The Beta Times (February 2024) 2 "
                        "<https://example.org/beta> accessed 1 November 2026.",
                  "us": ", cited in Beta Media, Beta story, The Beta Times, at 2 (February 2024), "
                        "https://example.org/beta (last visited November 1, 2026)."}


def edit_source(library: Path, key: str, **changes) -> None:
    path = library / "testland" / "sources.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        if record["id"] == key:
            for name, value in changes.items():
                if value is None:
                    record.pop(name, None)
                else:
                    record[name] = value
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")


def build(workdir: Path, jurisdiction: str, *extra: str) -> tuple[dict[int, str], str, object]:
    output = workdir / f"{jurisdiction}.docx"
    result = run_cli("build", workdir / "cases" / CASES[jurisdiction], "-o", output,
                     "--library", workdir / "library", "--force", *extra)
    if result.exit_code != 0:
        return {}, "", result
    root = etree.fromstring(docx_parts(output)["word/footnotes.xml"].encode())
    notes = {int(note.get(f"{W}id")): "".join(t.text or "" for t in note.iter(f"{W}t"))
             for note in root.iter(f"{W}footnote") if int(note.get(f"{W}id")) > 0}
    body = "\n".join(paragraph.text for paragraph in docx.Document(str(output)).paragraphs)
    return notes, body, result


def annex(body: str, jurisdiction: str) -> str:
    return body[body.rindex(ANNEX[jurisdiction]):]


@pytest.mark.parametrize("jurisdiction", ["uk", "us"])
def test_a_second_hand_source_is_cited_in_the_source_that_cites_it(workdir, jurisdiction):
    edit_source(workdir / "library", "beta-news", accessed=None,
                cited_in={"key": "alpha-2023", "locator": "fn 9"},
                caveat="The date given by the citing report is uncertain.")
    notes, body, result = build(workdir, jurisdiction)
    assert result.exit_code == 0, result.stderr
    # Alpha is first cited in note 1; Beta's first note names Alpha in its short form, with a
    # cross-reference to note 1 and the place where Alpha cites Beta.
    beta = next(text for number, text in sorted(notes.items()) if "Beta story" in text)
    assert CITED_IN[jurisdiction] in beta
    assert "accessed" not in beta.split("Beta story")[1] and "visited" not in beta.split("Beta story")[1]
    entries = annex(body, jurisdiction).splitlines()
    beta_entry = next(line for line in entries if "Beta story" in line)
    assert "cited in " in beta_entry and "fn 9" in beta_entry
    assert "accessed" not in beta_entry and "visited" not in beta_entry
    assert "Note: The date given by the citing report is uncertain." in beta_entry
    alpha_entry = next(line for line in entries if "Alpha report on Testland" in line)
    assert ("accessed" in alpha_entry or "visited" in alpha_entry) and "cited in" not in alpha_entry
    # The methodology paragraph says what was consulted and what is known at second hand.
    assert "Of the 2 sources cited, I consulted 1 myself;" in body
    assert "1 is known to me only through another source citing it; I have not read it myself" in body


@pytest.mark.parametrize("jurisdiction", ["uk", "us"])
def test_a_citing_source_not_yet_cited_is_given_in_full(workdir, jurisdiction):
    """Alpha, known only through Beta, is cited before Beta: its note gives Beta in full, and
    Beta's own later citations refer back to that note."""
    edit_source(workdir / "library", "alpha-2023", accessed=None,
                cited_in={"key": "beta-news", "locator": "p. 2"})
    notes, body, result = build(workdir, jurisdiction)
    assert result.exit_code == 0, result.stderr
    assert CITING_IN_FULL[jurisdiction] in notes[1]
    assert "(n 1)" in notes[2] or "supra note 1" in notes[2]
    assert "cited in " in annex(body, jurisdiction)


def test_check_reports_a_source_with_neither_access_nor_cited_in(workdir):
    edit_source(workdir / "library", "beta-news", accessed=None)
    result = run_cli("check", "--library", workdir / "library", "--select", "S007")
    assert "S007" in result.stdout and "beta-news" in result.stdout
    sources = workdir / "library" / "testland" / "sources.json"
    line = next(number for number, text in enumerate(sources.read_text().splitlines(), 1)
                if '"beta-news"' in text) - 1
    assert f"sources.json:{line}: S007 warning: source 'beta-news' records neither" in result.stdout


def test_check_is_silent_when_each_source_records_how_it_was_read(workdir):
    edit_source(workdir / "library", "beta-news", accessed=None, cited_in={"key": "alpha-2023"})
    result = run_cli("check", "--library", workdir / "library", "--select", "S007,S001")
    assert "S007" not in result.stdout and "access date" not in result.stdout


def test_final_build_refuses_a_source_with_neither_access_nor_cited_in(workdir):
    edit_source(workdir / "library", "beta-news", accessed=None)
    for case in workdir.glob("cases/*.yaml"):  # --final also needs every question answered
        text = case.read_text(encoding="utf-8").replace('answer: ""', 'answer: "Answered."')
        case.write_text(text, encoding="utf-8")
    _notes, _body, result = build(workdir, "uk", "--final")
    assert result.exit_code == 1
    assert "sources.json:" in result.stderr and "'beta-news' records neither" in result.stderr
    assert not (workdir / "uk.docx").exists()
    _notes, _body, result = build(workdir, "uk")
    assert result.exit_code == 0, result.stderr


def test_cited_in_an_unknown_source_is_an_error_naming_the_record(workdir):
    edit_source(workdir / "library", "beta-news", accessed=None, cited_in={"key": "gamma"})
    _notes, _body, result = build(workdir, "uk")
    assert result.exit_code == 1
    assert "sources.json:" in result.stderr and "cited in 'gamma'" in result.stderr
