"""Templates and library sections come from other people: hostile Jinja fails cleanly.

Each payload is tried twice: appended to a copy of templates/uk and to a section of a copy
of the fixture library. Each must stop the build with `path:line:` and exit 1, leave no
output file, and neither run code nor touch files.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, FIXTURE_LIBRARY, ROOT, run_cli
from reportkit import render

# A payload that ran code would create this file; one that read files would print the secret.
MARKER = "SANDBOX-ESCAPED"
SECRET = "top-secret-content-of-a-private-file"

PAYLOADS = {
    "class": "{{ ''.__class__ }}",
    "mro": "{{ ''.__class__.__mro__ }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "subclasses-via-attr": "{{ (''|attr('__class__')).__mro__[1].__subclasses__() }}",
    "function-globals": "{{ placeholder.__globals__ }}",
    "cycler": "{{ cycler.__init__.__globals__.os.system('touch {marker}') }}",
    "joiner": "{{ joiner.__init__.__globals__.os.system('touch {marker}') }}",
    "cycler-internals": "{{ cycler('a').next.__self__.__class__ }}",
    "format-method": "{{ '{0.__class__.__mro__}'.format(applicant) }}",
    "format-map": "{{ '{x.__class__}'.format_map({'x': applicant}) }}",
    "format-filter": "{{ '%s' | format(applicant.__class__) }}",
    "format-width": "{{ '{:>999999999}'.format(1) }}",
    "format-nested-width": "{{ '{:>{w}}'.format(1, w=999999999) }}",
    "percent-width": "{{ '%999999999s' % 'x' }}",
    "percent-star": "{{ '%*s' % (999999999, 'x') }}",
    "format-filter-width": "{{ '%999999999d' | format(1) }}",
    "namespace": "{% set ns = namespace() %}{{ ns.__init__.__globals__ }}",
    "namespace-doubling": ("{% set ns = namespace(s='x' * 1000) %}{% for i in range(40) %}"
                           "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"),
    "lipsum": "{{ lipsum.__globals__['os'].system('touch {marker}') }}",
    "self-context": "{{ self._TemplateReference__context }}",
    "range": "{% for i in range(10**9) %}{{ i }}{% endfor %}",
    "power": "{{ 7 ** 1000000000 }}",
    "string-multiplication": "{{ 'x' * 1000000000 }}",
    "list-multiplication": "{% set a = 'x' * 900000 %}{{ ([a] * 1000) | join }}",
    "join-method": "{% set a = 'x' * 900000 %}{{ a.join(['a', 'b', 'c']) }}",
    "replace-growth": "{{ ('x' * 900000) | replace('x', 'xxxx') }}",
    "replace-method": "{{ ('x' * 900000).replace('x', 'xx') }}",
    "center-filter": "{{ 'x' | center(1000000000) }}",
    "center-method": "{{ 'x'.center(1000000000) }}",
    "indent": "{{ 'x\\nx' | indent(1000000000) }}",
    "batch-fill": "{{ [1] | batch(1000000000, 0) | list }}",
    "dict-update": "{{ applicant.update({'name': 'someone else'}) }}",
    "list-append": "{{ applicant.languages.append('x') }}",
    "output-flood": "{% for i in range(100000) %}{{ 'x' * 999999 }}{% endfor %}",
    "endless-loop": ("{% for a in range(100000) %}{% for b in range(100000) %}"
                     "{% endfor %}{% endfor %}"),
    "include-parent": "{% include '../../../../../../../../etc/passwd' %}",
    "include-sibling": "{% include '../us/report.md.j2' %}",
    "include-absolute": "{% include '/etc/passwd' %}",
    "import-absolute": "{% import '/etc/passwd' as secrets %}",
    "extends-absolute": "{% extends '/etc/passwd' %}",
    "include-symlink": "{% include 'linked.md.j2' %}",
    "include-out-of-the-base": "{% include '_base/../../private.txt' %}",
}


def _with_payload(text: str, payload: str, marker: Path) -> str:
    return text.rstrip("\n") + "\n\n" + payload.replace("{marker}", str(marker)) + "\n"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch) -> dict[str, Path]:
    """Copies of the uk templates, the fixture library and cases, plus a private file."""
    monkeypatch.setattr(render, "TIME_LIMIT", 2.0)
    shutil.copytree(ROOT / "templates" / "uk", tmp_path / "templates" / "uk")
    shutil.copytree(ROOT / "templates" / "_base", tmp_path / "templates" / "_base")
    shutil.copytree(FIXTURE_LIBRARY, tmp_path / "library")
    shutil.copytree(FIXTURE_CASES, tmp_path / "cases")
    secret = tmp_path / "private.txt"
    secret.write_text(SECRET)
    # A downloaded template set or library can carry a symbolic link pointing out of itself.
    os.symlink(secret, tmp_path / "templates" / "uk" / "linked.md.j2")
    os.symlink(secret, tmp_path / "library" / "testland" / "sections" / "linked.md.j2")
    return {"root": tmp_path, "case": tmp_path / "cases" / "journalist.yaml",
            "output": tmp_path / "out.docx", "marker": tmp_path / MARKER}


def _assert_refused(result, paths: dict[str, Path], edited: Path) -> None:
    assert result.exit_code == 1, result.stdout + result.stderr
    assert re.search(rf"^{re.escape(str(edited))}:\d+: ", result.stderr, re.M), result.stderr
    assert "Traceback" not in result.stderr
    assert not paths["output"].exists()
    assert not paths["marker"].exists()
    assert SECRET not in result.stdout + result.stderr
    assert not list(paths["root"].rglob(".out.docx.*.tmp"))


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_payload_in_a_template_fails_cleanly(hostile, name):
    edited = hostile["root"] / "templates" / "_base" / "methodology.md.j2"
    edited.write_text(_with_payload(edited.read_text(), PAYLOADS[name], hostile["marker"]))
    result = run_cli("build", hostile["case"], "-o", hostile["output"],
                     "--library", hostile["root"] / "library",
                     "--templates", hostile["root"] / "templates")
    _assert_refused(result, hostile, edited)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_payload_in_a_library_section_fails_cleanly(hostile, name):
    edited = hostile["root"] / "library" / "testland" / "sections" / "journalists.md"
    edited.write_text(_with_payload(edited.read_text(), PAYLOADS[name], hostile["marker"]))
    result = run_cli("build", hostile["case"], "-o", hostile["output"],
                     "--library", hostile["root"] / "library")
    _assert_refused(result, hostile, edited)


def test_the_error_names_the_line_of_the_payload(hostile):
    edited = hostile["root"] / "templates" / "_base" / "methodology.md.j2"
    text = edited.read_text().rstrip("\n") + "\n\n{{ ''.__class__ }}\n"
    edited.write_text(text)
    result = run_cli("build", hostile["case"], "-o", hostile["output"],
                     "--library", hostile["root"] / "library",
                     "--templates", hostile["root"] / "templates")
    assert f"{edited}:{len(text.splitlines())}: not allowed in a template" in result.stderr


def test_ordinary_template_features_still_work(hostile):
    """The bounds leave room for what templates really do: loops, joins, namespaces, format."""
    edited = hostile["root"] / "templates" / "_base" / "methodology.md.j2"
    edited.write_text(edited.read_text() + (
        "\n{% set ns = namespace(count=0) %}{% for language in applicant.languages %}"
        "{% set ns.count = ns.count + 1 %}{% endfor %}"
        "Languages: {{ ns.count }}; {{ applicant.languages | join(', ') }}; "
        "{{ '%05d' | format(42) }}; {{ '{:>6}'.format('ok') }}; {{ range(3) | list | length }}.\n"))
    result = run_cli("build", hostile["case"], "-o", hostile["output"],
                     "--library", hostile["root"] / "library",
                     "--templates", hostile["root"] / "templates")
    assert result.exit_code == 0, result.stderr
    from docx import Document

    text = "\n".join(paragraph.text for paragraph in Document(str(hostile["output"])).paragraphs)
    assert "Languages: 1; Testish; 00042;     ok; 3." in text
