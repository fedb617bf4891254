"""Where a protected name was found: in the library text a report uses, in the finished report
(what a reader sees), and whether the case's confirmations (`anonymity_allow`) and surname name
real text. What counts as the name appearing is `anonymise`'s one definition."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from reportkit.anonymise import (
    CASE,
    LIBRARY,
    SHARED,
    Anonymiser,
    Match,
    folded,
    mask,
    name_parts,
)
from reportkit.errors import Problem, ReportkitError


@dataclass(frozen=True)
class Leak:
    """A protected name found where it must not be: masked, with where it came from."""

    where: str                 # "library section 'police'", "source 'ombudsman-2023'", ...
    excerpt: str               # the line, with the name masked
    path: Path | str | None = None
    line: int | None = None

    def problem(self) -> Problem:
        return Problem(f"{self.where} names the applicant or a protected person: \"{self.excerpt}\"",
                       self.path, self.line,
                       "library text is shared between cases: describe the profile and keep facts "
                       "about this person in the case file; if the text is about someone else who "
                       "shares the name, confirm it in the case under anonymity_allow")


def _excerpt(line: str, found: list[Match], width: int = 100) -> str:
    if len(line) <= width:
        return line.strip()
    start = max(0, found[0].start - width // 2)
    return ("..." if start else "") + line[start:start + width].strip() + "..."


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _allowed_for(loaded, source_id: str) -> list[str]:
    return [entry.text for entry in loaded.case.anonymity_allow if entry.id == source_id]


def library_leaks(anonymiser: Anonymiser, loaded, library, sections) -> list[Leak]:
    """Library text this report uses that names a protected person: the selected library sections,
    the chronology entries for the applicant's profiles, and the sources those cite."""
    from reportkit.crossref import cited_keys_at  # crossref uses this module's checks
    from reportkit.select import serves

    found: list[Leak] = []
    cited: dict[str, None] = {}

    def scan(text: str, where: str, path, line: int, allowed: list[str], markdown: bool = True):
        for number, piece in enumerate(text.splitlines() or [text], line):
            matches = anonymiser.find(piece, LIBRARY, markdown, allowed)
            if matches:
                found.append(Leak(where, _excerpt(mask(piece, matches), matches), path, number))

    def cites(markdown: str, path, line: int) -> None:
        cited.update((key, None) for key, _ in cited_keys_at(markdown, str(path), line))

    for section in sections:
        if section.path == loaded.path:
            continue  # the case's own sections are case text, scrubbed
        allowed = _allowed_for(loaded, section.id)
        scan(section.meta.title, f"library section '{section.id}' (title)", section.path, 1, allowed)
        scan(section.body, f"library section '{section.id}'", section.path, section.body_line, allowed)
        cites(section.body, section.path, section.body_line)
        if section.meta.summary:  # printed instead of the body when a report must be shorter
            line = section.summary_line or 1
            scan(section.meta.summary, f"library section '{section.id}' (summary)", section.path,
                 line, allowed)
            cites(section.meta.summary, section.path, line)
    profiles = set(loaded.case.applicant.profiles)
    for item in library.chronology:
        if serves(item.entry.profiles, profiles):
            scan(item.entry.text, "library chronology entry", item.path, item.line,
                 _allowed_for(loaded, "chronology"))
            cites(item.entry.text, item.path, item.line)
    for key in cited:
        source = library.sources.get(key)
        if source is None:
            continue
        allowed = _allowed_for(loaded, key)
        for text in _strings(source.model_dump(mode="json", by_alias=True)):
            scan(text, f"source '{key}'", library.sources_path, library.source_lines.get(key, 1),
                 allowed, markdown=False)
    return found


def surname_problems(loaded) -> list[Problem]:
    """`applicant.surname` must be words of `applicant.name`: a misspelt one would protect
    nothing."""
    applicant = loaded.case.applicant
    if not (applicant.surname or "").strip():
        return []
    parts = name_parts(applicant.name)
    stray = [part for part in name_parts(applicant.surname) if part not in parts]
    if name_parts(applicant.surname) and not stray:
        return []
    return [Problem("applicant.surname must be the family name(s) as applicant.name writes them",
                    loaded.path, loaded.line_of("applicant", "surname"),
                    "copy the surname(s) from the name, e.g. name: \"Rosa Quispe Mamani\", "
                    "surname: \"Quispe Mamani\"")]


def allow_problems(loaded, library) -> list[Problem]:
    """Each `anonymity_allow` entry must name library text that exists: never ignored."""
    problems = []
    for index, entry in enumerate(loaded.case.anonymity_allow):
        line = loaded.line_of("anonymity_allow", index)
        if entry.id in library.sections:
            section = library.sections[entry.id]
            texts = [section.meta.title, section.body, section.meta.summary or ""]
        elif entry.id in library.sources:
            texts = list(_strings(library.sources[entry.id].model_dump(mode="json", by_alias=True)))
        elif entry.id == "chronology":
            texts = [item.entry.text for item in library.chronology]
        else:
            problems.append(Problem(f"anonymity_allow names '{entry.id}', which is neither a section "
                                    f"nor a source of the library", loaded.path, line,
                                    "give the id of the library section or source that holds the text"))
            continue
        wanted = folded(entry.text, markdown=True)
        if not any(wanted.strip() and wanted in folded(text, markdown=True) for text in texts):
            problems.append(Problem(f"anonymity_allow: '{entry.id}' does not contain the text given",
                                    loaded.path, line, "copy the text exactly as the library writes it"))
    return problems


def document_leaks(anonymiser: Anonymiser, document, record: str, case_texts: list[str]) -> list[Leak]:
    """The finished report, as a reader sees it: every paragraph, heading, table, footnote, link
    address, the document properties and the provenance record. What came from the case (the
    answers and the case's own sections, as regions of the report, and `case_texts`) is also
    searched for any single name part."""
    from reportkit.document import (
        Footnote,
        Heading,
        Link,
        Paragraph,
        Region,
        SourcesList,
        Table,
    )
    from reportkit.walk import plain_text, query

    found: list[Leak] = []
    seen: set[str] = set()

    def scan(text: str, where: str, scope: str = SHARED, origin=None, markdown: bool = False):
        for piece in text.splitlines() or [text]:
            matches = anonymiser.find(piece, scope, markdown)
            excerpt = _excerpt(mask(piece, matches), matches) if matches else ""
            if matches and (where, excerpt) not in seen:
                seen.add((where, excerpt))
                found.append(Leak(where, excerpt, origin.path if origin else None,
                                  origin.line if origin else None))

    for block in query(document, (Heading, Paragraph, Table, SourcesList)):
        scan(plain_text(block), "the report text", origin=getattr(block, "origin", None))
    for note in query(document, Footnote):
        scan(plain_text(note.content), f"footnote {note.number}")
    for link in query(document, Link):
        scan(link.url, "a link address")
    metadata = document.metadata
    for label, value in [("title", metadata.title), ("author", metadata.author),
                         ("subject", metadata.subject), ("keywords", metadata.keywords),
                         *metadata.properties]:
        scan(value, f"the document property {label}")
    scan(record, "the provenance record")
    for region in query(document, Region):
        if region.kind != "library_section":
            scan(plain_text(region.blocks, "\n"), f"the case's text in the report ({region.kind} {region.id})", CASE)
    for text in case_texts:
        scan(text, "case text in the report", CASE)
    return found


def refuse_named(anonymiser: Anonymiser, inputs, sections, document, markdown: str, record: str,
                 case_texts: list[str]) -> None:
    """The last step of an anonymised build: raise if the report, its Markdown or its record
    would still name a protected person. Nothing has been written yet."""

    leaks = library_leaks(anonymiser, inputs.loaded, inputs.library, sections)
    if not leaks:
        leaks = document_leaks(anonymiser, document, record, case_texts)
        leaks += [Leak("the report's Markdown", _excerpt(mask(line, found), found))
                  for line in markdown.splitlines()
                  if (found := anonymiser.find(line, SHARED, markdown=True))]
    if leaks:
        problems = [leak.problem() for leak in leaks]
        raise ReportkitError.from_problems(problems[:1] + [
            Problem(problem.message, problem.path, problem.line) for problem in problems[1:]])
