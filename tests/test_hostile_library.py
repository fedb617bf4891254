"""A hostile or careless country library: whatever it holds, `check` and `build` end cleanly.

Each example is the fixture library with generated changes: section bodies and chronology
entries holding the characters used as internal markers, control characters, Word's vertical
tab, a byte order mark, Jinja that prints such characters or builds huge strings; front matter
with unknown parts or a duplicated id; sources with any URL scheme, impossible dates, or JSON
nested thousands deep. The oracle: exit 0 with a DOCX that opens, or exit 1 with
`path:line: message` and no traceback, never anything else; and the specific rules hold
(only http, https and mailto links; unknown parts and unreal dates refused).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli

HOSTILE = [
    "\ue000", "\ue001", "\ue0000\ue001", "\ue0009\ue001", "\x0b", "\x0c", "\x00", "\x01", "\x1f",
    "\ufeff", "\ufffe", "\t", "\r", "\u2028",
    "{{ '\\x00' }}", "{{ '\\x0b' }}", "{{ '\\x0c' }}", "{{ '\\ud800' }}", "{{ '\\ue000' }}",
    "{{ '\\ue0000\\ue001' }}", "{{ placeholder('\\x01') }}", "{{ placeholder('\\ue001') }}",
    "{{ 'a' ~ 'b' }}", "{% set s = 'x' * 900000 %}{{ s ~ s }}",
    "{% set s = 'x' * 600000 %}{{ [s, s] | join }}", "{{ 'x'.center(2000000) }}",
    "{{ '%s' | format('y' * 900000) ~ 'y' * 900000 }}", "{{ 'ab' | replace('a', 'a' * 999999) }}",
    "{{ applicant.nmae }}", "{{ '' }}", "[@nobody]", "[@alpha-2023]", "<w:p>", "]]>", "\\",
    "{{", "{%", "{#", "---", "# Heading", "| a | b |", ":::", "word",
]
URLS = ["https://example.org/x", "HTTP://example.org", "mailto:a@example.org",
        "javascript:alert(1)", "\\\\host\\share\\x", "file:///etc/passwd", "data:text/html,x",
        "vbscript:x", "http://", "example.org", " https://example.org"]
LINKABLE = {"https://example.org/x", "HTTP://example.org", "mailto:a@example.org"}
DATES = [[2023], [0], [10 ** 30], ["2023", "5", "25"], [2023, 2, 30], ["x"], [2023, 13],
         [-5], [99999]]
REAL_DATES = ([2023], ["2023", "5", "25"])
PARTS = ["background", "profile", "protection", "limitations", "profiles", "annex"]
KNOWN_PARTS = PARTS[:4]

pieces = st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map("".join)


@st.composite
def library_changes(draw) -> dict:
    return {
        "section_text": draw(pieces),
        "section_bom": draw(st.booleans()),
        "part": draw(st.sampled_from(PARTS)),
        "duplicate_id": draw(st.booleans()),
        "chronology_text": draw(st.one_of(st.none(), pieces)),
        "url": draw(st.sampled_from(URLS)),
        "date": draw(st.sampled_from(DATES)),
        "deep_json": draw(st.sampled_from([0, 0, 0, 60, 100_000])),
    }


def _library(folder: Path, changes: dict) -> Path:
    library = folder / "library"
    if library.exists():
        shutil.rmtree(library)
    shutil.copytree(FIXTURE_LIBRARY, library)
    country = library / "testland"
    section = country / "sections" / "background.md"
    text = section.read_text(encoding="utf-8")
    text = text.replace("part: background", f"part: {changes['part']}")
    text = text.replace("A second paragraph", f"{changes['section_text']} A second paragraph")
    if changes["section_bom"]:
        text = "\ufeff" + text
    section.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    if changes["duplicate_id"]:
        other = country / "sections" / "features.md"
        other.write_text(other.read_text(encoding="utf-8").replace("id: features", "id: background"),
                         encoding="utf-8")
    if changes["chronology_text"] is not None:
        chronology = country / "chronology.yaml"
        escaped = json.dumps(changes["chronology_text"])  # a YAML double-quoted string
        chronology.write_text(chronology.read_text(encoding="utf-8").replace(
            '"Protests in the capital [@alpha-2023]."', escaped), encoding="utf-8")
    sources_path = country / "sources.json"
    records = json.loads(sources_path.read_text(encoding="utf-8"))
    records[0]["URL"] = changes["url"]
    records[0]["issued"] = {"date-parts": [changes["date"]]}
    text = json.dumps(records, indent=2)
    if changes["deep_json"]:
        depth = changes["deep_json"]
        text = text.replace('"language": "en"', '"note": ' + "[" * depth + "]" * depth, 1)
    sources_path.write_text(text, encoding="utf-8")
    return library


def _assert_clean(result, output: Path | None) -> None:
    everything = result.stdout + result.stderr
    assert result.exit_code in (0, 1), everything
    assert "Traceback" not in everything
    if result.exit_code == 1:
        assert everything.strip()
    if output is not None:
        if result.exit_code == 0:
            docx.Document(io.BytesIO(output.read_bytes()))  # opens
        else:
            assert not output.exists()


@settings(max_examples=20, deadline=None, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=library_changes())
def test_a_hostile_library_never_crashes_a_build_or_a_check(tmp_path, changes):
    library = _library(tmp_path, changes)
    case = FIXTURE_CASES / "journalist.yaml"
    output = tmp_path / "report.docx"
    if output.exists():
        output.unlink()
    built = run_cli("build", case, "-o", output, "--library", library)
    _assert_clean(built, output)
    checked = run_cli("check", case, "--library", library)
    _assert_clean(checked, None)
    sources = str(library / "testland" / "sources.json")
    if changes["url"] not in LINKABLE and not changes["deep_json"]:
        assert built.exit_code == 1 and f"{sources}:2: " in built.stderr
        assert "only http://, https:// and mailto:" in built.stderr
    if changes["date"] not in REAL_DATES and not changes["deep_json"]:
        assert built.exit_code == 1 and "date-parts" in built.stderr
    if changes["deep_json"] > 50:
        assert built.exit_code == 1 and "nested more than 50 levels" in built.stderr
    library_valid = (changes["url"] in LINKABLE and changes["date"] in REAL_DATES
                     and not changes["deep_json"] and not changes["duplicate_id"])
    if changes["part"] not in KNOWN_PARTS and library_valid:
        assert built.exit_code == 1 and "unknown part" in built.stderr + checked.stderr
    for command in (built, checked):
        assert "\x00" not in command.stderr


def _built_with_section_text(tmp_path: Path, text: str, bom: bool = False):
    """A build against the fixture library with `text` in one section, nothing else changed."""
    library = _library(tmp_path, {"section_text": text, "section_bom": bom, "part": "background",
                                  "duplicate_id": False, "chronology_text": None,
                                  "url": "https://example.org/x", "date": [2023], "deep_json": 0})
    output = tmp_path / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output, "--library", library)
    return result, output, library / "testland" / "sections" / "background.md"


def test_marker_characters_in_a_section_are_shown_as_written(tmp_path):
    result, output, _ = _built_with_section_text(tmp_path, "A \ue0000\ue001 and \ue001\ue000 mark.",
                                                 bom=True)
    assert result.exit_code == 0, result.stderr
    texts = [paragraph.text for paragraph in docx.Document(output).paragraphs]
    assert any("A \ue0000\ue001 and \ue001\ue000 mark. A second paragraph" in text for text in texts)


def test_a_vertical_tab_in_a_section_is_a_line_break(tmp_path):
    result, output, _ = _built_with_section_text(tmp_path, "First line\x0bsecond line {{ 'x\\x0by' }}")
    assert result.exit_code == 0, result.stderr
    document = docx.Document(output)
    paragraph = next(p for p in document.paragraphs if "First line" in p.text)
    assert "First line\nsecond line x\ny" in paragraph.text
    assert len(paragraph._p.xpath(".//w:br")) == 2


def test_a_control_character_printed_by_a_section_is_reported_at_its_line(tmp_path):
    result, output, section = _built_with_section_text(tmp_path, "{{ '\\x0c' }}")
    lines = section.read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if "x0c" in text)
    assert result.exit_code == 1 and not output.exists()
    assert f"{section}:{line}: the text printed here contains the control character U+000C" \
        in result.stderr
