"""What an input file is, checked before it is read: a pipe, a device, a folder, a huge or
non-UTF-8 file is refused with its path; a byte order mark or JSON-style escapes are read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, run_cli
from reportkit.load.yaml_file import load_yaml


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    shutil.copytree(FIXTURE_CASES, tmp_path / "cases")
    shutil.copytree(FIXTURE_LIBRARY, tmp_path / "library")
    country = tmp_path / "library" / "testland"
    return {"case": tmp_path / "cases" / "journalist.yaml",
            "expert": tmp_path / "cases" / "expert.yaml",
            "section": country / "sections" / "background.md",
            "new-section": country / "sections" / "zz-new.md",
            "sources": country / "sources.json",
            "chronology": country / "chronology.yaml",
            "profiles": tmp_path / "library" / "profiles.yaml",
            "library": tmp_path / "library", "tmp": tmp_path}


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _huge(path: Path) -> None:
    with open(path, "wb") as handle:  # sparse: 500 MB on paper, nothing on disk
        handle.truncate(500_000_000)


def _latin1(path: Path) -> None:
    path.write_bytes(b"title: caf\xe9\n")


def _folder(path: Path) -> None:
    path.mkdir()


KINDS = {"pipe": (_fifo, "is not a regular file"), "device": (_device, "is not a regular file"),
         "huge": (_huge, "larger than 5 MB"), "latin-1": (_latin1, "not UTF-8 text"),
         "folder": (_folder, "is a folder")}
FILES = ["case", "expert", "section", "new-section", "sources", "chronology", "profiles"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", FILES)
def test_an_input_that_is_not_an_ordinary_text_file_is_refused(setup, which, kind):
    make, message = KINDS[kind]
    path = setup[which]
    if path.exists():
        path.unlink()
    make(path)
    output = setup["tmp"] / "report.docx"
    result = run_cli("build", setup["case"], "-o", output, "--library", setup["library"])
    assert result.exit_code == 1, result.stdout
    if which == "expert" and kind in ("pipe", "device", "folder"):  # where the case names it
        path = setup["case"]
        message = "is outside the case's folder" if kind == "device" else message
    assert f"{path}" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()


def test_a_byte_order_mark_at_the_start_of_a_section_or_case_is_read(setup):
    for which in ("section", "case", "expert"):
        path = setup[which]
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run_cli("build", setup["case"], "-o", setup["tmp"] / "r.docx", "--library",
                     setup["library"])
    assert result.exit_code == 0, result.stderr


def test_a_case_file_written_by_json_dumps_loads_with_its_emoji(setup):
    data = load_yaml(setup["case"]).data
    data["applicant"]["account"] = "She wrote 😀 and 👩\u200d👩\u200d👧 in messages."
    text = json.dumps(data, indent=2)
    assert "\\ud83d\\ude00" in text  # the escapes JSON writers use
    setup["case"].write_text(text, encoding="utf-8")
    output = setup["tmp"] / "r.docx"
    result = run_cli("build", setup["case"], "-o", output, "--library", setup["library"])
    assert result.exit_code == 0, result.stderr
    import docx
    assert any("She wrote 😀 and 👩\u200d👩\u200d👧" in paragraph.text
               for paragraph in docx.Document(output).paragraphs)


@pytest.mark.parametrize("depth", [51, 1000, 100_000])
@pytest.mark.parametrize("command", [
    ["build", "{case}", "-o", "{tmp}/r.docx"], ["check", "{case}"], ["check"],
    ["sections", "list", "--country", "testland"], ["sections", "show", "background"],
])
def test_deeply_nested_sources_json_is_refused_plainly(setup, depth, command):
    sources = setup["sources"]
    records = json.loads(sources.read_text(encoding="utf-8"))
    records[0]["note"] = "PLACE"
    sources.write_text(json.dumps(records).replace('"PLACE"', "[" * depth + "]" * depth),
                       encoding="utf-8")
    arguments = [part.format(case=setup["case"], tmp=setup["tmp"]) for part in command]
    result = run_cli(*arguments, "--library", setup["library"])
    assert result.exit_code == 1
    assert f"{sources}: the JSON is nested more than 50 levels deep" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
