"""Benchmarks: builds against pandoc 3 (interleaved), a batch, `check`, a large report, start-up.

Run with `make bench` (it installs the `bench` extra: pandoc 3 from pypandoc-binary). Prints a
Markdown table and writes it, with the date and the machine, to benchmarks/results.md. Every
figure is a median with its min–max and the number of runs; reportkit and pandoc are run in
turn (A, B, A, B, ...) so that both see the same load on the machine.
"""

from __future__ import annotations

import argparse
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.md"
EXAMPLES = ROOT / "examples" / "cases"
LIBRARY = ROOT / "country_data"
BIN = Path(sys.executable).parent
REPORTKIT = [str(BIN / "reportkit")] if (BIN / "reportkit").exists() else [sys.executable, "-m", "reportkit"]


# ---------------------------------------------------------------- measuring


@dataclass
class Sample:
    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> float:
        return max(self.peaks)

    def spread(self, unit: str = "s", digits: int = 2) -> str:
        return (f"{self.median:.{digits}f} {unit} ({min(self.times):.{digits}f}–"
                f"{max(self.times):.{digits}f}, n={len(self.times)})")


def measure(command: list[str], ok=(0,), **kwargs) -> subprocess.CompletedProcess:
    """Run one process to completion; stop the benchmarks if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode not in ok:
        sys.exit(f"benchmark command failed: {' '.join(command)}\n{result.stderr}")
    return result


def timed(command: list[str], sample: Sample, ok=(0,), **kwargs) -> subprocess.CompletedProcess:
    """Run `command` under a small wrapper that reports the child's own wall time and peak
    resident memory (wait4 on that one child, not a running maximum over all children)."""
    result = measure([sys.executable, "-c", _WRAPPER, *command], ok, **kwargs)
    lines = result.stderr.rstrip().splitlines()
    match = re.fullmatch(r"__peak__ ([0-9.]+) ([0-9.]+)", lines[-1] if lines else "")
    if not match:
        sys.exit(f"benchmark wrapper failed: {' '.join(command)}\n{result.stderr}")
    sample.peaks.append(float(match.group(1)))
    sample.times.append(float(match.group(2)))
    result.stderr = "\n".join(lines[:-1])
    return result


# Runs the command, then prints its own peak resident set (MB) and wall time (s) on stderr.
_WRAPPER = """
import os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(process.pid, 0)
elapsed = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
sys.stderr.flush()
print(f"__peak__ {usage.ru_maxrss / 1024:.1f} {elapsed:.4f}", file=sys.stderr)
sys.exit(code)
"""


def interleaved(commands: dict[str, list[str]], runs: int, ok=(0,), **kwargs) -> dict[str, Sample]:
    samples = {name: Sample() for name in commands}
    for name, command in commands.items():  # one warm-up each (caches, page cache)
        timed(command, Sample(), ok, **kwargs)
    for _ in range(runs):
        for name, command in commands.items():
            timed(command, samples[name], ok, **kwargs)
    return samples


# ---------------------------------------------------------------- the machine


def pandoc3() -> str:
    try:
        import pypandoc
    except ImportError:
        sys.exit("pandoc 3 for the comparison comes from the `bench` extra: "
                 "pip install -e '.[bench]' (make bench does this)")
    path = pypandoc.get_pandoc_path()
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.split()[1]
    if not version.startswith("3."):
        sys.exit(f"pandoc 3 is needed for the comparison; {path} is {version}")
    return path


def machine(pandoc: str) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    pandoc_version = subprocess.run([pandoc, "--version"], capture_output=True,
                                    text=True).stdout.splitlines()[0]
    soffice = shutil.which("soffice")
    return [f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
            f"- CPU: {cpu}, {os.cpu_count()} cores; load average at the start {load}",
            f"- Python {platform.python_version()} ({platform.system()} {platform.release()})",
            f"- {pandoc_version} (pypandoc-binary); LibreOffice {'installed' if soffice else 'not installed'}"
            " (a plain build never starts it)"]


# ---------------------------------------------------------------- the benchmarks


def build_vs_pandoc(folder: Path, pandoc: str, case: Path, runs: int) -> dict:
    """One example case, built by reportkit and, from the same Markdown, by pandoc 3."""
    markdown = folder / f"{case.stem}.md"
    first = measure([*REPORTKIT, "build", str(case), "-o", str(folder / f"{case.stem}-first.docx"),
                     "--force", "--emit-markdown", str(markdown)])
    jurisdiction = re.search(r"^jurisdiction: *(\w+)", case.read_text(encoding="utf-8"), re.M).group(1)
    reference = ROOT / "templates" / jurisdiction / "reference.docx"
    samples = interleaved({
        "reportkit": [*REPORTKIT, "build", str(case), "-o", str(folder / f"{case.stem}.docx"), "--force"],
        "pandoc": [pandoc, "-f", "markdown", "-t", "docx", "--reference-doc", str(reference),
                   str(markdown), "-o", str(folder / f"{case.stem}-pandoc.docx")],
        "imports": [sys.executable, "-c", BUILD_IMPORTS],
    }, runs)
    summary = re.sub(r"^wrote \S+ ", "", first.stdout.strip().splitlines()[0])
    return {"case": case.name, "jurisdiction": jurisdiction.upper(), "summary": summary,
            "libreoffice": "counted by LibreOffice" in first.stderr, **samples}


# What `reportkit build` imports, and nothing else: the start-up that no change to the pipeline
# can remove (the modules a build imports only when it needs them included). The process starts
# and ends as the command's does (reportkit.__main__.run): the collector off from the first
# import, and no clearing up.
BUILD_IMPORTS = ("from reportkit.collector import off_for_process; off_for_process(); "
                 "import reportkit.cli.app, reportkit.cli.commands, reportkit.pipeline, "
                 "reportkit.docx, reportkit.pages, os; os._exit(0)")


def with_expert(folder: Path) -> str:
    """The example expert file copied into `folder` (a case names files inside its own folder)."""
    shutil.copy(EXAMPLES / "experts" / "example-expert.yaml", folder / "expert.yaml")
    return "expert.yaml"


def make_cases(folder: Path, count: int) -> list[str]:
    cases = sorted(EXAMPLES.glob("*.yaml"))
    expert = with_expert(folder)
    paths = []
    for index in range(count):
        source = cases[index % len(cases)].read_text(encoding="utf-8")
        text = re.sub(r"^reference: .*$", f"reference: PA/{index:05d}/2026", source, count=1,
                      flags=re.MULTILINE)
        text = re.sub(r"^expert: .*$", f"expert: {expert}", text, count=1, flags=re.MULTILINE)
        path = folder / f"case-{index:03d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def batch(folder: Path, count: int, runs: int) -> dict:
    """`reportkit batch` on `count` variants of the example cases, every report written."""
    paths = make_cases(folder, count)
    sample = Sample()
    for _ in range(runs):
        timed([*REPORTKIT, "batch", *paths, "-o", str(folder / "reports"), "--force"], sample,
              env={**os.environ, "CI": "true"})
    return {"count": count, "sample": sample,
            "rates": sorted(count / seconds for seconds in sample.times)}


def copied_library(folder: Path, copies: int) -> Path:
    """country_data with Peru's sections copied `copies` times under new ids, same sources."""
    root = folder / f"library-x{copies}"
    if root.is_dir():  # made already, for another measure
        return root
    shutil.copytree(LIBRARY, root)
    sections = root / "peru" / "sections"
    originals = sorted(sections.glob("*.md"))
    for copy in range(2, copies + 1):
        for original in originals:
            text = original.read_text(encoding="utf-8")
            text = re.sub(r"^id: (.+)$", rf"id: \1-copy{copy}", text, count=1, flags=re.MULTILINE)
            (sections / f"{original.stem}-copy{copy}.md").write_text(text, encoding="utf-8")
    return root


def check_library(folder: Path, copies: int, runs: int) -> dict:
    root = copied_library(folder, copies)
    command = [*REPORTKIT, "check", "--library", str(root)]
    cold = Sample()  # the first run parses the new copies' Markdown and keeps it (cache folder)
    timed(command, cold, ok=(0, 1))  # `check` exits 1 when it finds problems; only time matters
    sample = Sample()
    for _ in range(runs):
        timed(command, sample, ok=(0, 1))
    return {"copies": copies, "sections": len(list((root / "peru" / "sections").glob("*.md"))),
            "sample": sample, "cold": cold.times[0]}


def large_report(folder: Path, sections: int, runs: int) -> dict:
    """A US case (no page limit) whose report holds every copy of the sections it selects, with
    the library copied as often as it takes to make about `sections` sections."""
    case = folder / "large.yaml"
    text = (EXAMPLES / "human-rights-defender.yaml").read_text(encoding="utf-8")
    expert = with_expert(folder)
    case.write_text(re.sub(r"^expert: .*$", f"expert: {expert}", text, count=1, flags=re.M),
                    encoding="utf-8")

    def build(root: Path, sample: Sample) -> int:
        result = timed([*REPORTKIT, "build", str(case), "--library", str(root), "-o",
                        str(folder / "large.docx"), "--force"], sample)
        return int(re.search(r"\((\d+) sections", result.stdout).group(1))

    copies = max(1, round(sections / build(LIBRARY, Sample())))
    root = copied_library(folder, copies)
    cold = Sample()  # the first build with the copies parses their Markdown (see check_library)
    build(root, cold)
    sample = Sample()
    built = [build(root, sample) for _ in range(runs)]
    return {"sections": built[-1], "copies": copies, "sample": sample, "cold": cold.times[0]}


def startup(runs: int) -> Sample:
    sample = Sample()
    timed([*REPORTKIT, "--help"], Sample())
    for _ in range(runs):
        timed([*REPORTKIT, "--help"], sample)
    return sample


# ---------------------------------------------------------------- the table


def progress(step: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {step}", file=sys.stderr, flush=True)


def verdict(ok: bool, must: bool = True) -> str:
    return "met" if ok else ("**missed**" if must else "missed (target); must: met")


def compiled() -> None:
    """reportkit's modules compiled to bytecode once, as `pip install` does: an editable install
    under PYTHONDONTWRITEBYTECODE would compile every module again in every run measured."""
    measure([sys.executable, "-m", "compileall", "-q", str(ROOT / "reportkit")])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="runs per build measure (default 15)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a first look")
    options = parser.parse_args(argv)
    runs = 3 if options.quick else options.runs
    small = 1 if options.quick else 5
    pandoc = pandoc3()
    compiled()
    header = machine(pandoc)
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as scratch:
        folder = Path(scratch)
        progress("builds against pandoc")
        builds = [build_vs_pandoc(folder, pandoc, EXAMPLES / name, runs)
                  for name in ("indigenous-protester.yaml", "human-rights-defender.yaml")]
        (folder / "batch").mkdir()
        progress("batch")
        many = batch(folder / "batch", 200, small)
        progress("check")
        checks = [check_library(folder, copies, small) for copies in (1, 10, 100)]
        progress("large report")
        large = large_report(folder, 1600, small)
        progress("--help")
        help_sample = startup(runs)

    rows = []
    for built in builds:
        ratio = built["reportkit"].median / built["pandoc"].median
        ratios = sorted(a / b for a, b in zip(built["reportkit"].times, built["pandoc"].times))
        rows.append((f"Build, {built['jurisdiction']} ({built['case']}), whole process",
                     built["reportkit"].spread(), f"pandoc 3: {built['pandoc'].spread()}",
                     f"{ratio:.2f}× pandoc (pairs {ratios[0]:.2f}–{ratios[-1]:.2f}); target ≤ 0.5×, must ≤ 1.0×",
                     "met" if ratio <= 0.5 else ("missed (target); must: met" if ratio <= 1.0 else "**missed**")))
        rows.append((f"Peak memory, that build", f"{built['reportkit'].peak:.0f} MB",
                     f"pandoc 3: {built['pandoc'].peak:.0f} MB", "", ""))
        floor = built["imports"].median / built["pandoc"].median
        rows.append(("Its imports alone (no work: `python -c \"import …\"`)",
                     built["imports"].spread(), f"{floor:.2f}× pandoc", "", ""))
    sample = many["sample"]
    rates = many["rates"]
    per_document = statistics.median(sample.times) / many["count"]
    pandoc_single = statistics.median(builds[0]["pandoc"].times)
    rows.append((f"Batch of {many['count']} cases (`reportkit batch`, all written)",
                 f"{many['count'] / sample.median:.1f} reports/s ({rates[0]:.1f}–{rates[-1]:.1f}, n={len(rates)})",
                 f"{per_document * 1000:.0f} ms a report = {per_document / pandoc_single:.2f}× one pandoc run",
                 "≥ 30 reports/s", verdict(many["count"] / sample.median >= 30)))
    rows.append(("Peak memory, that batch", f"{sample.peak:.0f} MB", "", "< 100 MB",
                 verdict(sample.peak < 100)))
    for checked in checks:
        target = "< 1.5 s" if checked["copies"] == 100 else ""
        rows.append((f"`reportkit check`, library ×{checked['copies']} ({checked['sections']} sections)",
                     checked["sample"].spread(), f"peak {checked['sample'].peak:.0f} MB; "
                     f"first run {checked['cold']:.2f} s", target,
                     verdict(checked["sample"].median < 1.5) if target else ""))
    rows.append((f"Build of a {large['sections']:,}-section report (US, library ×{large['copies']})",
                 large["sample"].spread(), f"peak {large['sample'].peak:.0f} MB; "
                 f"first run {large['cold']:.2f} s", "well under 2 s",
                 verdict(large["sample"].median < 2)))
    rows.append(("`reportkit --help`", help_sample.spread(digits=3), f"peak {help_sample.peak:.0f} MB",
                 "< 0.15 s", verdict(help_sample.median < 0.15)))
    table = ["| Measure | reportkit | Compared with | Target | |", "|---|---|---|---|---|"]
    table += [f"| {' | '.join(row)} |" for row in rows]
    notes = ["Median (min–max, n runs). Builds run interleaved with pandoc 3 on the same Markdown "
             "(`--emit-markdown`) and the same template set's reference.docx; pandoc makes no "
             "footnotes from citations, no provenance record and no anonymity check. Peak memory "
             "is the process's largest resident set. `check` and the large report are timed after a "
             "first run, given beside them, which parses the copied sections' Markdown and keeps it "
             "in the cache folder for the runs after it (as after any change to a library).",
             *(f"{built['case']}: {built['summary']}" + ("; LibreOffice counted its pages"
                                                           if built["libreoffice"] else "")
               for built in builds)]
    text = "\n".join(["# Benchmarks", "", *header, "", *table, "", *notes]) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
