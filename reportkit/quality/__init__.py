"""Evidence-quality checks (COI standards) on a country library and on a case: findings, no printing."""

from __future__ import annotations

import datetime as dt

from reportkit.document import Placeholder
from reportkit.load.case import LoadedCase
from reportkit.load.library import Library
from reportkit.quality.config import QualityConfig, load_quality_config
from reportkit.quality.findings import ERROR, WARNING, Check, CheckContext, Finding
from reportkit.quality.rules import CHECKS, selected_checks, unknown_codes

__all__ = ["CHECKS", "ERROR", "WARNING", "Check", "Finding", "QualityConfig", "load_quality_config",
           "run_checks", "selected_checks", "unknown_codes"]


def run_checks(library: Library, config: QualityConfig, case: LoadedCase | None = None,
               placeholders: tuple[Placeholder, ...] | list[Placeholder] = (),
               checks: list[Check] | None = None, today: dt.date | None = None) -> list[Finding]:
    """Run the library checks, and the case checks when a case is given; findings sorted.

    Dates are judged at the case's report date, or at `today` for a library on its own.
    """
    from reportkit.select import select_sections

    as_of = case.case.report_date if case is not None else (today or dt.date.today())
    selected = tuple(select_sections(library, case)) if case is not None else ()
    context = CheckContext(library, config, as_of, case, tuple(placeholders), selected)
    findings = []
    for check in CHECKS if checks is None else checks:
        if check.needs_case and case is None:
            continue
        for hit in check.run(context):
            findings.append(Finding(str(hit.path or ""), hit.line or 0, check.id, check.name,
                                    check.severity, hit.message, hit.hint))
    return sorted(set(findings))
