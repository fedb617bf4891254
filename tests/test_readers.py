"""What Word and LibreOffice show, proven with the real readers: LibreOffice → PDF → pdftotext,
and pandoc reading the DOCX. Skipped without the readers; CI sets REPORTKIT_REQUIRE_READERS=1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_CASES, FIXTURE_CASES, FIXTURE_LIBRARY, docx_parts
from readers import docx_to_pdf, pandoc_json, pandoc_nodes, pdf_pages
from reportkit.docx import fill_toc_pages, heading_pages
from reportkit.docx.toc import toc_entries
from reportkit.build import Inputs, LibraryCache, build_report, load_inputs
from reportkit.load.templates import load_template_set
from reportkit.paths import default_library, template_search_path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATE_SETS = ["uk", "us"]


def _cases() -> list[tuple[Path, Path]]:
    examples = sorted(EXAMPLE_CASES.glob("*.yaml"))
    if examples:
        return [(case, default_library()) for case in examples]
    return [(FIXTURE_CASES / "journalist.yaml", FIXTURE_LIBRARY)]


CASES = _cases()


def build_under(case: Path, library: Path, template_set: str, folder: Path) -> Path:
    """Build a case under either template set, whatever its own jurisdiction says."""
    libraries = LibraryCache(library)
    inputs = load_inputs(case, libraries, template_search_path())
    inputs = Inputs(inputs.loaded, inputs.library, load_template_set(template_set, template_search_path()))
    output = folder / f"{case.stem}-{template_set}.docx"
    output.write_bytes(build_report(inputs, libraries).docx)
    return output


@pytest.fixture(scope="module", params=[(case, library, template_set)
                                        for case, library in CASES for template_set in TEMPLATE_SETS],
                ids=lambda param: f"{param[0].stem}-{param[2]}")
def rendered(request, tmp_path_factory):
    case, library, template_set = request.param
    folder = tmp_path_factory.mktemp("readers")
    docx_path = build_under(case, library, template_set, folder)
    pdf = docx_to_pdf(docx_path, folder)
    return docx_path, pdf_pages(pdf)


def _paragraph_texts(docx_path: Path) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph."""
    root = etree.fromstring(docx_parts(docx_path)["word/document.xml"].encode())
    found = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        text = "".join(node.text or "" for node in paragraph.iter(f"{W}t"))
        found.append((style.get(f"{W}val") if style is not None else "", text))
    return found


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_contents_lists_every_heading_with_its_number_and_page(rendered, tmp_path):
    """The TOC field's cached result, its page numbers filled from a LibreOffice layout pass,
    shows in LibreOffice each heading's number and title and the page it is on."""
    docx_path, pages = rendered
    data = docx_path.read_bytes()
    entries = toc_entries(data)
    headings = [text for style, text in _paragraph_texts(docx_path)
                if style in ("Heading1", "Heading2", "Heading3") and text.strip()]
    assert [entry.text for entry in entries] == headings
    assert any(re.fullmatch(r"[A-Z]\.|[IVX]+\.", entry.label) for entry in entries)
    assert any(re.fullmatch(r"[A-Z]\.\d+|[A-Z]\.", entry.label) and "." in entry.label
               for entry in entries)
    # Before a layout pass the page numbers are left empty for Word to fill, never "?".
    assert "?" not in "".join(_collapse(page) for page in pages[:3] if "Contents" in page)
    heading_page = heading_pages(data, pages)
    assert len(heading_page) == len(entries)
    filled = tmp_path / docx_path.name
    filled.write_bytes(fill_toc_pages(data, heading_page))
    filled_pages = pdf_pages(docx_to_pdf(filled, tmp_path))
    assert len(filled_pages) == len(pages)
    start = next(index for index, page in enumerate(filled_pages) if "Contents" in page)
    first_heading = min(heading_page.values()) - 1  # the contents end before the first heading
    contents = "\n".join(filled_pages[start:max(first_heading, start + 1)])
    lines = [_collapse(line).strip() for line in contents.splitlines()]
    for entry in entries:
        prefix = _collapse(f"{entry.label} {entry.text}").strip()[:30]
        index = next((number for number, line in enumerate(lines) if line.startswith(prefix)), None)
        assert index is not None, f"no contents entry for {prefix!r}"
        # A long title wraps: the page number ends the entry's last line.
        tail = next(line for line in lines[index:] if re.search(r"\d+$", line))
        number = int(re.search(r"(\d+)$", tail).group(1))
        assert number == heading_page[entry.bookmark], entry
        assert prefix[:20] in _collapse(filled_pages[number - 1]), f"{prefix!r} is not on page {number}"


def test_page_x_of_y_on_every_page_after_the_cover(rendered):
    _docx, pages = rendered
    assert not re.search(r"Page \d+ of \d+", pages[0])  # the cover carries no page number
    for index, page in enumerate(pages[1:], start=2):
        assert f"Page {index} of {len(pages)}" in page


def test_paragraphs_and_headings_are_numbered_by_word(rendered):
    docx_path, pages = rendered
    text = "\n".join(pages)
    assert re.search(r"(?m)^\s*1\.\s+\S", text), "no paragraph numbered 1."
    assert re.search(r"(?m)^\s*2\.\s+\S", text), "no paragraph numbered 2."
    assert re.search(r"(?m)^\s*(A|I)\.\s+Introduction", text), "the first heading is not numbered"
    # …and none of those numbers is typed into document.xml.
    typed = [text for _style, text in _paragraph_texts(docx_path)
             if re.match(r"^\s*(\d+(\.\d+)*\.|[A-Z]\.|[IVX]+\.)\s", text)]
    assert typed == []
    numbering = docx_parts(docx_path)["word/numbering.xml"]
    assert '<w:pStyle w:val="NumberedParagraph"/>' in numbering
    assert '<w:pStyle w:val="Heading1"/>' in numbering


def _last_body_line(page: str, mark: re.Pattern) -> bool:
    """Whether `mark` ends on the last line of the page's text, just above its footnotes, or on
    the line before it (widow control can keep the paragraph's next line on the page too)."""
    found = list(mark.finditer(page))
    if not found:
        return False
    following = [line for line in page[found[-1].end():].split("\n")[1:] if line.strip()]
    return any(re.fullmatch(r"\s*\d+\s*", line) is not None for line in following[:2])


def test_each_footnote_is_on_the_same_page_as_its_mark(rendered):
    docx_path, pages = rendered
    root = etree.fromstring(docx_parts(docx_path)["word/document.xml"].encode())
    notes = etree.fromstring(docx_parts(docx_path)["word/footnotes.xml"].encode())
    note_text = {note.get(f"{W}id"): "".join(t.text or "" for t in note.iter(f"{W}t")).strip()
                 for note in notes.iter(f"{W}footnote")}
    checked = 0
    for paragraph in root.iter(f"{W}p"):
        words: list[str] = []
        for node in paragraph.iter(f"{W}t", f"{W}footnoteReference"):
            if node.tag == f"{W}t":
                words.extend((node.text or "").split())
                continue
            number = node.get(f"{W}id")
            if len(words) < 2:
                continue
            mark = re.compile(r"\s+".join(map(re.escape, words[-2:])) + rf"\s*{number}\b")
            start = re.compile(rf"(?m)^\s*{number}\s*\n\s*{re.escape(note_text[number][:25])}")
            mark_pages = [index for index, page in enumerate(pages) if mark.search(page)]
            note_pages = [index for index, page in enumerate(pages) if start.search(page)]
            assert note_pages, f"footnote {number} text not found"
            if mark_pages:  # a mark whose words straddle a page or line break is not located
                if note_pages[0] not in mark_pages:
                    # LibreOffice moves a note that does not fit below the last line of a page
                    # to the next page (Word splits it instead). Only that case is allowed.
                    assert note_pages[0] == mark_pages[-1] + 1 and _last_body_line(
                        pages[mark_pages[-1]], mark), f"footnote {number} is not on its mark's page"
                checked += 1
    assert checked >= 3


def test_pandoc_finds_notes_and_headings(rendered):
    docx_path, _pages = rendered
    tree = pandoc_json(docx_path)
    notes = docx_parts(docx_path)["word/footnotes.xml"].count("<w:footnote ") - 2
    assert len(pandoc_nodes(tree, "Note")) == notes > 0
    assert len(pandoc_nodes(tree, "Header")) >= 10
