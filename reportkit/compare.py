"""`compare`: a redline of two versions of a report, as a DOCX with Word's own tracked changes.

The comparison itself is Docxodus's (through python-redlines), a maintained .NET port of
Open-XML-PowerTools' document comparer that runs offline: it aligns paragraphs, then words, and
keeps footnotes, styles and numbering. reportkit chooses the author and date of the changes:
the expert named in the newer report and its report date."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

from reportkit.errors import ReportkitError


@dataclass(frozen=True)
class Redline:
    docx: bytes
    author: str
    date: str  # ISO date


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise ReportkitError("no such file", path=path)
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ReportkitError("not a Word document (a zip without word/document.xml)",
                                     path=path)
    except zipfile.BadZipFile:
        raise ReportkitError("not a Word document", path=path,
                             hint="compare two .docx reports") from None
    return path.read_bytes()


def revision_author_and_date(newer: Path) -> tuple[str, str]:
    """The expert (the report's author) and the report date of the newer version."""
    from reportkit.docx.package import read_core_properties
    from reportkit.provenance import read_record

    with zipfile.ZipFile(newer) as archive:
        core = read_core_properties(archive)
    try:
        date = read_record(newer).report_date
    except ReportkitError:
        date = (core.get("created") or "")[:10]
    return core.get("creator") or "", date


def compare_reports(older: Path, newer: Path, author: str | None = None,
                    date: str | None = None) -> Redline:
    old_bytes, new_bytes = _read(older), _read(newer)
    found_author, found_date = revision_author_and_date(newer)
    author = author or found_author
    date = date or found_date
    if not author:
        raise ReportkitError("the newer report names no author", path=newer,
                             hint="pass --author \"Dr A. Expert\"")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise ReportkitError(f"'{date}' is not a date (YYYY-MM-DD)", path=newer,
                             hint="pass --date YYYY-MM-DD") from None
    try:
        from python_redlines.engines import DocxodusEngine, EngineExecutionError
    except ImportError:
        raise ReportkitError("the comparison engine is not installed",
                             hint="pip install 'python-redlines[docxodus]'") from None
    try:
        data, _, _ = DocxodusEngine().run_redline(
            author, old_bytes, new_bytes, date_time=f"{day.isoformat()}T00:00:00Z")
    except (EngineExecutionError, OSError) as error:
        raise ReportkitError(f"the comparison failed: {error}", path=newer) from None
    return Redline(data, author, day.isoformat())
