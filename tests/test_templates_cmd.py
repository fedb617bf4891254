"""`reportkit templates list|copy`: which template set a build uses, and an editable copy of one."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, ROOT, docx_parts, run_cli


def table(stdout: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in stdout.splitlines()[1:]]


def add_marker(template_set: Path, marker: str) -> None:
    """A paragraph at the end of the set's cover page (a set's report.md.j2 overrides blocks)."""
    report = template_set / "report.md.j2"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("{% endblock %}", f"\n{marker}\n\n{{% endblock %}}", 1),
                      encoding="utf-8")


def build_text(tmp_path: Path, *options: str | Path) -> str:
    output = tmp_path / f"report-{len(list(tmp_path.glob('report-*.docx')))}.docx"
    result = run_cli("build", FIXTURE_CASES / "journalist.yaml", "-o", output,
                     "--library", FIXTURE_LIBRARY, *options)
    assert result.exit_code == 0, result.stderr
    return docx_parts(output)["word/document.xml"]


@pytest.fixture(autouse=True)
def no_user_templates(monkeypatch):
    monkeypatch.delenv("REPORTKIT_TEMPLATES", raising=False)


def test_list_shows_the_bundled_sets_with_language_and_paper():
    result = run_cli("templates", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split("\n")[0].split() == ["name", "origin", "language", "paper", "status",
                                                    "path"]
    assert table(result.stdout) == [
        ["uk", "bundled", "en-GB", "A4", "used", str(ROOT / "templates" / "uk")],
        ["us", "bundled", "en-US", "Letter", "used", str(ROOT / "templates" / "us")]]


def test_templates_option_comes_before_the_environment_before_the_bundled_sets(tmp_path, monkeypatch):
    option, environment = tmp_path / "option", tmp_path / "environment"
    shutil.copytree(ROOT / "templates" / "uk", option / "uk")
    for name in ("uk", "us"):
        shutil.copytree(ROOT / "templates" / name, environment / name)
    add_marker(option / "uk", "MARKER-FROM-OPTION")
    add_marker(environment / "uk", "MARKER-FROM-ENVIRONMENT")
    monkeypatch.setenv("REPORTKIT_TEMPLATES", str(environment))

    listed = run_cli("templates", "list", "--templates", option)
    assert listed.exit_code == 0, listed.stderr
    assert [(row[0], row[1], row[4], row[5]) for row in table(listed.stdout)] == [
        ("uk", "user", "used", str(option / "uk")),
        ("uk", "user", "hidden", str(environment / "uk")),
        ("us", "user", "used", str(environment / "us")),
        ("uk", "bundled", "hidden", str(ROOT / "templates" / "uk")),
        ("us", "bundled", "hidden", str(ROOT / "templates" / "us"))]

    # A build follows the same order.
    both = build_text(tmp_path, "--templates", option)
    assert "MARKER-FROM-OPTION" in both and "MARKER-FROM-ENVIRONMENT" not in both
    environment_only = build_text(tmp_path)
    assert "MARKER-FROM-ENVIRONMENT" in environment_only and "MARKER-FROM-OPTION" not in environment_only


def test_copy_makes_dir_name_and_a_build_with_templates_dir_uses_the_copy(tmp_path):
    folder = tmp_path / "my-templates"
    result = run_cli("templates", "copy", "uk", folder)
    assert result.exit_code == 0, result.stderr
    copy = folder / "uk"
    comparison = filecmp.dircmp(ROOT / "templates" / "uk", copy)
    assert not comparison.left_only and not comparison.right_only and not comparison.diff_files
    assert f"--templates {folder}" in result.stdout

    assert "MARKER-IN-THE-COPY" not in build_text(tmp_path, "--templates", folder)
    add_marker(copy, "MARKER-IN-THE-COPY")
    assert "MARKER-IN-THE-COPY" in build_text(tmp_path, "--templates", folder)
    assert "MARKER-IN-THE-COPY" not in (ROOT / "templates" / "uk" / "report.md.j2").read_text(
        encoding="utf-8")


def test_copy_brings_the_shared_base_once_and_the_copy_uses_it(tmp_path):
    folder = tmp_path / "my-templates"
    assert run_cli("templates", "copy", "uk", folder).exit_code == 0
    base = folder / "_base"
    comparison = filecmp.dircmp(ROOT / "templates" / "_base", base)
    assert not comparison.left_only and not comparison.right_only and not comparison.diff_files
    methodology = base / "methodology.md.j2"
    methodology.write_text("MARKER-IN-THE-BASE\n", encoding="utf-8")
    assert "MARKER-IN-THE-BASE" in build_text(tmp_path, "--templates", folder)
    # A second set copied into the same folder shares the edited base; it is never overwritten.
    second = run_cli("templates", "copy", "us", folder)
    assert second.exit_code == 0, second.stderr
    assert methodology.read_text(encoding="utf-8") == "MARKER-IN-THE-BASE\n"


def test_copy_refuses_to_overwrite_an_existing_folder(tmp_path):
    folder = tmp_path / "my-templates"
    assert run_cli("templates", "copy", "uk", folder).exit_code == 0
    edited = folder / "uk" / "report.md.j2"
    edited.write_text("my own report\n", encoding="utf-8")
    again = run_cli("templates", "copy", "uk", folder)
    assert again.exit_code == 1
    assert f"{folder / 'uk'}: the folder already exists" in again.stderr
    assert edited.read_text(encoding="utf-8") == "my own report\n"
    # no temporary copy left behind
    assert sorted(path.name for path in folder.iterdir()) == ["_base", "uk"]


def test_copy_of_an_unknown_set_lists_the_available_ones(tmp_path):
    result = run_cli("templates", "copy", "fr", tmp_path / "my-templates")
    assert result.exit_code == 1
    assert "no template set 'fr'" in result.stderr and "available: uk, us" in result.stderr
    assert not (tmp_path / "my-templates").exists()


def test_list_refuses_a_templates_folder_that_does_not_exist(tmp_path):
    result = run_cli("templates", "list", "--templates", tmp_path / "mytpls")
    assert result.exit_code == 1
    assert f"{tmp_path / 'mytpls'}: template folder not found" in result.stderr


def test_list_shows_a_set_folder_given_instead_of_its_parent(tmp_path):
    assert run_cli("templates", "copy", "uk", tmp_path / "mine").exit_code == 0
    result = run_cli("templates", "list", "--templates", tmp_path / "mine" / "uk")
    assert result.exit_code == 0, result.stderr
    assert str(tmp_path / "mine" / "uk") in result.stdout
