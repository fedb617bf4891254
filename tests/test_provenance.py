"""Each report carries a record of what went into it, inside the .docx: versions and hashes of the
library, sections, template set and case file, and the sources it cites."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, FIXTURES, ROOT, docx_parts, run_cli
from readers import docx_to_pdf, need, pandoc_json, pdf_pages
from reportkit.anonymise import fold

NS = "urn:reportkit:provenance:1"
P = f"{{{NS}}}"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
JOURNALIST_SECTIONS = ["background", "features", "journalists", "protection"]
SECTIONS = FIXTURE_LIBRARY / "testland" / "sections"


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def section_body(path: Path) -> str:
    """The text after a section's front matter (`---` ... `---`)."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return text.split("---\n", 2)[2]


def folder_sha256(folder: Path) -> str:
    """Every file's relative name and bytes, in name order, each followed by a NUL."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def record_part(report: Path) -> tuple[str, etree._Element]:
    """The custom XML part that holds the record, found the way Word finds it: through a
    customXml relationship of the main document part."""
    parts = docx_parts(report)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"].encode())
    for rel in rels:
        if rel.get("Type") == REL + "customXml":
            name = re.sub(r"^word/\.\./", "", "word/" + rel.get("Target"))
            root = etree.fromstring(parts[name].encode())
            if etree.QName(root).namespace == NS:
                return name, root
    raise AssertionError("no custom XML part holds a provenance record")


def build(case: Path, output: Path, library: Path = FIXTURE_LIBRARY, *extra: str) -> Path:
    result = run_cli("build", case, "-o", output, "--library", library, *extra)
    assert result.exit_code == 0, result.stderr
    return output


@pytest.fixture
def report(workdir: Path) -> Path:
    return build(workdir / "cases" / "journalist.yaml", workdir / "journalist.docx",
                 workdir / "library")


def test_record_holds_every_field_with_correct_hashes(workdir: Path, report: Path):
    _, root = record_part(report)
    assert root.find(f"{P}reportkit").get("version") == "0.1.0"
    library = root.find(f"{P}library")
    assert library.get("country") == "testland"
    assert library.get("version") == "test-1"
    # The copy is outside any git checkout: its revision is a hash of its files.
    assert library.get("revision") == "sha256:" + folder_sha256(workdir / "library" / "testland")[:16]
    template_set = root.find(f"{P}templateSet")
    assert template_set.get("name") == "uk"
    assert template_set.get("sha256") == folder_sha256(ROOT / "templates" / "uk")
    case = root.find(f"{P}case")
    assert case.get("sha256") == sha256((workdir / "cases" / "journalist.yaml").read_bytes())
    assert case.get("reportDate") == "2026-11-22"
    sections = [(node.get("id"), node.get("origin"), node.get("sha256"))
                for node in root.iter(f"{P}section")]
    assert sections == [(section_id, "library",
                         sha256(section_body(workdir / "library/testland/sections" / f"{section_id}.md")))
                        for section_id in JOURNALIST_SECTIONS]
    assert [node.get("id") for node in root.iter(f"{P}source")] == ["alpha-2023", "beta-news"]


def test_the_record_is_registered_as_word_expects(report: Path):
    """A customXml item related from document.xml, with an itemProps part naming its namespace."""
    parts = docx_parts(report)
    name, _ = record_part(report)
    number = re.fullmatch(r"customXml/item(\d+)\.xml", name).group(1)
    item_rels = etree.fromstring(parts[f"customXml/_rels/item{number}.xml.rels"].encode())
    assert [(rel.get("Type"), rel.get("Target")) for rel in item_rels] == [
        (REL + "customXmlProps", f"itemProps{number}.xml")]
    props = etree.fromstring(parts[f"customXml/itemProps{number}.xml"].encode())
    ds = "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}"
    assert re.fullmatch(r"\{[0-9A-F-]{36}\}", props.get(f"{ds}itemID"))
    assert [ref.get(f"{ds}uri") for ref in props.iter(f"{ds}schemaRef")] == [NS]
    types = parts["[Content_Types].xml"]
    assert (f'<Override PartName="/customXml/itemProps{number}.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>') in types


def test_the_cli_shows_the_record(workdir: Path, report: Path):
    result = run_cli("provenance", report)
    assert result.exit_code == 0, result.stderr
    assert "library        testland test-1 (sha256:" in result.stdout
    body = section_body(workdir / "library/testland/sections/journalists.md")
    assert re.search(rf"journalists\s+library\s+sha256 {sha256(body)}", result.stdout)
    as_json = run_cli("provenance", report, "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    record = json.loads(as_json.stdout)
    assert record["case"]["sha256"] == sha256((workdir / "cases" / "journalist.yaml").read_bytes())
    assert record["cited"] == ["alpha-2023", "beta-news"]
    assert [section["id"] for section in record["sections"]] == JOURNALIST_SECTIONS
    assert record["template_set"]["name"] == "uk"


def test_a_changed_section_changes_the_record(workdir: Path, report: Path):
    before = json.loads(run_cli("provenance", report, "--format", "json").stdout)
    section = workdir / "library/testland/sections/journalists.md"
    section.write_text(section.read_text(encoding="utf-8").replace(
        "reported attacks", "reported repeated attacks"), encoding="utf-8")
    build(workdir / "cases" / "journalist.yaml", report, workdir / "library", "--force")
    after = json.loads(run_cli("provenance", report, "--format", "json").stdout)
    changed = {new["id"] for old, new in zip(before["sections"], after["sections"])
               if old["sha256"] != new["sha256"]}
    assert changed == {"journalists"}
    assert after["sections"][2]["sha256"] == sha256(section_body(section))
    assert after["library"]["revision"] != before["library"]["revision"]


def test_a_replaced_section_is_hashed_from_the_case_text(workdir: Path):
    case = workdir / "cases" / "journalist.yaml"
    replacement = "The expert's own account of the press in Northshire.\n"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "  include: []",
        f"  include: []\n  replace:\n    - id: journalists\n      body: {json.dumps(replacement)}"),
        encoding="utf-8")
    report = build(case, workdir / "replaced.docx", workdir / "library")
    record = json.loads(run_cli("provenance", report, "--format", "json").stdout)
    assert {"id": "journalists", "origin": "case", "sha256": sha256(replacement)} in record["sections"]


def test_the_library_revision_is_its_git_commit(tmp_path: Path):
    shutil.copytree(FIXTURE_LIBRARY, tmp_path / "library")
    shutil.copytree(FIXTURE_CASES, tmp_path / "cases")
    git = ["git", "-C", str(tmp_path / "library"), "-c", "user.name=Test", "-c",
           "user.email=test@example.org"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "library"]):
        subprocess.run(git + command, check=True, capture_output=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True,
                            text=True).stdout.strip()
    report = build(tmp_path / "cases" / "journalist.yaml", tmp_path / "r.docx", tmp_path / "library")
    _, root = record_part(report)
    assert root.find(f"{P}library").get("revision") == f"git:{commit[:12]}"


def cite_gamma_in_journalists(library: Path) -> None:
    """A source that only the journalists section cites."""
    sources_path = library / "testland" / "sources.json"
    sources = json.loads(sources_path.read_text(encoding="utf-8"))
    sources.append({"id": "gamma-report", "type": "report", "title": "Gamma report",
                    "author": [{"literal": "Gamma Watch"}], "issued": {"date-parts": [[2025]]}})
    sources_path.write_text(json.dumps(sources), encoding="utf-8")
    section = library / "testland" / "sections" / "journalists.md"
    section.write_text(section.read_text(encoding="utf-8").replace(
        "[@beta-news]", "[@beta-news; @gamma-report]"), encoding="utf-8")


def test_cites_finds_the_reports_that_cite_a_source_and_no_others(workdir: Path):
    cite_gamma_in_journalists(workdir / "library")
    reports = workdir / "reports"
    (reports / "2026" / "november").mkdir(parents=True)
    both = build(workdir / "cases" / "journalist.yaml", reports / "2026" / "november" / "both.docx",
                 workdir / "library")
    case = workdir / "cases" / "journalist.yaml"
    narrow = workdir / "cases" / "narrow.yaml"  # without the journalists section: no gamma-report
    narrow.write_text(case.read_text(encoding="utf-8").replace(
        "  exclude: []", "  exclude: [journalists]"), encoding="utf-8")
    no_gamma = build(narrow, reports / "no-gamma.docx", workdir / "library")
    docx.Document().save(str(reports / "from-word.docx"))  # no record: skipped, with a note
    (reports / "notes.txt").write_text("not a report", encoding="utf-8")

    gamma = run_cli("provenance", "--cites", "gamma-report", reports)
    assert gamma.exit_code == 0, gamma.stderr
    assert gamma.stdout.split() == [str(both)]
    assert "from-word.docx" in gamma.stderr and "no reportkit provenance record" in gamma.stderr
    alpha = run_cli("provenance", "--cites", "alpha-2023", reports)
    assert sorted(alpha.stdout.split()) == sorted([str(both), str(no_gamma)])
    as_json = json.loads(run_cli("provenance", "--cites", "alpha-2023", reports, "--format", "json").stdout)
    assert sorted(as_json["reports"]) == sorted([str(both), str(no_gamma)])
    nobody = run_cli("provenance", "--cites", "delta-report", reports)
    assert nobody.exit_code == 0
    assert nobody.stdout.strip() == f"no report in {reports} cites delta-report"


@pytest.mark.parametrize("kind, message", [
    ("text", "not a Word document"),
    ("word", "has no reportkit provenance record"),
    ("missing", "no such file"),
    ("folder", "is a folder, not a report"),
])
def test_a_file_without_a_record_is_refused_plainly(tmp_path: Path, kind: str, message: str):
    path = tmp_path / "report.docx"
    if kind == "text":
        path.write_text("just some text", encoding="utf-8")
    elif kind == "word":
        docx.Document().save(str(path))
    elif kind == "folder":
        path.mkdir()
    result = run_cli("provenance", path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: ")
    assert message in result.stderr
    assert "hint: " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cites_in_a_missing_folder_is_refused(tmp_path: Path):
    result = run_cli("provenance", "--cites", "alpha-2023", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path / 'nowhere'}: no such folder")


def test_an_anonymised_record_holds_no_name(tmp_path: Path):
    case = FIXTURES / "hardening" / "renee-agua-testperson.yaml"
    shutil.copy(case.parent / "expert.yaml", tmp_path / "expert.yaml")
    copy = tmp_path / case.name
    # A section the case adds, whose id holds the applicant's surname.
    text = case.read_text(encoding="utf-8")
    assert "\nsections:" not in text
    copy.write_text(text + "sections:\n  extra:\n    - id: testperson-history\n"
                    "      title: History\n      body: \"A short history.\"\n", encoding="utf-8")
    report = build(copy, tmp_path / "anonymous.docx", FIXTURE_LIBRARY, "--anonymise")
    name, root = record_part(report)
    raw = docx_parts(report)[name]
    folded = fold(raw)
    for part in ["renee", "agua", "testperson", "juan", "perez", "nandu"]:
        assert not re.search(rf"(?<![a-z]){part}(?![a-z])", folded), part
    assert str(tmp_path) not in raw
    ids = [node.get("id") for node in root.iter(f"{P}section")]
    assert any(section_id.endswith("-history") for section_id in ids)
    assert root.find(f"{P}case").get("sha256") == sha256(copy.read_bytes())


def test_the_record_survives_the_real_readers(report: Path, tmp_path: Path):
    """LibreOffice and pandoc still open and convert a report with the custom XML part."""
    assert any("Beta Times" in page for page in pdf_pages(docx_to_pdf(report, tmp_path)))
    assert "Beta" in json.dumps(pandoc_json(report))
    assert "Beta Times" in "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
    with zipfile.ZipFile(io.BytesIO(report.read_bytes())) as archive:
        assert archive.testzip() is None


def test_a_report_used_as_reference_docx_leaves_one_record(workdir: Path, report: Path):
    """A reference.docx saved from an earlier report brings that report's record along; the new
    report holds only its own."""
    templates = workdir / "templates"
    shutil.copytree(ROOT / "templates" / "uk", templates / "uk")
    shutil.copy(report, templates / "uk" / "reference.docx")
    again = build(workdir / "cases" / "journalist.yaml", workdir / "again.docx", workdir / "library",
                  "--templates", templates)
    records = [name for name, text in docx_parts(again).items() if f'xmlns="{NS}"' in text]
    assert len(records) == 1, records
    _, root = record_part(again)
    assert root.find(f"{P}templateSet").get("sha256") == folder_sha256(templates / "uk")
    assert folder_sha256(templates / "uk") != folder_sha256(ROOT / "templates" / "uk")


def test_a_report_saved_again_by_libreoffice_keeps_its_record(report: Path, tmp_path: Path):
    soffice = need("soffice")
    folder = tmp_path / "saved"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder), str(report)],
                       check=True, capture_output=True, timeout=180)
    saved = folder / report.name
    assert saved.read_bytes() != report.read_bytes()
    before = run_cli("provenance", report, "--format", "json")
    after = run_cli("provenance", saved, "--format", "json")
    assert after.exit_code == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)
