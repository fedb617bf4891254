"""`reportkit schedule`: the UK country-information evidence schedule for a case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, TemplatesOption, app, fail, library_root


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
    from reportkit.build import LibraryCache, default_output, load_inputs
    from reportkit.errors import ReportkitError
    from reportkit.output import Output, check_outputs, write_atomically
    from reportkit.pages import estimate, lay_out
    from reportkit.paths import template_search_path
    from reportkit.schedule import PAGE_LIMIT, build_schedule

    try:
        libraries = LibraryCache(library_root(library))
        inputs = load_inputs(case, libraries, template_search_path(templates))
        target = output or default_output(case, inputs.loaded, suffix="-schedule")
        check_outputs([Output(target, "-o" if output else "the schedule", (".docx",))],
                      inputs.paths, force)
        built = build_schedule(inputs, libraries)
        count = (lay_out(built.docx, built.document).count if pages else
                 estimate(built.document, inputs.template_set.reference_docx,
                          inputs.template_set.config.styles))
        write_atomically(target, built.docx, force)
    except ReportkitError as error:
        fail(error)
    how = count.how if not count.estimated else "estimate; --pages counts exactly with LibreOffice"
    typer.echo(f"wrote {target} ({built.rows} passages; {count.pages} pages, {how})")
    if count.pages > PAGE_LIMIT:
        typer.echo(f"warning: the schedule is {count.pages} pages ({how}); the Practice Direction "
                   f"(2024, §10.6) allows at most {PAGE_LIMIT}: name fewer sections per question "
                   f"(questions[].sections) or shorten the passages", err=True)
