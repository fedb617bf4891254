"""`reportkit batch`: build many case files into one folder, loading the library once."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from reportkit.cli.app import (AnonymiseOption, DiscardEditsOption, FinalOption, ForceOption,
                               LibraryOption, TemplatesOption, app, fail, library_root)


def _show_progress() -> bool:
    """A live bar only for a person at a terminal; logs and CI get plain lines."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")


@app.command()
def batch(
    cases: Annotated[list[Path], typer.Argument(help="The case files (YAML).")],
    output_dir: Annotated[Path, typer.Option(
        "-o", "--output-dir", help="The folder to write the reports into (created if missing).")],
    library: LibraryOption = None,
    templates: TemplatesOption = None,
    force: ForceOption = False,
    discard_edits: DiscardEditsOption = False,
    anonymise: AnonymiseOption = False,
    final: FinalOption = False,
) -> None:
    """Build many case files into one folder, loading the library once.

    Each report is written as OUTPUT_DIR/CASE.docx. A case that fails does not stop the others;
    every failure is listed at the end, and the exit code is then 1. With --final, the reports
    are laid out by LibreOffice in one run, after all are built."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from reportkit.build import LibraryCache
    from reportkit.context import shown_case
    from reportkit.errors import ReportkitError
    from reportkit.load.templates import available_template_sets
    from reportkit.paths import template_search_path
    from reportkit.pipeline import Listener, Request, run_cases

    if output_dir.exists() and not output_dir.is_dir():
        fail(ReportkitError("is a file, not a folder", path=output_dir,
                            hint="-o names the folder that receives the reports"))
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(ReportkitError(f"cannot create the output folder: {error.strerror or error}",
                            path=output_dir))
    template_dirs = template_search_path(templates)
    try:
        available_template_sets(template_dirs)  # a misspelt --templates stops the batch at once
    except ReportkitError as error:
        fail(error)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=Console(stderr=True), disable=not _show_progress(), transient=True)

    def shown(case: Path) -> str:
        return shown_case(case, anonymise)

    def say(text: str, err: bool = False) -> None:
        if progress.live.is_started:  # above the bar, which would otherwise be drawn over
            progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            typer.echo(text, err=err)

    class Shown(Listener):
        """Each case's progress on the bar, and a line when it is written or has failed."""

        def __init__(self) -> None:
            self.written = 0

        def building(self, case: Path) -> None:
            # No case file name: an anonymised case's may name the applicant.
            progress.update(task, description="building")

        def laying_out(self, documents: int) -> None:
            progress.update(task, description=f"counting the pages of {documents} report(s)")

        def finished(self, outcome) -> None:
            if outcome.error is not None:
                say(f"failed {shown(outcome.request.case)}", err=True)
            elif outcome.written:
                self.written += 1
                report = outcome.report
                say(f"wrote {outcome.target} ({len(report.section_ids)} sections, "
                    f"{len(report.cited)} sources)")
            if outcome.error is not None or outcome.written:
                progress.advance(task)
                # Said and written: the report's model and bytes are let go, so that a batch's
                # memory does not grow with its number of cases.
                outcome.inputs = outcome.report = outcome.docx = None

        def guard(self, case: Path):
            return _internal_faults(case)

    requests = [Request(case, folder=output_dir, final=final, anonymise=anonymise, force=force,
                        discard_edits=discard_edits) for case in cases]
    listener = Shown()
    try:
        with progress:
            task = progress.add_task("building", total=len(cases))
            outcomes = run_cases(requests, LibraryCache(library_root(library)), template_dirs,
                                 listener)
    except KeyboardInterrupt:
        # Each report is written whole or not at all, so what was written can be used.
        typer.echo(f"interrupted: {listener.written} report(s) written, the rest not", err=True)
        raise typer.Exit(130) from None
    failures = [outcome for outcome in outcomes if outcome.error is not None]
    if failures:
        typer.echo(f"\n{len(failures)} case(s) failed:", err=True)
    for outcome in failures:
        case, error = outcome.request.case, outcome.error
        if error.path is None:
            typer.echo(f"{shown(case)}: {error}", err=True)
            continue
        if str(error.path) not in (str(case), shown(case)):  # in a file the case uses
            typer.echo(f"{shown(case)}: cannot be built:", err=True)
        typer.echo(str(error), err=True)
    typer.echo(f"{len(outcomes) - len(failures)} built, {len(failures)} failed")
    if failures:
        raise typer.Exit(1)


@contextlib.contextmanager
def _internal_faults(case: Path):
    """A fault in reportkit while building one case fails that case, never the rest."""
    from reportkit.errors import ReportkitError

    try:
        yield
    except ReportkitError:
        raise
    except Exception as error:  # noqa: BLE001 (a fault in one case never stops the rest)
        raise ReportkitError(
            f"could not be built: an internal error ({type(error).__name__}: "
            f"{str(error)[:200]})", path=case,
            hint="this is a fault in reportkit; please report it with the case") from None
