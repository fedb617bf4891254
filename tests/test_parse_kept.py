"""Blocks of library text kept between runs are used only for the same text at the same place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportkit import crossref
from reportkit.document import Citation, Paragraph, Text
from reportkit.parse import markdown
from reportkit.walk import query


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A fresh cache folder, and no blocks kept in this process; /library/sections/a.md kept."""
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(markdown, "_KEPT", markdown._ParsedOnDisk())
    markdown.keep_parsed([Path("/library/sections/a.md")])
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


def test_text_from_anywhere_else_is_never_kept(kept):
    """A case's answer is personal data: parsed, it stays in memory only, even beside a kept
    file (a case kept in a template folder, say)."""
    parsed("Rosa Quispe said so [@key].", "/cases/rosa/answers/q1.md", 0)
    parsed("Rosa Quispe said so [@key].", "/cases/rosa.yaml", 12)
    parsed("Rosa Quispe said so [@key].", "/library/sections/rosa.yaml", 12)
    assert not list(kept.rglob("*.pickle"))


def test_a_build_keeps_no_case_text_in_the_cache_folder(tmp_path, monkeypatch):
    from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli

    cache = tmp_path / "cache"
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(cache))
    monkeypatch.setattr(markdown, "_KEPT", markdown._ParsedOnDisk())
    markdown._parsed_source.cache_clear()
    crossref.cited_keys_at.cache_clear()  # the keys each text cites, found earlier in this process
    case = tmp_path / "case.yaml"
    text = (FIXTURE_CASES / "journalist.yaml").read_text(encoding="utf-8")
    case.write_text(text.replace('answer: ""', 'answer: "Xylophonic testimony [@beta-news]."', 1),
                    encoding="utf-8")
    shutil.copy(FIXTURE_CASES / "expert.yaml", tmp_path)
    result = run_cli("build", case, "-o", tmp_path / "r.docx", "--library", FIXTURE_LIBRARY)
    markdown._parsed_source.cache_clear()
    assert result.exit_code == 0, result.stderr
    kept = list(cache.rglob("*.pickle"))
    assert kept  # the library's sections are kept
    assert not [path for path in kept if b"Xylophonic" in path.read_bytes()]
