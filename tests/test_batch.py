"""`reportkit batch`: many case files into one folder; one bad case never stops the others."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reportkit.build
from conftest import FIXTURES, ROOT, run_cli
from test_anonymity import NAME_PARTS, leaked_parts, zip_leaks


@pytest.fixture
def cases(workdir: Path) -> Path:
    """The fixture cases plus two that cannot be built, beside them."""
    folder = workdir / "cases"
    shutil.copy(FIXTURES / "bad_cases" / "bad-date.yaml", folder / "bad-date.yaml")
    shutil.copy(FIXTURES / "bad_cases" / "unknown-citation.yaml", folder / "unknown-citation.yaml")
    for name in ("bad-date.yaml", "unknown-citation.yaml"):  # their expert file, from here
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("experts/expert.yaml", "expert.yaml"),
                        encoding="utf-8")
    return folder


def batch(*args) -> object:
    return run_cli("batch", *args)


def test_a_bad_case_does_not_stop_the_others(workdir: Path, cases: Path):
    out = workdir / "out" / "november"  # created, with its parent
    result = batch(cases / "journalist.yaml", cases / "bad-date.yaml", cases / "journalist-us.yaml",
                   cases / "unknown-citation.yaml", "-o", out, "--library", workdir / "library")
    assert result.exit_code == 1
    assert sorted(path.name for path in out.iterdir()) == ["journalist-us.docx", "journalist.docx"]
    # Every failure, located in its file, at the end.
    for name in ("bad-date.yaml", "unknown-citation.yaml"):
        # Each bad fixture's first line says what the error is: `# expect: LINE: MESSAGE`.
        expected = (cases / name).read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
        assert f"{cases / name}:{expected}" in result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2 built, 2 failed"
    assert "Traceback" not in result.stderr
    # The built reports are complete, with their record.
    shown = run_cli("provenance", out / "journalist-us.docx", "--format", "json")
    assert shown.exit_code == 0 and '"name": "us"' in shown.stdout


def test_a_missing_case_file_is_listed_too(workdir: Path, cases: Path):
    result = batch(cases / "journalist.yaml", cases / "nowhere.yaml", "-o", workdir / "out",
                   "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{cases / 'nowhere.yaml'}: " in result.stderr
    assert (workdir / "out" / "journalist.docx").is_file()
    assert "1 built, 1 failed" in result.stdout


def test_all_good_cases_exit_0(workdir: Path, cases: Path):
    result = batch(cases / "journalist.yaml", cases / "journalist-us.yaml", "-o", workdir / "out",
                   "--library", workdir / "library")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2 built, 0 failed"


def test_batch_never_overwrites_without_force(workdir: Path, cases: Path):
    out = workdir / "out"
    out.mkdir()
    (out / "journalist.docx").write_bytes(b"the expert's edited copy")
    result = batch(cases / "journalist.yaml", cases / "journalist-us.yaml", "-o", out,
                   "--library", workdir / "library")
    assert result.exit_code == 1
    assert (out / "journalist.docx").read_bytes() == b"the expert's edited copy"
    assert (out / "journalist-us.docx").is_file()
    assert f"{out / 'journalist.docx'}: the output file already exists" in result.stderr
    assert "1 built, 1 failed" in result.stdout
    forced = batch(cases / "journalist.yaml", cases / "journalist-us.yaml", "-o", out,
                   "--library", workdir / "library", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (out / "journalist.docx").read_bytes()[:2] == b"PK"


def test_two_cases_with_one_file_name_do_not_replace_each_other(workdir: Path, cases: Path):
    other = workdir / "other"
    other.mkdir()
    shutil.copy(cases / "journalist-us.yaml", other / "journalist.yaml")
    shutil.copy(cases / "expert.yaml", other / "expert.yaml")
    result = batch(cases / "journalist.yaml", other / "journalist.yaml", "-o", workdir / "out",
                   "--library", workdir / "library", "--force")
    assert result.exit_code == 1
    assert f"{other / 'journalist.yaml'}: another case in this batch" in result.stderr
    shown = run_cli("provenance", workdir / "out" / "journalist.docx")
    assert "template set   uk " in shown.stdout  # the first case's report, kept


def test_batch_loads_the_library_and_each_template_set_once(workdir: Path, cases: Path, monkeypatch):
    calls = {"library": 0, "templates": []}
    load_library, load_template_set = reportkit.build.load_library, reportkit.build.load_template_set

    def counting_load_library(*args, **kwargs):
        calls["library"] += 1
        return load_library(*args, **kwargs)

    def counting_load_template_set(name, *args, **kwargs):
        calls["templates"].append(name)
        return load_template_set(name, *args, **kwargs)

    monkeypatch.setattr(reportkit.build, "load_library", counting_load_library)
    monkeypatch.setattr(reportkit.build, "load_template_set", counting_load_template_set)
    for number in range(3):
        shutil.copy(cases / "journalist.yaml", cases / f"journalist-{number}.yaml")
    result = batch(*(cases / f"journalist-{number}.yaml" for number in range(3)),
                   cases / "journalist-us.yaml", "-o", workdir / "out", "--library", workdir / "library")
    assert result.exit_code == 0, result.stderr
    assert "4 built, 0 failed" in result.stdout
    assert calls["library"] == 1
    assert sorted(calls["templates"]) == ["uk", "us"]


def test_anonymised_batch_names_no_one(tmp_path: Path):
    case = FIXTURES / "hardening" / "renee-agua-testperson.yaml"
    shutil.copy(case, tmp_path / case.name)
    shutil.copy(case.parent / "expert.yaml", tmp_path / "expert.yaml")
    result = batch(tmp_path / case.name, "-o", tmp_path / "out", "--library",
                   FIXTURES / "library", "--anonymise")
    assert result.exit_code == 0, result.stderr
    outputs = list((tmp_path / "out").iterdir())
    assert len(outputs) == 1
    assert leaked_parts(outputs[0].name) == set()
    assert leaked_parts(result.stdout + result.stderr) == set()
    assert zip_leaks(outputs[0]) == {}
    # The parts searched above are every part of each protected name in the case itself.
    from reportkit.anonymise import fold
    text = case.read_text(encoding="utf-8")
    names = [re.search(r'^  name: "(.*)"', text, re.M).group(1),
             *re.findall(r'"([^"]+)"', re.search(r"^protected_names: (.*)$", text, re.M).group(1))]
    assert {fold(part) for name in names for part in name.split()} <= set(NAME_PARTS)


def test_output_folder_that_is_a_file_is_refused(workdir: Path, cases: Path):
    (workdir / "out").write_text("a file", encoding="utf-8")
    result = batch(cases / "journalist.yaml", "-o", workdir / "out", "--library", workdir / "library")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{workdir / 'out'}: is a file, not a folder")


def _stderr_through_a_terminal(args: list, environment: dict) -> str:
    """Run reportkit with stderr on a pseudo-terminal, as a person at a terminal would."""
    main, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "reportkit", *map(str, args)],
                               stdout=subprocess.DEVNULL, stderr=terminal, env=environment,
                               cwd=ROOT)
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal")
def test_the_progress_bar_shows_at_a_terminal_and_not_in_ci(workdir: Path, cases: Path):
    args = ["batch", cases / "journalist.yaml", cases / "journalist-us.yaml", "-o",
            workdir / "out", "--library", workdir / "library", "--force"]
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    environment["TERM"] = "xterm"
    at_terminal = _stderr_through_a_terminal(args, environment)
    assert re.search(r"\d/2", at_terminal), at_terminal  # the bar's count
    in_ci = _stderr_through_a_terminal(args, {**environment, "CI": "true"})
    assert not re.search(r"\d/2", in_ci) and "\x1b[" not in in_ci, in_ci
    # Logs (stderr not a terminal) stay plain.
    plain = batch(*args)
    assert "\x1b[" not in plain.stderr and not re.search(r"\d/2", plain.stderr)


def test_final_fails_only_the_unfinished_cases(workdir: Path, cases: Path):
    finished = cases / "finished.yaml"
    text = (cases / "journalist.yaml").read_text(encoding="utf-8")
    finished.write_text(text.replace('answer: ""', 'answer: "The sources describe such attacks."'),
                        encoding="utf-8")
    out = workdir / "out"
    result = batch(cases / "journalist.yaml", finished, "-o", out, "--final",
                   "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{cases / 'journalist.yaml'}: 1 placeholder(s) remain" in result.stderr
    assert "[EXPERT TO COMPLETE: answer to question 1]" in result.stderr
    assert sorted(path.name for path in out.iterdir()) == ["finished.docx"]


def test_marker_characters_in_a_case_section_do_not_stop_the_batch(workdir: Path, cases: Path):
    """U+E000/U+E001 (the renderer's own marker characters) in a case's extra section body are
    text like any other: the case is built and shows them, and so are the cases after it."""
    marked = cases / "marked.yaml"
    text = (cases / "journalist.yaml").read_text(encoding="utf-8")
    marked.write_text(text + (
        "  extra:\n    - id: local-note\n      title: A local note\n"
        "      body: \"Marker \\ue0005\\ue001 and \\ue001 text.\"\n"), encoding="utf-8")
    assert "sections:\n" in text and text.rstrip().endswith("exclude: []")
    out = workdir / "out"
    result = batch(marked, cases / "journalist-us.yaml", "-o", out, "--library", workdir / "library")
    assert result.exit_code == 0, result.stderr
    import docx
    paragraphs = [p.text for p in docx.Document(out / "marked.docx").paragraphs]
    assert any("Marker \ue0005\ue001 and \ue001 text." in text for text in paragraphs)
    assert (out / "journalist-us.docx").is_file()


def test_a_fault_while_building_one_case_is_reported_and_the_rest_are_built(
        workdir: Path, cases: Path, monkeypatch):
    real = reportkit.build.build_report

    def faulty(inputs, *args, **kwargs):
        if inputs.loaded.path.name == "journalist.yaml":
            raise RuntimeError("a fault")
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(reportkit.build, "build_report", faulty)
    out = workdir / "out"
    result = batch(cases / "journalist.yaml", cases / "journalist-us.yaml", "-o", out,
                   "--library", workdir / "library")
    assert result.exit_code == 1
    assert f"{cases / 'journalist.yaml'}: could not be built: an internal error (RuntimeError: a fault)" \
        in result.stderr
    assert (out / "journalist-us.docx").is_file() and not (out / "journalist.docx").exists()
    assert "1 built, 1 failed" in result.stdout


def test_final_counts_every_report_in_one_libreoffice_run(workdir: Path, cases: Path, monkeypatch):
    from readers import need
    from reportkit import libreoffice

    need("soffice")
    templates = workdir / "templates"
    shutil.copytree(ROOT / "templates" / "uk", templates / "uk")
    config = templates / "uk" / "template.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("page_limit: 20", "page_limit: 2"),
                      encoding="utf-8")
    text = (cases / "journalist.yaml").read_text(encoding="utf-8").replace(
        'answer: ""', 'answer: "The sources describe such attacks."')
    (cases / "first.yaml").write_text(text, encoding="utf-8")
    (cases / "second.yaml").write_text(text, encoding="utf-8")
    (cases / "permitted.yaml").write_text(text.replace(
        "anonymise: false", "anonymise: false\noptions:\n  permission_to_exceed_page_limit: true"), encoding="utf-8")
    runs = []
    real = libreoffice.convert_many
    monkeypatch.setattr(libreoffice, "convert_many", lambda documents, *rest: runs.append(len(documents))
                        or real(documents, *rest))
    out = workdir / "out"
    result = batch(cases / "first.yaml", cases / "second.yaml", cases / "permitted.yaml", "-o", out,
                   "--final", "--library", workdir / "library", "--templates", templates)
    assert result.exit_code == 1
    # Every --final report in one LibreOffice run: the permitted one too, for its contents' pages.
    assert runs == [3]
    for name in ("first.yaml", "second.yaml"):
        assert re.search(rf"{re.escape(str(cases / name))}: the report is \d+ pages \(counted by "
                         r"LibreOffice\) and the template set's limit is 2", result.stderr), result.stderr
    assert sorted(path.name for path in out.iterdir()) == ["permitted.docx"]
