"""`reportkit check`: validate the library and case files, and run the evidence-quality checks."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, TemplatesOption, app, library_root

JSON_VERSION = 1


class Format(str, Enum):
    text = "text"
    json = "json"


def _codes(value: str | None) -> list[str]:
    codes = [code.strip() for code in (value or "").split(",") if code.strip()]
    from reportkit.quality import unknown_codes

    unknown = unknown_codes(codes)
    if unknown:
        raise typer.BadParameter(f"unknown check id or name: {', '.join(unknown)}")
    return codes


@app.command()
def check(
    cases: Annotated[Optional[list[Path]], typer.Argument(help="Case files to check.")] = None,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
    output_format: Annotated[Format, typer.Option("--format", help="text, or json for tools and CI.")] = Format.text,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    select: Annotated[Optional[str], typer.Option(
        "--select", help="Only these checks: ids or prefixes, comma-separated (e.g. L,S001).")] = None,
    ignore: Annotated[Optional[str], typer.Option(
        "--ignore", help="Skip these checks: ids or prefixes, comma-separated (e.g. L006,S003).")] = None,
    pages: Annotated[bool, typer.Option(
        "--pages", help="Also count each case's report pages exactly with LibreOffice.")] = False,
) -> None:
    """Validate the country library and the given case files, and check the quality of the evidence.

    Without case files, every library in the library folder is checked as of today; with them,
    each case and its library are checked as of the case's report date.
    """
    from reportkit.paths import template_search_path
    from reportkit.quality import selected_checks
    from reportkit.quality.runner import check_paths

    checks = selected_checks(_codes(select), _codes(ignore))
    result = check_paths(library_root(library), cases or [], template_search_path(templates), checks)
    if output_format is Format.json:
        typer.echo(json.dumps(as_json(result, strict), indent=2, ensure_ascii=False))
    else:
        for line in text_lines(result):
            typer.echo(line)
    for problem in result.invalid:
        typer.echo(str(problem), err=True)
    over_limit = _page_counts(cases or [], library, templates) if pages and not result.invalid else False
    raise typer.Exit(1 if result.failed(strict) or over_limit else 0)


def _page_counts(cases: list[Path], library, templates) -> bool:
    """Print each case's page count; True when one is over its limit without permission."""
    from reportkit.errors import ReportkitError
    from reportkit.pages import count_case_pages
    from reportkit.paths import template_search_path

    try:
        counted = count_case_pages(cases, library_root(library), template_search_path(templates))
    except ReportkitError as error:
        typer.echo(f"error: {error}" if not error.path else str(error), err=True)
        return True
    for item in counted:
        limit = f"; the limit is {item.limit}" if item.limit else ""
        verdict = " (over the limit, and no permission recorded)" if item.over else ""
        typer.echo(f"{item.case}: {item.count.pages} pages ({item.count.how}){limit}{verdict}")
    return any(item.over for item in counted)


def text_lines(result) -> list[str]:
    """Findings grouped by file, in line order: `path:line: ID severity: message`, then the hint."""
    lines: list[str] = []
    current = None
    for finding in result.findings:
        if finding.path != current:
            if current is not None:
                lines.append("")
            current = finding.path
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        lines.append(f"{where}: {finding.id} {finding.severity}: {finding.message}")
        if finding.hint:
            lines.append(f"  hint: {finding.hint}")
    if lines:
        lines.append("")
    checked = [f"library {name}" for name in result.libraries] + result.cases
    errors, warnings = result.count("error"), result.count("warning")
    summary = (f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
               if result.findings else "no problems found")
    if checked:
        lines.append(f"checked {', '.join(checked)}: {summary}")
    return lines


def as_json(result, strict: bool) -> dict:
    """The --format json document (version 1); see the README for its fields."""
    return {
        "version": JSON_VERSION,
        "checked": {"libraries": result.libraries, "cases": result.cases,
                    "quality_file": result.quality_file},
        "findings": [finding.as_dict() for finding in result.findings],
        "invalid": [{"message": problem.message, "path": str(problem.path) if problem.path else None,
                     "line": problem.line, "hint": problem.hint} for problem in result.invalid],
        "summary": {"errors": result.count("error"), "warnings": result.count("warning"),
                    "invalid": len(result.invalid), "failed": result.failed(strict)},
    }
