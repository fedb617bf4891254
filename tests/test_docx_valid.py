"""Word's view of what we write, without Word: every built fixture, a report laid out by
LibreOffice (its contents' page numbers filled), and the redline `compare` writes (Docxodus's
output, not post-processed) validate against the ISO/IEC 29500 transitional schemas, and
openxml-audit finds nothing but the false positives listed (with why) below."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_CASES, FIXTURE_CASES, FIXTURE_LIBRARY
from ooxml import audit_findings, schema_errors
from reportkit.build import Inputs, LibraryCache, build_report, load_inputs
from reportkit.load.templates import load_template_set
from reportkit.paths import default_library, template_search_path

# openxml-audit findings that are not errors in the standard:
FALSE_POSITIVES = {
    # ISO/IEC 29500-1 §17.9.18: numId 0 "shall be used to remove numbering" from a paragraph
    # whose style is numbered; Word writes it for an unnumbered heading. It refers to no
    # definition by design, so "not found" is no fault.
    "[semantic] /word/document.xml: Numbering definition '0' referenced but not found",
}


def _builds() -> list[tuple[str, Path, Path, str, bool]]:
    builds = [(f"{case.stem}-{template_set}", case, default_library(), template_set, False)
              for case in sorted(EXAMPLE_CASES.glob("*.yaml")) for template_set in ("uk", "us")]
    builds.append(("fixture-features-uk", FIXTURE_CASES / "journalist.yaml", FIXTURE_LIBRARY, "uk", False))
    builds.append(("fixture-features-us", FIXTURE_CASES / "journalist-us.yaml", FIXTURE_LIBRARY, "us", False))
    builds.append(("fixture-anonymised", FIXTURE_CASES / "journalist.yaml", FIXTURE_LIBRARY, "uk", True))
    return builds


BUILDS = _builds()


@pytest.fixture(scope="module", params=BUILDS, ids=[build[0] for build in BUILDS])
def built(request, tmp_path_factory) -> Path:
    name, case, library, template_set, anonymise = request.param
    libraries = LibraryCache(library)
    inputs = load_inputs(case, libraries, template_search_path())
    inputs = Inputs(inputs.loaded, inputs.library, load_template_set(template_set, template_search_path()),
                    anonymise=anonymise)
    output = tmp_path_factory.mktemp("valid") / f"{name}.docx"
    output.write_bytes(build_report(inputs, libraries).docx)
    return output


def test_every_part_validates_against_the_transitional_schemas(built):
    assert schema_errors(built) == []


def test_openxml_audit_finds_only_known_false_positives(built):
    assert [finding for finding in audit_findings(built) if finding not in FALSE_POSITIVES] == []


def test_the_redline_validates_against_the_transitional_schemas(redline):
    """Every part of the tracked-changes DOCX (w:ins, w:del, rsids, the parts Docxodus rewrites),
    not only the body."""
    assert schema_errors(redline) == []


def test_openxml_audit_finds_only_known_false_positives_in_the_redline(redline):
    assert [finding for finding in audit_findings(redline) if finding not in FALSE_POSITIVES] == []


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory) -> Path:
    """A report as `--pdf` (and `--final`) write it: laid out by LibreOffice, its contents'
    page numbers filled in."""
    from conftest import run_cli
    from readers import need

    need("soffice")
    need("pdftotext")
    output = tmp_path_factory.mktemp("laid-out") / "report.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output, "--pdf",
                     "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    return output


def test_a_laid_out_report_validates_too(laid_out):
    assert schema_errors(laid_out) == []
    assert [finding for finding in audit_findings(laid_out) if finding not in FALSE_POSITIVES] == []


def test_the_schema_check_catches_what_word_rejects(tmp_path):
    """The check is not vacuous: updateFields right after zoom (as reportkit once wrote it)."""
    import zipfile

    from conftest import run_cli

    built, broken = tmp_path / "report.docx", tmp_path / "broken.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", built, "--library",
                     FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/settings.xml":
                text = data.decode().replace('<w:updateFields w:val="true"/>', "")
                data = text.replace("<w:zoom ", '<w:updateFields w:val="true"/><w:zoom ', 1).encode()
            target.writestr(item, data)
    assert any("settings.xml" in error for error in schema_errors(broken))
