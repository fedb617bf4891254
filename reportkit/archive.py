"""Archived copies: store what the expert read under the library's archive/ folder, record its
hash, media type and access date in sources.json, and give its text back for checking quotations."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reportkit.errors import ReportkitError
from reportkit.load.library import Library, record_spans
from reportkit.load.yaml_file import read_text
from reportkit.models import ArchivedCopy, Source
from reportkit.output import write_atomically

ARCHIVE_FOLDER = "archive"
MEDIA_TYPES = {".txt": "text/plain", ".text": "text/plain", ".html": "text/html",
               ".htm": "text/html", ".pdf": "application/pdf"}
SUFFIXES = {"text/plain": ".txt", "text/html": ".html", "application/pdf": ".pdf"}


def archive_folder(library: Library) -> Path:
    return library.country_dir / ARCHIVE_FOLDER


def archive_path(library: Library, copy: ArchivedCopy) -> Path:
    return archive_folder(library) / copy.path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_type_of(path: Path, head: bytes) -> str:
    """From the content first (a PDF saved as .html is a PDF), else from the file name."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise ReportkitError(f"cannot tell what kind of file this is ({path.suffix or 'no suffix'})",
                             path=path, hint="archive a web page as .html, a PDF as .pdf, or a "
                                             "text as .txt")
    return media_type


@dataclass(frozen=True)
class Archived:
    source_id: str
    copy: ArchivedCopy
    stored: Path
    accessed: dt.date
    changed: bool  # False when the same copy and access date were already recorded


def archive_source(library: Library, source_id: str, file: Path, accessed: dt.date,
                   force: bool = False) -> Archived:
    """Copy `file` into archive/ as the expert's copy of `source_id` and record it in sources.json.

    A recorded copy with other content, or another file in its place, is replaced only with
    `force`. The copy is written first and sources.json last; if recording fails, a copy this
    call created is removed again, so a failure leaves every file as it was."""
    source = library.sources.get(source_id)
    if source is None:
        close = difflib.get_close_matches(source_id, list(library.sources), n=1)
        raise ReportkitError(f"no source '{source_id}' in {library.sources_path}",
                             hint=f"did you mean '{close[0]}'?" if close else
                             "add the source first (reportkit sources import)")
    if not file.is_file():
        raise ReportkitError("no such file to archive", path=file)
    with file.open("rb") as handle:
        head = handle.read(1024)
    media_type = media_type_of(file, head)
    digest = sha256_of(file)
    name = f"{source_id}{SUFFIXES[media_type]}"
    stored = archive_folder(library) / name
    recorded = source.archive
    if recorded is not None and recorded.sha256 != digest and not force:
        raise ReportkitError(
            f"source '{source_id}' already has an archived copy ({ARCHIVE_FOLDER}/{recorded.path}) "
            f"with other content; nothing was changed", path=library.sources_path,
            line=library.source_lines.get(source_id),
            hint="pass --force to replace it (quotations will then be checked against the new copy)")
    if stored.exists() and sha256_of(stored) != digest and not force:
        raise ReportkitError(f"{ARCHIVE_FOLDER}/{name} already exists with other content; "
                             f"nothing was changed", path=stored,
                             hint="pass --force to replace it")
    copy = ArchivedCopy(path=name, sha256=digest, media_type=media_type)
    _check_dates(library, source, accessed)
    created = not stored.exists()
    if file.resolve() != stored.resolve():
        stored.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(stored, file.read_bytes(), force=True)
    try:
        changed = _write_record(library, source_id, copy, accessed)
    except (ReportkitError, OSError):
        if created:
            stored.unlink(missing_ok=True)
        raise
    return Archived(source_id, copy, stored, accessed, changed)


def _check_dates(library: Library, source: Source, accessed: dt.date) -> None:
    issued = source.issued.parts() if source.issued else ()
    if issued and issued > (accessed.year, accessed.month, accessed.day)[:len(issued)]:
        raise ReportkitError(f"the access date {accessed.isoformat()} is before the source was "
                             f"issued", path=library.sources_path,
                             line=library.source_lines.get(source.id),
                             hint="pass the date on which you read it with --accessed YYYY-MM-DD")


def _write_record(library: Library, source_id: str, copy: ArchivedCopy, accessed: dt.date) -> bool:
    """Record the copy and the access date in the source's record, in place: every other byte of
    sources.json stays as it was. A source the expert has read is no longer second hand, so its
    `cited_in` goes. Returns whether anything changed."""
    from reportkit.library_sources import format_record

    path = library.sources_path
    text = read_text(path)
    index = list(library.sources).index(source_id)
    start, end, _line = record_spans(text)[index]
    old = json.loads(text[start:end])
    record = dict(old)
    record["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    record["archive"] = copy.model_dump(mode="json")
    record.pop("cited_in", None)
    if record == old:
        return False
    Source.model_validate(record)
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start] if not text[line_start:start].strip() else "  "
    new_text = text[:start] + format_record(record, indent) + text[end:]
    write_atomically(path, new_text.encode("utf-8"), force=True)
    return True


# ---------------------------------------------------------------- reading archived copies


class ArchiveUnreadable(Exception):
    """The copy cannot be read on this machine (e.g. no pdftotext); not the expert's error."""


def archived_text(path: Path, media_type: str, pages: tuple[int, int] | None = None) -> str:
    """The text of an archived copy; of a PDF, only `pages` (first, last) when given."""
    if media_type == "application/pdf":
        return _pdf_text(path, pages)
    data = path.read_bytes()
    if media_type == "text/html":
        import lxml.html

        root = lxml.html.document_fromstring(data)
        for element in root.xpath("//script|//style|//noscript"):
            element.drop_tree()
        return root.text_content()
    return data.decode("utf-8", errors="replace")


def _pdf_text(path: Path, pages: tuple[int, int] | None) -> str:
    if shutil.which("pdftotext") is None:
        raise ArchiveUnreadable("pdftotext (poppler-utils) is not installed")
    command = ["pdftotext", "-enc", "UTF-8"]
    if pages:
        command += ["-f", str(pages[0]), "-l", str(pages[1])]
    result = subprocess.run([*command, str(path), "-"], capture_output=True, timeout=120,
                            check=False)
    if result.returncode != 0:
        raise ArchiveUnreadable(result.stderr.decode("utf-8", errors="replace").strip()
                                or f"pdftotext failed ({result.returncode})")
    return result.stdout.decode("utf-8", errors="replace")


_PAGES = re.compile(r"^\s*(?:pp?|pages?)\.?\s*(\d+)(?:\s*[-–]\s*(\d+))?\b", re.I)


def pages_of(locator: str) -> tuple[int, int] | None:
    """"p. 12" → (12, 12); "pp. 3-5" → (3, 5); anything else → None."""
    match = _PAGES.match(locator or "")
    if not match:
        return None
    first = int(match.group(1))
    return first, max(first, int(match.group(2) or first))
