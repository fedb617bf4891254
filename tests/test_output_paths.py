"""Outputs: never an input, never two at once in one file, the right kind, never a folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, ROOT, run_cli


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    """A case, its library and a template set, all copies that a wrong output could destroy."""
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "uk", templates / "uk")
    out = tmp_path / "out"
    out.mkdir()
    return {"case": cases / "journalist.yaml", "expert": cases / "expert.yaml",
            "library": library, "templates": templates, "out": out, "tmp": tmp_path}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _section(setup) -> Path:
    return next((setup["library"] / "testland" / "sections").glob("*.md"))


# Each attack: (name, function of the setup giving build's extra arguments, expected message).
# The same wrong outputs are tried through every option that names an output, with --force.
def _attacks():
    inputs = {
        "case": lambda s: s["case"],
        "expert": lambda s: s["expert"],
        "section": _section,
        "sources": lambda s: s["library"] / "testland" / "sources.json",
        "profiles": lambda s: s["library"] / "profiles.yaml",
        "template": lambda s: s["templates"] / "uk" / "report.md.j2",
        "reference": lambda s: s["templates"] / "uk" / "reference.docx",
        "new-in-library": lambda s: s["library"] / "testland" / "sections" / "new.md",
        "new-in-templates": lambda s: s["templates"] / "uk" / "new.docx",
    }
    for option in ("-o", "--emit-markdown"):
        for name, where in inputs.items():
            yield (f"{option}-{name}", (lambda option, where: lambda s: [option, where(s)])(option, where),
                   "would write over")
    yield ("docx-as-markdown", lambda s: ["-o", s["out"] / "r.docx", "--emit-markdown", s["out"] / "r.docx"],
           "--emit-markdown and -o name the same file")
    yield ("markdown-symlink-to-docx", lambda s: _linked(s, "r.md", "r.docx"),
           "--emit-markdown and -o name the same file")
    yield ("pdf-is-markdown", lambda s: ["-o", s["out"] / "r.docx", "--pdf", "--emit-markdown",
                                         s["out"] / "r.pdf"], "--emit-markdown and --pdf name the same file")
    yield ("symlink-to-case", lambda s: _linked(s, "r.docx", None), "would write over")
    yield ("hard-link-to-case", lambda s: _hard_linked(s), "would write over")
    for suffix in (".pdf", ".doc", ".yaml", ".md", ""):
        yield (f"docx-named{suffix or '-bare'}", (lambda suffix: lambda s: [
            "-o", s["out"] / f"report{suffix}"])(suffix), "-o writes a .docx file")
    for suffix in (".docx", ".txt", ".html"):
        yield (f"markdown-named{suffix}", (lambda suffix: lambda s: [
            "-o", s["out"] / "r.docx", "--emit-markdown", s["out"] / f"notes{suffix}"])(suffix),
               "--emit-markdown writes a .md or .markdown file")
    yield ("folder", lambda s: ["-o", s["out"]], "-o names a folder")
    yield ("folder-with-suffix", lambda s: ["-o", _folder(s, "x.docx")], "-o names a folder")
    yield ("markdown-folder", lambda s: ["-o", s["out"] / "r.docx", "--emit-markdown",
                                         _folder(s, "x.md")], "--emit-markdown names a folder")


def _linked(setup, name: str, target: str | None) -> list:
    link = setup["out"] / name
    link.symlink_to(setup["case"] if target is None else setup["out"] / target)
    if target is None:
        return ["-o", link]
    return ["-o", setup["out"] / target, "--emit-markdown", link]


def _hard_linked(setup) -> list:
    link = setup["out"] / "r.docx"
    os.link(setup["case"], link)
    return ["-o", link]


def _folder(setup, name: str) -> Path:
    (setup["out"] / name).mkdir()
    return setup["out"] / name


ATTACKS = list(_attacks())


@pytest.mark.parametrize("name, arguments, message", ATTACKS, ids=[attack[0] for attack in ATTACKS])
def test_a_wrong_output_is_refused_and_nothing_changes(setup, name, arguments, message):
    extra = arguments(setup)
    if "-o" not in extra:
        extra = ["-o", setup["out"] / "report.docx", *extra]
    before = {folder: _snapshot(setup[folder]) for folder in ("library", "templates", "out")}
    before["case"] = _snapshot(setup["case"].parent)
    result = run_cli("build", setup["case"], "--library", setup["library"], "--templates",
                     setup["templates"], "--force", *extra)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert message in result.stderr and "nothing was written" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    after = {folder: _snapshot(setup[folder]) for folder in ("library", "templates", "out")}
    after["case"] = _snapshot(setup["case"].parent)
    assert after == before


def test_a_case_file_named_docx_is_not_its_own_report(setup):
    case = setup["case"].with_suffix(".docx")
    setup["case"].rename(case)
    result = run_cli("build", case, "--library", setup["library"], "--force")
    assert result.exit_code == 1
    assert "would write over" in result.stderr
    assert case.read_bytes().startswith(b"#") or b"reference:" in case.read_bytes()


def test_batch_never_writes_into_the_library(setup):
    before = _snapshot(setup["library"])
    result = run_cli("batch", setup["case"], "-o", setup["library"] / "testland", "--library",
                     setup["library"], "--force")
    assert result.exit_code == 1
    assert "would write over" in result.stderr
    assert _snapshot(setup["library"]) == before


@pytest.mark.parametrize("name, message", [("case.docx", "CASE writes a .yaml or .yml file"),
                                           ("folder", "CASE names a folder")])
def test_new_writes_only_a_yaml_case_file(tmp_path, name, message):
    (tmp_path / "folder").mkdir()
    result = run_cli("new", tmp_path / name, "--country", "testland", "--profile", "journalist",
                     "--jurisdiction", "uk", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder"]
