"""Append whole Word documents after a written report (the expert's CV as its last annex).

A step of its own after `write_docx`: docxcompose (the maintained library for joining DOCX
files) brings the appended document's styles, numbering, images and footnotes with it, so the
CV keeps the formatting its author gave it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reportkit.errors import ReportkitError


def append_documents(report: bytes, documents: list[Path]) -> bytes:
    """`report` (a DOCX) with each of `documents` appended in order, each after a page break."""
    if not documents:
        return report
    from docx.oxml.ns import nsmap

    # docxcompose rebinds python-docx's shared "cp" prefix (core properties) to the custom
    # properties namespace when imported; python-docx's own mapping is put back afterwards, or
    # every later report in the process would lose its keywords and last-modified-by.
    own = dict(nsmap)
    try:
        return _append(report, documents)
    finally:
        nsmap.clear()
        nsmap.update(own)


def _append(report: bytes, documents: list[Path]) -> bytes:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docxcompose.composer import Composer
    from docxcompose.utils import NS

    from docx.oxml.ns import nsmap
    nsmap.update(NS)
    composer = Composer(Document(io.BytesIO(report)))
    for path in documents:
        try:
            appended = Document(str(path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
            raise ReportkitError(f"cannot read this Word document: {error}", path=path,
                                 hint="save it again from Word or LibreOffice as .docx") from None
        if appended.paragraphs:  # each document starts on a page of its own
            appended.paragraphs[0].paragraph_format.page_break_before = True
        composer.append(appended)
    output = io.BytesIO()
    composer.save(output)
    return _as_written(output.getvalue(), report)


def _as_written(data: bytes, report: bytes) -> bytes:
    """The joined zip with the report's own document properties (python-docx may rewrite
    them) and every entry dated 1980-01-01, so that the same inputs give the same bytes."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(io.BytesIO(report)) as own, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        kept = {name for name in own.namelist() if name.startswith("docProps/")}
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = item.external_attr
            reader = own if item.filename in kept else source
            target.writestr(entry, reader.read(item.filename))
    return output.getvalue()
