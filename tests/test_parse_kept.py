"""Blocks of library text kept between runs are used only for the same text at the same place."""

from __future__ import annotations

import pytest

from reportkit.document import Citation, Paragraph, Text
from reportkit.parse import markdown
from reportkit.walk import query


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A fresh cache folder, and no blocks kept in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(markdown, "_KEPT", markdown._ParsedOnDisk())
    markdown._parsed_source.cache_clear()
    yield tmp_path
    markdown._parsed_source.cache_clear()


def parsed(text: str, path: str = "/library/sections/a.md", offset: int = 3):
    markdown._parsed_source.cache_clear()  # as a new run would: from the folder, or parsed
    return markdown.parse_markdown(text, path, offset)


def test_kept_blocks_are_the_parsed_blocks(kept):
    first = parsed("Some *text* [@key, p. 3].")
    assert list(kept.rglob("*.pickle"))
    assert parsed("Some *text* [@key, p. 3].") == first == markdown._parse(
        "Some *text* [@key, p. 3].", "/library/sections/a.md", 3, None)
    assert query(first, Citation)[0].origin.line == 4


def test_a_changed_text_at_the_same_place_is_parsed_again(kept):
    parsed("The old words [@old].")
    again = parsed("The new words [@new].")
    assert [item.key for citation in query(again, Citation) for item in citation.items] == ["new"]


def test_an_unreadable_kept_file_is_parsed_again(kept):
    parsed("Words.")
    for file in kept.rglob("*.pickle"):
        file.write_bytes(b"not a pickle")
    blocks = parsed("Words.")
    assert blocks == markdown._parse("Words.", "/library/sections/a.md", 3, None)
    assert isinstance(blocks[0], Paragraph) and blocks[0].content == (Text("Words."),)
