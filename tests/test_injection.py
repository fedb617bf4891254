"""Case text is data: Jinja, Markdown, citation and XML syntax in it is printed as written.

Each payload goes into every field of the case that the report prints. The build must show it
character for character in document.xml (nothing evaluated, no heading, no footnote, no bold
run), and the Markdown that `build --emit-markdown` writes must read back in pandoc as the same
literal text.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import pytest
from lxml import etree

from case_text import (PRINTED_FIELDS, W, base_case, docx_paragraphs, field_name, set_at,
                       shown_as, to_yaml)
from conftest import FIXTURE_LIBRARY, run_cli
from readers import need

PAYLOADS = {
    "jinja-expression": "{{ 7*7 }}",
    "jinja-statement": "{% include 'x' %}",
    "jinja-comment": "{# hidden #}",
    "heading": "# Heading",
    "citation": "[@alpha-2023]",
    "citation-with-locator": "see [@alpha-2023, p. 4; @beta-news]",
    "unknown-citation": "[@nobody]",
    "bold": "**bold**",
    "emphasis": "_emphasis_ and *emphasis*",
    "xml-tag": "<w:p>",
    "cdata-end": "]]>",
    "entity": "&amp;",
    "raw-xml-run": "<w:r><w:t>x</w:t></w:r>",
    "placeholder": "[EXPERT TO COMPLETE: x]",
    "div": '::: {custom-style="Title"}',
    "link": "[a link](https://example.org)",
    "html-comment": "<!-- hidden -->",
    "backslashes": "\\*not emphasis\\* \\\\",
    "smart-punctuation": "'quoted' \"double\" -- --- ...",
    "indented": "    four spaces",
    "tab-indented": "\tafter a tab",
    "spaces-and-tabs": "two  spaces,\t tab, trailing  ",
    "carriage-return": "a\rb",
    "two-lines": "line one\nline two",
    "trailing-backslash": "ends with \\",
}
JURISDICTIONS = ["uk", "us"]


def case_with(payload: str, jurisdiction: str) -> tuple[dict, dict[tuple, str]]:
    """The fixture case with the payload, and the field's name, in every printed field."""
    case = base_case()
    case["jurisdiction"] = jurisdiction
    texts = {}
    for path in PRINTED_FIELDS:
        texts[path] = f"{payload} {field_name(path)}"
        set_at(case, path, texts[path])
    return case, texts


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, bytes]:
    """The fixture case without payloads, under each template set."""
    folder = tmp_path_factory.mktemp("baseline")
    built = {}
    for jurisdiction in JURISDICTIONS:
        case = base_case()
        case["jurisdiction"] = jurisdiction
        path = folder / f"{jurisdiction}.yaml"
        path.write_text(to_yaml(case)[0], encoding="utf-8")
        result = run_cli("build", path, "-o", folder / f"{jurisdiction}.docx",
                         "--library", FIXTURE_LIBRARY)
        assert result.exit_code == 0, result.stderr
        built[jurisdiction] = (folder / f"{jurisdiction}.docx").read_bytes()
    return built


def _footnote_references(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return len(list(root.iter(f"{W}footnoteReference")))


def _bold_runs(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return ["".join(run.itertext()) for run in root.iter(f"{W}r")
            if run.find(f"{W}rPr/{W}b") is not None]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build each payload case once: the DOCX bytes and the emitted Markdown."""
    folder = tmp_path_factory.mktemp("injection")
    cache = {}

    def build(name: str, jurisdiction: str):
        if (name, jurisdiction) not in cache:
            case, texts = case_with(PAYLOADS[name], jurisdiction)
            path = folder / f"{name}-{jurisdiction}.yaml"
            path.write_text(to_yaml(case)[0], encoding="utf-8")
            output, markdown = path.with_suffix(".docx"), path.with_suffix(".md")
            result = run_cli("build", path, "-o", output, "--emit-markdown", markdown,
                             "--library", FIXTURE_LIBRARY)
            assert result.exit_code == 0, result.stderr
            assert "Traceback" not in result.stderr
            cache[name, jurisdiction] = (texts, output.read_bytes(), markdown)
        return cache[name, jurisdiction]

    return build


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@pytest.mark.parametrize("name", PAYLOADS)
def test_payload_is_literal_in_the_word_document(built, baseline, name, jurisdiction):
    texts, docx, _ = built(name, jurisdiction)
    paragraphs = docx_paragraphs(docx)
    for path, text in texts.items():
        holding = [(style, bold) for style, paragraph, bold in paragraphs
                   if all(piece in paragraph for piece in shown_as(text))]
        assert holding, f"{field_name(path)}: {text!r} is not in document.xml as written"
        for style, _ in holding:
            assert not style.lower().startswith("heading"), (field_name(path), style)
    document_text = "\n".join(paragraph for _, paragraph, _ in paragraphs)
    base_text = "\n".join(paragraph for _, paragraph, _ in docx_paragraphs(baseline[jurisdiction]))
    assert document_text.count("49") == base_text.count("49")
    # Nothing in the case text became a footnote, a heading or a bold run.
    assert _footnote_references(docx) == _footnote_references(baseline[jurisdiction])
    headings = [paragraph for style, paragraph, _ in paragraphs if style.lower().startswith("heading")]
    base_headings = [paragraph for style, paragraph, _ in docx_paragraphs(baseline[jurisdiction])
                     if style.lower().startswith("heading")]
    assert len(headings) == len(base_headings)
    assert "bold" not in _bold_runs(docx)
    assert not [run for run in _bold_runs(docx) if run.strip() in {"Heading", "x", "emphasis"}]


def _inline_text(inlines: list) -> str:
    """Pandoc inlines as text. Anything pandoc parsed as markup becomes \\0, so that a payload
    it interpreted (as emphasis, a citation, a link, raw XML) no longer matches."""
    pieces = []
    for node in inlines:
        kind = node["t"]
        if kind == "Str":
            pieces.append(node["c"])
        elif kind in {"Space", "SoftBreak"}:
            pieces.append(" ")
        elif kind == "LineBreak":
            pieces.append("\n")
        else:
            pieces.append("\0")
    return "".join(pieces)


def _pandoc_paragraphs(node, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        kind = node.get("t")
        if kind in {"Para", "Plain"}:
            found.append((kind, _inline_text(node["c"])))
            return found
        if kind == "Header":
            found.append((kind, _inline_text(node["c"][2])))
            return found
        for value in node.values():
            _pandoc_paragraphs(value, found)
    elif isinstance(node, list):
        for value in node:
            _pandoc_paragraphs(value, found)
    return found


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@pytest.mark.parametrize("name", PAYLOADS)
def test_payload_is_literal_in_the_emitted_markdown_as_pandoc_reads_it(built, name, jurisdiction):
    pandoc = need("pandoc")
    texts, _, markdown = built(name, jurisdiction)
    output = subprocess.run([pandoc, "-f", "markdown", "-t", "json", str(markdown)], check=True,
                            capture_output=True, text=True, timeout=120).stdout
    blocks = _pandoc_paragraphs(json.loads(output)["blocks"], [])
    for path, text in texts.items():
        holding = [kind for kind, paragraph in blocks
                   if all(piece in paragraph for piece in shown_as(text))]
        assert holding, f"{field_name(path)}: pandoc does not read {text!r} as written"
        assert "Header" not in holding, field_name(path)
    notes = subprocess.run([pandoc, "-f", "markdown", "-t", "native", str(markdown)], check=True,
                           capture_output=True, text=True, timeout=120).stdout
    assert "Strong [ Str \"bold\" ]" not in notes and 'Str "49"' not in notes
