"""Checks that tie the text to what the expert read: archived copies intact and present, every
quotation found in the archived copy of a source it cites, time-sensitive statements current."""

from __future__ import annotations

import difflib
import re
import shutil
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from reportkit.archive import (ARCHIVE_FOLDER, ArchiveUnreadable, archive_path, archived_text,
                               pages_of, sha256_of)
from reportkit.models import Source
from reportkit.quality.dates import months_before
from reportkit.quality.findings import CheckContext, Hit
from reportkit.quality.text import QUOTED, Unit

# ---------------------------------------------------------------- normalising text

_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                              "‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'"})
_DASHES = re.compile(r"\s*[-‐‑‒–—―−]\s*")
_LINE_END_HYPHEN = re.compile(r"(\w)[-‐‑]\s*\n\s*(\w)")
_SPACE = re.compile(r"\s+")
# An ellipsis or a bracketed insertion inside a quotation stands for words left out or changed.
_GAP = re.compile(r"\s*(?:\[[^\]]*\]|…|\.\s?\.\s?\.)\s*")


def normalise(text: str) -> str:
    """Compare as a reader would: quote marks, dashes, spacing and letter case do not matter."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    text = _DASHES.sub("-", text)
    return _SPACE.sub(" ", text).strip().casefold()


def _variants(text: str) -> tuple[str, ...]:
    """The text, and the text with words broken by a hyphen at a line end joined again."""
    joined = _LINE_END_HYPHEN.sub(r"\1\2", text)
    return (normalise(text),) if joined == text else (normalise(text), normalise(joined))


def _pieces(quotation: str) -> list[str]:
    pieces = [normalise(piece).strip(" .,;:") for piece in _GAP.split(quotation)]
    return [piece for piece in pieces if piece]


def found_in(quotation: str, texts: tuple[str, ...]) -> bool:
    """Every piece of the quotation, in order, in one of the normalised texts."""
    pieces = _pieces(quotation)
    for text in texts:
        position = 0
        for piece in pieces:
            position = text.find(piece, position)
            if position < 0:
                break
            position += len(piece)
        else:
            return True
    return False


def closest_passage(quotation: str, text: str) -> str:
    """The run of words in `text` most like the quotation (to show what the source says)."""
    wanted = normalise(quotation)
    words = _LINE_END_HYPHEN.sub(r"\1\2", text).split()
    size = max(len(quotation.split()), 1)
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    for start in range(0, max(len(words) - size, 0) + 1):
        window = " ".join(words[start:start + size])
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best


# ---------------------------------------------------------------- archived copies


@dataclass(frozen=True)
class Copy:
    """One source's archived copy on this machine, as the checks see it."""

    source: Source
    path: Path
    state: str  # "ok", "missing", "changed" or "unreadable"
    detail: str = ""


def _copies(context: CheckContext) -> dict[str, Copy]:
    cache = context.__dict__.setdefault("_archive_copies", {})
    if not cache:
        for source in context.library.sources.values():
            if source.archive is None:
                continue
            path = archive_path(context.library, source.archive)
            if not path.is_file():
                cache[source.id] = Copy(source, path, "missing")
            elif sha256_of(path) != source.archive.sha256:
                cache[source.id] = Copy(source, path, "changed")
            elif source.archive.media_type == "application/pdf" and shutil.which("pdftotext") is None:
                cache[source.id] = Copy(source, path, "unreadable",
                                        "pdftotext (poppler-utils) is not installed")
            else:
                cache[source.id] = Copy(source, path, "ok")
    return cache


@lru_cache(maxsize=64)
def _text_of(path: Path, media_type: str, pages: tuple[int, int] | None, size: int,
             mtime: float) -> tuple[str, tuple[str, ...]]:
    raw = archived_text(path, media_type, pages)
    return raw, _variants(raw)


def _where(context: CheckContext, source: Source) -> tuple:
    return context.library.sources_path, context.library.source_lines.get(source.id)


def archive_integrity(context: CheckContext) -> Iterator[Hit]:
    """S008: an archived copy whose content no longer matches the hash recorded for it."""
    for copy in _copies(context).values():
        if copy.state == "changed":
            yield Hit(f"the archived copy of '{copy.source.id}' ({ARCHIVE_FOLDER}/"
                      f"{copy.source.archive.path}) does not match its recorded SHA-256",
                      *_where(context, copy.source),
                      "the file changed after it was archived: restore the copy you read, or "
                      "archive it again with `reportkit sources archive --force`")


def archive_absent(context: CheckContext) -> Iterator[Hit]:
    """S009: a recorded archived copy that is not on this machine, or that this machine cannot
    read: its quotations are not checked."""
    for copy in _copies(context).values():
        if copy.state == "missing":
            yield Hit(f"the archived copy of '{copy.source.id}' ({ARCHIVE_FOLDER}/"
                      f"{copy.source.archive.path}) is not on this machine: quotations citing it "
                      f"are not verified here", *_where(context, copy.source),
                      f"put the copy in {copy.path.parent}, or run the check where it is kept")
        elif copy.state == "unreadable":
            yield Hit(f"the archived copy of '{copy.source.id}' ({ARCHIVE_FOLDER}/"
                      f"{copy.source.archive.path}) cannot be read here ({copy.detail}): "
                      f"quotations citing it are not verified here", *_where(context, copy.source),
                      "install poppler-utils, which provides pdftotext")


def _archives_for(context: CheckContext, key: str, seen: frozenset = frozenset()) -> list[Source]:
    """The archived sources a citation of `key` can be checked against: its own copy, else the
    copy of the source through which it is known (`cited_in`), and so on."""
    source = context.library.sources.get(key)
    if source is None or key in seen:
        return []
    if source.archive is not None:
        return [source]
    if source.cited_in is not None:
        return _archives_for(context, source.cited_in.key, seen | {key})
    return []


@dataclass(frozen=True)
class Quotation:
    unit: Unit
    text: str            # without its quotation marks
    line: int | None
    candidates: tuple[tuple[Source, str], ...]  # (archived source, locator of the citation)


def quotations(context: CheckContext) -> list[Quotation]:
    """Every quotation in library text (sections, their summaries, the chronology, and the case's
    own sections) that cites a source with an archived copy, directly or through `cited_in`."""
    from reportkit.quality.text import units_in

    found = []
    lines_cache: dict[str, list[str]] = {}
    summaries = [unit for section in context.library.sections.values()
                 if section.meta.summary and QUOTED.search(section.meta.summary)
                 for unit in units_in(section.meta.summary, section.path, section.summary_line or 1)]
    for unit in [*context.text_units, *summaries]:
        candidates: dict[str, tuple[Source, str]] = {}
        for index, key in enumerate(unit.keys):
            locator = unit.locators[index] if index < len(unit.locators) else ""
            direct = context.library.sources.get(key)
            for source in _archives_for(context, key):
                # A pinpoint belongs to the cited source itself, not to the one that cites it.
                candidates.setdefault(source.id, (source, locator if source is direct else ""))
        if not candidates:
            continue
        for match in QUOTED.finditer(unit.text):
            inner = match.group()[1:-1].strip()
            found.append(Quotation(unit, inner, _line_of(unit, inner, lines_cache),
                                   tuple(candidates.values())))
    return found


def _line_of(unit: Unit, quotation: str, cache: dict[str, list[str]]) -> int | None:
    """The line of the file on which the quotation starts (it may be wrapped over lines)."""
    if unit.line is None:
        return None
    if unit.path not in cache:
        try:
            cache[unit.path] = Path(unit.path).read_text(encoding="utf-8").splitlines()
        except OSError:
            cache[unit.path] = []
    lines = cache[unit.path]
    words = quotation.split()[:4]
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words)) if words else None
    text = "\n".join(lines[unit.line - 1:])
    match = pattern.search(text) if pattern else None
    return unit.line + text.count("\n", 0, match.start()) if match else unit.line


def unverified_quotations(context: CheckContext) -> Iterator[Hit]:
    """L009: a quotation whose words are not in the archived copy of any source it cites."""
    copies = _copies(context)
    if not any(copy.state == "ok" for copy in copies.values()):
        return  # no archived copy here to hold a quotation against (S008 and S009 say why)
    for quotation in quotations(context):
        if quotation.unit.silences("L009"):
            continue
        checked, closest = [], ""
        for source, locator in quotation.candidates:
            copy = copies.get(source.id)
            if copy is None or copy.state != "ok":
                continue  # reported once by S008 or S009
            pages = pages_of(locator) if source.archive.media_type == "application/pdf" else None
            try:
                stat = copy.path.stat()
                raw, variants = _text_of(copy.path, source.archive.media_type, pages,
                                         stat.st_size, stat.st_mtime)
            except (ArchiveUnreadable, OSError) as error:
                yield Hit(f"cannot read the archived copy of '{source.id}' to verify the "
                          f"quotation “{quotation.text}”: {error}", quotation.unit.path,
                          quotation.line, "restore a readable copy, or archive it again")
                checked = None
                break
            if found_in(quotation.text, variants):
                checked = None
                break
            where = f"'{source.id}'" + (f", {locator}" if pages else "")
            checked.append(where)
            closest = closest or closest_passage(quotation.text, raw)
        if checked:
            yield Hit(f"quotation “{quotation.text}” is not in the archived copy of "
                      f"{' or '.join(checked)}; closest passage: “{closest}”",
                      quotation.unit.path, quotation.line,
                      "quote the source word for word (an ellipsis … or [brackets] mark words "
                      "left out or changed), or cite the source that says it")


def stale_statements(context: CheckContext) -> Iterator[Hit]:
    """L010: a statement marked `as_of` more than statement_age_months before the report date."""
    months = context.config.thresholds.statement_age_months
    cutoff = months_before(context.as_of, months)
    for section in context.library.sections.values():
        as_of = section.meta.as_of
        if as_of and as_of < cutoff:
            yield Hit(f"section '{section.id}' states facts as of {as_of.isoformat()}, more than "
                      f"{months} months before {context.as_of.isoformat()}", section.path,
                      _front_matter_line(section.path, "as_of"),
                      "check the statement against current sources, then update it and its as_of")
    for item in context.library.chronology:
        as_of = item.entry.as_of
        if as_of and as_of < cutoff:
            words = re.sub(r"\s*\[[^\]]*@[^\]]*\]", "", item.entry.text).split()
            excerpt = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
            yield Hit(f"chronology entry {item.entry.date} (“{excerpt}”) is current only to "
                      f"{as_of.isoformat()}, more than {months} months before "
                      f"{context.as_of.isoformat()}", item.path, item.line,
                      "check the entry against current sources, then update it and its as_of")


def _front_matter_line(path: Path, field: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, text in enumerate(lines[1:], 2):
        if text.strip() == "---":
            break
        if text.startswith(f"{field}:"):
            return number
    return 1
