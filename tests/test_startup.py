"""Each command imports only what it needs: help never loads the pipeline, pydantic or Jinja, and
`check` never loads the DOCX writer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, run_cli

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
