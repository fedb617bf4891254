"""Read a reference manager's export as CSL-JSON records: Zotero's or Better BibTeX's CSL JSON,
or a BibTeX/BibLaTeX `.bib` file. Each record keeps the line where it starts."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from reportkit.errors import ReportkitError
from reportkit.load.files import parse_json, read_text
from reportkit.load.library import record_spans

CSL_HINT = "a CSL-JSON file is a list of records: [ {...}, {...} ] (Zotero: Export… > CSL JSON)"
MAX_BRACE_DEPTH = 50  # a BibTeX field nests braces a few levels; more is not an export
DATE_FIELDS = ("issued", "accessed", "original-date", "event-date", "submitted")
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_DATE_HINT = "write the date as 2024-03-05, 5 March 2024, March 2024 or 2024"


@dataclass
class ImportedRecord:
    """One record of an export, in CSL-JSON shape, and what could not be read in it."""

    value: object
    line: int
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # export fields with no CSL counterpart
    has_key: bool = True  # False: the export gave no citation key; one has to be made


def read_export(path: Path) -> list[ImportedRecord]:
    """The records of a `.bib` file or a CSL-JSON file (any other name is read as CSL JSON)."""
    text = read_text(path)
    if path.suffix.lower() in {".bib", ".biblatex", ".bibtex"}:
        from reportkit.load.bibtex import read_bibtex

        return read_bibtex(text, path)
    return read_csl_json(text, path)


# ---------------------------------------------------------------- CSL JSON


def read_csl_json(text: str, path: Path, normalise: bool = True) -> list[ImportedRecord]:
    """The records of a CSL-JSON list; `normalise`: read as an export (Zotero's ids and dates)."""
    values = parse_json(text, path, hint=CSL_HINT)
    if not isinstance(values, list):
        raise ReportkitError("expected a CSL-JSON list of records", path=path, line=1, hint=CSL_HINT)
    lines = [line for _, _, line in record_spans(text)]
    if len(lines) != len(values):  # a bare value in the list, e.g. [1, {...}]: no text spans
        lines = [1] * len(values)
    if not normalise:
        return [ImportedRecord(value, line) for value, line in zip(values, lines)]
    return [normalise_csl(value, line) for value, line in zip(values, lines)]


def _is_item_id(value: object) -> bool:
    """Zotero's own item ids (`http://zotero.org/users/local/AbC123/items/7XK2LM9P`, a number)
    identify a database row, not a work: they are no citation key."""
    if isinstance(value, (int, float)) or not isinstance(value, str) or not value.strip():
        return True
    return bool(re.fullmatch(r"(https?://zotero\.org/\S*/items/|\d+/)?[A-Z0-9]{8}|\d+", value)
                or "/" in value or " " in value)


def normalise_csl(value: object, line: int) -> ImportedRecord:
    """A Zotero or Better BibTeX CSL record as the library keeps it: the citation key as its id,
    dates as numbers."""
    record = ImportedRecord(value, line)
    if not isinstance(value, dict):
        return record
    value = dict(value)
    key = value.pop("citation-key", None)
    if isinstance(key, str) and key.strip():
        value["id"] = key.strip()
    elif key is not None:
        record.problems.append(f"citation-key: expected text, found {json.dumps(key)[:40]}")
    elif _is_item_id(value.get("id")):
        record.has_key = False
    for name in DATE_FIELDS:
        if isinstance(value.get(name), dict):
            date, problem = normalise_date(value[name])
            value[name] = date
            if problem:
                record.problems.append(f"{name}: {problem}")
    record.value = value
    return record


def normalise_date(date: dict) -> tuple[dict, str | None]:
    """`{"date-parts": [["2023","5","25"]]}` as numbers; `{"raw": "March 2024"}` read."""
    date = dict(date)
    parts = date.get("date-parts")
    if isinstance(parts, list):
        date["date-parts"] = [
            [int(part) if isinstance(part, str) and part.strip().isdigit() else part
             for part in item] if isinstance(item, list) else item
            for item in parts]
        return date, None
    raw = date.get("raw")
    if isinstance(raw, str) and "literal" not in date:
        read = parse_date(raw)
        if read is None:
            return date, f"cannot read the date '{raw[:40]}' ({_DATE_HINT})"
        date.pop("raw")
        date["date-parts"] = read
    return date, None


def parse_date(text: str) -> list[list[int]] | None:
    """CSL date-parts from the ways people write a date: 2024-03-05, 2024-03, 2024, 5 March
    2024, March 5, 2024, March 2024, Mar. 2024; a range `2023/2024` gives two dates."""
    text = text.strip()
    if "/" in text and re.fullmatch(r"[\d-]+/[\d-]+", text):
        ends = [parse_date(end) for end in text.split("/")]
        return [ends[0][0], ends[1][0]] if all(ends) else None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if match:
        return [[int(part) for part in match.groups() if part]]
    words = [word for word in re.split(r"[\s,.]+", text.lower()) if word]
    if not 2 <= len(words) <= 3 or not re.fullmatch(r"\d{4}", words[-1]):
        return None
    year, rest = int(words[-1]), words[:-1]
    months = [_MONTHS[word] for word in rest if word in _MONTHS]
    days = [int(word.rstrip("stndrh")) for word in rest
            if re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", word)]
    if len(months) != 1 or len(days) + len(months) != len(rest):
        return None
    return [[year, months[0], *days]]
