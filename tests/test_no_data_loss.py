"""A draft report is hours of work: no build, failed or killed, may damage an existing file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY, ROOT, run_cli

OLD = b"the expert's edited draft, which must survive\n"


@pytest.fixture
def job(workdir: Path) -> dict[str, Path]:
    output = workdir / "report.docx"
    output.write_bytes(OLD)
    return {"root": workdir, "case": workdir / "cases" / "journalist.yaml", "output": output,
            "library": workdir / "library"}


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def fresh_build(job: dict[str, Path], tmp_path: Path) -> bytes:
    """The bytes a successful build writes (builds are reproducible)."""
    expected = tmp_path / "expected.docx"
    result = run_cli("build", job["case"], "-o", expected, "--library", job["library"])
    assert result.exit_code == 0, result.stderr
    return expected.read_bytes()


def test_an_existing_file_is_never_replaced_without_force(job):
    result = run_cli("build", job["case"], "-o", job["output"], "--library", job["library"])
    assert result.exit_code == 1
    assert f"{job['output']}: the output file already exists" in result.stderr
    assert job["output"].read_bytes() == OLD
    assert temporaries(job["root"]) == []


def test_force_replaces_the_file_whole_and_keeps_its_permissions(job, tmp_path):
    os.chmod(job["output"], 0o640)
    result = run_cli("build", job["case"], "-o", job["output"], "--library", job["library"],
                     "--force")
    assert result.exit_code == 0, result.stderr
    assert job["output"].read_bytes() == fresh_build(job, tmp_path)
    assert os.stat(job["output"]).st_mode & 0o777 == 0o640
    assert temporaries(job["root"]) == []


def _break_case(job):
    job["case"].write_text(job["case"].read_text().replace("report_date: 2026-11-22",
                                                           "report_date: 2026-02-31"))
    return []


def _break_template(job):
    templates = job["root"] / "templates"
    shutil.copytree(ROOT / "templates" / "uk", templates / "uk")
    (templates / "uk" / "report.md.j2").write_text("{% if %}\n")
    return ["--templates", templates]


def _break_reference(job):
    templates = job["root"] / "templates"
    shutil.copytree(ROOT / "templates" / "uk", templates / "uk")
    reference = templates / "uk" / "reference.docx"
    reference.write_bytes(reference.read_bytes()[:2000])  # a truncated download
    return ["--templates", templates]


def _break_library(job):
    (job["library"] / "testland" / "sources.json").write_text("[{\"id\": ")
    return []


@pytest.mark.parametrize("breaker", [_break_case, _break_template, _break_reference,
                                     _break_library])
def test_a_failed_build_leaves_the_old_file_byte_identical(job, breaker):
    extra = breaker(job)
    result = run_cli("build", job["case"], "-o", job["output"], "--library", job["library"],
                     "--force", *extra)
    assert result.exit_code == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert job["output"].read_bytes() == OLD
    assert temporaries(job["root"]) == []


def test_stale_temporary_files_from_a_killed_build_do_not_break_the_next(job, tmp_path):
    stale = job["root"] / ".report.docx.deadbeef0000.tmp"
    stale.write_bytes(b"half a zip")
    recent = job["root"] / ".report.docx.0123456789ab.tmp"
    recent.write_bytes(b"possibly another build still writing")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    result = run_cli("build", job["case"], "-o", job["output"], "--library", job["library"],
                     "--force")
    assert result.exit_code == 0, result.stderr
    assert job["output"].read_bytes() == fresh_build(job, tmp_path)
    assert not stale.exists()          # left by a killed build: cleaned up
    assert recent.read_bytes().startswith(b"possibly")  # may belong to a running build: kept


# ------------------------------------------------------------ killed mid-write

# Runs the real CLI in a child process with the write slowed down: it announces each stage on
# stderr and waits at the stage named in KILL_AT, so the test can kill it at exactly that point.
SLOW_CHILD = textwrap.dedent("""
    import os, sys, time
    import reportkit.output as output

    write_all, move_into_place = output._write_all, output._move_into_place

    def stage(name):
        print("STAGE " + name, file=sys.stderr, flush=True)
        if name == os.environ["KILL_AT"]:
            time.sleep(60)

    def slow_write(descriptor, data):
        write_all(descriptor, data[: len(data) // 2])
        stage("half-written")
        write_all(descriptor, data[len(data) // 2:])
        stage("written")

    def slow_move(temporary, path, force):
        stage("before-move")
        move_into_place(temporary, path, force)
        stage("after-move")

    output._write_all, output._move_into_place = slow_write, slow_move
    from reportkit.cli import main
    print("STAGE started", file=sys.stderr, flush=True)
    main(sys.argv[1:])
""")


def _run_until(stage: str, args: list) -> None:
    child = subprocess.Popen([sys.executable, "-c", SLOW_CHILD, *map(str, args)],
                             stderr=subprocess.PIPE, text=True, cwd=ROOT,
                             env={**os.environ, "KILL_AT": stage})
    try:
        for line in child.stderr:
            if line.strip() == f"STAGE {stage}":
                break
        else:
            pytest.fail(f"the build never reached {stage}")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()


@pytest.mark.parametrize("stage, survivor", [
    ("started", "old"), ("half-written", "old"), ("written", "old"),
    ("before-move", "old"), ("after-move", "new")])
def test_sigkill_at_any_point_leaves_old_or_new_file_complete(job, tmp_path, stage, survivor):
    expected = fresh_build(job, tmp_path)
    _run_until(stage, ["build", job["case"], "-o", job["output"], "--library", job["library"],
                       "--force"])
    content = job["output"].read_bytes()
    assert content == (OLD if survivor == "old" else expected)
    if survivor == "new":
        with zipfile.ZipFile(job["output"]) as archive:
            assert archive.testzip() is None
    # The killed build's temporary file never stops the next build.
    result = run_cli("build", job["case"], "-o", job["output"], "--library", job["library"],
                     "--force")
    assert result.exit_code == 0, result.stderr
    assert job["output"].read_bytes() == expected


def test_sigkill_while_writing_a_new_file_leaves_no_file(job):
    target = job["root"] / "new-report.docx"
    _run_until("half-written", ["build", job["case"], "-o", target, "--library", job["library"]])
    assert not target.exists()
    result = run_cli("build", job["case"], "-o", target, "--library", job["library"])
    assert result.exit_code == 0, result.stderr
    zipfile.ZipFile(target).testzip()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_breaking_a_job_never_touches_the_shared_fixture_library(job):
    """Guards the tests above: what they break is the job's copy, never the shared fixtures."""
    before = _files(FIXTURE_LIBRARY)
    _break_library(job)
    run_cli("build", job["case"], "-o", job["output"], "--library", job["library"], "--force")
    assert _files(job["library"]) != before  # the job's library really was broken
    assert _files(FIXTURE_LIBRARY) == before
