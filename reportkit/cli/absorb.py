"""`reportkit absorb`: read a report edited in Word or LibreOffice back into its case file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, app, fail, library_root


@app.command()
def absorb(
    report: Annotated[Path, typer.Argument(help="The edited report (.docx) built by reportkit.")],
    case: Annotated[Optional[Path], typer.Argument(
        help="Its case file (default: the one the report was built from).")] = None,
    library: LibraryOption = None,
    accept_changes: Annotated[bool, typer.Option(
        "--accept-changes", help="Accept the report's pending tracked changes first.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what would change in the case file; write nothing.")] = False,
) -> None:
    """Carry the edits made in a report back into its case file."""
    from reportkit.absorb import plan_absorb
    from reportkit.absorb.case_file import updated_case_text, write_plan
    from reportkit.absorb.edits import read_record_with_regions
    from reportkit.build import LibraryCache
    from reportkit.errors import ReportkitError

    try:
        record = read_record_with_regions(report)
        loaded_library = LibraryCache(library_root(library)).get(record.country)
        plan = plan_absorb(report, case, loaded_library, accept_changes)
        if dry_run:
            updated_case_text(plan)  # the result must still be a valid case file
        else:
            write_plan(plan)
    except ReportkitError as error:
        fail(error)
    if plan.empty:
        typer.echo(f"{plan.case} already holds everything written in {report}; nothing to change")
    else:
        typer.echo(f"{report} → {plan.case}:")
        for change in plan.changes:
            typer.echo(f"  - {change.message}")
    for note in plan.notes if not plan.empty else []:
        typer.echo(f"  note: {note}")
    if not plan.empty:
        typer.echo("dry run: nothing was written" if dry_run else f"wrote {plan.case}"
                   + "".join(f", {path}" for path in plan.files))
