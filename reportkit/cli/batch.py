"""`reportkit batch`: build many case files into one folder, loading the library once."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from reportkit.cli.app import LibraryOption, TemplatesOption, app, fail, library_root


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
    force: Annotated[bool, typer.Option("--force", help="Replace existing output files (not a report edited since it was built).")] = False,
    discard_edits: Annotated[bool, typer.Option(
        "--discard-edits", help="With --force, replace reports even if edited since they were built.")] = False,
    anonymise: Annotated[bool, typer.Option(
        "--anonymise", help="Use initials, whatever each case says.")] = False,
    final: Annotated[bool, typer.Option(
        "--final", help="Fail a case whose report still has placeholders or is over its page "
                        "limit (all counted in one LibreOffice run).")] = False,
) -> None:
    """Build many case files into one folder, loading the library once.

    Each report is written as OUTPUT_DIR/CASE.docx. A case that fails does not stop the others;
    every failure is listed at the end, and the exit code is then 1."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from reportkit.absorb import refuse_edited
    from reportkit.anonymise import masked, names_hidden
    from reportkit.context import anonymiser_of_file
    from reportkit.build import (LibraryCache, build_report, default_output, load_inputs,
                                 refuse_over_limit, refuse_unfinished)
    from reportkit.libreoffice import soffice
    from reportkit.pages import estimate
    from reportkit.errors import ReportkitError
    from reportkit.load.templates import available_template_sets
    from reportkit.output import Output, check_outputs, write_atomically
    from reportkit.paths import template_search_path

    if output_dir.exists() and not output_dir.is_dir():
        fail(ReportkitError("is a file, not a folder", path=output_dir,
                            hint="-o names the folder that receives the reports"))
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(ReportkitError(f"cannot create the output folder: {error.strerror or error}",
                            path=output_dir))
    libraries = LibraryCache(library_root(library))
    template_dirs = template_search_path(templates)
    try:
        available_template_sets(template_dirs)  # a misspelt --templates stops the batch at once
    except ReportkitError as error:
        fail(error)
    template_sets: dict = {}  # each template set is read once, then reused
    written: dict[Path, Path] = {}  # output file -> the case that produced it in this run
    failures: list[tuple[Path, ReportkitError]] = []
    # --final: reports whose pages LibreOffice counts, all in one run after the builds.
    to_count: list[tuple[Path, Path, object, int]] = []
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=Console(stderr=True), disable=not _show_progress(), transient=True)

    def shown(text: str | Path, case: Path | None = None) -> str:
        """`text` (by default the case file's path) with any protected name masked, if the case
        is anonymised."""
        return str(masked(anonymiser_of_file(case or Path(text), anonymise), text))

    def say(text: str, err: bool = False) -> None:
        if progress.live.is_started:  # above the bar, which would otherwise be drawn over
            progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            typer.echo(text, err=err)

    def build_one(case: Path):
        inputs = load_inputs(case, libraries, template_dirs, template_sets, anonymise)
        # The anonymised file name rule of `reportkit build`, inside the output folder.
        target = output_dir / default_output(case, inputs.loaded, anonymise).name
        if target in written:
            raise ReportkitError(f"another case in this batch ({written[target]}) writes {target} too",
                                 path=case, hint="give the case files different names")
        check_outputs([Output(target, "-o", (".docx",))], inputs.paths, force)
        if force and not discard_edits:
            refuse_edited(target, inputs.loaded, inputs.library)
        report = build_report(inputs, libraries, anonymise=anonymise, output=target)
        limit = inputs.template_set.config.page_limit
        if final:
            refuse_unfinished(report, case)
            if limit and not inputs.options.get("permission_to_exceed_page_limit"):
                if soffice() is not None:
                    to_count.append((case, target, report, limit))
                    return target, None
                refuse_over_limit(estimate(report.document, inputs.template_set.reference_docx,
                                           inputs.template_set.config.styles), limit, case)
        write_atomically(target, report.docx, force)
        return target, report

    def write_counted(items) -> None:
        """--final: count every waiting report's pages in one LibreOffice run, then write those
        within their limit."""
        from reportkit.libreoffice import convert_many, pdf_page_count
        from reportkit.pages import PageCount

        try:
            pdfs = convert_many([report.docx for _, _, report, _ in items])
        except ReportkitError as error:
            for case, target, _, _ in items:
                failures.append((case, error))
                written.pop(target, None)
            return
        for (case, target, report, limit), pdf in zip(items, pdfs):
            try:
                with names_hidden(lambda: anonymiser_of_file(case, anonymise)):
                    refuse_over_limit(PageCount(pdf_page_count(pdf), estimated=False), limit, case)
                write_atomically(target, report.docx, force)
            except ReportkitError as error:
                failures.append((case, error))
                written.pop(target, None)
                say(f"failed {shown(case)}", err=True)
            else:
                say(f"wrote {target} ({len(report.section_ids)} sections, {len(report.cited)} sources)")

    try:
        with progress:
            task = progress.add_task("building", total=len(cases))
            for case in cases:
                # No case file name: an anonymised case's may name the applicant.
                progress.update(task, description="building")
                try:
                    with names_hidden(lambda: anonymiser_of_file(case, anonymise)):
                        target, report = build_one(case)
                except ReportkitError as error:
                    failures.append((case, error))
                    say(f"failed {shown(case)}", err=True)
                except Exception as error:  # noqa: BLE001 (a fault in one case never stops the rest)
                    failures.append((case, ReportkitError(
                        f"could not be built: an internal error ({type(error).__name__}: "
                        f"{shown(str(error)[:200], case)})", path=shown(case),
                        hint="this is a fault in reportkit; please report it with the case")))
                    say(f"failed {shown(case)}", err=True)
                else:
                    written[target] = case
                    if report is not None:
                        say(f"wrote {target} ({len(report.section_ids)} sections, {len(report.cited)} sources)")
                progress.advance(task)
            if to_count:
                progress.update(task, description=f"counting the pages of {len(to_count)} report(s)")
                write_counted(to_count)
    except KeyboardInterrupt:
        # Each report is written whole or not at all, so what was written can be used.
        typer.echo(f"interrupted: {len(written)} report(s) written, the rest not", err=True)
        raise typer.Exit(130) from None
    if failures:
        typer.echo(f"\n{len(failures)} case(s) failed:", err=True)
    for case, error in failures:
        if error.path is None:
            typer.echo(f"{shown(case)}: {error}", err=True)
            continue
        if str(error.path) not in (str(case), shown(case)):  # in a file the case uses
            typer.echo(f"{shown(case)}: cannot be built:", err=True)
        typer.echo(str(error), err=True)
    typer.echo(f"{len(written)} built, {len(failures)} failed")
    if failures:
        raise typer.Exit(1)
