"""The page estimate against LibreOffice's own count, the layout pass, and LibreOffice's clean-up."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE_CASES, FIXTURE_CASES, FIXTURE_LIBRARY, ROOT
from readers import need
from reportkit.build import LibraryCache, build_report, load_inputs
from reportkit.errors import ReportkitError
from reportkit.paths import template_search_path

# Every bundled example and every fixture case that builds.
CASES = ([(path, ROOT / "country_data") for path in sorted(EXAMPLE_CASES.glob("*.yaml"))]
         + [(FIXTURE_CASES / name, FIXTURE_LIBRARY) for name in ("journalist.yaml", "journalist-us.yaml")])


def _report(case: Path, library: Path):
    libraries = LibraryCache(library)
    inputs = load_inputs(case, libraries, template_search_path())
    return inputs, build_report(inputs, libraries)


@pytest.fixture(scope="module")
def laid_out():
    """Each case's report, its estimate, and LibreOffice's layout (one LibreOffice run for all)."""
    need("soffice")
    need("pdftotext")
    from reportkit.libreoffice import convert_many
    from reportkit.pages import estimate, layout_of

    built = [_report(case, library) for case, library in CASES]
    pdfs = convert_many([report.docx for _, report in built])
    return [(case.name, estimate(report.document, inputs.template_set.reference_docx,
                                 inputs.template_set.config.styles), layout_of(pdf, report.docx),
             report.docx)
            for (case, _), (inputs, report), pdf in zip(CASES, built, pdfs)]


def test_the_estimate_is_within_one_page_of_libreoffice(laid_out):
    misses = {name: (estimated.pages, layout.count.pages) for name, estimated, layout, _ in laid_out
              if abs(estimated.pages - layout.count.pages) > 1}
    assert not misses, f"estimate vs LibreOffice: {misses}"
    assert all(estimated.estimated and not layout.count.estimated
               for _, estimated, layout, _ in laid_out)


def test_the_layout_pass_finds_the_page_of_every_heading(laid_out):
    need("pdftotext")
    from reportkit.docx.toc import toc_entries
    from reportkit.libreoffice import page_texts

    for name, _, layout, docx in laid_out:
        assert layout.heading_pages is not None, name
        entries = toc_entries(docx)
        assert entries and [entry.bookmark for entry in entries] == list(layout.heading_pages), name
        pages = list(layout.heading_pages.values())
        assert pages == sorted(pages), name
        texts = page_texts(layout.pdf)
        for entry in entries:
            title = " ".join(entry.text.split())
            page = layout.heading_pages[entry.bookmark]
            assert title[:30] in " ".join(texts[page - 1].split()), (name, title, page)
        # The body's headings come after the cover and contents, not on them.
        assert min(pages) >= 2


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_timeout_kills_libreoffice_and_everything_it_started(monkeypatch):
    need("soffice")
    from reportkit import libreoffice

    _, report = _report(FIXTURE_CASES / "journalist.yaml", FIXTURE_LIBRARY)
    started = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(libreoffice.subprocess, "Popen", recording_popen)
    with pytest.raises(ReportkitError, match="did not finish within 0.5 seconds"):
        libreoffice.convert_to_pdf(report.docx, timeout=0.5)
    assert len(started) == 1
    process = started[0]
    assert process.returncode is not None          # soffice itself was reaped
    assert not _group_alive(process.pid)           # and soffice.bin, its child, is gone too
    remaining = [line for line in subprocess.run(["ps", "-eo", "pid,pgid,args"], capture_output=True,
                                                 text=True).stdout.splitlines()[1:]
                 if line.split()[1] == str(process.pid)]
    assert remaining == []


def test_the_profile_is_reused_between_runs(tmp_path, monkeypatch):
    need("soffice")
    from reportkit import libreoffice

    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(tmp_path / "cache"))
    _, report = _report(FIXTURE_CASES / "journalist.yaml", FIXTURE_LIBRARY)
    first = libreoffice.convert_to_pdf(report.docx)
    profile = tmp_path / "cache" / "libreoffice-profile"
    assert profile.is_dir()
    marker = profile / "reused-marker"
    marker.write_text("kept", encoding="utf-8")
    second = libreoffice.convert_to_pdf(report.docx)
    assert marker.read_text(encoding="utf-8") == "kept"
    assert libreoffice.pdf_page_count(first) == libreoffice.pdf_page_count(second) >= 1


def test_an_unwritable_cache_folder_still_converts(tmp_path, monkeypatch):
    need("soffice")
    from reportkit import libreoffice

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(blocked / "reportkit"))
    _, report = _report(FIXTURE_CASES / "journalist-us.yaml", FIXTURE_LIBRARY)
    assert libreoffice.convert_to_pdf(report.docx).startswith(b"%PDF")
