"""Cross-reference checks: a case against its library and template sets, a library against itself."""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

from reportkit.cite import UNKNOWN_CITATION_KEY
from reportkit.errors import Problem
from reportkit.leaks import allow_problems, surname_problems
from reportkit.load.case import ANSWER_SUFFIXES, LoadedCase, case_file_path
from reportkit.load.files import read_text
from reportkit.load.library import Library
from reportkit.parse import citations_in, parse_markdown
from reportkit.select import ALL_PROFILES
from reportkit.validate import unknown_name_problem


def library_problems(library: Library) -> list[Problem]:
    """Unknown profiles, unknown citation keys and unknown citing sources in the library."""
    problems = []
    known_profiles = set(library.profiles)
    for profile in library.info.profiles:
        if profile not in known_profiles:
            problems.append(Problem(f"country.yaml lists the profile '{profile}', which "
                                    f"profiles.yaml does not define",
                                    library.country_dir / "country.yaml", None,
                                    f"define it in {library.root / 'profiles.yaml'}"))
    for section in library.sections.values():
        for profile in section.meta.profiles:
            if profile != ALL_PROFILES and profile not in library.info.profiles:
                problems.append(Problem(
                    f"section '{section.id}' is for the profile '{profile}', which this library "
                    f"does not cover", section.path, None,
                    f"profiles here: {', '.join(library.info.profiles)}, or 'all'"))
        problems.extend(citation_problems(library, section.body, str(section.path), section.body_line))
    for item in library.chronology:
        problems.extend(citation_problems(library, item.entry.text, str(item.path), item.line))
    for source in library.sources.values():
        if source.cited_in is not None and (source.cited_in.key not in library.sources
                                            or source.cited_in.key == source.id):
            problems.append(Problem(
                f"source '{source.id}' is cited in '{source.cited_in.key}', which is not another "
                f"source of this library", library.sources_path,
                library.source_lines.get(source.id),
                "\"cited_in\" names the id of the source in which you read the reference"))
    return problems


def citation_problems(library: Library, markdown: str, path: str, first_line: int) -> list[Problem]:
    return [unknown_key_problem(key, library, path, line)
            for key, line in cited_keys_at(markdown, path, first_line) if key not in library.sources]


@lru_cache(maxsize=8192)
def cited_keys_at(markdown: str, path: str,
                  first_line: int) -> tuple[tuple[str, int | None], ...]:
    """Each key cited in `markdown` (starting on `first_line` of `path`), with its line, for a
    message that names the place: found once per process for each text (a library's are read by
    the build's cross-checks, the anonymity check and `check`'s L002). `parse.cited_keys` finds
    the keys alone, without parsing into blocks."""
    return tuple((item.key, citation.origin.line if citation.origin else None)
                 for citation in citations_in(parse_markdown(markdown, path, first_line - 1))
                 for item in citation.items)


def unknown_key_problem(key: str, library: Library, path: str, line: int | None) -> Problem:
    close = difflib.get_close_matches(key, list(library.sources), n=1)
    hint = f"did you mean '@{close[0]}'?" if close else \
        f"add a record with this id to {library.sources_path}"
    return Problem(f"unknown citation key '@{key}'", path, line, hint, code=UNKNOWN_CITATION_KEY)


def case_problems(loaded: LoadedCase, library: Library) -> list[Problem]:
    """Profiles and section overrides in the case that the library does not know."""
    case, document = loaded.case, loaded.document
    problems = []
    for index, profile in enumerate(case.applicant.profiles):
        if profile not in library.info.profiles:
            problems.append(unknown_name_problem("profile", profile, library.info.profiles,
                                                 document, ("applicant", "profiles", index)))
    known_sections = list(library.sections)
    overrides = case.sections
    for field in ("include", "exclude"):
        for index, section_id in enumerate(getattr(overrides, field)):
            if section_id not in library.sections:
                problems.append(unknown_name_problem("section", section_id, known_sections,
                                                     document, ("sections", field, index)))
    for index, replacement in enumerate(overrides.replace):
        if replacement.id not in library.sections:
            problems.append(unknown_name_problem("section", replacement.id, known_sections,
                                                 document, ("sections", "replace", index, "id")))
        problems.extend(citation_problems(library, replacement.body, str(loaded.path),
                                          loaded.text_line("sections", "replace", index, "body")))
    problems.extend(_duplicate_ids(loaded, "replace"))
    problems.extend(_duplicate_ids(loaded, "extra"))
    for index, extra in enumerate(overrides.extra):
        if extra.id in library.sections:
            problems.append(Problem(f"the extra section id '{extra.id}' is already a library section",
                                    document.path, document.line_of(("sections", "extra", index, "id")),
                                    "use sections.replace to stand in for a library section"))
        problems.extend(citation_problems(library, extra.body, str(loaded.path),
                                          loaded.text_line("sections", "extra", index, "body")))
    for index, question in enumerate(case.instructions.questions):  # answers cite the library
        if question.answer_file:
            path = case_file_path(document, question.answer_file,
                                  loaded.line_of("instructions", "questions", index, "answer_file"),
                                  ANSWER_SUFFIXES)
            problems.extend(citation_problems(library, question.answer, str(path), 1))
        else:
            problems.extend(citation_problems(
                library, question.answer, str(loaded.path),
                loaded.text_line("instructions", "questions", index, "answer")))
    problems.extend(allow_problems(loaded, library))  # anonymity_allow names real library text
    problems.extend(surname_problems(loaded))
    return problems


def _duplicate_ids(loaded: LoadedCase, field: str) -> list[Problem]:
    """Two entries of sections.replace (or .extra) with one id: neither may silently win."""
    first_index: dict[str, int] = {}
    problems = []
    for index, entry in enumerate(getattr(loaded.case.sections, field)):
        if entry.id in first_index:
            first_line = loaded.line_of("sections", field, first_index[entry.id], "id")
            problems.append(Problem(
                f"sections.{field} has the id '{entry.id}' twice", loaded.path,
                loaded.line_of("sections", field, index, "id"),
                f"first used at line {first_line}; merge the two, or give this one its own id"))
        else:
            first_index[entry.id] = index
    return problems


def part_problems(loaded: LoadedCase, library: Library, parts: list[str],
                  template_file: str) -> list[Problem]:
    """Every `part:` of a library section or a case's extra section is one the template set
    prints (template.yaml `parts:`); any other would be counted but never printed."""
    problems = []

    def hint(part: str) -> str:
        close = difflib.get_close_matches(part, parts, n=1)
        known = f"the parts {template_file} lists: {', '.join(parts)}"
        return f"did you mean '{close[0]}'? ({known})" if close else known

    for section in sorted(library.sections.values(), key=lambda item: str(item.path)):
        if section.meta.part not in parts:
            line = section.front.line_of(("part",)) if section.front else None
            problems.append(Problem(f"unknown part '{section.meta.part}'", section.path, line,
                                    hint(section.meta.part)))
    for index, extra in enumerate(loaded.case.sections.extra):
        if extra.part not in parts:
            problems.append(Problem(f"unknown part '{extra.part}'", loaded.path,
                                    loaded.line_of("sections", "extra", index, "part"),
                                    hint(extra.part)))
    return problems


def template_citation_problems(library: Library, template_folder: Path) -> list[Problem]:
    """Citation keys written in a template set's own files, each at its file and line (once
    rendered, a template's text is one report, whose lines are no longer the file's)."""
    from reportkit.parse.markdown import keep_parsed
    from reportkit.render import base_folder

    problems = []
    for top in (template_folder, base_folder(template_folder)):  # the set, and the base it extends
        folder = top.resolve()
        for path in sorted(top.rglob("*.j2")):
            if not path.resolve().is_relative_to(folder):
                continue  # never read through a link out of the set, as the renderer never does
            keep_parsed([path])  # a template's own text, read again by the next run
            problems.extend(citation_problems(library, read_text(path), str(path), 1))
    return problems
