"""Each command imports only what it needs: help never loads the pipeline, pydantic or Jinja, and
`check` never loads the DOCX writer. A command's process ends with its exit code and everything it
printed and wrote, without Python's own clearing up."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import zipfile

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, FIXTURES, ROOT, run_cli
from reportkit.cli import main

# Runs the command in a fresh interpreter and prints which of these packages it imported.
_PROBE = """
import json, sys
from reportkit.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
watched = ("pydantic", "jinja2", "docx", "lxml", "reportkit.docx", "reportkit.build", "markdown_it")
print(json.dumps(sorted({name for name in watched if name in sys.modules})), file=sys.stderr)
"""


def imported(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True,
                            timeout=120)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check", "--help"],
                                  ["sections", "show", "--help"], ["--version"]])
def test_help_imports_no_pipeline(args):
    assert imported(*args) == set()


def test_check_does_not_import_the_docx_writer():
    loaded = imported("check", "--library", str(FIXTURES / "library"))
    assert "markdown_it" in loaded  # it did check the library
    assert not loaded & {"reportkit.docx", "docx", "lxml", "jinja2", "reportkit.build"}


def test_a_choice_outside_its_list_is_a_usage_error():
    result = run_cli("check", "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json'" in result.stderr


def _command(*args) -> subprocess.CompletedProcess:
    """`reportkit ARGS` in its own process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "reportkit", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def test_a_command_ends_with_all_it_printed():
    for args in (["sections", "list", "--library", FIXTURE_LIBRARY],
                 ["check", "--library", FIXTURE_LIBRARY]):
        ended, in_process = _command(*args), run_cli(*args)
        assert (ended.returncode, ended.stdout) == (in_process.exit_code, in_process.stdout)
        assert ended.stdout.count("\n") > 3


def test_a_command_ends_with_the_file_it_wrote(tmp_path):
    output = tmp_path / "report.docx"
    ended = _command("build", FIXTURE_CASES / "journalist.yaml", "--library", FIXTURE_LIBRARY,
                     "-o", output)
    assert ended.returncode == 0, ended.stderr
    with zipfile.ZipFile(output) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist()


def test_a_failing_command_ends_with_its_code_and_message(tmp_path):
    missing = _command("build", tmp_path / "no-such-case.yaml", "-o", tmp_path / "out.docx")
    assert missing.returncode == 1
    assert "no-such-case.yaml" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "out.docx").exists()
    misused = _command("build", "--no-such-option")
    assert misused.returncode == 2
    assert "No such option" in misused.stderr


# The command's process as the console script starts it (reportkit.__main__.run), telling of
# every collection the run makes.
_COLLECTIONS = """
import gc, sys
import reportkit.__main__ as command
assert not {"typer", "pydantic", "reportkit.models"} & set(sys.modules), "imported before run"
gc.callbacks.append(lambda phase, info: phase == "start" and print("collection", file=sys.stderr))
sys.argv = ["reportkit", *sys.argv[1:]]
command.run()
"""


def test_a_command_that_runs_no_template_makes_no_collection_from_its_first_import():
    """The collector is off in the command's process from before it imports anything of its
    own (typer, pydantic, the models), not only once `main` runs."""
    ended = subprocess.run([sys.executable, "-c", _COLLECTIONS, "sections", "list", "--library",
                            str(FIXTURE_LIBRARY)], capture_output=True, text=True, timeout=120)
    assert ended.returncode == 0, ended.stderr
    assert "General background" in ended.stdout  # it did read the library
    assert "collection" not in ended.stderr


@pytest.mark.parametrize("collecting", [True, False])
def test_main_leaves_the_cycle_collector_as_it_was(collecting):
    before = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        with pytest.raises(SystemExit):
            main(["check", "--library", str(FIXTURE_LIBRARY)])
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if before else gc.disable)()
