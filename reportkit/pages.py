"""Page counts and PDFs through LibreOffice, with a labelled estimate when it is not installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reportkit.document import Document, Heading, PageBreak, Paragraph, Table
from reportkit.walk import query
from reportkit.errors import ReportkitError

INSTALL_HINT = ("install LibreOffice: `apt-get install libreoffice-writer-nogui` (Debian/Ubuntu), "
                "`brew install --cask libreoffice` (macOS), or from libreoffice.org")
# A rough A4/Letter page at 11-12 pt: used only when LibreOffice is not there to count.
WORDS_PER_PAGE = 450


@dataclass(frozen=True)
class PageCount:
    pages: int
    estimated: bool

    def __str__(self) -> str:
        return f"about {self.pages} pages (estimate)" if self.estimated else f"{self.pages} pages"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: bytes) -> bytes:
    """Render a DOCX to PDF with LibreOffice headless, in a private profile and folder."""
    program = soffice()
    if program is None:
        raise ReportkitError("LibreOffice is needed to write a PDF and is not installed",
                             hint=INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx)
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                            "--convert-to", "pdf", "--outdir", folder, str(source)],
                           check=True, capture_output=True, timeout=300,
                           env={**os.environ, "HOME": folder})
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise ReportkitError(f"LibreOffice could not convert the report to PDF: {error}") from None
        pdf = source.with_suffix(".pdf")
        if not pdf.is_file():
            raise ReportkitError("LibreOffice did not write a PDF")
        return pdf.read_bytes()


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF that LibreOffice wrote (uncompressed page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def count_pages(docx: bytes, document: Document | None = None) -> PageCount:
    """Real pages when LibreOffice is installed; otherwise an estimate from the word count."""
    if soffice() is not None:
        return PageCount(pdf_page_count(convert_to_pdf(docx)), estimated=False)
    return PageCount(estimate_pages(document) if document is not None else 1, estimated=True)


def estimate_pages(document: Document) -> int:
    def count(content) -> int:
        return sum(len(getattr(item, "text", "").split()) for item in content)

    # Every paragraph and heading, in regions, lists and quotes too; a table by its cells.
    words = sum(count(block.content) + 8  # spacing around each paragraph
                for block in query(document.blocks, (Heading, Paragraph)))
    words += sum(count(cell) + 4 for table in query(document.blocks, Table)
                 for row in (table.header, *table.rows) for cell in row)
    breaks = len(query(document.blocks, PageBreak))
    footnote_words = sum(count(note.content) for note in document.footnotes)
    return max(1, round((words + footnote_words * 0.8) / WORDS_PER_PAGE) + breaks)


def page_limit_warning(docx: bytes, document: Document, limit: int | None,
                       pdf: bytes | None = None) -> str | None:
    """A warning when a report exceeds its template set's page limit, else None.

    LibreOffice counts when it is installed (or a PDF was already made); a report whose
    estimate is under half the limit is not sent to LibreOffice, which takes seconds.
    """
    if not limit:
        return None
    if pdf is not None:
        count = PageCount(pdf_page_count(pdf), estimated=False)
    else:
        estimate = estimate_pages(document)
        if estimate * 2 < limit or soffice() is None:
            count = PageCount(estimate, estimated=True)
        else:
            count = count_pages(docx, document)
    if count.pages <= limit:
        return None
    source = "estimate; install LibreOffice for an exact count" if count.estimated else "counted by LibreOffice"
    return (f"the report is {count.pages} pages ({source}); the template set's limit is {limit} "
            f"pages unless permission is given (set permission_to_exceed_page_limit: true once it is)")
