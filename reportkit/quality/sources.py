"""Checks on sources.json: missing fields, dates out of order or out of date, unused, duplicated."""

from __future__ import annotations

import re
from typing import Iterator

from reportkit.models import Source
from reportkit.quality.dates import earliest, latest, months_before, shown
from reportkit.quality.findings import CheckContext, Hit


def _where(context: CheckContext, source: Source) -> tuple:
    return context.library.sources_path, context.library.source_lines.get(source.id)


def missing_fields(context: CheckContext) -> Iterator[Hit]:
    """One hit per missing field; an access date is asked for only when there is a URL."""
    locators = context.config.offline_locators
    for source in context.library.sources.values():
        extra = source.model_extra or {}
        missing = []
        if not (source.publisher or source.author):
            missing.append(("publisher or author", "add \"publisher\" or \"author\": [{\"literal\": \"...\"}]"))
        if not source.title:
            missing.append(("title", None))
        if not (source.issued and (source.issued.parts() or source.issued.literal or source.issued.raw)):
            missing.append(("issued date", "add \"issued\": {\"date-parts\": [[YYYY, M, D]]}; "
                                            "write the year alone if that is all that is known"))
        if not (source.URL or any(getattr(source, name, None) or extra.get(name) for name in locators)):
            missing.append(("URL or offline locator",
                            f"add \"URL\", or one of {', '.join(locators)} so a reader can find it"))
        if source.URL and not source.accessed and not source.cited_in:
            missing.append(("access date", "add \"accessed\": {\"date-parts\": [[YYYY, M, D]]}"))
        for name, hint in missing:
            yield Hit(f"source '{source.id}' has no {name}", *_where(context, source), hint)


def unrecorded_access(context: CheckContext) -> Iterator[Hit]:
    """A source with neither an access date nor `cited_in`: the report could not say truthfully
    whether the expert read it or only read of it."""
    from reportkit.evidence import unrecorded

    for source in context.library.sources.values():
        if unrecorded(source):
            yield Hit(f"source '{source.id}' records neither when it was accessed nor where it is "
                      f"cited (cited_in)", *_where(context, source),
                      "add \"accessed\" only if you consulted it; if you know it from another "
                      "source, add \"cited_in\": {\"key\": \"<that source's id>\", "
                      "\"locator\": \"n 9\"}")


def date_order(context: CheckContext) -> Iterator[Hit]:
    as_of = context.as_of
    label = "the report date" if context.case else "today"
    for source in context.library.sources.values():
        issued, accessed = source.issued, source.accessed
        if earliest(issued) and latest(accessed) and earliest(issued) > latest(accessed):
            yield Hit(f"source '{source.id}' was issued ({shown(issued)}) after it was accessed "
                      f"({shown(accessed)})", *_where(context, source), "correct one of the two dates")
        if earliest(accessed) and earliest(accessed) > as_of:
            yield Hit(f"source '{source.id}' was accessed ({shown(accessed)}) after {label} "
                      f"({as_of.isoformat()})", *_where(context, source),
                      "a report can rely only on what was read before it was written")
        elif earliest(issued) and earliest(issued) > as_of:
            yield Hit(f"source '{source.id}' was issued ({shown(issued)}) after {label} "
                      f"({as_of.isoformat()})", *_where(context, source))


def old_sources(context: CheckContext) -> Iterator[Hit]:
    years = context.config.thresholds.source_age_years
    for source in _dated_before(context, months_before(context.as_of, 12 * years),
                                lambda source: source.issued):
        yield Hit(f"source '{source.id}' was issued {shown(source.issued)}, more than {years} "
                  f"years before {context.as_of.isoformat()}", *_where(context, source),
                  "look for a more recent source, or say in the text why this one still holds")


def stale_access(context: CheckContext) -> Iterator[Hit]:
    months = context.config.thresholds.access_age_months
    for source in _dated_before(context, months_before(context.as_of, months),
                                lambda source: source.accessed):
        yield Hit(f"source '{source.id}' was last accessed {shown(source.accessed)}, more than "
                  f"{months} months before {context.as_of.isoformat()}", *_where(context, source),
                  "open the link again, check the text still says the same, and update \"accessed\"")


def _dated_before(context: CheckContext, cutoff, date_of) -> Iterator[Source]:
    """The sources whose date (`date_of`; its latest possible day) is before `cutoff`."""
    for source in context.library.sources.values():
        date = latest(date_of(source))
        if date and date < cutoff:
            yield source


def unused_sources(context: CheckContext) -> Iterator[Hit]:
    cited = {key for unit in context.units for key in unit.keys}
    for source in context.library.sources.values():
        if source.id not in cited:
            yield Hit(f"source '{source.id}' is not cited by any section or chronology entry",
                      *_where(context, source), "cite it where it supports a claim, or remove it")


def _url_key(url: str) -> str:
    url = re.sub(r"^https?://(www\.)?", "", url.strip().lower())
    return url.rstrip("/")


def _doi_key(doi: str) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip().lower())


def duplicate_sources(context: CheckContext) -> Iterator[Hit]:
    seen: dict[tuple[str, str], Source] = {}
    lines = context.library.source_lines
    for source in context.library.sources.values():
        keys = []
        if source.URL:
            keys.append(("URL", _url_key(source.URL)))
        if source.DOI:
            keys.append(("DOI", _doi_key(source.DOI)))
        for kind, value in keys:
            first = seen.setdefault((kind, value), source)
            if first is not source:
                yield Hit(f"source '{source.id}' has the same {kind} as '{first.id}' "
                          f"(line {lines.get(first.id)})", *_where(context, source),
                          "keep one record and cite it with different locators (p. 3, para 12)")
                break
