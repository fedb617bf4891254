"""`reportkit build` and `reportkit new`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, TemplatesOption, app, fail, library_root


@app.command()
def build(
    case: Annotated[Path, typer.Argument(help="The case file (YAML).")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The .docx to write.")] = None,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output file (not a report edited since it was built).")] = False,
    discard_edits: Annotated[bool, typer.Option(
        "--discard-edits", help="With --force, replace a report even if it was edited since it was built.")] = False,
    anonymise: Annotated[bool, typer.Option("--anonymise", help="Use initials, whatever the case says.")] = False,
    final: Annotated[bool, typer.Option(
        "--final", help="Refuse to write while placeholders remain or the report is over its "
                        "page limit (counted by LibreOffice).")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF beside it (needs LibreOffice).")] = False,
    emit_markdown: Annotated[Optional[Path], typer.Option(
        "--emit-markdown", help="Also write the rendered Markdown (pandoc syntax) to this file.")] = None,
) -> None:
    """Build a report from a case file."""
    from reportkit.build import (LibraryCache, build_report, default_output, load_inputs,
                                 refuse_over_limit, refuse_unfinished)
    from reportkit.errors import ReportkitError
    from reportkit.absorb import refuse_edited
    from reportkit.libreoffice import soffice
    from reportkit.output import Output, check_outputs, write_outputs
    from reportkit.pages import estimate, lay_out, page_limit_warning
    from reportkit.paths import template_search_path

    target = output or case.with_suffix(".docx")
    pdf_target = target.with_suffix(".pdf")
    try:
        libraries = LibraryCache(library_root(library))
        inputs = load_inputs(case, libraries, template_search_path(templates), anonymise=anonymise)
        if output is None:  # an anonymised report's name must not come from a named case file
            target = default_output(case, inputs.loaded, anonymise)
            pdf_target = target.with_suffix(".pdf")
        outputs = [Output(target, "-o" if output else "the report", (".docx",))]
        if pdf:
            outputs.append(Output(pdf_target, "--pdf", (".pdf",)))
        if emit_markdown is not None:
            outputs.append(Output(emit_markdown, "--emit-markdown", (".md", ".markdown")))
        check_outputs(outputs, inputs.paths, force)
        if force and not discard_edits:
            refuse_edited(target, inputs.loaded, inputs.library)
        report = build_report(inputs, libraries, anonymise=anonymise, output=target)
        if final:
            refuse_unfinished(report, case)
        config = inputs.template_set.config
        permitted = bool(inputs.options.get("permission_to_exceed_page_limit"))
        # LibreOffice only when asked: for a PDF, or for --final's exact count.
        exact = pdf or (final and bool(config.page_limit) and not permitted and soffice() is not None)
        layout = lay_out(report.docx, report.document) if exact else None
        count = layout.count if layout else estimate(report.document,
                                                     inputs.template_set.reference_docx, config.styles)
        if final and not permitted:
            refuse_over_limit(count, config.page_limit, case)
        warning = None if permitted else page_limit_warning(count, config.page_limit)
        pdf_bytes = layout.pdf if pdf else None
        docx_bytes = report.docx
        if layout is not None:  # LibreOffice has laid the report out: the contents get its pages
            from reportkit.docx import fill_toc_pages, heading_pages
            from reportkit.libreoffice import page_texts

            texts = page_texts(layout.pdf)
            if texts is not None:
                docx_bytes = fill_toc_pages(docx_bytes, heading_pages(docx_bytes, texts))
        files = [(target, docx_bytes)]
        if emit_markdown is not None:
            from reportkit.render import restore_literals

            markdown = restore_literals(report.markdown, report.literals)
            files.append((emit_markdown, markdown.encode("utf-8")))
        if pdf_bytes is not None:
            files.append((pdf_target, pdf_bytes))
        write_outputs(files, force)  # all of them, or none
    except ReportkitError as error:
        fail(error)
    if report.summarised:
        typer.echo(f"note: to keep within the {config.page_limit}-page limit, "
                   f"{len(report.summarised)} section(s) are shortened to their summary: "
                   f"{', '.join(report.summarised)}", err=True)
    if warning:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"wrote {target} ({len(report.section_ids)} sections, {len(report.cited)} sources, "
               f"{len(report.document.footnotes)} footnotes)")
    typer.echo(f"template set: {inputs.template_set.name} ({inputs.template_set.path})")
    if pdf:
        typer.echo(f"wrote {pdf_target}")
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


