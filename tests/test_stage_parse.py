"""The parse stage alone: Markdown → the document model, one fixture file per feature in
tests/fixtures/parse/ (title / Markdown / the model, as markdown-it-py keeps its tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_file import read_cases
from model_dump import dump
from reportkit.parse import parse_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
CASES = [(path.name, case) for path in sorted(FIXTURES.glob("*.md")) for case in read_cases(path)]


@pytest.mark.parametrize("name,case", CASES, ids=[f"{name}:{case.line}:{case}" for name, case in CASES])
def test_markdown_parses_to_the_model(name, case):
    assert dump(parse_markdown(case.input, "section.md")) == case.expected


def test_there_are_fixtures_for_each_feature():
    assert {path.stem for path in FIXTURES.glob("*.md")} >= {
        "citations", "blocks", "inlines", "divs"}


def test_a_report_is_parsed_as_its_regions_are_alone_and_together():
    """A report is parsed piece by piece at its top-level regions (each region's tokens kept):
    the blocks, their lines and the regions' markers are those of the report parsed whole."""
    from reportkit.parse import markdown
    from reportkit.render import region

    first = region("library_section", "a", "Para *one* [@key, p. 3].\n\n| A | B |\n|---|---|\n| 1 | 2 |")
    second = region("answer", "q1", "- item\n- item two\n\n::: {custom-style=\"Quote\"}\nquoted\n:::")
    text = (f"# Title\n\nBefore.\n\n{first}\n- a list\n\n{second}\n::: {{.toc}}\n:::\n\n{first}"
            "After *all*.\n")
    pieces = markdown._pieces(text)
    assert [markdown._REGION_FENCE.match(piece) is not None for _, piece, _ in pieces] == [
        False, True, False, True, False, True, False]
    assert all(recurs for _, _, recurs in pieces)  # each piece's tokens are kept
    whole = markdown._BlockBuilder(markdown._parser().parse(text), "r.md", 5, None,
                                   text.splitlines())
    assert markdown._parse(text, "r.md", 5, None) == tuple(whole.blocks_until(None))
    # A link reference defined in one place and used in another: parsed whole.
    linked = f"{first}\nSee [the page][p].\n\n[p]: https://example.org\n"
    assert markdown._pieces(linked) == [(0, linked, False)]


def test_a_library_section_in_a_report_has_the_blocks_parsed_from_its_file():
    """A region whose text is a section as its file has it takes the blocks parsed from the file
    (with the file's lines); they are the blocks the report's own text would give."""
    from dataclasses import replace

    from reportkit.document import Citation, Heading, Paragraph, Region
    from reportkit.parse import markdown
    from reportkit.render import region
    from reportkit.walk import walk

    body = "Para *one* [@key, p. 3].\n\n- item\n- item two\n\n| A | B |\n|---|---|\n| 1 | [@k2] |"
    from_file = markdown.parse_markdown(body, "library/s.md", 7)
    report = (f"# Title\n\n{region('answer', 'q1', 'An answer.')}\n"
              f"{region('library_section', 's', body)}\nAfter.\n")
    known = markdown.parse_markdown(report, "report.md", 0, [], {body: from_file})
    read = markdown.parse_markdown(report, "report.md", 0, [])
    assert [type(block) for block in known] == [Heading, Region, Region, Paragraph]
    assert known[2].blocks is from_file
    assert known[2].blocks[0].origin.path == "library/s.md" and known[2].blocks[0].origin.line == 8

    def unplaced(node):
        return replace(node, origin=None)

    kinds = (Paragraph, Heading, Citation)
    assert walk(known, unplaced, kinds) == walk(read, unplaced, kinds)
    # Text that is not the section as its file has it is read as it stands.
    other = markdown.parse_markdown(report, "report.md", 0, [], {"Other text.": from_file})
    assert other == read


def _cited_texts():
    from conftest import FIXTURE_LIBRARY, ROOT
    from reportkit.load.library import load_library
    from reportkit.render import region

    for _name, case in CASES:
        yield case.input
    for root, country in ((ROOT / "country_data", "peru"), (FIXTURE_LIBRARY, "testland")):
        sections = load_library(root, country).sections.values()
        for section in sections:
            yield section.body
        # As a report holds them: each in its region, with text between.
        yield "# Report\n\nSee [@first].\n\n" + "\nBetween [@x; @y].\n\n".join(
            region("library_section", section.id, section.body) for section in sections)


def test_the_keys_a_text_cites_are_those_its_blocks_cite():
    """`cited_keys` reads the keys from markdown-it's tokens (kept, with the keys, for a piece
    that recurs): the keys of the citations the parsed blocks hold, in order, each once."""
    from reportkit.parse import cited_keys, citations_in

    texts = list(_cited_texts())
    assert sum(bool(cited_keys(text)) for text in texts) > 20
    for text in texts:
        from_blocks = tuple(dict.fromkeys(item.key for citation in citations_in(
            parse_markdown(text, "", 0, [])) for item in citation.items))
        assert cited_keys(text) == from_blocks
        assert cited_keys(text) == from_blocks  # again, from what was kept
