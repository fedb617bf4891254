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
