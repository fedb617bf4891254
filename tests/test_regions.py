"""Answers as Markdown, the paragraph rule of case prose, and regions: each answer and section
of a report knows where it came from, and every stage sees inside it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from case_text import W, docx_paragraphs
from conftest import FIXTURE_LIBRARY, edit
from reportkit.build import LibraryCache, build_report, compose_report, load_inputs
from reportkit.document import Footnote, Placeholder, Region
from reportkit.paths import template_search_path
from reportkit.quality.text import units_in
from reportkit.schedule import paragraph_numbers
from reportkit.walk import plain_text, query

ANSWER = ('"The sources describe attacks on journalists [@beta-news].\\n\\n'
          'A *second* paragraph\\nof the same answer [@alpha-2023, p. 3].^[My own note.]\\n\\n'
          '- a point\\n- another point"')


def _build(case: Path):
    libraries = LibraryCache(FIXTURE_LIBRARY)
    inputs = load_inputs(case, libraries, template_search_path())
    return build_report(inputs, libraries), inputs, libraries


def _with_answer(workdir: Path, answer: str = ANSWER) -> Path:
    case = workdir / "cases" / "journalist.yaml"
    edit(case, 'answer: "The sources describe attacks on journalists."', f"answer: {answer}")
    return case


def _regions(document) -> dict[str, Region]:
    return {f"{region.kind}:{region.id}": region for region in query(document.blocks, Region)}


def test_each_answer_and_section_is_a_region_with_its_digest(workdir):
    report, _, _ = _build(_with_answer(workdir))
    regions = _regions(report.document)
    assert {"answer:q2", "library_section:background", "library_section:journalists",
            "library_section:features"} <= set(regions)
    # Unanswered: the placeholder is the answer's region, for an answer written over it.
    assert [item.text for item in query(regions["answer:q1"].blocks, Placeholder)] == [
        "[EXPERT TO COMPLETE: answer to question 1]"]
    markers = [region.marker for region in regions.values()]
    assert len(set(markers)) == len(markers)
    assert all(marker.startswith("_Rk") and len(marker) <= 40 for marker in markers)
    assert all(len(region.digest) == 16 for region in regions.values())


def test_each_answer_paragraph_is_a_numbered_paragraph_with_real_footnotes(workdir):
    report, _, _ = _build(_with_answer(workdir))
    paragraphs = docx_paragraphs(report.docx)
    numbered = {text: style for style, text, _ in paragraphs}
    first = "The sources describe attacks on journalists."
    second = "A second paragraph of the same answer."  # a single newline is a space
    assert numbered[first] == numbered[second] == "NumberedParagraph"
    # Emphasis is Markdown, the list is a list, and both citations and the typed note are notes.
    answer = _regions(report.document)["answer:q2"]
    notes = [note for note in query(answer.blocks, Footnote)]
    assert [note.citation for note in notes] == ["[@beta-news]", "[@alpha-2023, p. 3]", ""]
    assert plain_text(notes[2].content) == "My own note."
    assert [note.number for note in notes] == sorted(note.number for note in notes)
    with zipfile.ZipFile(io.BytesIO(report.docx)) as archive:
        footnotes = etree.fromstring(archive.read("word/footnotes.xml"))
        body = etree.fromstring(archive.read("word/document.xml"))
    texts = ["".join(note.itertext()) for note in footnotes.iter(f"{W}footnote")]
    assert any("My own note." in text for text in texts)
    italic = ["".join(run.itertext()) for run in body.iter(f"{W}r")
              if run.find(f"{W}rPr/{W}i") is not None]
    assert "second" in italic


def test_region_markers_are_hidden_point_bookmarks_around_the_content(workdir):
    report, _, _ = _build(_with_answer(workdir))
    answer = _regions(report.document)["answer:q2"]
    with zipfile.ZipFile(io.BytesIO(report.docx)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        footnotes = etree.fromstring(archive.read("word/footnotes.xml"))
    starts = {node.get(f"{W}name"): node for node in body.iter(f"{W}bookmarkStart")}
    start, end = starts[answer.marker], starts[answer.marker + "_end"]
    # Point bookmarks (nothing between start and end), hidden by the leading underscore.
    assert start.getnext().tag == f"{W}bookmarkEnd" and end.getnext().tag == f"{W}bookmarkEnd"
    first = "".join(start.getparent().itertext())
    last = "".join(end.getparent().itertext())
    assert first.startswith("The sources describe attacks")
    assert last == "another point"
    note_markers = {node.get(f"{W}name") for node in footnotes.iter(f"{W}bookmarkStart")}
    assert {note.marker for note in report.document.footnotes} <= note_markers


def test_every_stage_sees_inside_regions(workdir):
    case = workdir / "cases" / "journalist.yaml"
    edit(case, "  exclude: []", "  exclude: []\n  extra:\n    - id: own-notes\n"
         "      title: Own notes\n      part: profile\n      body: |\n"
         "        A case paragraph [@alpha-2023, p. 9].\n\n"
         "        [EXPERT TO COMPLETE: a view on relocation]\n")
    report, inputs, libraries = _build(_with_answer(workdir))
    regions = _regions(report.document)
    extra = regions["case_section:own-notes"]
    # Citations became footnotes, the placeholder is found, the schedule numbers its paragraphs.
    assert [note.citation for note in query(extra.blocks, Footnote)] == ["[@alpha-2023, p. 9]"]
    assert any(item.text == "[EXPERT TO COMPLETE: a view on relocation]"
               for item in report.placeholders)
    assert query(extra.blocks, Placeholder)
    numbers = paragraph_numbers(report.document)
    assert "a case paragraph" in numbers
    assert "the sources describe attacks on journalists" in numbers
    # The DOCX holds it.
    assert any(text == "A case paragraph." for _, text, _ in docx_paragraphs(report.docx))
    # The quality checks read a region's text.
    draft = compose_report(inputs)
    markdown = ':::::::::::: {.region kind="case_section" id="x" digest="0"}\nChecked text.\n' \
               "::::::::::::\n"
    assert [unit.text for unit in units_in(markdown, "x.md", 1)] == ["Checked text."]
    assert draft.document.footnotes


def test_case_prose_blank_line_is_a_paragraph_single_newline_a_space(workdir):
    case = workdir / "cases" / "journalist.yaml"
    edit(case, "    Renée wrote articles.\n    She was threatened in 2023.\n",
         "    Renée wrote articles\n    for a newspaper.\n\n    She was threatened in 2023.\n")
    edit(case, 'description: "Renée attended a protest"',
         'description: "Renée attended\\na protest"')
    report, _, _ = _build(case)
    texts = [text for _, text, _ in docx_paragraphs(report.docx)]
    assert "Renée wrote articles for a newspaper." in texts
    assert "She was threatened in 2023." in texts
    assert any("Renée attended a protest" in text for text in texts)
    assert not any("\n" in text for text in texts if "Renée" in text)


def test_case_text_in_an_account_stays_literal(workdir):
    case = workdir / "cases" / "journalist.yaml"
    edit(case, "    Renée wrote articles.\n", "    Renée wrote **articles** [@beta-news].\n")
    report, _, _ = _build(case)
    texts = [text for _, text, _ in docx_paragraphs(report.docx)]
    assert any("Renée wrote **articles** [@beta-news]. She was threatened" in text
               for text in texts)


def test_an_answer_is_markdown_not_jinja(workdir):
    report, _, _ = _build(_with_answer(workdir, '"{{ 7*7 }} and **bold**"'))
    paragraphs = docx_paragraphs(report.docx)
    holding = [(text, bold) for _, text, bold in paragraphs if "{{ 7*7 }}" in text]
    assert holding == [("{{ 7*7 }} and bold", True)]


def test_answer_file_beside_the_case(workdir, cli):
    case = workdir / "cases" / "journalist.yaml"
    (workdir / "cases" / "answers").mkdir()
    (workdir / "cases" / "answers" / "q1.md").write_text(
        "First paragraph from a file [@beta-news].\n\nSecond paragraph.\n", encoding="utf-8")
    edit(case, '      answer: ""', "      answer_file: answers/q1.md")
    report, _, _ = _build(case)
    regions = _regions(report.document)
    assert [plain_text(block) for block in regions["answer:q1"].blocks] == [
        "First paragraph from a file.", "Second paragraph."]


def test_answer_file_outside_the_case_folder_is_refused(workdir, cli):
    case = workdir / "cases" / "journalist.yaml"
    (workdir / "elsewhere.md").write_text("Outside.\n", encoding="utf-8")
    line = edit(case, '      answer: ""', "      answer_file: ../elsewhere.md")
    result = cli("build", case, "-o", workdir / "out.docx", "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{case}:{line}: '../elsewhere.md' is outside the case's folder" in result.stderr
    assert not (workdir / "out.docx").exists()


def test_answer_and_answer_file_together_are_refused(workdir, cli):
    case = workdir / "cases" / "journalist.yaml"
    (workdir / "cases" / "q.md").write_text("From the file.\n", encoding="utf-8")
    line = edit(case, '      answer: "The sources', '      answer_file: q.md\n      answer: "The sources')
    result = cli("build", case, "-o", workdir / "out.docx", "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{case}:{line}: a question has both `answer` and `answer_file`" in result.stderr


def test_an_unknown_citation_in_an_answer_names_the_answers_line(workdir, cli):
    case = _with_answer(workdir, '"A claim [@nobody, p. 2]."')
    line = case.read_text(encoding="utf-8").splitlines().index(
        '      answer: "A claim [@nobody, p. 2]."') + 1
    result = cli("build", case, "-o", workdir / "out.docx", "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{case}:{line}: unknown citation key '@nobody'" in result.stderr
    assert not (workdir / "out.docx").exists()


def test_the_page_estimate_counts_a_regions_words():
    from reportkit.document import Document, Metadata, Paragraph, Text
    from reportkit.load.templates import load_template_set
    from reportkit.pages import estimate

    template_set = load_template_set("uk", template_search_path())

    def pages(blocks) -> int:
        return estimate(Document(blocks, Metadata("t", "a")), template_set.reference_docx,
                        template_set.config.styles).pages

    words = (Paragraph((Text("word " * 2000),)),)
    inside = pages((Region("answer", "q1", "0", "_RkR0001", words),))
    assert inside == pages(words) > pages(())
