"""`reportkit absorb` and safe rebuilds: the expert writes in Word or LibreOffice and nothing is
lost. Reports are edited as Word saves them (python-docx and lxml, tests/word_edits.py) and in
LibreOffice itself (UNO, tests/uno/edit_report.py), then read back."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from case_text import docx_paragraphs
from conftest import edit
from readers import need
from word_edits import (append_text, comment, delete, find, insert_after, open_docx, retype,
                        tracked_insertion, typed_footnote)

UNO_SCRIPT = Path(__file__).parent / "uno" / "edit_report.py"
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Path:
    """The fixture case and library, with the case built into cases/report.docx: once."""
    from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli

    folder = tmp_path_factory.mktemp("absorb")
    shutil.copytree(FIXTURE_CASES, folder / "cases")
    shutil.copytree(FIXTURE_LIBRARY, folder / "library")
    result = run_cli("build", folder / "cases" / "journalist.yaml", "-o",
                     folder / "cases" / "report.docx", "--library", folder / "library")
    assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture
def workdir(first_build, tmp_path) -> Path:
    """A scratch copy of the built report, its case and library, safe to edit."""
    shutil.copytree(first_build, tmp_path / "site")
    return tmp_path / "site"


@pytest.fixture
def built(workdir):
    """(case, report) in the scratch copy."""
    return workdir / "cases" / "journalist.yaml", workdir / "cases" / "report.docx"


def absorb(cli, workdir, report, *options):
    return cli("absorb", report, "--library", workdir / "library", *options)


def test_an_unedited_report_changes_nothing(built, cli, workdir):
    case, report = built
    before = case.read_bytes()
    result = absorb(cli, workdir, report)
    assert result.exit_code == 0, result.stderr
    assert "nothing to change" in result.stdout
    assert case.read_bytes() == before


def test_a_libreoffice_resave_changes_nothing(built, cli, workdir, tmp_path):
    """LibreOffice keeps the hidden point bookmarks and the provenance record."""
    soffice = need("soffice")
    case, report = built
    before = case.read_bytes()
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path),
                    str(report)], check=True, capture_output=True, timeout=180)
    resaved = tmp_path / "report.docx"
    result = absorb(cli, workdir, resaved, case)
    assert result.exit_code == 0, result.stderr
    assert "nothing to change" in result.stdout
    assert case.read_bytes() == before


def _word_edits(report: Path) -> None:
    document = open_docx(report)
    retype(find(document, "[EXPERT TO COMPLETE: answer to question 1]"),
           "Yes, the account is consistent with the sources.")
    insert_after(find(document, "The sources describe attacks"),
                 "A second paragraph typed in Word.")
    typed_footnote(document, find(document, "A second paragraph typed in Word."),
                   "A note typed in Word.")
    append_text(find(document, "Alpha Watch reported that protests"),
                " Added words in a library section.")
    insert_after(find(document, "Fictional expertise on Testland."),
                 "Typed between two paragraphs of the template.")
    delete(find(document, "Alpha Watch reported that protection is limited."))
    document.save(str(report))


def test_word_edits_are_absorbed_into_the_case(built, cli, workdir):
    case, report = built
    _word_edits(report)
    result = absorb(cli, workdir, report)
    assert result.exit_code == 0, result.stderr
    text = case.read_text(encoding="utf-8")
    assert text.startswith("# Fictional test case.\n")  # comments and layout kept
    assert 'answer: "Yes, the account is consistent with the sources."' in text
    # A new paragraph after an answer belongs to it; a typed footnote is an inline note.
    assert ("      answer: |\n        The sources describe attacks on journalists.\n\n"
            "        A second paragraph typed in Word.^[A note typed in Word.]\n") in text
    # A library section's edit is the case's replacement, its citations written back as they were.
    assert ("  replace:\n    - id: background\n      body: |\n        Alpha Watch reported that "
            "protests took place in 2023 [@alpha-2023, p. 12]. Added words in a library "
            "section.\n\n        A second paragraph relies on two sources "
            "[@alpha-2023; @beta-news].\n") in text
    # The deleted section is left out; the text typed outside every region is an extra section.
    assert "  exclude:\n    - protection\n" in text
    assert "      body: Typed between two paragraphs of the template.\n" in text
    for said in ("answer to question 1", "answer to question 2",
                 "library section 'background' was edited: added to this case's "
                 "sections.replace with the whole edited text; the library is unchanged",
                 "section 'protection': deleted in the report, added to sections.exclude",
                 "text typed outside every section", "1 footnote(s) typed in the report"):
        assert said in result.stdout
    # Absorbing again changes nothing, and the report may now be rebuilt.
    assert "nothing to change" in absorb(cli, workdir, report).stdout
    rebuilt = cli("build", case, "-o", report, "--library", workdir / "library", "--force")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    paragraphs = {text: style for style, text, _ in docx_paragraphs(report.read_bytes())}
    assert paragraphs["A second paragraph typed in Word."] == "NumberedParagraph"
    assert paragraphs["Typed between two paragraphs of the template."] == "NumberedParagraph"
    assert "Alpha Watch reported that protection is limited." not in paragraphs


def test_dry_run_writes_nothing(built, cli, workdir):
    case, report = built
    _word_edits(report)
    before = case.read_bytes()
    result = absorb(cli, workdir, report, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "dry run: nothing was written" in result.stdout
    assert case.read_bytes() == before


def test_an_edited_generated_footnote_is_kept_as_written(built, cli, workdir):
    case, report = built
    document = open_docx(report)
    paragraph = find(document, "The Beta Times reported attacks")
    retype(paragraph, "The Beta Times reported attacks on reporters in Northshire.")
    document.save(str(report))
    result = absorb(cli, workdir, report)
    assert result.exit_code == 0, result.stderr
    text = case.read_text(encoding="utf-8")
    # The footnote mark kept its citation: the key comes back, not the note's words.
    assert "body: The Beta Times reported attacks on reporters in Northshire. [@beta-news]" in text


def test_tracked_changes_are_refused_with_where_they_are(built, cli, workdir):
    case, report = built
    document = open_docx(report)
    tracked_insertion(find(document, "The sources describe attacks"), " Tracked words.")
    document.save(str(report))
    before = case.read_bytes()
    result = absorb(cli, workdir, report)
    assert result.exit_code == 1
    assert "1 tracked change(s) not yet accepted or rejected" in result.stderr
    assert "(“The sources describe attacks on journalists. Track" in result.stderr
    assert "--accept-changes" in result.stderr
    assert case.read_bytes() == before
    accepted = absorb(cli, workdir, report, "--accept-changes")
    assert accepted.exit_code == 0, accepted.stderr
    assert 'answer: "The sources describe attacks on journalists. Tracked words."' in \
        case.read_text(encoding="utf-8")


def test_comments_are_reported_as_not_carried_over(built, cli, workdir):
    _, report = built
    document = open_docx(report)
    paragraph = find(document, "The sources describe attacks")
    comment(document, paragraph, "Check this against the 2024 report.")
    retype(find(document, "[EXPERT TO COMPLETE: answer to question 1]"), "Yes.")
    document.save(str(report))
    result = absorb(cli, workdir, report)
    assert result.exit_code == 0, result.stderr
    assert "1 comment(s) in the report are not carried over" in result.stdout


def test_a_report_not_built_by_reportkit_is_refused(workdir, cli):
    other = workdir / "other.docx"
    docx.Document().save(str(other))
    result = cli("absorb", other, "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{other}: this document has no reportkit provenance record" in result.stderr


def test_a_missing_case_file_is_a_clear_error(built, cli, workdir):
    case, report = built
    case.rename(case.with_name("moved.yaml"))
    result = absorb(cli, workdir, report)
    assert result.exit_code == 1
    assert "the case file it was built from" in result.stderr and "is not there" in result.stderr
    assert "reportkit absorb REPORT CASE" in result.stderr


# ---------------------------------------------------------------- rebuilds never lose work


def test_build_force_refuses_an_edited_report(built, cli, workdir):
    case, report = built
    _word_edits(report)
    edited = report.read_bytes()
    result = cli("build", case, "-o", report, "--library", workdir / "library", "--force")
    assert result.exit_code == 1
    assert (f"{report} was edited after it was built (5 regions changed); run `reportkit "
            f"absorb {report}` first, or pass `--discard-edits`") in result.stderr
    assert report.read_bytes() == edited
    discarded = cli("build", case, "-o", report, "--library", workdir / "library", "--force",
                    "--discard-edits")
    assert discarded.exit_code == 0, discarded.stderr
    assert report.read_bytes() != edited
    assert "nothing to change" in absorb(cli, workdir, report).stdout


def test_a_failed_build_leaves_every_file_byte_identical(built, cli, workdir):
    case, report = built
    markdown = workdir / "cases" / "report.md"
    markdown.write_text("an earlier draft\n", encoding="utf-8")
    before = report.read_bytes()
    # One output cannot be written: nothing is, not even the report that could.
    result = cli("build", case, "-o", report, "--library", workdir / "library", "--force",
                 "--emit-markdown", workdir / "missing-folder" / "report.md")
    assert result.exit_code == 1
    assert report.read_bytes() == before
    result = cli("build", case, "-o", report, "--library", workdir / "library", "--force",
                 "--emit-markdown", report)
    assert result.exit_code == 1
    assert "--emit-markdown and -o name the same file" in result.stderr
    assert report.read_bytes() == before
    assert markdown.read_text(encoding="utf-8") == "an earlier draft\n"
    assert sorted(path.name for path in report.parent.iterdir()) == sorted(
        ["expert.yaml", "journalist-us.yaml", "journalist.yaml", "report.docx", "report.md"])


# ---------------------------------------------------------------- the whole round trip


def _uno() -> str:
    need("soffice")
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    if probe.returncode != 0:
        need("python3-uno (LibreOffice's Python bridge)")
    return SYSTEM_PYTHON


def test_libreoffice_round_trip_keeps_edits_and_library_changes(built, cli, workdir, tmp_path):
    """Build → edit in LibreOffice → absorb → change the library → rebuild: both are there."""
    python = _uno()
    case, report = built
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps([
        {"find": "The sources describe attacks", "append": " Edited in LibreOffice.",
         "new_paragraph": "A new paragraph typed in LibreOffice."},
        {"find": "Alpha Watch reported that protests", "append": " A sentence edited there."},
    ]), encoding="utf-8")
    edited = workdir / "cases" / "edited.docx"
    subprocess.run([python, str(UNO_SCRIPT), str(report), str(edited), str(edits)], check=True,
                   capture_output=True, timeout=300)
    result = absorb(cli, workdir, edited)
    assert result.exit_code == 0, result.stderr
    text = case.read_text(encoding="utf-8")
    assert ("The sources describe attacks on journalists. Edited in LibreOffice.\n\n"
            "        A new paragraph typed in LibreOffice.\n") in text
    assert "[@alpha-2023, p. 12]. A sentence edited there." in text
    # The library changes a section the expert did not touch.
    edit(workdir / "library" / "testland" / "sections" / "journalists.md",
         "The Beta Times reported attacks on journalists",
         "The Beta Times reported renewed attacks on journalists")
    rebuilt = workdir / "cases" / "rebuilt.docx"
    result = cli("build", case, "-o", rebuilt, "--library", workdir / "library")
    assert result.exit_code == 0, result.stderr
    paragraphs = {text: style for style, text, _ in docx_paragraphs(rebuilt.read_bytes())}
    assert paragraphs["The sources describe attacks on journalists. Edited in LibreOffice."] \
        == "NumberedParagraph"
    assert paragraphs["A new paragraph typed in LibreOffice."] == "NumberedParagraph"
    assert "Alpha Watch reported that protests took place in 2023. A sentence edited there." \
        in paragraphs
    assert "The Beta Times reported renewed attacks on journalists in Northshire." in paragraphs
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_section_title_changed_in_the_report(built, cli, workdir):
    case, report = built
    document = open_docx(report)
    retype(find(document, "Journalists", "Heading"), "Journalists and media workers")
    document.save(str(report))
    result = absorb(cli, workdir, report)
    assert result.exit_code == 0, result.stderr
    text = case.read_text(encoding="utf-8")
    # The body is unchanged but for the citation, written back where its mark stood.
    assert ("    - id: journalists\n      body: The Beta Times reported attacks on journalists "
            "in Northshire [@beta-news].\n      title: Journalists and media workers\n") in text


def test_force_refuses_an_edit_made_without_word_keeping_the_zip_comment(built, cli, workdir):
    """A report as written is known by a digest in its zip comment, without reading it; a tool
    that changes a part but copies the comment still has its edit found."""
    import zipfile

    case, report = built
    with zipfile.ZipFile(report) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
        comment = archive.comment
    assert comment.startswith(b"reportkit ")
    with zipfile.ZipFile(report, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.comment = comment
        for info, blob in parts:
            if info.filename == "word/document.xml":
                blob = blob.replace(b"</w:t>", b" (changed)</w:t>", 1)
            archive.writestr(info, blob)
    result = cli("build", case, "-o", report, "--library", workdir / "library", "--force")
    assert result.exit_code == 1
    assert "was edited after it was built (1 region changed)" in result.stderr


def test_batch_force_refuses_an_edited_report_too(built, cli, workdir):
    case, report = built
    folder = workdir / "reports"
    folder.mkdir()
    shutil.copy(report, folder / "journalist.docx")
    document = open_docx(folder / "journalist.docx")
    insert_after(find(document, "The sources describe attacks"), "Typed in Word.")
    document.save(str(folder / "journalist.docx"))
    edited = (folder / "journalist.docx").read_bytes()
    result = cli("batch", case, "-o", folder, "--library", workdir / "library", "--force")
    assert result.exit_code == 1
    assert "was edited after it was built (1 region changed)" in result.stdout + result.stderr
    assert (folder / "journalist.docx").read_bytes() == edited
