"""The citation stage alone: Markdown with citations → footnotes, table cells and annex entries,
for each template set's citation style (fixture files in tests/fixtures/cite/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportkit.cite import resolve_citations
from reportkit.document import Document, Link, Metadata, NoteNumber, SourcesList, Table, Text
from reportkit.errors import ReportkitError
from reportkit.load.templates import load_template_set
from reportkit.models import Source
from reportkit.parse import parse_markdown
from reportkit.walk import query
from fixture_file import read_cases

FIXTURES = Path(__file__).parent / "fixtures" / "cite"
TEMPLATES = Path(__file__).parent.parent / "templates"
STYLES = {"oscola.txt": "uk", "us-legal.txt": "us"}
SOURCES = {record["id"]: Source.model_validate(record)
           for record in json.loads((FIXTURES / "sources.json").read_text(encoding="utf-8"))}


def shown(inlines) -> str:
    """Inlines as the reader sees them, italics marked *...*, a live note number as its number."""
    out = []
    for item in inlines:
        if isinstance(item, Text):
            out.append(f"*{item.text}*" if item.italic else item.text)
        elif isinstance(item, NoteNumber):
            out.append(str(item.number))
        elif isinstance(item, Link):
            out.append(shown(item.content))
    return "".join(out).replace("**", "")


def cite(markdown: str, template_set: str) -> str:
    style = load_template_set(template_set, [TEMPLATES]).citation_style
    blocks = parse_markdown(markdown + "\n\n::: {.sources}\n:::\n", "case.md")
    document, _ = resolve_citations(Document(blocks, Metadata("t", "a")), SOURCES, style)
    lines = [f"{note.number}: {shown(note.content)}" for note in document.footnotes]
    for table in query(document, Table):
        lines += [f"cell: {shown(cell)}" for row in table.rows for cell in row
                  if query(list(cell), Text) and "(" in shown(cell)]
    for sources in query(document, SourcesList):
        lines += [f"entry: {shown(entry)}" for entry in sources.entries]
    return "\n".join(lines)


CASES = [(name, case) for name in STYLES for case in read_cases(FIXTURES / name)]


@pytest.mark.parametrize("name,case", CASES, ids=[f"{name}:{case.line}:{case}" for name, case in CASES])
def test_footnotes_follow_the_style(name, case):
    assert cite(case.input, STYLES[name]) == case.expected


def test_every_source_type_of_the_library_is_in_each_fixture():
    for name in STYLES:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        missing = [key for key in SOURCES if f"@{key}" not in text]
        assert not missing, f"{name} never cites {missing}"


def test_an_unknown_key_is_refused_with_its_code_and_line():
    with pytest.raises(ReportkitError) as error:
        cite("Text.\n\nMore [@no-such-source].", "uk")
    assert error.value.code == "unknown-citation-key"
    assert error.value.line == 3
