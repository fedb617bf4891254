"""Render stage: sandboxed Jinja turns templates and sections into Markdown.

Case text is data. Every `{{ value }}` that is not library Markdown is swapped for a marker,
and the parser puts the exact text back after Markdown has been parsed, so Jinja, Markdown or
citation syntax in a case file renders literally.
"""

from __future__ import annotations

import datetime as dt
import operator
import traceback
from pathlib import Path
from typing import Any

from jinja2 import (BaseLoader, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, UndefinedError)
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from reportkit.errors import ReportkitError
from reportkit.parse.markdown import LITERAL_CLOSE, LITERAL_OPEN

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MAX_STRING = 1_000_000
MAX_POWER = 10_000


class Markdown(str):
    """Library or template Markdown, trusted to be parsed as Markdown."""


class LiteralStore:
    """Case text set aside during rendering, to be restored after parsing."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, text: str) -> str:
        self.values.append(text.replace(LITERAL_OPEN, "").replace(LITERAL_CLOSE, ""))
        return f"{LITERAL_OPEN}{len(self.values) - 1}{LITERAL_CLOSE}"


class _ReportSandbox(SandboxedEnvironment):
    """The sandbox, also bounding the two operators that can exhaust memory."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, name, left, right):
        if name == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
            raise SecurityError(f"the exponent {right} is too large")
        if name == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_STRING:
                    raise SecurityError("the result would be too large")
            return operator.mul(left, right)
        return super().call_binop(context, name, left, right)


class _SectionLoader(BaseLoader):
    """Serves section bodies by id, padded so Jinja's line numbers are the file's."""

    def __init__(self) -> None:
        self.sources: dict[str, tuple[str, str]] = {}

    def add(self, name: str, body: str, path: Path, body_line: int) -> None:
        self.sources[name] = ("\n" * (body_line - 1) + body, str(path))

    def get_source(self, environment, template):
        if template not in self.sources:
            raise TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: True


def long_date(value: Any, date_format: str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date):
        raise TypeError(f"long_date needs a date, not {type(value).__name__}")
    return date_format.format(day=value.day, month=MONTHS[value.month - 1], year=value.year)


def partial_date(value: str, date_format: str) -> str:
    """'2022-12' as 'December 2022'; a full date as long_date."""
    parts = value.split("-")
    if len(parts) == 3:
        return long_date(value, date_format)
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


class Renderer:
    """One per build: both sandboxes share the literal store and the filters."""

    def __init__(self, template_dir: Path, date_format: str):
        self.literals = LiteralStore()
        self.template_dir = template_dir
        self.section_loader = _SectionLoader()
        self.report_env = self._environment(FileSystemLoader(str(template_dir)), date_format)
        self.section_env = self._environment(self.section_loader, date_format)

    def _environment(self, loader: BaseLoader, date_format: str) -> SandboxedEnvironment:
        env = _ReportSandbox(loader=loader, undefined=StrictUndefined, finalize=self._finalize,
                             autoescape=False, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
        env.filters["long_date"] = lambda value: long_date(value, date_format)
        env.filters["partial_date"] = lambda value: partial_date(value, date_format)
        env.globals["placeholder"] = self.placeholder
        return env

    def _finalize(self, value: Any) -> str:
        if isinstance(value, Markdown):
            return value
        if value is None:
            return ""
        return self.literals.add(str(value))

    def placeholder(self, text: str) -> Markdown:
        """A highlighted gap for the expert: [EXPERT TO COMPLETE: text]."""
        return Markdown(f"[EXPERT TO COMPLETE: {self.literals.add(str(text))}]")

    def render_section(self, name: str, body: str, path: Path, body_line: int,
                       context: dict[str, Any]) -> Markdown:
        self.section_loader.add(name, body, path, body_line)
        return Markdown(_render(self.section_env, name, context, {str(path)}))

    def render_report(self, template_name: str, context: dict[str, Any]) -> str:
        return _render(self.report_env, template_name, context, None, self.template_dir)


def _error_line(error: BaseException, filenames: set[str] | None, folder: Path | None):
    """The template file and line that were running when `error` was raised."""
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        name = frame.filename
        if (filenames and name in filenames) or (folder and name.startswith(str(folder))):
            found = (name, frame.lineno)
    return found


def _render(env: SandboxedEnvironment, name: str, context: dict[str, Any],
            filenames: set[str] | None, folder: Path | None = None) -> str:
    try:
        return env.get_template(name).render(context)
    except TemplateSyntaxError as error:
        raise ReportkitError(f"template syntax error: {error.message}",
                             path=error.filename or name, line=error.lineno) from None
    except (TemplateError, SecurityError, TypeError, ValueError, AttributeError, KeyError,
            IndexError, ZeroDivisionError, OverflowError, RecursionError) as error:
        where = _error_line(error, filenames, folder)
        path, line = where if where else (name, None)
        message, hint = _describe(error)
        raise ReportkitError(message, path=path, line=line, hint=hint) from None


def _describe(error: BaseException) -> tuple[str, str | None]:
    if isinstance(error, UndefinedError):
        return (f"undefined variable: {error.message}",
                "check the spelling; `reportkit schema case` lists the case fields")
    if isinstance(error, TemplateNotFound):
        return (f"template '{error.name}' not found",
                "includes are looked up inside the template set's own folder")
    if isinstance(error, SecurityError):
        return f"not allowed in a template: {error}", None
    return f"template error: {type(error).__name__}: {error}", None


