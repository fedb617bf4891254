"""Load a country library: country.yaml, profiles.yaml, sources.json, sections/*.md, chronology."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from reportkit.errors import Problem, ReportkitError
from reportkit.load.files import parse_json
from reportkit.load.yaml_file import YamlDocument, load_yaml, parse_yaml, read_text
from reportkit.models import ChronologyEntry, CountryInfo, Profile, SectionMeta, Source
from reportkit.validate import problems_from_validation, validate_document

# What record_spans looks at in JSON text: a string (whole, or to the end when unclosed), a
# bracket, a line break.
_JSON_MARKS = re.compile(r'"(?:[^"\\]|\\.)*"?|[][{}\n]', re.S)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)


@dataclass(frozen=True)
class Section:
    """A library section: front matter plus a Markdown/Jinja body that starts at `body_line`."""

    meta: SectionMeta
    body: str
    path: Path
    body_line: int
    front: YamlDocument | None = None  # the front matter, for the line of each field

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def summary_line(self) -> int | None:
        """Where the front matter's `summary:` text starts (None without a summary)."""
        if self.meta.summary is None:
            return None
        return self.front.text_line(("summary",)) if self.front is not None else self.body_line


@dataclass(frozen=True)
class ChronologyItem:
    entry: ChronologyEntry
    path: Path
    line: int


@dataclass(frozen=True)
class Library:
    root: Path
    country: str
    info: CountryInfo
    profiles: dict[str, Profile]
    sources: dict[str, Source]
    source_lines: dict[str, int]
    sources_path: Path
    sections: dict[str, Section]
    chronology: list[ChronologyItem] = field(default_factory=list)

    @property
    def country_dir(self) -> Path:
        return self.root / self.country


def available_countries(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(child.name for child in root.iterdir() if (child / "country.yaml").is_file())


def load_profiles(root: Path) -> dict[str, Profile]:
    path = root / "profiles.yaml"
    document = load_yaml(path)
    if not isinstance(document.data, dict):
        raise ReportkitError("expected a mapping of profile ids to definitions", path=path, line=1)
    profiles = {}
    problems = []
    for profile_id, value in document.data.items():
        try:
            profiles[profile_id] = validate_document(Profile, document, value, (profile_id,))
        except ReportkitError as error:
            problems.extend(error.problems)
    if problems:
        raise ReportkitError.from_problems(problems)
    return profiles


def load_sources(path: Path) -> tuple[dict[str, Source], dict[str, int]]:
    text = read_text(path)
    records = parse_json(text, path, hint="a CSL-JSON file is a list of records: [ {...}, {...} ]")
    if not isinstance(records, list):
        raise ReportkitError("expected a CSL-JSON list of records", path=path, line=1)
    lines = [line for _, _, line in record_spans(text)]
    sources: dict[str, Source] = {}
    source_lines: dict[str, int] = {}
    problems = []
    for index, record in enumerate(records):
        line = lines[index] if index < len(lines) else 1
        try:
            source = Source.model_validate(record)
        except ValidationError as error:
            document = YamlDocument(path, record, {}, line)
            problems.extend(problems_from_validation(error, document, Source))
            continue
        if source.id in sources:
            problems.append(Problem(f"duplicate source id '{source.id}'", path, line,
                                    f"first defined at line {source_lines[source.id]}"))
            continue
        sources[source.id] = source
        source_lines[source.id] = line
    if problems:
        raise ReportkitError.from_problems(problems)
    return sources, source_lines


def record_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, line) of every top-level object or list in a JSON list: where each record of
    sources.json opens and closes, so problems can name its line and edits can leave others be."""
    spans, depth, line = [], 0, 1
    start = start_line = 0
    for match in _JSON_MARKS.finditer(text):
        mark = match.group()
        if mark[0] == '"':
            line += mark.count("\n")
        elif mark == "\n":
            line += 1
        elif mark in "[{":
            depth += 1
            if depth == 2:
                start, start_line = match.start(), line
        else:
            depth -= 1
            if depth == 1:
                spans.append((start, match.end(), start_line))
    return spans


def split_front_matter(text: str, path: Path) -> tuple[YamlDocument, str, int]:
    """Return the front matter, the body and the (1-based) line on which the body starts."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ReportkitError("missing YAML front matter", path=path, line=1,
                             hint="start the file with a '---' line, the fields, then '---'")
    front = parse_yaml(match.group(1), path, line_offset=1)
    body_line = text.count("\n", 0, match.end()) + 1
    return front, text[match.end():], body_line


def load_section(path: Path) -> Section:
    front, body, body_line = split_front_matter(read_text(path), path)
    meta = validate_document(SectionMeta, front)
    return Section(meta, body, path, body_line, front)


def load_chronology(path: Path) -> list[ChronologyItem]:
    if not os.path.lexists(path):  # optional; but a pipe or folder of that name is an error
        return []
    document = load_yaml(path)
    if document.data is None:
        return []
    if not isinstance(document.data, list):
        raise ReportkitError("expected a list of dated events", path=path, line=1)
    items, problems = [], []
    for index, value in enumerate(document.data):
        try:
            entry = validate_document(ChronologyEntry, document, value, (index,))
            items.append(ChronologyItem(entry, path, document.line_of((index,))))
        except ReportkitError as error:
            problems.extend(error.problems)
    if problems:
        raise ReportkitError.from_problems(problems)
    return items


NO_COUNTRY_LIBRARY = "no-country-library"   # Problem.code: the library folder has no such country


def load_library(root: Path, country: str) -> Library:
    """Load and check the shape of one country's library. Cross-references are checked later."""
    country_dir = root / country
    if not (country_dir / "country.yaml").is_file():
        known = available_countries(root)
        raise ReportkitError(
            f"no country library '{country}' in {root}", path=country_dir / "country.yaml",
            hint=f"available: {', '.join(known)}" if known else "pass --library DIR",
            code=NO_COUNTRY_LIBRARY)
    info = validate_document(CountryInfo, load_yaml(country_dir / "country.yaml"))
    profiles = load_profiles(root)
    sources_path = country_dir / "sources.json"
    sources, source_lines = (load_sources(sources_path) if os.path.lexists(sources_path)
                             else ({}, {}))
    sections: dict[str, Section] = {}
    problems = []
    for path in sorted((country_dir / "sections").glob("*.md")):
        try:
            section = load_section(path)
        except ReportkitError as error:
            problems.extend(error.problems)
            continue
        if section.id in sections:
            problems.append(Problem(f"duplicate section id '{section.id}'", path, 2,
                                    f"also used by {sections[section.id].path.name}"))
            continue
        sections[section.id] = section
    chronology = load_chronology(country_dir / "chronology.yaml")
    if problems:
        raise ReportkitError.from_problems(problems)
    from reportkit.parse.markdown import keep_parsed

    # For build and check alike: the sections, and the chronology's texts.
    keep_parsed([*(section.path for section in sections.values()), country_dir / "chronology.yaml"])
    return Library(root, country, info, profiles, sources, source_lines, sources_path,
                   sections, chronology)
