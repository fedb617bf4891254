"""Import a reference manager's export (Zotero or Better BibTeX CSL JSON, or a BibTeX/BibLaTeX
.bib file) into a country's sources.json, without churning the file.

The library file stays diffable: existing records keep their exact bytes, new records are inserted
in id order, and a replaced record is rewritten in place. Nothing is written if nothing changed,
or if any record of the export is invalid.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from reportkit.errors import Problem, ReportkitError
from reportkit.file_lock import locked_folder
from reportkit.load.bibliography import CSL_HINT, ImportedRecord, read_csl_json, read_export
from reportkit.load.library import available_countries, load_sources, record_spans
from reportkit.load.files import read_text
from reportkit.load.yaml_file import YamlDocument, parse_yaml
from reportkit.models import Source
from reportkit.output import write_atomically
from reportkit.validate import problems_from_validation

ADDED, UPDATED, UNCHANGED, CONFLICT, DUPLICATE, INVALID = (
    "added", "updated", "unchanged", "conflict", "duplicate", "invalid")
OUTCOMES = (ADDED, UPDATED, UNCHANGED, CONFLICT, DUPLICATE, INVALID)
# Words a citation key skips when it takes the first word of a title (as Better BibTeX does).
_FUNCTION_WORDS = frozenset(
    "a an and at by de del el en for from in la las le les los of on or the to un una y".split())


@dataclass(frozen=True)
class Outcome:
    """What happened to one record of the imported file."""

    status: str
    source_id: str | None
    line: int
    detail: str = ""
    made_key: bool = False          # the export gave no citation key: this one was made
    ignored: tuple[str, ...] = ()   # fields of a .bib entry with no CSL counterpart


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


def _library_records(text: str, path: Path) -> list[_Record]:
    spans = record_spans(text)
    values = [record.value for record in read_csl_json(text, path, normalise=False)]
    if len(spans) != len(values):  # a bare value in the list, e.g. [1, {...}]: no text spans
        spans = [(0, 0, 1)] * len(values)
    return [_Record(value, start, end, line) for value, (start, end, line) in zip(values, spans)]


def _normal_url(url: object) -> str | None:
    """The URL as two people may write it for the same page: without scheme, `www.`, fragment
    and trailing slash, the host in lower case."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.I).split("#")[0]
    host, slash, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return (host + slash + rest).rstrip("/")


def _normal_doi(doi: object) -> str | None:
    if not isinstance(doi, str) or not doi.strip():
        return None
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip().lower())


def _identities(record: dict) -> list[tuple[str, str]]:
    """What makes two records the same work: a URL (a doi.org URL also names a DOI) or a DOI."""
    url, doi = _normal_url(record.get("URL")), _normal_doi(record.get("DOI"))
    found = [("URL", url)] if url else []
    if url and re.match(r"(dx\.)?doi\.org/", url):
        found.append(("DOI", _normal_doi("https://" + url)))
    if doi:
        found.append(("DOI", doi))
    return found


def _duplicate_of(record: dict, known: dict[tuple[str, str], str]) -> str | None:
    for identity in _identities(record):
        if identity in known:
            return f"same {identity[0]} as '{known[identity]}'"
    return None


def _remember(record: dict, source_id: str, known: dict[tuple[str, str], str]) -> None:
    for identity in _identities(record):
        known.setdefault(identity, source_id)


def _same_work(one: dict, other: dict) -> bool:
    if set(_identities(one)) & set(_identities(other)):
        return True
    return bool(one.get("title")) and (one.get("title"), one.get("issued")) == (
        other.get("title"), other.get("issued"))


def _key_word(text: object) -> str:
    """`Defensoría del Pueblo` -> `defensoriadelpueblo`: ASCII letters and digits, lower case."""
    if not isinstance(text, str):
        return ""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def key_base(record: dict) -> str:
    """A readable citation key in Better BibTeX's default shape: the first author's family name
    (or the organisation, or the publisher), the year, the first word of the title."""
    creator = ""
    for name in record.get("author") or []:
        if isinstance(name, dict):
            creator = _key_word(name.get("family") or name.get("literal"))
            break
    creator = creator or _key_word(record.get("publisher"))
    year = ""
    issued = record.get("issued")
    if isinstance(issued, dict) and isinstance(issued.get("date-parts"), list) and \
            issued["date-parts"] and isinstance(issued["date-parts"][0], list) and \
            issued["date-parts"][0]:
        year = _key_word(str(issued["date-parts"][0][0]))
    words = [_key_word(word) for word in str(record.get("title") or "").split()]
    words = [word for word in words if word]
    title = next((word for word in words if word not in _FUNCTION_WORDS), words[0] if words else "")
    return (creator[:40] + year + title[:20]) or "source"


def _suffixes():
    """"", "a", "b", ..., "z", "aa", "ab", ...: Better BibTeX's way of telling keys apart."""
    yield ""
    letters = "abcdefghijklmnopqrstuvwxyz"
    size = 1
    while True:
        for number in range(len(letters) ** size):
            suffix = ""
            for _ in range(size):
                number, index = divmod(number, len(letters))
                suffix = letters[index] + suffix
            yield suffix
        size += 1


def make_key(record: dict, library: dict[str, dict], taken: set[str]) -> str:
    """A key for a record the export gave none: stable (the same record gets the same key on
    every import, so a second import finds it unchanged) and unique (`amnesty2023annuala`)."""
    base = key_base(record)
    for suffix in _suffixes():
        key = base + suffix
        if key in taken:
            continue
        if key not in library or _same_work(library[key], record):
            return key


def _differing_fields(old: dict, new: dict) -> list[str]:
    return [name for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name)]


def format_record(record: dict, indent: str) -> str:
    """A record as the library files write it: two-space JSON, UTF-8 text, nested at `indent`."""
    return json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n" + indent)


def _indent_of(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    prefix = text[line_start:offset]
    return prefix if not prefix.strip() else "  "


class _FieldLines:
    """The line of every field of an imported JSON file, parsed only if a record is invalid."""

    def __init__(self, path: Path):
        self.path = path
        self.document: YamlDocument | None = None
        self.parsed = False

    def problems(self, error: ValidationError, index: int, line: int) -> list[Problem]:
        if not self.parsed and self.path.suffix.lower() == ".json":
            self.parsed = True
            try:  # JSON is YAML: the YAML loader knows the line of every field
                self.document = parse_yaml(read_text(self.path), self.path)
            except ReportkitError:
                self.document = None
        if self.document is None:
            return problems_from_validation(error, YamlDocument(self.path, None, {}, line), Source)
        return problems_from_validation(error, self.document, Source, (index,))


def _unreadable(record: ImportedRecord, index: int, import_path: Path) -> list[Problem]:
    """Why a record cannot be imported at all, before its fields are validated: what the reader
    could not read in it, or no JSON object, or no title."""
    if record.problems:
        return [Problem(message if record.value is None else
                        f"invalid {_label(index, record)}: {message}", import_path, record.line)
                for message in record.problems]
    if not isinstance(record.value, dict):
        return [Problem(f"record {index + 1} is not a JSON object", import_path, record.line,
                        CSL_HINT)]
    title = record.value.get("title")
    if not isinstance(title, str) or not title.strip():
        return [Problem(f"record {index + 1} has no title", import_path, record.line,
                        "give the item a title in Zotero and export it again")]
    return []


def _label(index: int, record: ImportedRecord) -> str:
    source_id = record.value.get("id") if isinstance(record.value, dict) else None
    return f"record {index + 1}" + (f" '{source_id}'" if isinstance(source_id, str) else "")


def plan_import(library_text: str, library_path: Path, records: list[ImportedRecord],
                import_path: Path, update: bool = False, keep_duplicates: bool = False
                ) -> tuple[str, list[Outcome], list[Problem]]:
    """The new text of sources.json, what happened to each imported record, and the invalid ones.

    Rules: a record without a citation key gets one made from it; an identical record is
    unchanged; the same id with other content is a conflict, left as it is unless `update`; a new
    id whose URL or DOI is already in the library (or earlier in the file) is a likely duplicate
    and is not imported unless `keep_duplicates`."""
    existing = _library_records(library_text, library_path)
    library = {record.value["id"]: record.value for record in existing}
    existing_lines = {record.value["id"]: record.line for record in existing}
    known: dict[tuple[str, str], str] = {}
    for record in existing:
        _remember(record.value, record.value["id"], known)

    outcomes: list[Outcome] = []
    problems: list[Problem] = []
    replacements: dict[str, dict] = {}  # existing id -> new record
    additions: dict[str, dict] = {}     # new id -> record
    seen: dict[str, int] = {}
    # Keys the export gives are taken first, so that a made key never takes one of them.
    taken = {record.value["id"] for record in records if record.has_key
             and isinstance(record.value, dict) and isinstance(record.value.get("id"), str)}
    field_lines = _FieldLines(import_path)
    for index, record in enumerate(records):
        line = record.line
        found = _unreadable(record, index, import_path)
        if found:
            problems.extend(found)
            outcomes.append(Outcome(INVALID, None, line, "; ".join(p.message for p in found)))
            continue
        value = dict(record.value)
        if not record.has_key:
            value["id"] = make_key(value, library, taken)
            taken.add(value["id"])
        source_id = value.get("id") if isinstance(value.get("id"), str) else None
        try:
            Source.model_validate(value)
        except ValidationError as error:
            label = _label(index, record)
            found = [Problem(f"invalid {label}: " + item.message.replace(f"[{index + 1}].", "", 1),
                             item.path, item.line, item.hint)
                     for item in field_lines.problems(error, index, line)]
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
        made = not record.has_key
        ignored = tuple(record.ignored)
        if source_id in library:
            if library[source_id] == value:
                outcomes.append(Outcome(UNCHANGED, source_id, line, made_key=made))
            elif update:
                replacements[source_id] = value
                outcomes.append(Outcome(UPDATED, source_id, line, made_key=made, ignored=ignored))
            else:
                differing = ", ".join(_differing_fields(library[source_id], value))
                outcomes.append(Outcome(
                    CONFLICT, source_id, line,
                    f"differs in {differing} from the record at {library_path.name}:"
                    f"{existing_lines[source_id]}; kept the library's (--update replaces it)",
                    made_key=made))
            continue
        duplicate = _duplicate_of(value, known)
        if duplicate and not keep_duplicates:
            outcomes.append(Outcome(DUPLICATE, source_id, line,
                                    f"likely duplicate: {duplicate}; not imported", made_key=made))
            continue
        additions[source_id] = value
        _remember(value, source_id, known)
        outcomes.append(Outcome(ADDED, source_id, line,
                                f"likely duplicate: {duplicate}; imported anyway" if duplicate else "",
                                made_key=made, ignored=ignored))
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
    """Merge an export into `country`'s sources.json. It is written once, atomically, only if
    something changed and every record was valid; the library is locked meanwhile, so that
    imports run at the same time each see the others' records."""
    if country not in available_countries(library_root):
        known = available_countries(library_root)
        raise ReportkitError(f"no country library '{country}' in {library_root}",
                             hint=f"available: {', '.join(known)}" if known else "pass --library DIR")
    records = read_export(import_path)
    sources_path = library_root / country / "sources.json"
    with locked_folder(sources_path.parent):
        if sources_path.is_file():
            load_sources(sources_path)  # the library file must be valid before it is merged into
            library_text = read_text(sources_path)
        else:
            library_text = "[]\n"
        new_text, outcomes, problems = plan_import(library_text, sources_path, records,
                                                   import_path, update, keep_duplicates)
        written = new_text != library_text and not problems
        if written:
            write_atomically(sources_path, new_text.encode("utf-8"), force=True)
    return ImportResult(sources_path, written, outcomes, problems)
