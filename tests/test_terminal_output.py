"""What the commands print for a person at a terminal: 80 columns, help that reads as prose with
option kinds users know, --version, `check` summaries that never contradict the errors above
them, and a README workflow that works as written after `make demo`."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY, ROOT, edit, run_cli
from reportkit import __version__

COMMANDS = [[], ["build"], ["new"], ["check"], ["schedule"], ["batch"], ["provenance"], ["schema"],
            ["sections"], ["sections", "list"], ["sections", "show"], ["sources"],
            ["sources", "list"], ["sources", "show"], ["sources", "import"], ["templates"],
            ["templates", "list"], ["templates", "copy"]]
PERU_SOURCES = [record["id"] for record in json.loads(
    (ROOT / "country_data" / "peru" / "sources.json").read_text(encoding="utf-8"))]
LOCATED = re.compile(r"^\S+:\d+: ")  # `file:line: message` stays whole for editors and CI


def too_wide(text: str) -> list[str]:
    """Lines over 80 columns, except a URL or path too long for any line (never broken) and a
    `file:line:` message line."""
    return [line for line in text.splitlines() if len(line) > 80 and not LOCATED.match(line)
            and not (len(line.split()) <= 2 and max(len(word) for word in line.split()) > 40)]


@pytest.mark.parametrize("command", [" ".join(command) or "reportkit" for command in COMMANDS])
def test_help_wraps_at_80_columns_and_shows_option_kinds_users_know(command):
    words = [] if command == "reportkit" else command.split()
    result = run_cli(*words, "--help")
    assert result.exit_code == 0, result.stderr
    assert too_wide(result.stdout) == []
    assert not re.search(r"<[\w|\[\].]+>", result.stdout), result.stdout  # no <bool>, <list[Path]>
    assert "..." not in re.sub(r"[\]}]\.\.\.", "", result.stdout)  # only "repeatable" in usage
    for line in result.stdout.splitlines():
        if re.match(r"\s+--(force|strict|update|keep-duplicates|help|version)\b", line):
            assert not re.match(r"\s+--[\w-]+ [A-Z\[]", line), line  # a flag takes no value


def test_help_shows_path_and_text_and_wraps_paragraphs_as_prose():
    result = run_cli("sources", "import", "--help")
    assert "--library PATH" in result.stdout and "--country TEXT" in result.stdout
    assert "FILE PATH" in result.stdout
    # The docstring's own line breaks are gone: each paragraph is filled as one text, so only
    # a paragraph's last line is short.
    description = result.stdout.split("\n\n")[2]
    assert description.strip().startswith("A record's id is its citation key")
    assert all(len(line) >= 60 for line in description.splitlines()[:-1]), description
    commands = run_cli("--help").stdout
    assert "check the quality of the evidence." in " ".join(commands.split())


def test_version():
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout == f"reportkit {__version__}\n"


def test_listing_commands_fit_80_columns():
    for command in (["sources", "list"], ["sections", "list"], ["templates", "list"],
                    ["sources", "list", "--library", FIXTURE_LIBRARY],
                    ["sections", "show", "gaps-in-information"]):
        result = run_cli(*command)
        assert result.exit_code == 0, result.stderr
        assert too_wide(result.stdout) == [], command
    for source_id in PERU_SOURCES:
        shown = run_cli("sources", "show", source_id)
        assert shown.exit_code == 0 and too_wide(shown.stdout) == [], source_id


def test_sources_list_wraps_rather_than_loses_a_title():
    result = run_cli("sources", "list", "--country", "peru")
    listed = " ".join(result.stdout.split())
    for record in json.loads((ROOT / "country_data" / "peru" / "sources.json").read_text("utf-8")):
        assert " ".join(record["title"].split()) in listed


def test_check_never_says_no_problems_when_an_input_is_invalid(scenario):
    edit(scenario / "case.yaml", "report_date: 2026-11-22", "report_date: 2026-13-45")
    result = run_cli("check", scenario / "case.yaml", "--library", scenario / "library")
    assert result.exit_code == 1
    assert "no problems found" not in result.stdout
    assert "report_date: not a valid date" in result.stderr
    assert f"checked {scenario / 'case.yaml'}: 1 input problem, 0 errors" in " ".join(
        result.stdout.split())


def test_a_case_check_counts_the_library_warnings_without_listing_each(scenario):
    edit(scenario / "library" / "qualityland" / "sections" / "protection.md",
         "with limited reach", "with a brutal lack of reach")
    result = run_cli("check", scenario / "case.yaml", "--library", scenario / "library")
    assert "L006" not in result.stdout
    summary = " ".join(result.stdout.split())
    assert "(1 library warning not listed; --library-warnings lists them)" in summary
    listed = run_cli("check", scenario / "case.yaml", "--library", scenario / "library",
                     "--library-warnings")
    assert "L006 warning: advocacy or emotive wording: 'brutal'" in listed.stdout
    assert "not listed" not in listed.stdout
    alone = run_cli("check", "--library", scenario / "library")  # the library's own check lists it
    assert "L006 warning" in alone.stdout


def test_make_demo_says_how_to_put_reportkit_on_the_path():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile[makefile.index("\ndemo:"):makefile.index("\ntest:")]
    assert "$(BIN)/activate" in demo


def test_the_readme_workflow_works_as_written_after_make_demo(tmp_path):
    """Run the README's Workflow block in a fresh folder with the environment `make demo` makes
    (this test's own), filling in the case file where the README says to."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Workflow"):]
    block = section[section.index("```\n") + 4:section.index("\n```", section.index("```\n") + 4)]
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands[0] == ". .venv/bin/activate"
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    environment["PATH"] = "/usr/bin:/bin"  # no reportkit on the PATH until activated
    script = []
    for command in commands:
        if command.startswith("# ... fill in"):
            script.append(f"{shlex.quote(sys.executable)} -c {shlex.quote(fill_in_script())}")
        elif not command.startswith("#"):
            script.append(command)
    if not (Path(sys.prefix) / "bin" / "activate").is_file():
        pytest.skip("this Python environment has no activate script")
    result = subprocess.run(["bash", "-e", "-c", "\n".join(script)], cwd=tmp_path,
                            env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr  # check passes once filled in
    assert "checked library peru, cases/rosa.yaml: 0 errors" in " ".join(result.stdout.split())
    assert (tmp_path / "rosa-report.docx").is_file()


def fill_in_script() -> str:
    """What the expert does between `new` and `check`, with fictional names and documents."""
    replacements = [('instructed_by: ""', 'instructed_by: "Fictional Solicitors LLP"'),
                    ('documents: []', 'documents: ["Witness statement (fictional)"]'),
                    ('  name: ""', '  name: "Dr Ixo Fictional"'),
                    ('qualifications: []', 'qualifications: ["PhD (fictional)"]'),
                    ('  name: ""', '  name: "Zqxa Wvut"')]
    return ("import pathlib; p = pathlib.Path('cases/rosa.yaml'); t = p.read_text()\n"
            + "".join(f"t = t.replace({old!r}, {new!r}, 1)\n" for old, new in replacements)
            + "p.write_text(t)\n")
