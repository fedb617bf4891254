"""Helpers for tests that put arbitrary text into case files: a YAML writer that records the
line of every field, the fixture case as data, and the text of a DOCX paragraph by paragraph."""

from __future__ import annotations

import copy
import re
import datetime as dt
import io
import zipfile

from lxml import etree

from conftest import FIXTURE_CASES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The fixture case (tests/fixtures/cases/journalist.yaml) as data, with the expert written in
# full so that its fields can be changed in the same file.
EXPERT = {
    "fictional": True,
    "name": "Dr Test Expert",
    "title": "Lecturer (fictional)",
    "qualifications": ["PhD, fictional university"],
    "languages": ["English"],
    "expertise": "Fictional expertise on Testland.",
    "publications": ["A fictional book"],
    "posts": ["Lecturer, University of Testland (fictional)"],
    "previous_instructions": ["Reports on Testland in fictional appeals"],
    "address": "1 Fictional Street",
}
BASE_CASE = {
    "fictional": True,
    "reference": "PA/00001/2026",
    "jurisdiction": "uk",
    "country": "testland",
    "report_date": dt.date(2026, 11, 22),
    "anonymise": False,
    "instructions": {
        "instructed_by": "Test Solicitors",
        "date": dt.date(2026, 10, 30),
        "documents": ["Witness statement dated 1 October 2026"],
        "questions": [
            {"text": "Is the account consistent with country conditions?", "answer": ""},
            {"text": "What is the risk on return?",
             "answer": "The sources describe attacks on journalists."},
        ],
    },
    "expert": EXPERT,
    "applicant": {
        "name": "Renée Água Testperson",
        "gender": "female",
        "date_of_birth": dt.date(1990, 3, 4),
        "ethnicity": "Testish",
        "nationality": "Testlandic",
        "home_region": "Northshire",
        "languages": ["Testish"],
        "profiles": ["journalist"],
        "account": "Renée wrote articles.\nShe was threatened in 2023.\n",
        "events": [{"date": dt.date(2023, 1, 10), "place": "Capital",
                    "description": "Renée attended a protest"}],
    },
    "sections": {"include": [], "exclude": [], "replace": [], "extra": []},
}
assert (FIXTURE_CASES / "journalist.yaml").is_file()

# Every field whose text the report prints, as a path into BASE_CASE.
PRINTED_FIELDS: list[tuple] = [
    ("reference",),
    ("instructions", "instructed_by"),
    ("instructions", "documents", 0),
    ("instructions", "questions", 0, "text"),
    ("instructions", "questions", 1, "text"),
    ("expert", "name"),
    ("expert", "title"),
    ("expert", "qualifications", 0),
    ("expert", "expertise"),
    ("expert", "posts", 0),
    ("expert", "previous_instructions", 0),
    ("expert", "publications", 0),
    ("applicant", "name"),
    ("applicant", "ethnicity"),
    ("applicant", "home_region"),
    ("applicant", "languages", 0),
    ("applicant", "account"),
    ("applicant", "events", 0, "place"),
    ("applicant", "events", 0, "description"),
]


# The one rule for prose in a case file (README "The case file"): a blank line starts a new
# paragraph, a single newline is a space.
_BLANK_LINE = re.compile(r"[ \t]*\r?\n(?:[ \t]*\r?\n)+[ \t]*")
_NEWLINE = re.compile(r"[ \t]*\r?\n[ \t]*")


def shown_as(text: str) -> list[str]:
    """The paragraphs in which a report shows case text (a text without newlines: itself)."""
    if "\n" not in text:
        return [text]
    return [_NEWLINE.sub(" ", piece) for piece in _BLANK_LINE.split(text.strip()) if piece]


def base_case() -> dict:
    return copy.deepcopy(BASE_CASE)


def set_at(data, path: tuple, value) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def delete_at(data, path: tuple) -> None:
    for part in path[:-1]:
        data = data[part]
    del data[path[-1]]


def field_name(path: tuple) -> str:
    """The field as reportkit names it in messages: applicant.events[1].place."""
    name = ""
    for part in path:
        name += f"[{part + 1}]" if isinstance(part, int) else ("." if name else "") + str(part)
    return name


# ---------------------------------------------------------------- YAML writer

# Escapes for a YAML double-quoted scalar. Everything YAML would not keep as it is gets escaped:
# control characters, the YAML line breaks (NEL, LS, PS), the byte order mark and surrogates.
_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _escape_char(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x20 or 0x7f <= code <= 0x9f:
        return f"\\x{code:02x}"
    if code in (0x2028, 0x2029, 0xfeff, 0xfffe, 0xffff) or 0xd800 <= code <= 0xdfff:
        return f"\\u{code:04x}"
    return char


def quote(text: str) -> str:
    return '"' + "".join(_escape_char(char) for char in text) + '"'


class Raw(str):
    """YAML written exactly as given (anchors, aliases, flow collections)."""


def scalar(value) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return quote(value)
    raise TypeError(type(value))


def to_yaml(data: dict) -> tuple[str, dict[tuple, int]]:
    """Block-style YAML with one field per line, and the line on which each field starts."""
    lines: list[str] = []
    where: dict[tuple, int] = {}

    def emit(value, indent: int, path: tuple) -> None:
        pad = " " * indent
        if isinstance(value, dict):
            for key, item in value.items():
                where[path + (key,)] = len(lines) + 1
                head = f"{pad}{quote(str(key))}:"
                if isinstance(item, (dict, list)) and item:
                    lines.append(head)
                    emit(item, indent + 2, path + (key,))
                else:
                    lines.append(f"{head} {collection_or_scalar(item)}")
        else:
            for index, item in enumerate(value):
                where[path + (index,)] = len(lines) + 1
                if isinstance(item, (dict, list)) and item:
                    lines.append(f"{pad}-")
                    emit(item, indent + 2, path + (index,))
                else:
                    lines.append(f"{pad}- {collection_or_scalar(item)}")

    def collection_or_scalar(item) -> str:
        if isinstance(item, dict):
            return "{}"
        if isinstance(item, list):
            return "[]"
        return scalar(item)

    emit(data, 0, ())
    return "\n".join(lines) + "\n", where


# ---------------------------------------------------------------- DOCX text


def docx_paragraphs(data: bytes, part: str = "word/document.xml") -> list[tuple[str, str, bool]]:
    """(style id, text, whether any run of it is bold) for each paragraph of a part.

    A paragraph's text joins its runs; a tab is "\\t" and a line break "\\n", as in the case file.
    Field instructions are not text.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read(part))
    found = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        pieces = []
        bold = False
        for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}b"):
            if node.tag == f"{W}t":
                pieces.append(node.text or "")
            elif node.tag == f"{W}tab" and node.getparent().tag == f"{W}r":
                pieces.append("\t")
            elif node.tag == f"{W}br" and node.get(f"{W}type") is None:
                pieces.append("\n")
            elif node.tag == f"{W}b" and node.getparent().tag == f"{W}rPr":
                bold = True
        found.append((style.get(f"{W}val") if style is not None else "", "".join(pieces), bold))
    return found


def docx_text(data: bytes) -> str:
    return "\n\n".join(text for _, text, _ in docx_paragraphs(data))
