"""The writer stage by stage, as pandoc's golden tests do: a small model (or Markdown) in, one XML
part out, compared as canonical XML. Fixtures: tests/fixtures/docx/*.txt, each case

    ## title
    part: word/document.xml            (the body's blocks; or word/footnotes.xml: the notes)
    --- markdown | model               (a model: an expression over reportkit.document)
    ...
    --- expected
    ...

Set REPORTKIT_UPDATE_GOLDEN=1 to rewrite the expected parts after a deliberate change, then
read the diff."""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

import reportkit.document as model
from reportkit.document import Document, Metadata
from reportkit.docx import write_docx
from reportkit.load.templates import load_template_set
from reportkit.parse.markdown import parse_markdown
from reportkit.paths import template_search_path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARSER = etree.XMLParser(remove_blank_text=True)


@dataclass
class Case:
    file: Path
    title: str
    part: str
    kind: str
    source: str
    expected: str


def _cases() -> list[Case]:
    cases = []
    for file in sorted(FIXTURES.glob("*.txt")):
        for chunk in re.split(r"(?m)^## ", file.read_text(encoding="utf-8"))[1:]:
            title, rest = chunk.split("\n", 1)
            part = re.search(r"(?m)^part: (\S+)", rest).group(1)
            kind, source = re.search(r"(?ms)^--- (markdown|model)\n(.*?)^--- expected\n", rest).groups()
            expected = rest.split("--- expected\n", 1)[1]
            cases.append(Case(file, title.strip(), part, kind, source, expected.strip()))
    return cases


CASES = _cases()


def _document(case: Case) -> Document:
    if case.kind == "markdown":
        blocks = parse_markdown(case.source, str(case.file))
        return Document(blocks, Metadata("Title", "Author"))
    namespace = {name: getattr(model, name) for name in dir(model) if not name.startswith("_")}
    built = eval(case.source, {"__builtins__": {}}, namespace)  # noqa: S307 - our own fixture
    return built if isinstance(built, Document) else Document(tuple(built), Metadata("Title", "Author"))


def _part(case: Case) -> str:
    """The part's children that the case is about, as canonical XML, one element a line."""
    template_set = load_template_set("uk", template_search_path())
    data = write_docx(_document(case), template_set.reference_docx, template_set.config.styles)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read(case.part), _PARSER)
    if case.part == "word/document.xml":
        children = [child for child in root.find(f"{{{W_NS}}}body") if not child.tag.endswith("sectPr")]
    elif case.part == "word/footnotes.xml":
        children = [child for child in root if int(child.get(f"{{{W_NS}}}id")) > 0]
    else:
        children = list(root)
    return "\n".join(_canonical(child) for child in children)


def _canonical(element) -> str:
    text = etree.tostring(element, method="c14n").decode()
    return re.sub(r' xmlns:\w+="[^"]*"', "", text)


def _expected(case: Case) -> str:
    wrapper = etree.fromstring(f'<root xmlns:w="{W_NS}" xmlns:r="{R_NS}">{case.expected}</root>',
                               _PARSER)
    return "\n".join(_canonical(child) for child in wrapper)


@pytest.mark.parametrize("case", CASES, ids=[f"{case.file.stem}: {case.title}" for case in CASES])
def test_writer_stage(case: Case):
    actual = _part(case)
    if os.environ.get("REPORTKIT_UPDATE_GOLDEN") == "1":
        text = case.file.read_text(encoding="utf-8")
        case.file.write_text(text.replace("--- expected\n" + case.expected, "--- expected\n" + actual, 1),
                             encoding="utf-8")
        return
    assert actual == _expected(case)


def test_fixtures_are_found():
    assert len(CASES) >= 8
