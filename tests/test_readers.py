"""What Word and LibreOffice show, proven with the real readers: LibreOffice → PDF → pdftotext,
and pandoc reading the DOCX. Skipped without the readers; CI sets REPORTKIT_REQUIRE_READERS=1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_CASES, FIXTURE_CASES, FIXTURE_LIBRARY, docx_parts
from readers import docx_to_pdf, pandoc_json, pandoc_nodes, pdf_pages
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


def test_contents_lists_every_heading_with_its_page_number(rendered):
    docx_path, pages = rendered
    headings = [text for style, text in _paragraph_texts(docx_path)
                if style in ("Heading1", "Heading2") and text.strip()]
    contents_page = next(page for page in pages if "Contents" in page)
    lines = [line.strip() for line in contents_page.splitlines()]
    for heading in headings:
        entry = next((line for line in lines if line.startswith(heading[:40])), None)
        assert entry is not None, f"no contents entry for {heading!r}"
        number = re.search(r"(\d+)$", entry)
        assert number, f"no page number in the contents entry {entry!r}"
        # The page it names really holds the heading.
        page = pages[int(number.group(1)) - 1]
        assert heading[:30] in _collapse(page), f"{heading!r} is not on page {number.group(1)}"


def test_page_x_of_y_on_every_page(rendered):
    _docx, pages = rendered
    for index, page in enumerate(pages, start=1):
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
    """Whether `mark` ends on the last line of the page's text, just above its footnotes."""
    found = list(mark.finditer(page))
    if not found:
        return False
    following = [line for line in page[found[-1].end():].split("\n")[1:] if line.strip()]
    return bool(following) and re.fullmatch(r"\s*\d+\s*", following[0]) is not None


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
