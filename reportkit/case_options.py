"""Validate stage for a case's `options:`: the fields its template set declares, typed, with defaults."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from reportkit.errors import Problem, ReportkitError
from reportkit.load.case import LoadedCase
from reportkit.models import TemplateSet

UNKNOWN_OPTION = "unknown-option"
WRONG_OPTION_TYPE = "wrong-option-type"


def _typed(kind: str, value: Any) -> Any:
    """`value` as the declared type, or ValueError."""
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("must be a number")
        return value
    if kind == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError("must be a date written YYYY-MM-DD") from None
    if not isinstance(value, str):
        raise ValueError("must be text (put it in quotes)")
    return value


def case_options(loaded: LoadedCase, template_set: TemplateSet) -> dict[str, Any]:
    """Every option the template set declares: the case's value, else the default (None if the
    set gives none). An option the set does not declare, or a value of the wrong type, is an
    error at its line."""
    declared = template_set.options
    problems: list[Problem] = []
    options = {name: option.default for name, option in declared.items()}
    for name, value in loaded.case.options.items():
        line = loaded.line_of("options", name)
        if name not in declared:
            close = difflib.get_close_matches(name, list(declared), n=1)
            known = ", ".join(sorted(declared)) or "none"
            problems.append(Problem(
                f"unknown option '{name}' for the template set '{template_set.name}'",
                loaded.path, line, f"did you mean '{close[0]}'?" if close
                else f"the options of '{template_set.name}' are: {known}", UNKNOWN_OPTION))
            continue
        try:
            options[name] = _typed(declared[name].type, value)
        except ValueError as error:
            problems.append(Problem(f"options.{name} {error}", loaded.path, line,
                                    declared[name].description or None, WRONG_OPTION_TYPE))
    if problems:
        raise ReportkitError.from_problems(problems)
    return options
