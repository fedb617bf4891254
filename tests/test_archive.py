"""Archived copies: `sources archive` keeps what the expert read and records it; `check` proves
every quotation against it (a PDF page by page), and the five bundled source documents, where
they are at hand, verify every quotation of the Peru library."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, edit, run_cli
from readers import need
from reportkit.paths import default_library

SOURCE_DOCUMENTS = ROOT.parent / "shared" / "sources"  # beside the clone, as CI has it
SOURCES = "library/testland/sources.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(workdir: Path, key: str) -> dict:
    return next(item for item in json.loads((workdir / SOURCES).read_text(encoding="utf-8"))
                if item["id"] == key)


def archive(workdir: Path, key: str, file: Path, *extra: str):
    return run_cli("sources", "archive", key, file, "--library", workdir / "library", *extra)


def check(library: Path, *extra: str):
    return run_cli("check", "--library", library, *extra)


def test_archive_stores_the_copy_and_records_hash_media_type_and_access_date(workdir, tmp_path):
    page = tmp_path / "beta.html"
    page.write_text("<html><body><p>Reporters were <b>attacked</b> in Northshire.</p>"
                    "<script>var x = 1;</script></body></html>", encoding="utf-8")
    before = (workdir / SOURCES).read_text(encoding="utf-8")
    result = archive(workdir, "beta-news", page, "--accessed", "2026-11-02")
    assert result.exit_code == 0, result.stderr
    stored = workdir / "library" / "testland" / "archive" / "beta-news.html"
    assert stored.read_bytes() == page.read_bytes()
    beta = record(workdir, "beta-news")
    assert beta["archive"] == {"path": "beta-news.html", "sha256": sha256(page),
                               "media_type": "text/html"}
    assert beta["accessed"] == {"date-parts": [[2026, 11, 2]]}
    # The other record is left byte for byte as it was.
    after = (workdir / SOURCES).read_text(encoding="utf-8")
    alpha_start = before.index('"id": "alpha-2023"')
    assert after[alpha_start:after.index("},", alpha_start)] == before[alpha_start:before.index("},", alpha_start)]
    # Archiving the same copy again changes nothing.
    assert archive(workdir, "beta-news", page, "--accessed", "2026-11-02").exit_code == 0
    assert (workdir / SOURCES).read_text(encoding="utf-8") == after


def test_archive_never_replaces_a_different_copy_without_force(workdir, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("Reporters were attacked.\n", encoding="utf-8")
    second.write_text("Reporters were not attacked.\n", encoding="utf-8")
    assert archive(workdir, "beta-news", first).exit_code == 0
    sources = (workdir / SOURCES).read_text(encoding="utf-8")
    stored = workdir / "library" / "testland" / "archive" / "beta-news.txt"
    result = archive(workdir, "beta-news", second)
    assert result.exit_code == 1
    assert "already has an archived copy" in result.stderr and "--force" in result.stderr
    assert stored.read_bytes() == first.read_bytes()
    assert (workdir / SOURCES).read_text(encoding="utf-8") == sources
    result = archive(workdir, "beta-news", second, "--force")
    assert result.exit_code == 0, result.stderr
    assert stored.read_bytes() == second.read_bytes()
    assert record(workdir, "beta-news")["archive"]["sha256"] == sha256(second)


def test_archive_refuses_bad_input_and_changes_nothing(workdir, tmp_path):
    sources = (workdir / SOURCES).read_text(encoding="utf-8")
    text = tmp_path / "copy.txt"
    text.write_text("Some words.\n", encoding="utf-8")
    for args, message in (
            (("gamma-2023", text), "no source 'gamma-2023'"),
            (("beta-news", tmp_path / "absent.txt"), "no such file"),
            (("beta-news", text, "--accessed", "2026-02-30"), "is not a date"),
            (("beta-news", text, "--accessed", "2023-01-01"), "before the source was issued")):
        result = archive(workdir, *args)
        assert result.exit_code == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert (workdir / SOURCES).read_text(encoding="utf-8") == sources
    assert not (workdir / "library" / "testland" / "archive").exists()


def test_a_quotation_is_verified_against_the_copy_and_a_changed_copy_is_an_error(workdir, tmp_path):
    copy = tmp_path / "alpha.txt"
    copy.write_text("Alpha Watch\n\nProtesters in the capital were dis-\npersed with tear gas "
                    "on 3 March.\n", encoding="utf-8")
    assert archive(workdir, "alpha-2023", copy).exit_code == 0
    section = workdir / "library" / "testland" / "sections" / "defenders.md"
    line = edit(section, "Alpha Watch described threats against defenders [@alpha-2023, p. 3].",
                "Alpha Watch wrote that protesters \u201cwere dispersed with tear gas\u201d "
                "[@alpha-2023, p. 3].")
    result = check(workdir / "library", "--select", "L009,S008,S009")
    assert "L009" not in result.stdout and result.exit_code == 0, result.stdout
    edit(section, "dispersed with tear gas", "dispersed with water cannon")
    result = check(workdir / "library", "--select", "L009")
    assert result.exit_code == 1
    assert (f"{section}:{line}: L009 error: quotation \u201cwere dispersed with water cannon\u201d "
            f"is not in the archived copy of 'alpha-2023'; closest passage: "
            f"\u201cwere dispersed with tear gas\u201d") in result.stdout
    stored = workdir / "library" / "testland" / "archive" / "alpha-2023.txt"
    stored.write_text(stored.read_text(encoding="utf-8") + "Added later.\n", encoding="utf-8")
    result = check(workdir / "library", "--select", "S008")
    assert result.exit_code == 1 and "does not match its recorded SHA-256" in result.stdout
    stored.unlink()
    result = check(workdir / "library", "--select", "S,L009")
    assert result.exit_code == 0
    assert result.stdout.count("not verified here") == 1


def test_a_second_hand_quotation_is_verified_against_the_citing_source(workdir, tmp_path):
    copy = tmp_path / "alpha.txt"
    copy.write_text("The Beta Times wrote that \u2018the press is under siege\u2019.\n", encoding="utf-8")
    assert archive(workdir, "alpha-2023", copy).exit_code == 0
    sources = workdir / SOURCES
    data = json.loads(sources.read_text(encoding="utf-8"))
    for item in data:
        if item["id"] == "beta-news":
            item.pop("accessed")
            item["cited_in"] = {"key": "alpha-2023", "locator": "p. 1"}
    sources.write_text(json.dumps(data, indent=2), encoding="utf-8")
    section = workdir / "library" / "testland" / "sections" / "journalists.md"
    line = edit(section, "reported attacks on journalists", 'wrote that "the press is under siege"')
    assert check(workdir / "library", "--select", "L009").exit_code == 0
    edit(section, "under siege", "under attack")
    result = check(workdir / "library", "--select", "L009")
    assert f"{section}:{line}: L009 error" in result.stdout and "'alpha-2023'" in result.stdout


def _pdf(pages: list[str]) -> bytes:
    """A minimal PDF with one line of text on each page (enough for pdftotext)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        page_number = len(objects) + 1
        kids.append(f"{page_number} 0 R")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 {page_number + 2} 0 R >> >> "
                       f"/Contents {page_number + 1} 0 R >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_a_pdf_quotation_with_a_page_pinpoint_must_be_on_that_page(workdir, tmp_path):
    need("pdftotext")
    pdf = tmp_path / "alpha.pdf"
    pdf.write_bytes(_pdf(["Contents and summary", "Protesters were dispersed with tear gas"]))
    assert archive(workdir, "alpha-2023", pdf).exit_code == 0
    assert record(workdir, "alpha-2023")["archive"]["media_type"] == "application/pdf"
    section = workdir / "library" / "testland" / "sections" / "defenders.md"
    line = edit(section, "Alpha Watch described threats against defenders [@alpha-2023, p. 3].",
                'Alpha Watch wrote that "protesters were dispersed with tear gas" [@alpha-2023, p. 2].')
    assert check(workdir / "library", "--select", "L009").exit_code == 0
    edit(section, "[@alpha-2023, p. 2]", "[@alpha-2023, p. 1]")
    result = check(workdir / "library", "--select", "L009")
    assert result.exit_code == 1
    assert f"{section}:{line}: L009 error" in result.stdout and "'alpha-2023', p. 1" in result.stdout


# ---------------------------------------------------------------- the Peru library


@pytest.fixture
def peru_archived(tmp_path) -> Path:
    """A copy of the bundled library with the five source documents archived under the names
    sources.json records, matched by their SHA-256."""
    documents = sorted(SOURCE_DOCUMENTS.glob("*.txt"))
    if not documents:
        pytest.skip(f"the source documents are not at {SOURCE_DOCUMENTS}")
    library = tmp_path / "library"
    shutil.copytree(default_library(), library, ignore=shutil.ignore_patterns("archive"))
    by_hash = {sha256(path): path for path in documents}
    sources = json.loads((library / "peru" / "sources.json").read_text(encoding="utf-8"))
    archived = [item for item in sources if "archive" in item]
    assert len(archived) == 5
    for item in archived:
        target = library / "peru" / "archive" / item["archive"]["path"]
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(by_hash[item["archive"]["sha256"]], target)
    return library


def test_every_quotation_in_the_peru_library_is_in_its_archived_source(peru_archived):
    from reportkit.load.library import load_library
    from reportkit.quality import load_quality_config
    from reportkit.quality.evidence import quotations
    from reportkit.quality.findings import CheckContext
    import datetime as dt

    result = check(peru_archived, "--format", "json")
    report = json.loads(result.stdout)
    ids = [finding["id"] for finding in report["findings"]]
    assert [f for f in report["findings"] if f["id"] in {"L009", "S007", "S008", "S009"}] == []
    assert report["summary"]["errors"] == 0, ids
    # Every quotation is checkable: it cites an archived source, directly or at second hand.
    library = load_library(peru_archived, "peru")
    config, _ = load_quality_config(peru_archived)
    context = CheckContext(library, config, dt.date(2026, 11, 23))
    found = quotations(context)
    assert len(found) >= 15
    units_with_quotes = [unit for unit in context.units if '"' in unit.text or "“" in unit.text]
    assert {id(unit) for unit in units_with_quotes} <= {id(q.unit) for q in found}


def test_a_peru_quotation_altered_by_one_word_fails_with_file_and_line(peru_archived):
    section = peru_archived / "peru" / "sections" / "protection-mechanism-defenders.md"
    line = edit(section, '"has not been the most adequate"', '"has not been the most effective"')
    result = check(peru_archived)
    assert result.exit_code == 1
    assert (f"{section}:{line}: L009 error: quotation \u201chas not been the most effective\u201d "
            f"is not in the archived copy of 'amnesty-defenders-commentary'; closest passage: "
            f"\u201chas not been the most adequate.\u201d") in result.stdout


def test_the_annex_marks_archived_sources_and_the_provenance_record_lists_their_hashes(workdir, tmp_path):
    import docx

    copy = tmp_path / "alpha.txt"
    copy.write_text("Alpha Watch report.\n", encoding="utf-8")
    assert archive(workdir, "alpha-2023", copy, "--accessed", "2026-11-01").exit_code == 0
    output = tmp_path / "report.docx"
    result = run_cli("build", workdir / "cases" / "journalist.yaml", "-o", output,
                     "--library", workdir / "library")
    assert result.exit_code == 0, result.stderr
    paragraphs = [p.text for p in docx.Document(str(output)).paragraphs]
    annex = paragraphs[max(i for i, text in enumerate(paragraphs) if text == "Annex B: Sources"):]
    assert any("Alpha report on Testland" in text and text.endswith("[Archived copy held.]")
               for text in annex)
    assert not any("Beta story" in text and "Archived" in text for text in annex)
    record = json.loads(run_cli("provenance", output, "--format", "json").stdout)
    assert record["archives"] == {"alpha-2023": sha256(copy)}


def test_a_chronology_entry_current_only_to_an_old_date_is_named(workdir):
    chronology = workdir / "library" / "testland" / "chronology.yaml"
    text = chronology.read_text(encoding="utf-8")
    chronology.write_text(text.replace(
        '  text: "A political crisis began [@beta-news]."',
        '  text: "A political crisis began [@beta-news]."\n  as_of: 2024-05-31', 1), encoding="utf-8")
    line = next(number for number, item in enumerate(chronology.read_text().splitlines(), 1)
                if "A political crisis began" in item) - 1
    result = run_cli("check", workdir / "cases" / "journalist.yaml", "--library",
                     workdir / "library", "--select", "L010", "--library-warnings")
    output = " ".join(result.stdout.split())  # the report may wrap long lines
    assert f"{chronology}:{line}: L010 warning: chronology entry 2022-12 " \
           "(“A political crisis began.”) is current only to 2024-05-31, more than 12 months " \
           "before 2026-11-22" in output
    assert result.exit_code == 0


def test_a_pdf_copy_this_machine_cannot_read_is_not_verified_here(workdir, tmp_path, monkeypatch):
    pdf = tmp_path / "alpha.pdf"
    pdf.write_bytes(_pdf(["Protesters were dispersed with tear gas"]))
    assert archive(workdir, "alpha-2023", pdf).exit_code == 0
    section = workdir / "library" / "testland" / "sections" / "defenders.md"
    edit(section, "Alpha Watch described threats against defenders [@alpha-2023, p. 3].",
         'Alpha Watch wrote that "protesters were dispersed with water" [@alpha-2023, p. 1].')
    import reportkit.quality.evidence as evidence

    monkeypatch.setattr(evidence.shutil, "which", lambda name: None)
    result = check(workdir / "library", "--select", "L009,S009")
    assert result.exit_code == 0 and "L009" not in result.stdout
    assert "cannot be read here (pdftotext (poppler-utils) is not installed)" in " ".join(result.stdout.split())


def test_a_quotation_in_the_case_file_own_section_is_verified_too(workdir, tmp_path):
    copy = tmp_path / "alpha.txt"
    copy.write_text("Protesters in the capital were dispersed with tear gas.\n", encoding="utf-8")
    assert archive(workdir, "alpha-2023", copy).exit_code == 0
    case = workdir / "cases" / "journalist.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(text + (
        "  extra:\n"
        "    - id: local-events\n"
        "      title: Local events\n"
        "      body: |\n"
        "        Alpha Watch wrote that protesters\n"
        "        \"were dispersed with water cannon\" [@alpha-2023, p. 2].\n"), encoding="utf-8")
    line = len(text.splitlines()) + 6
    result = run_cli("check", case, "--library", workdir / "library", "--select", "L009")
    assert result.exit_code == 1
    output = " ".join(result.stdout.split())
    assert f"{case}:{line}: L009 error: quotation “were dispersed with water cannon”" in output
