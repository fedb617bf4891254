"""The real readers (LibreOffice, pdftotext, pandoc). Missing ones skip the test on a laptop,
but fail it when REPORTKIT_REQUIRE_READERS=1 (set by .ci/run, which installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REQUIRED = os.environ.get("REPORTKIT_REQUIRE_READERS") == "1"


def need(program: str) -> str:
    found = shutil.which(program)
    if found:
        return found
    message = f"{program} is not installed"
    if REQUIRED:
        pytest.fail(message + " but REPORTKIT_REQUIRE_READERS=1 requires it")
    pytest.skip(message)


def docx_to_pdf(docx: Path, folder: Path | None = None) -> Path:
    """Convert with LibreOffice headless, in a private profile so parallel runs do not clash."""
    soffice = need("soffice")
    folder = folder or docx.parent
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                       check=True, capture_output=True, timeout=180)
    pdf = folder / (docx.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice did not write {pdf}"
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext lays it out."""
    pdftotext = need("pdftotext")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pandoc_json(docx: Path) -> dict:
    import json

    pandoc = need("pandoc")
    output = subprocess.run([pandoc, "-f", "docx", "-t", "json", str(docx)], check=True,
                            capture_output=True, text=True, timeout=120).stdout
    return json.loads(output)


def pandoc_nodes(tree: dict, kind: str) -> list[dict]:
    """Every element of type `kind` ("Note", "Header", ...) anywhere in a pandoc JSON tree."""
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") == kind:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree["blocks"])
    return found
