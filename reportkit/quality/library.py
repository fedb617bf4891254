"""Checks on library text: citations, currency of review, figures, media-only claims, wording."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from reportkit.anonymise import fold
from reportkit.crossref import citation_problems
from reportkit.models import Source
from reportkit.quality.dates import months_before
from reportkit.quality.findings import CheckContext, Hit
from reportkit.quality.text import line_of, unquoted
from reportkit.select import serves


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def uncited_paragraphs(context: CheckContext) -> Iterator[Hit]:
    for unit in context.text_units:
        if unit.keys or unit.lead_in or unit.silences("L001"):
            continue
        yield Hit(f"{unit.kind} has no citation: \"{_excerpt(unit.text)}\"", unit.path, unit.line,
                  "cite the source as [@key]; if the paragraph states no fact (a link between "
                  "sections, say), end it with {# noqa: L001 #}")


def unknown_citations(context: CheckContext) -> Iterator[Hit]:
    library = context.library
    for section in library.sections.values():
        for problem in citation_problems(library, section.body, str(section.path), section.body_line):
            yield Hit(problem.message, problem.path, problem.line, problem.hint)
        if section.meta.summary is not None:
            for problem in citation_problems(library, section.meta.summary, str(section.path),
                                             section.summary_line or 1):
                yield Hit(problem.message, problem.path, problem.line, problem.hint)
    for item in library.chronology:
        for problem in citation_problems(library, item.entry.text, str(item.path), item.line):
            yield Hit(problem.message, problem.path, problem.line, problem.hint)


def stale_review(context: CheckContext) -> Iterator[Hit]:
    months = context.config.thresholds.review_age_months
    cutoff = months_before(context.as_of, months)
    for section in context.library.sections.values():
        reviewed = section.meta.last_reviewed
        if reviewed < cutoff:
            line = line_of(_lines(section.path), 1, 1, re.compile(r"^last_reviewed\s*:"))
            yield Hit(f"section '{section.id}' was last reviewed on {reviewed.isoformat()}, more "
                      f"than {months} months before {context.as_of.isoformat()}", section.path, line,
                      "check each paragraph against the latest sources, then update last_reviewed")


def publisher(source: Source) -> str:
    """Who stands behind a source: its publisher, else the outlet, else its authors."""
    if source.publisher or source.container_title:
        return source.publisher or source.container_title
    names = [author.display() for author in source.author]
    if len(names) > 2:
        return f"{names[0]} and {len(names) - 1} others"
    return " and ".join(names) or source.id


def _figure_pattern(context: CheckContext) -> re.Pattern:
    figures = context.config.figures
    number_words = "|".join(re.escape(word) for word in figures.number_words)
    number = r"(?<![\w.,])(?:\d{1,3}(?:[,.\u202f ]\d{3})+|\d+(?:\.\d+)?%?"
    number += f"|{number_words})" if number_words else ")"
    nouns = "|".join(re.escape(noun) for noun in figures.nouns)
    between = r"(?:\s+[\w'’-]+){0,%d}?" % figures.max_words_between
    return re.compile(rf"{number}{between}\s+(?:{nouns})\b", re.I)


_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def single_source_figures(context: CheckContext) -> Iterator[Hit]:
    pattern = _figure_pattern(context)
    nouns = [noun.lower() for noun in context.config.figures.nouns]
    # Each source's publisher, and the same folded for comparison, worked out once.
    publishers = {key: (fold(publisher(source)).strip(), publisher(source))
                  for key, source in context.library.sources.items()}
    for unit in context.text_units:
        if not unit.keys or unit.silences("L004"):
            continue
        behind = dict(publishers[key] for key in unit.keys if key in publishers)
        if len(behind) != 1:
            continue
        text = unit.text.lower()
        if not any(noun in text for noun in nouns):  # a figure ends in one of the nouns
            continue
        figures = [match.group() for match in pattern.finditer(unit.text)
                   if not _YEAR.match(match.group().split()[0])]
        if figures:
            yield Hit(f"single-source figure: \"{figures[0]}\" rests on one publisher "
                      f"({behind.popitem()[1]})", unit.path, unit.line,
                      "cite a second, independent source for the figure, or say whose count it is "
                      "and why it is the best available")


def media_only_claims(context: CheckContext) -> Iterator[Hit]:
    media = set(context.config.media_types)
    sources = context.library.sources
    for unit in context.text_units:
        known = [sources[key] for key in dict.fromkeys(unit.keys) if key in sources]
        if not known or unit.silences("L005") or not all(source.type in media for source in known):
            continue
        yield Hit(f"claim rests only on media sources ({', '.join(s.id for s in known)})",
                  unit.path, unit.line,
                  "add a report from a monitoring body, NGO or official source that confirms it, "
                  "or attribute it to the outlet in the text")


def advocacy_wording(context: CheckContext) -> Iterator[Hit]:
    words = context.config.advocacy_words
    if not words:
        return
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(word) for word in words) + r")(?!\w)", re.I)
    lowered = [word.lower() for word in words]
    for unit in context.text_units:
        if unit.quoted or unit.silences("L006"):
            continue
        text = unit.text.lower()
        if not any(word in text for word in lowered):  # none of the words anywhere: no match
            continue
        for word in dict.fromkeys(match.group().lower() for match in pattern.finditer(unquoted(unit.text))):
            line = line_of(_lines(Path(unit.path)), 1, unit.line,
                           re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I))
            yield Hit(f"advocacy or emotive wording: '{word}'", unit.path, line,
                      "describe what the sources report in neutral terms; a word the source itself "
                      "uses can stay inside quotation marks, attributed")


def identifying_data(context: CheckContext) -> Iterator[Hit]:
    """Library text of this applicant's report that `build --anonymise` would refuse (the same
    search), and the applicant's date of birth or case reference in it."""
    from reportkit.leaks import library_leaks
    from reportkit.context import anonymiser_for

    loaded = context.case
    for leak in library_leaks(anonymiser_for(loaded, force=True), loaded, context.library,
                              context.selected):
        problem = leak.problem()
        yield Hit(problem.message, problem.path, problem.line, problem.hint)
    patterns = _identifying_patterns(loaded.case)
    files = [section.path for section in context.selected if section.path != loaded.path]
    files += list(dict.fromkeys(item.path for item in context.library.chronology))
    for path in dict.fromkeys(files):
        for number, text in enumerate(_lines(path), 1):
            folded = fold(text)
            for label, pattern in patterns:
                if pattern.search(folded):
                    yield Hit(f"library text contains the applicant's {label}", path, number,
                              "library text is shared between cases: describe the profile, and "
                              "keep facts about this person in the case file")


def _identifying_patterns(case) -> list[tuple[str, re.Pattern]]:
    patterns = []
    birth = case.applicant.date_of_birth
    if birth is not None:
        month = birth.strftime("%B").lower()
        forms = [birth.isoformat(), f"{birth.day} {month} {birth.year}", f"{month} {birth.day}, {birth.year}",
                 f"{birth.day:02d}/{birth.month:02d}/{birth.year}", f"{birth.month:02d}/{birth.day:02d}/{birth.year}",
                 f"{birth.day}/{birth.month}/{birth.year}"]
        patterns.append(("date of birth", re.compile("|".join(
            rf"(?<![\w/-]){re.escape(form)}(?![\w/-])" for form in dict.fromkeys(forms)))))
    patterns.append(("case reference", re.compile(rf"(?<!\w){re.escape(fold(case.reference))}(?!\w)")))
    return patterns


def missing_topics(context: CheckContext) -> Iterator[Hit]:
    required = context.config.required_topics
    library = context.library
    if context.case is not None:
        loaded = context.case
        groups = [(f"the sections selected for this case ({', '.join(loaded.case.applicant.profiles)})",
                   context.selected, loaded.path, loaded.line_of("applicant", "profiles"))]
    else:
        country = library.country_dir / "country.yaml"
        line = line_of(_lines(country), 1, 1, re.compile(r"^profiles\s*:"))
        groups = [(f"the sections for the profile '{profile}'",
                   [s for s in library.sections.values() if serves(s.meta.profiles, {profile})],
                   country, line) for profile in library.info.profiles]
    for label, sections, path, line in groups:
        covered = {topic for section in sections for topic in section.meta.topics}
        missing = [name for topic, name in required.items() if topic not in covered]
        if missing:
            yield Hit(f"{label} cover no {', no '.join(missing)}", path, line,
                      "add a section with `topics: [" + ", ".join(
                          topic for topic in required if topic not in covered) + "]` in its front matter, "
                      "or say in a section that the sources are silent on it")


def _excerpt(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")

