"""How each source was consulted: first hand (an access date), second hand (`cited_in`), or not
recorded; the summary the methodology paragraph prints, and the refusal of `build --final`."""

from __future__ import annotations

from typing import Iterable

from reportkit.errors import Problem
from reportkit.models import Source


def consulted(source: Source) -> bool:
    """The expert opened the source: it records when."""
    return source.accessed is not None


def unrecorded(source: Source) -> bool:
    """Neither an access date nor the source it is known through: how it was read is unknown."""
    return source.accessed is None and source.cited_in is None


def with_citing_sources(keys: Iterable[str], sources: dict[str, Source]) -> list[str]:
    """The keys, in order, each followed by the sources through which it is known."""
    found: dict[str, None] = {}
    for key in keys:
        while key in sources and key not in found:
            found[key] = None
            cited_in = sources[key].cited_in
            key = cited_in.key if cited_in is not None else ""
    return list(found)


def evidence_summary(keys: Iterable[str], sources: dict[str, Source]) -> dict:
    """Counts for the methodology paragraph, from the source records a report cites."""
    cited = [sources[key] for key in with_citing_sources(keys, sources) if key in sources]
    citing = {source.cited_in.key for source in cited if source.cited_in and not consulted(source)}
    return {
        "total": len(cited),
        "consulted": sum(1 for source in cited if consulted(source)),
        "second_hand": sum(1 for source in cited if not consulted(source) and source.cited_in),
        "unrecorded": sum(1 for source in cited if unrecorded(source)),
        "archived": sum(1 for source in cited if source.archive is not None),
        "citing": len(citing),
    }


def unrecorded_access_problems(keys: Iterable[str], sources: dict[str, Source],
                               sources_path, source_lines: dict[str, int]) -> list[Problem]:
    """What `build --final` refuses: a cited source with neither an access date nor `cited_in`."""
    return [Problem(f"source '{key}' records neither when it was accessed nor where it is cited "
                    f"(cited_in)", sources_path, source_lines.get(key),
                    "add \"accessed\" if you consulted it, or \"cited_in\": {\"key\": ..., "
                    "\"locator\": \"n 9\"} naming the source you read it in")
            for key in keys if key in sources and unrecorded(sources[key])]
