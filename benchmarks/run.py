"""Benchmarks: one build against pandoc, a batch of builds, `check` on a large library, startup.

Run with `make bench`. Prints a Markdown table and writes it, with the machine, to
benchmarks/results.md.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.md"
EXAMPLES = ROOT / "examples" / "cases"
LIBRARY = ROOT / "country_data"
BIN = Path(sys.executable).parent
REPORTKIT = [str(BIN / "reportkit")] if (BIN / "reportkit").exists() else [sys.executable, "-m", "reportkit"]
RUNS = 5


# ---------------------------------------------------------------- measuring


def measure(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time (s) and peak memory (MB) of one process and what it waited for."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    stdout, stderr = b"", b""
    # wait4 gives this child's own resource use, not the sum over all earlier children.
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    result = subprocess.CompletedProcess(command, process.returncode, stdout.decode(), stderr.decode())
    if result.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{result.stderr}")
    return elapsed, usage.ru_maxrss / 1024, result


def median_run(command: list[str], runs: int = RUNS, **kwargs):
    times, peaks, last = [], [], None
    for _ in range(runs):
        elapsed, peak, last = measure(command, **kwargs)
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks), last


# ---------------------------------------------------------------- the machine


def need_pandoc() -> str:
    pandoc = shutil.which("pandoc")
    if pandoc:
        return pandoc
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("pandoc is not installed; installing it with apt-get ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "pandoc"], check=False)
        pandoc = shutil.which("pandoc")
        if pandoc:
            return pandoc
    sys.exit("pandoc is needed for the comparison and is not installed.\n"
             "Install it with `sudo apt-get install pandoc` (Debian/Ubuntu), `brew install pandoc` "
             "(macOS), or from https://pandoc.org/installing.html, then run `make bench` again.")


def machine(pandoc: str) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pandoc_version = subprocess.run([pandoc, "--version"], capture_output=True,
                                    text=True).stdout.splitlines()[0]
    return [f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
            f"- CPU: {cpu}, {os.cpu_count()} cores",
            f"- Python {platform.python_version()} ({platform.system()} {platform.release()})",
            f"- {pandoc_version}"]


# ---------------------------------------------------------------- the benchmarks


def largest_example(folder: Path) -> Path:
    sizes = {}
    for case in sorted(EXAMPLES.glob("*.yaml")):
        output = folder / f"{case.stem}.docx"
        subprocess.run([*REPORTKIT, "build", str(case), "-o", str(output), "--force"],
                       check=True, capture_output=True)
        sizes[case] = output.stat().st_size
    return max(sizes, key=sizes.get)


def single_build(folder: Path, pandoc: str) -> dict:
    case = largest_example(folder)
    markdown = folder / "report.md"
    subprocess.run([*REPORTKIT, "build", str(case), "-o", str(folder / "first.docx"), "--force",
                    "--emit-markdown", str(markdown)], check=True, capture_output=True)
    build_time, build_peak, result = median_run(
        [*REPORTKIT, "build", str(case), "-o", str(folder / "report.docx"), "--force"])
    reference = ROOT / "templates" / "uk" / "reference.docx"
    pandoc_time, pandoc_peak, _ = median_run(
        [pandoc, "-f", "markdown", "-t", "docx", "--reference-doc", str(reference),
         str(markdown), "-o", str(folder / "pandoc.docx")])
    citeproc_time, citeproc_peak, _ = median_run(
        [pandoc, "-f", "markdown", "-t", "docx", "--reference-doc", str(reference), "--citeproc",
         "--bibliography", str(LIBRARY / "peru" / "sources.json"), str(markdown),
         "-o", str(folder / "pandoc-citeproc.docx")])
    return {"case": case.name, "build": build_time, "build_peak": build_peak,
            "pandoc": pandoc_time, "pandoc_peak": pandoc_peak, "citeproc": citeproc_time,
            "citeproc_peak": citeproc_peak, "summary": re.sub(r"^wrote \S+ ", "", result.stdout.strip()),
            "libreoffice": "counted by LibreOffice" in result.stderr}


def batch(folder: Path, count: int = 100) -> dict:
    """`reportkit batch` on `count` variants of the example cases: one process, the library and
    template sets loaded once, every report written to disk."""
    cases = sorted(EXAMPLES.glob("*.yaml"))
    shutil.copytree(EXAMPLES / "experts", folder / "experts", dirs_exist_ok=True)
    paths = []
    for index in range(count):
        source = cases[index % len(cases)].read_text(encoding="utf-8")
        text = re.sub(r"^reference: .*$", f"reference: PA/{index:05d}/2026", source, count=1,
                      flags=re.MULTILINE)
        path = folder / f"case-{index:03d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    command = REPORTKIT + ["batch", *paths, "-o", str(folder / "reports"), "--force"]
    elapsed, peak, _ = median_run(command, runs=3, env={**os.environ, "CI": "true"})
    return {"count": count, "seconds": elapsed, "rate": count / elapsed, "peak": peak}


def tenfold_library(folder: Path, copies: int = 10) -> Path:
    """country_data with Peru's sections copied ten times under new ids, same sources."""
    root = folder / "library"
    shutil.copytree(LIBRARY, root)
    sections = root / "peru" / "sections"
    originals = sorted(sections.glob("*.md"))
    for copy in range(2, copies + 1):
        for original in originals:
            text = original.read_text(encoding="utf-8")
            text = re.sub(r"^id: (.+)$", rf"id: \1-copy{copy}", text, count=1, flags=re.MULTILINE)
            (sections / f"{original.stem}-copy{copy}.md").write_text(text, encoding="utf-8")
    return root


def check_library(folder: Path) -> dict:
    root = tenfold_library(folder)
    sections = len(list((root / "peru" / "sections").glob("*.md")))
    # `check` exits 1 when it finds problems; only the time matters here.
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = subprocess.run([*REPORTKIT, "check", "--library", str(root)], capture_output=True,
                                text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1) or "Traceback" in result.stderr:
            sys.exit(f"check failed:\n{result.stderr}")
    return {"sections": sections, "seconds": statistics.median(times)}


def startup() -> float:
    time_taken, _, _ = median_run([*REPORTKIT, "--help"], runs=10)
    return time_taken


def import_floor() -> float:
    """Python starting and importing the libraries a build needs, doing nothing else."""
    time_taken, _, _ = median_run([sys.executable, "-c", "import docx, jinja2, lxml.etree, "
                                   "markdown_it, pydantic, ruamel.yaml, typer"])
    return time_taken


# ---------------------------------------------------------------- the table


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def main() -> None:
    pandoc = need_pandoc()
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as scratch:
        folder = Path(scratch)
        (folder / "single").mkdir()
        (folder / "batch").mkdir()
        (folder / "check").mkdir()
        single = single_build(folder / "single", pandoc)
        many = batch(folder / "batch")
        checked = check_library(folder / "check")
        help_time = startup()
        floor = import_floor()

    rows = [
        ("Single build, whole process (`reportkit build`, "
         f"{single['case']})", f"{single['build']:.2f} s",
         f"<= half of pandoc's {single['pandoc']:.2f} s ({single['pandoc'] / 2:.2f} s)",
         verdict(single["build"] <= single["pandoc"] / 2)),
        ("Python start and the libraries' imports alone (python-docx, pydantic, Jinja, ...)",
         f"{floor:.2f} s", "(the floor for any build)", ""),
        ("pandoc, the same Markdown to DOCX (reference.docx, no citations)",
         f"{single['pandoc']:.2f} s", "(baseline)", ""),
        ("pandoc with `--citeproc` (author-date, not footnotes)", f"{single['citeproc']:.2f} s",
         "(for comparison)", ""),
        ("Peak memory, single build", f"{single['build_peak']:.0f} MB", "< 150 MB",
         verdict(single["build_peak"] < 150)),
        ("Peak memory, pandoc", f"{single['pandoc_peak']:.0f} MB", "(for comparison)", ""),
        (f"Batch: `reportkit batch` of {many['count']} cases, whole process, reports written",
         f"{many['rate']:.1f} reports/s ({many['seconds']:.1f} s)", ">= 20 reports/s",
         verdict(many["rate"] >= 20)),
        ("Peak memory, that batch", f"{many['peak']:.0f} MB", "< 150 MB",
         verdict(many["peak"] < 150)),
        (f"`reportkit check` on a tenfold Peru library ({checked['sections']} sections)",
         f"{checked['seconds']:.2f} s", "< 1 s", verdict(checked["seconds"] < 1)),
        ("Startup: `reportkit --help`", f"{help_time:.2f} s", "< 0.3 s", verdict(help_time < 0.3)),
    ]
    table = ["| Measure | Result | Target | |", "|---|---|---|---|"]
    table += [f"| {' | '.join(row)} |" for row in rows]
    notes = [f"Times are medians of {RUNS} runs (startup: 10); peak memory is the largest "
             "resident set of the process and anything it waited for.",
             f"The single build: {single['summary']}."]
    if single["libreoffice"]:
        notes.append("That build asked LibreOffice to count the pages (the report is near the "
                     "template's page limit), which is included in its time and memory.")
    text = "\n".join(["# Benchmarks", "", *machine(pandoc), "", *table, "", *notes]) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
