"""Read-only views of country libraries for the listing commands: citations as text, sources."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from functools import lru_cache

from reportkit.cite import CitationStyle, reference_text
from reportkit.errors import ReportkitError
from reportkit.load.library import Library, available_countries, load_library
from reportkit.models import Source
from reportkit.parse.syntax import make_parser

LISTING_TEMPLATE_SET = "uk"  # the listings write references in the bundled UK set's style


@lru_cache(maxsize=1)
def listing_style() -> CitationStyle:
    from reportkit.load.templates import load_template_set
    from reportkit.paths import template_search_path
    return load_template_set(LISTING_TEMPLATE_SET, template_search_path()[-1:]).citation_style


def load_libraries(root: Path, country: str | None) -> list[Library]:
    """One country's library, or every country's in the library folder."""
    known = available_countries(root)
    if country is not None and country not in known:
        raise ReportkitError(f"unknown country '{country}' in {root}",
                             hint=f"available: {', '.join(known)}" if known else "pass --library DIR")
    if not known:
        raise ReportkitError(f"no country library in {root}", hint="pass --library DIR")
    return [load_library(root, name) for name in ([country] if country else known)]


def did_you_mean(name: str, known: list[str]) -> str:
    """A hint for an unknown name: the closest known ones, or the whole list if it is short."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{item}'" for item in close) + "?"
    if not known:
        return "there are none"
    shown = ", ".join(sorted(known)[:20])
    return f"available: {shown}" + (f" (and {len(known) - 20} more)" if len(known) > 20 else "")


def library_holding(libraries: list[Library], kind: str, key: str) -> Library:
    """The one library whose `kind` ("sections" or "sources") has `key`."""
    holding = [item for item in libraries if key in getattr(item, kind)]
    if not holding:
        known = sorted({name for item in libraries for name in getattr(item, kind)})
        raise ReportkitError(f"no {kind[:-1]} '{key}'", hint=did_you_mean(key, known))
    if len(holding) > 1:
        raise ReportkitError(f"several countries have a {kind[:-1]} '{key}'",
                             hint="choose one with --country "
                                  + " or --country ".join(item.country for item in holding))
    return holding[0]


@dataclass(frozen=True)
class CitationMark:
    """One `[...]` citation of a section body: its text between the brackets and its items."""

    body: str
    items: tuple[dict, ...]


def citation_marks(markdown: str) -> list[CitationMark]:
    """Every citation of a Markdown body, in reading order, found by the report's own parser."""
    marks = []
    for token in make_parser().parse(markdown):
        for child in token.children or ():
            if child.type == "citation":
                marks.append(CitationMark(child.content, tuple(child.meta["items"])))
    return marks


def short_reference_text(source: Source, locator: str = "") -> str:
    """"Creator, *Short title* (date), locator": enough to know the source while reading."""
    return reference_text(listing_style(), "listing", source, locator)


def full_reference_text(source: Source) -> str:
    return reference_text(listing_style(), "bibliography", source)


@dataclass(frozen=True)
class ResolvedSection:
    text: str
    cited: list[str]          # ids of known sources, in order of first citation
    unknown: list[str]        # citation keys that the library does not hold


def resolve_citation_text(markdown: str, sources: dict[str, Source]) -> ResolvedSection:
    """Replace each `[@key, p. 3]` with `[Creator, *Short title* (date), p. 3]`."""
    cited: dict[str, None] = {}
    unknown: dict[str, None] = {}
    pieces, cursor = [], 0
    for mark in citation_marks(markdown):
        written = f"[{mark.body}]"
        position = markdown.find(written, cursor)
        if position < 0:  # a citation broken over lines inside a list or quote: leave it as it is
            continue
        references = []
        for item in mark.items:
            source = sources.get(item["key"])
            if source is None:
                unknown.setdefault(item["key"])
                reference = f"@{item['key']} (unknown source)"
            else:
                cited.setdefault(item["key"])
                reference = short_reference_text(source, item["locator"])
            references.append(f"{item['prefix']} {reference}".strip())
        pieces += [markdown[cursor:position], "[" + "; ".join(references) + "]"]
        cursor = position + len(written)
    pieces.append(markdown[cursor:])
    return ResolvedSection("".join(pieces), list(cited), list(unknown))


def citation_count(markdown: str) -> int:
    """How many sources a body cites, counting `[@a; @b]` as two and repeats each time."""
    return sum(len(mark.items) for mark in citation_marks(markdown))
