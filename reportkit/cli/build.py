"""`reportkit build` and `reportkit new`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import (AnonymiseOption, DiscardEditsOption, FinalOption, ForceOption,
                               LibraryOption, TemplatesOption, app, fail, library_root, run_one)


@app.command()
def build(
    case: Annotated[Path, typer.Argument(help="The case file (YAML).")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The .docx to write.")] = None,
    force: ForceOption = False,
    discard_edits: DiscardEditsOption = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF beside it (needs LibreOffice).")] = False,
    emit_markdown: Annotated[Optional[Path], typer.Option(
        "--emit-markdown", help="Also write the rendered Markdown (pandoc syntax) to this file.")] = None,
    anonymise: AnonymiseOption = False,
    final: FinalOption = False,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Build a report from a case file."""
    from reportkit.pipeline import Request

    request = Request(case, output=output, pdf=pdf, markdown=emit_markdown, final=final,
                      anonymise=anonymise, force=force, discard_edits=discard_edits)
    outcome = run_one(request, library, templates)
    report, target, config = outcome.report, outcome.target, outcome.inputs.template_set.config
    if report.summarised:
        typer.echo(f"note: to keep within the {config.page_limit}-page limit, "
                   f"{len(report.summarised)} section(s) are shortened to their summary: "
                   f"{', '.join(report.summarised)}", err=True)
    if outcome.warning:
        typer.echo(f"warning: {outcome.warning}", err=True)
    typer.echo(f"wrote {target} ({len(report.section_ids)} sections, {len(report.cited)} sources, "
               f"{len(report.document.footnotes)} footnotes)")
    typer.echo(f"template set: {outcome.inputs.template_set.name} "
               f"({outcome.inputs.template_set.path})")
    if pdf:
        typer.echo(f"wrote {target.with_suffix('.pdf')}")
    if report.placeholders:
        typer.echo(f"note: {len(report.placeholders)} placeholder(s) for the expert to complete",
                   err=True)


@app.command()
def new(
    case: Annotated[Path, typer.Argument(help="The case file to create.")],
    country: Annotated[str, typer.Option("--country", help="Country library, e.g. peru.")],
    profile: Annotated[list[str], typer.Option("--profile", help="Applicant profile (repeatable).")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", help="Template set: uk or us.")],
    library: LibraryOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Write a commented case file to fill in. Never overwrites a file."""
    from reportkit.errors import ReportkitError
    from reportkit.output import Output, check_outputs, write_atomically
    from reportkit.paths import template_search_path
    from reportkit.scaffold import new_case_text

    try:
        outputs = [Output(case, "CASE", (".yaml", ".yml"))]
        if case.parent.is_dir():
            check_outputs(outputs, [], force=False)
        text = new_case_text(case, country, profile, jurisdiction, library_root(library),
                             template_search_path(templates))
        if case.suffix.lower() in (".yaml", ".yml") and not case.parent.exists():
            case.parent.mkdir(parents=True)  # a new case usually starts a new folder (cases/...)
        check_outputs(outputs, [], force=False)
        write_atomically(case, text.encode("utf-8"), force=False)
    except ReportkitError as error:
        fail(error)
    except OSError as error:
        fail(ReportkitError(f"cannot create the folder: {error.strerror}", path=case.parent))
    typer.echo(f"wrote {case}; fill it in, then run: reportkit check {case}")


