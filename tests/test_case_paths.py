"""Paths written in a case file: relative to the case's folder, never outside it, never echoed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli

SECRET = "s3cret-line-that-must-never-be-printed: 1"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A case folder inside a parent that also holds a secret file, a symlink farm and a FIFO."""
    parent = tmp_path / "home"
    case_folder = parent / "case"
    case_folder.mkdir(parents=True)
    shutil.copy(FIXTURE_CASES / "journalist.yaml", case_folder / "case.yaml")
    shutil.copy(FIXTURE_CASES / "expert.yaml", case_folder / "expert.yaml")
    (parent / "secret.yaml").write_text(SECRET + "\n", encoding="utf-8")
    (case_folder / "notes.txt").write_text(SECRET + "\n", encoding="utf-8")
    (case_folder / "link-out.yaml").symlink_to(parent / "secret.yaml")
    (case_folder / "link-txt.yaml").symlink_to(case_folder / "notes.txt")
    (case_folder / "folder.yaml").mkdir()
    os.mkfifo(case_folder / "pipe.yaml")
    (case_folder / "sub").mkdir()
    (case_folder / "sub" / "up").symlink_to(parent)
    return case_folder


def _attacks(folder: Path) -> list[tuple[str, str]]:
    """(value written as `expert:`, what the error says): every way out, generated."""
    outside = folder.parent / "secret.yaml"
    attacks = [
        (str(outside), "is an absolute path"),
        ("/etc/passwd", "is an absolute path"),
        ("~/secret.yaml", "is an absolute path"),
        ("C:\\\\Users\\\\secret.yaml", "is an absolute path"),
        ("\\\\\\\\host\\\\share\\\\secret.yaml", "is an absolute path"),
        ("link-out.yaml", "is outside the case's folder"),
        ("link-txt.yaml", "is not a '.yaml' or '.yml' file"),
        ("notes.txt", "is not a '.yaml' or '.yml' file"),
        ("folder.yaml", "is a folder"),
        ("pipe.yaml", "is not a regular file"),
        ("missing.yaml", "file not found"),
        ("", "the file name is empty"),
    ]
    # `..` at every depth, directly and through a link to a parent folder.
    for depth in range(1, 4):
        attacks.append(("../" * depth + "secret.yaml", "is outside the case's folder"))
        attacks.append(("sub/" + "../" * (depth + 1) + "secret.yaml", "is outside the case's folder"))
    attacks.append(("sub/up/secret.yaml", "is outside the case's folder"))
    attacks.append(("./sub/./up/case/../secret.yaml", "is outside the case's folder"))
    return attacks


ATTACK_COUNT = 20


@pytest.mark.parametrize("index", range(ATTACK_COUNT))
@pytest.mark.parametrize("command", ["build", "check"])
def test_an_expert_path_cannot_leave_the_case_folder(folder, index, command):
    attacks = _attacks(folder)
    assert len(attacks) == ATTACK_COUNT
    value, message = attacks[index]
    case = folder / "case.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("expert: expert.yaml", f'expert: "{value}"'), encoding="utf-8")
    line = text[:text.index("expert: expert.yaml")].count("\n") + 1
    output = folder / "report.docx"
    args = [command, case, "--library", FIXTURE_LIBRARY]
    if command == "build":
        args += ["-o", output]
    result = run_cli(*args)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert f"{case}:{line}: " in result.stderr and message in result.stderr, result.stderr
    assert "s3cret" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()


def test_an_expert_file_in_a_folder_inside_the_case_folder_is_used(folder, tmp_path):
    (folder / "experts").mkdir()
    (folder / "expert.yaml").rename(folder / "experts" / "me.yml")
    case = folder / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "expert: expert.yaml", "expert: sub/../experts/me.yml"), encoding="utf-8")
    result = run_cli("build", case, "-o", tmp_path / "r.docx", "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 0, result.stderr


def test_an_invalid_expert_file_is_reported_without_its_content(folder):
    """Keys are named (shortened), values never: a file of secrets stays secret."""
    (folder / "keys.yaml").write_text(
        "name: Dr A\n" + "".join(f"token_{n}_{'x' * 80}: s3cret-{n}\n" for n in range(30)),
        encoding="utf-8")
    case = folder / "case.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "expert: expert.yaml", "expert: keys.yaml"), encoding="utf-8")
    result = run_cli("check", case, "--library", FIXTURE_LIBRARY)
    assert result.exit_code == 1
    assert "s3cret" not in result.stderr
    assert "unknown field 'token_0_xxx" in result.stderr
    assert "x" * 80 not in result.stderr
    # The first few problems, then how many more: not one line per line of the file.
    assert result.stderr.count("unknown field") == 5, result.stderr
    assert "and 25 more problems; is this an expert file?" in result.stderr
