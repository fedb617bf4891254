"""Each evidence-quality check: a fixture that triggers it, and a near miss that does not.

tests/fixtures/quality/base is a clean library and case (no findings at all). Each folder
ID-name/ holds trigger.yaml and pass.yaml: edits to a copy of the base, and for the trigger
the finding that `reportkit check` must then report (file, line, words of the message).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import FIXTURES, run_cli
from reportkit.quality import CHECKS

QUALITY = FIXTURES / "quality"
BASE = QUALITY / "base"
FOLDERS = sorted(path for path in QUALITY.iterdir() if path.is_dir() and path.name != "base")


def scenario(tmp_path: Path, fixture: Path) -> tuple[Path, dict]:
    """A copy of the base with the fixture's edits applied; returns the folder and the fixture."""
    folder = tmp_path / "scenario"
    shutil.copytree(BASE, folder)
    spec = YAML(typ="safe").load(fixture.read_text(encoding="utf-8"))
    for edit in spec["edits"] or []:
        path = folder / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert edit["old"] in text, f"{fixture}: {edit['old']!r} is not in {edit['file']}"
        path.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")
    return folder, spec


def check_json(folder: Path, *extra: str) -> tuple[int, dict]:
    result = run_cli("check", folder / "case.yaml", "--library", folder / "library",
                     "--format", "json", *extra)
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout)


def test_the_base_is_clean(tmp_path):
    code, report = check_json(scenario(tmp_path, QUALITY / "L002-unknown-citation" / "pass.yaml")[0])
    assert report["findings"] == [] and report["invalid"] == []
    assert code == 0


def test_every_check_has_a_fixture():
    assert {folder.name.split("-")[0] for folder in FOLDERS} == {check.id for check in CHECKS}
    assert {folder.name.split("-", 1)[1] for folder in FOLDERS} == {check.name for check in CHECKS}


@pytest.mark.parametrize("fixture", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_trigger(fixture, tmp_path):
    check_id = fixture.name.split("-")[0]
    severity = next(check.severity for check in CHECKS if check.id == check_id)
    folder, spec = scenario(tmp_path, fixture / "trigger.yaml")
    code, report = check_json(folder)
    expect = spec["expect"]
    found = [finding for finding in report["findings"] if finding["id"] == check_id]
    located = [finding for finding in found
               if finding["path"] == str(folder / expect["path"]) and finding["line"] == expect["line"]
               and expect["text"] in finding["message"]]
    assert located, json.dumps(report["findings"], indent=1)
    assert all(finding["severity"] == severity for finding in found)
    assert code == (1 if severity == "error" else 0)
    assert report["invalid"] == []


@pytest.mark.parametrize("fixture", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_near_miss(fixture, tmp_path):
    check_id = fixture.name.split("-")[0]
    folder, _ = scenario(tmp_path, fixture / "pass.yaml")
    code, report = check_json(folder)
    assert [finding for finding in report["findings"] if finding["id"] == check_id] == []
    assert report["invalid"] == []
