"""Import a Zotero CSL-JSON export into a country's sources.json, without churning the file.

The library file stays diffable: existing records keep their exact bytes, new records are inserted
in id order, and a replaced record is rewritten in place. Nothing is written if nothing changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from reportkit.errors import Problem, ReportkitError
from reportkit.load.library import available_countries, load_sources, record_spans
from reportkit.load.yaml_file import YamlDocument, parse_yaml, read_text
from reportkit.models import Source
from reportkit.output import write_atomically
from reportkit.validate import problems_from_validation

ADDED, UPDATED, UNCHANGED, CONFLICT, DUPLICATE, INVALID = (
    "added", "updated", "unchanged", "conflict", "duplicate", "invalid")
OUTCOMES = (ADDED, UPDATED, UNCHANGED, CONFLICT, DUPLICATE, INVALID)
_CSL_HINT = "a CSL-JSON file is a list of records: [ {...}, {...} ] (Zotero: Export… > CSL JSON)"


@dataclass(frozen=True)
class Outcome:
    """What happened to one record of the imported file."""

    status: str
    source_id: str | None
    line: int
    detail: str = ""


@dataclass
class ImportResult:
    sources_path: Path
    written: bool
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the invalid records, located

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


@dataclass(frozen=True)
class _Record:
    """One top-level record of a JSON list: its value and where its text lies."""

    value: object
    start: int  # offset of the opening brace
    end: int    # offset just after the closing brace
    line: int


def _parse_json_list(text: str, path: Path) -> list[_Record]:
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportkitError(f"invalid JSON: {error.msg}", path=path, line=error.lineno,
                             hint=_CSL_HINT) from None
    if not isinstance(values, list):
        raise ReportkitError("expected a CSL-JSON list of records", path=path, line=1, hint=_CSL_HINT)
    spans = record_spans(text)
    if len(spans) != len(values):  # a bare value in the list, e.g. [1, {...}]: no text spans
        spans = [(0, 0, 1)] * len(values)
    return [_Record(value, start, end, line) for value, (start, end, line) in zip(values, spans)]


def _normal_url(url: object) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip().rstrip("/")
    scheme, separator, rest = url.partition("://")
    return f"{scheme.lower()}://{rest.split('#')[0]}" if separator else url


def _normal_doi(doi: object) -> str | None:
    if not isinstance(doi, str) or not doi.strip():
        return None
    doi = doi.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        doi = doi.removeprefix(prefix)
    return doi


def _duplicate_of(record: dict, by_url: dict[str, str], by_doi: dict[str, str]) -> str | None:
    url, doi = _normal_url(record.get("URL")), _normal_doi(record.get("DOI"))
    if url and url in by_url:
        return f"same URL as '{by_url[url]}'"
    if doi and doi in by_doi:
        return f"same DOI as '{by_doi[doi]}'"
    return None


def _remember(record: dict, source_id: str, by_url: dict[str, str], by_doi: dict[str, str]) -> None:
    url, doi = _normal_url(record.get("URL")), _normal_doi(record.get("DOI"))
    if url:
        by_url.setdefault(url, source_id)
    if doi:
        by_doi.setdefault(doi, source_id)


def format_record(record: dict, indent: str) -> str:
    """A record as the library files write it: two-space JSON, UTF-8 text, nested at `indent`."""
    return json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


def _indent_of(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    prefix = text[line_start:offset]
    return prefix if not prefix.strip() else "  "


class _FieldLines:
    """The line of every field of the imported file, parsed only if a record is invalid."""

    def __init__(self, text: str, path: Path):
        self.text, self.path = text, path
        self.document: YamlDocument | None = None
        self.parsed = False

    def problems(self, error: ValidationError, index: int, line: int) -> list[Problem]:
        if not self.parsed:
            self.parsed = True
            try:  # JSON is YAML: the YAML loader knows the line of every field
                self.document = parse_yaml(self.text, self.path)
            except ReportkitError:
                self.document = None
        if self.document is None:
            return problems_from_validation(error, YamlDocument(self.path, None, {}, line), Source)
        return problems_from_validation(error, self.document, Source, (index,))


def plan_import(library_text: str, library_path: Path, import_text: str, import_path: Path,
                update: bool = False, keep_duplicates: bool = False) -> tuple[str, list[Outcome],
                                                                              list[Problem]]:
    """The new text of sources.json, what happened to each imported record, and the invalid ones.

    Rules: an identical record is unchanged; the same id with other content is a conflict, left
    as it is unless `update`; a new id whose URL or DOI is already in the library (or earlier in
    the file) is a likely duplicate and is not imported unless `keep_duplicates`."""
    existing = _parse_json_list(library_text, library_path)
    incoming = _parse_json_list(import_text.removeprefix("\ufeff"), import_path)
    existing_by_id = {record.value["id"]: record for record in existing}
    by_url: dict[str, str] = {}
    by_doi: dict[str, str] = {}
    for record in existing:
        _remember(record.value, record.value["id"], by_url, by_doi)

    outcomes: list[Outcome] = []
    problems: list[Problem] = []
    replacements: dict[str, dict] = {}  # existing id -> new record
    additions: dict[str, dict] = {}     # new id -> record
    seen: dict[str, int] = {}
    field_lines = _FieldLines(import_text.removeprefix("\ufeff"), import_path)
    for index, record in enumerate(incoming):
        value, line = record.value, record.line
        raw_id = value.get("id") if isinstance(value, dict) else None
        source_id = raw_id if isinstance(raw_id, str) else None
        if not isinstance(value, dict):
            problem = Problem(f"record {index + 1} is not a JSON object", import_path, line, _CSL_HINT)
            problems.append(problem)
            outcomes.append(Outcome(INVALID, None, line, problem.message))
            continue
        try:
            Source.model_validate(value)
        except ValidationError as error:
            found = field_lines.problems(error, index, line)
            hint = ("give the item a citation key (Zotero: 'Citation Key: KEY' in Extra) so that "
                    "the export uses it as the id") if source_id and "/" in source_id else None
            found = [Problem(f"invalid record {index + 1}"
                             + (f" '{source_id}'" if source_id else "") + " skipped: "
                             + item.message.replace(f"[{index + 1}].", "", 1),
                             item.path, item.line, hint or item.hint) for item in found]
            problems.extend(found)
            outcomes.append(Outcome(INVALID, source_id, line, "; ".join(p.message for p in found)))
            continue
        if source_id in seen:
            problem = Problem(f"the id '{source_id}' is used twice in this file", import_path, line,
                              f"first used at line {seen[source_id]}")
            problems.append(problem)
            outcomes.append(Outcome(INVALID, source_id, line, problem.message))
            continue
        seen[source_id] = line
        if source_id in existing_by_id:
            if existing_by_id[source_id].value == value:
                outcomes.append(Outcome(UNCHANGED, source_id, line))
            elif update:
                replacements[source_id] = value
                outcomes.append(Outcome(UPDATED, source_id, line))
            else:
                outcomes.append(Outcome(
                    CONFLICT, source_id, line,
                    f"differs from the record at {library_path.name}:"
                    f"{existing_by_id[source_id].line}; kept the library's (--update replaces it)"))
            continue
        duplicate = _duplicate_of(value, by_url, by_doi)
        if duplicate and not keep_duplicates:
            outcomes.append(Outcome(DUPLICATE, source_id, line,
                                    f"likely duplicate: {duplicate}; not imported"))
            continue
        additions[source_id] = value
        _remember(value, source_id, by_url, by_doi)
        outcomes.append(Outcome(ADDED, source_id, line,
                                f"likely duplicate: {duplicate}; imported anyway" if duplicate else ""))
    return _apply(library_text, existing, replacements, additions), outcomes, problems


def _apply(text: str, existing: list[_Record], replacements: dict[str, dict],
           additions: dict[str, dict]) -> str:
    """Splice the changes into the text: every other byte of the file stays as it was."""
    if not replacements and not additions:
        return text
    if not existing:
        records = [format_record(additions[key], "  ") for key in sorted(additions)]
        return "[\n  " + ",\n  ".join(records) + "\n]\n"
    indent = _indent_of(text, existing[0].start)
    edits: list[tuple[int, int, str]] = []  # (start, end, new text), applied from the end
    for record in existing:
        if record.value["id"] in replacements:
            edits.append((record.start, record.end,
                          format_record(replacements[record.value["id"]], indent)))
    # Each new record goes before the first existing record with a greater id (so a sorted file
    # stays sorted), or after the last one.
    pending = sorted(additions)
    for record in existing:
        before = [key for key in pending if key < record.value["id"]]
        if before:
            new = "".join(format_record(additions[key], indent) + ",\n" + indent for key in before)
            edits.append((record.start, record.start, new))
            pending = pending[len(before):]
    if pending:
        last = existing[-1].end
        edits.append((last, last, "".join(",\n" + indent + format_record(additions[key], indent)
                                          for key in pending)))
    for start, end, new in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def import_sources(library_root: Path, country: str, import_path: Path, update: bool = False,
                   keep_duplicates: bool = False) -> ImportResult:
    """Merge a CSL-JSON file into `country`'s sources.json; write only if something changed."""
    if country not in available_countries(library_root):
        known = available_countries(library_root)
        raise ReportkitError(f"no country library '{country}' in {library_root}",
                             hint=f"available: {', '.join(known)}" if known else "pass --library DIR")
    sources_path = library_root / country / "sources.json"
    import_text = read_text(import_path)
    if sources_path.is_file():
        load_sources(sources_path)  # the library file itself must be valid before it is merged into
        library_text = read_text(sources_path)
    else:
        library_text = "[]\n"
    new_text, outcomes, problems = plan_import(library_text, sources_path, import_text,
                                               import_path, update, keep_duplicates)
    written = new_text != library_text
    if written:
        write_atomically(sources_path, new_text.encode("utf-8"), force=True)
    return ImportResult(sources_path, written, outcomes, problems)
