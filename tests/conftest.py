"""Shared test fixtures: paths to fixture libraries and cases, and a CLI runner."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from reportkit.cli import app
import reportkit.cli.commands  # noqa: F401  (registers the commands)

# Under CI the property-based tests draw the same examples on every run (each test's own fixed
# seed), so that a run's verdict is about the change it tests; a laptop run keeps exploring.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The suite's many libraries and templates, in temporary folders, are kept in a cache folder of
# its own for the run, not in the user's (a run still reuses what it compiled and parsed).
_CACHE = tempfile.TemporaryDirectory(prefix="reportkit-test-cache-")
os.environ["REPORTKIT_CACHE_DIR"] = _CACHE.name

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_LIBRARY = FIXTURES / "library"
FIXTURE_CASES = FIXTURES / "cases"
EXAMPLE_CASES = ROOT / "examples" / "cases"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path) -> Result:
    """Run `reportkit ARGS` in-process, as a user would, and capture what it prints."""
    runner = CliRunner()
    result = runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A scratch copy of the fixture cases and library, safe to edit."""
    shutil.copytree(FIXTURE_CASES, tmp_path / "cases")
    shutil.copytree(FIXTURE_LIBRARY, tmp_path / "library")
    return tmp_path


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """A scratch copy of tests/fixtures/quality/base (a case and its library), safe to edit."""
    folder = tmp_path / "scenario"
    shutil.copytree(FIXTURES / "quality" / "base", folder)
    return folder


def docx_parts(data_or_path: bytes | Path) -> dict[str, str]:
    """Every XML part of a DOCX as text, by name."""
    data = data_or_path.read_bytes() if isinstance(data_or_path, Path) else data_or_path
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8", errors="replace")
                for name in archive.namelist()}


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once in a scratch copy of a fixture; return the line number of the change."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


@pytest.fixture(scope="session")
def redline(tmp_path_factory):
    """Two versions of the fixture report: an answer rewritten and extended, a library
    sentence changed and one deleted."""
    folder = tmp_path_factory.mktemp("compare")
    shutil.copytree(FIXTURE_CASES, folder / "cases")
    shutil.copytree(FIXTURE_LIBRARY, folder / "library")
    case = folder / "cases" / "journalist.yaml"
    older, newer, output = folder / "v1.docx", folder / "v2.docx", folder / "redline.docx"
    assert run_cli("build", case, "-o", older, "--library", folder / "library").exit_code == 0
    edit(case, 'answer: "The sources describe attacks on journalists."',
         'answer: "The sources describe repeated attacks on journalists.\\n\\n'
         'A paragraph added in the revised report."')
    edit(folder / "library" / "testland" / "sections" / "background.md",
         "A second paragraph relies on two sources [@alpha-2023; @beta-news].\n", "")
    assert run_cli("build", case, "-o", newer, "--library", folder / "library").exit_code == 0
    result = run_cli("compare", older, newer, "-o", output)
    assert result.exit_code == 0, result.stderr
    assert "by Dr Test Expert, dated 2026-11-22" in result.stdout
    return output
