"""`reportkit schedule`: the UK country-information evidence schedule for a case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, TemplatesOption, app, run_one


@app.command()
def schedule(
    case: Annotated[Path, typer.Argument(help="The case file (YAML).")],
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", help="The .docx to write (default: CASE-schedule.docx; for an "
        "anonymised case, with initials for any protected name in CASE).")] = None,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output file.")] = False,
    pages: Annotated[bool, typer.Option(
        "--pages", help="Count the pages exactly with LibreOffice (default: an estimate).")] = False,
) -> None:
    """Write the schedule of country information relied on, per question (UK PD 2024 §10.6)."""
    from reportkit.pipeline import SCHEDULE, Request
    from reportkit.schedule import counted_how

    request = Request(case, product=SCHEDULE, output=output, exact_pages=pages, force=force)
    outcome = run_one(request, library, templates)
    typer.echo(f"wrote {outcome.target} ({outcome.schedule.rows} passages; "
               f"{outcome.count.pages} pages, {counted_how(outcome.count)})")
    if outcome.warning:
        typer.echo(f"warning: {outcome.warning}", err=True)
