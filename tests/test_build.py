"""Building a report end to end: the DOCX has real footnotes, sources, the case's facts, Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, docx_parts, run_cli
from readers import pandoc_json, pandoc_nodes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("build") / "journalist.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    return output


def _text(element) -> str:
    return "".join(node.text or "" for node in element.iter(f"{W}t"))


def footnotes(path: Path) -> dict[int, str]:
    root = etree.fromstring(docx_parts(path)["word/footnotes.xml"].encode())
    return {int(note.get(f"{W}id")): _text(note) for note in root.iter(f"{W}footnote")
            if int(note.get(f"{W}id")) > 0}


def body_text(path: Path) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(str(path)).paragraphs)


def test_every_footnote_reference_resolves_to_a_footnote_naming_its_source(report):
    notes = footnotes(report)
    document = etree.fromstring(docx_parts(report)["word/document.xml"].encode())
    references = [int(node.get(f"{W}id")) for node in document.iter(f"{W}footnoteReference")]
    assert references == sorted(references) == list(range(1, len(notes) + 1))
    # The first citation of a source gives the full reference, with the pinpoint kept (OSCOLA:
    # the page number alone, after the parentheses).
    assert "Alpha Watch, Alpha report on Testland: the full title (AW 01/2023, 25 May 2023) 12" in notes[1]
    assert "<https://example.org/alpha> accessed 1 November 2026" in notes[1]
    # Later ones give the short form with a cross-reference to the first note.
    assert "Alpha Watch, Alpha report (n 1)" in notes[2]
    assert any("Alpha Watch, Alpha report (n 1) 20" in text for text in notes.values())


def test_later_citations_cross_refer_to_the_first_note_with_a_live_field(report):
    xml = docx_parts(report)["word/footnotes.xml"]
    assert "NOTEREF _RefNote1 \\h" in xml
    assert 'w:name="_RefNote1"' in docx_parts(report)["word/document.xml"]


def test_footnote_urls_are_hyperlinks(report):
    parts = docx_parts(report)
    footnote_root = etree.fromstring(parts["word/footnotes.xml"].encode())
    assert list(footnote_root.iter(f"{W}hyperlink")), "no hyperlink in footnotes.xml"
    assert 'Target="https://example.org/alpha"' in parts["word/_rels/footnotes.xml.rels"]


def test_sources_annex_lists_each_cited_source_once_with_url_and_access_date(report):
    text = body_text(report)
    annex = text[text.index("Annex B: Sources"):]
    assert annex.count("Alpha report on Testland: the full title") == 1
    assert annex.count("Beta story") == 1
    assert "<https://example.org/beta> accessed 1 November 2026" in annex


def test_case_facts_appear_where_the_template_puts_them(report):
    text = body_text(report)
    for fact in ("PA/00001/2026", "Renée Água Testperson", "Test Solicitors",
                 "Is the account consistent with country conditions?",
                 "The sources describe attacks on journalists.", "Renée attended a protest",
                 "Witness statement dated 1 October 2026", "Dr Test Expert"):
        assert fact in text or fact in _all_table_text(report), fact


def _all_table_text(path: Path) -> str:
    return "\n".join(cell.text for table in docx.Document(str(path)).tables
                     for row in table.rows for cell in row.cells)


def test_sections_follow_the_applicant_profile_and_use_case_variables(report):
    text = body_text(report)
    assert "The Beta Times reported attacks on journalists in Northshire" in text
    assert "threats against defenders" not in text  # the defender-only section


def test_markdown_constructs_become_word_structures(report):
    document = docx.Document(str(report))
    paragraphs = {p.text: p for p in document.paragraphs}
    emphasis = next(p for text, p in paragraphs.items() if text.startswith("This paragraph has emphasis"))
    assert any(run.italic and run.text == "emphasis" for run in emphasis.runs)
    assert any(run.bold and run.text == "strong text" for run in emphasis.runs)
    assert paragraphs["First point of a list."].style.name == "List Bullet"
    assert paragraphs["An ordered item."].style.name == "List Number"
    assert paragraphs["A quoted passage from the report."].style.name == "Quote"
    assert emphasis._p.xpath(".//w:hyperlink"), "the Markdown link is not a hyperlink"
    features, chronology = document.tables[0], document.tables[-1]
    assert [cell.text for cell in features.rows[0].cells] == ["Year", "Events"]
    assert features.rows[1].cells[0].text == "2023"
    assert chronology.rows[0].cells[0].text == "Date"


def test_placeholder_for_an_unanswered_question_is_highlighted(report):
    xml = docx_parts(report)["word/document.xml"]
    assert re.search(r'<w:highlight w:val="yellow"/></w:rPr><w:t>\[EXPERT TO COMPLETE: answer to question 1\]', xml)


def test_pandoc_reads_the_footnotes_as_notes_and_the_headings_as_headings(report):
    tree = pandoc_json(report)
    assert len(pandoc_nodes(tree, "Note")) == len(footnotes(report))
    assert len(pandoc_nodes(tree, "Header")) >= 10


def test_build_refuses_to_overwrite_without_force(tmp_path):
    output = tmp_path / "report.docx"
    output.write_bytes(b"an expert's earlier draft")
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert output.read_bytes() == b"an expert's earlier draft"
    forced = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert docx.Document(str(output)).paragraphs
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]  # no temporary files left


def test_final_refuses_while_placeholders_remain(tmp_path):
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, "--final")
    assert result.exit_code == 1
    assert "placeholder" in result.stderr and "EXPERT TO COMPLETE: answer to question 1" in result.stderr
    assert not output.exists()


def test_check_lists_placeholders(cli):
    case = FIXTURE_CASES / "journalist.yaml"
    result = cli("check", case, "--library", FIXTURE_LIBRARY)
    # The fixture library carries deliberate errors (L001), so check fails; the unanswered
    # question is a warning at the question's line, naming the placeholder the report shows.
    assert result.exit_code == 1
    line = next(number for number, text in enumerate(case.read_text().splitlines(), 1)
                if 'answer: ""' in text)
    assert (f"{case}:{line}: C003 warning: question 1 has no answer yet; the report shows "
            "[EXPERT TO COMPLETE: answer to question 1]") in result.stdout


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    for output in (first, second):
        assert run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                       "--library", FIXTURE_LIBRARY).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_document_properties_come_from_the_case(report):
    properties = docx.Document(str(report)).core_properties
    assert properties.author == "Dr Test Expert"
    assert properties.subject == "PA/00001/2026"
    assert properties.created.date().isoformat() == "2026-11-22"
    assert properties.language == "en-GB"


def test_emit_markdown_never_overwrites_without_force(tmp_path):
    output, markdown = tmp_path / "report.docx", tmp_path / "report.md"
    markdown.write_text("an earlier draft\n", encoding="utf-8")
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--emit-markdown", markdown, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert f"{markdown}: " in result.stderr and "Traceback" not in result.stderr
    assert markdown.read_text(encoding="utf-8") == "an earlier draft\n"
    assert not output.exists()
    forced = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--emit-markdown", markdown, "--library", FIXTURE_LIBRARY, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "Renée" in markdown.read_text(encoding="utf-8") and output.is_file()
