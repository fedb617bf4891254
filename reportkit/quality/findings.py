"""What a check reports: a Finding, located in a file, with a severity and a hint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Literal

from reportkit.document import Placeholder
from reportkit.load.case import LoadedCase
from reportkit.load.library import Library, Section
from reportkit.quality.config import QualityConfig

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Hit:
    """What a check function yields; the runner adds the check's id and severity."""

    message: str
    path: Path | str | None
    line: int | None = None
    hint: str | None = None


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    id: str
    name: str
    severity: Severity
    message: str
    hint: str | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "severity": self.severity,
                "message": self.message, "path": self.path, "line": self.line or None,
                "hint": self.hint}


@dataclass
class CheckContext:
    """Everything a check may read. Built once per library, or once per case."""

    library: Library
    config: QualityConfig
    as_of: dt.date  # the report date for a case; today for a library on its own
    case: LoadedCase | None = None
    placeholders: tuple[Placeholder, ...] = ()
    selected: tuple[Section, ...] = field(default=())

    @cached_property
    def units(self):
        """Every unit of library text: sections first, then chronology entries."""
        from reportkit.quality.text import units_in

        found = []
        for section in self.library.sections.values():
            found.extend(units_in(section.body, section.path, section.body_line))
        for item in self.library.chronology:
            found.extend(units_in(item.entry.text, item.path, item.line, "chronology entry"))
        return found

    @cached_property
    def text_units(self):
        """The library's units, and those of the case's own sections (`replace` and `extra`),
        which are the expert's text and held to the same standard."""
        from reportkit.quality.text import units_in

        found = list(self.units)
        for section in self.selected:
            if self.case is not None and section.path == self.case.path:
                found.extend(units_in(section.body, section.path, section.body_line))
        return found


@dataclass(frozen=True)
class Check:
    """One evidence-quality check, declared as data in reportkit/quality/rules.py."""

    id: str
    name: str
    severity: Severity
    needs_case: bool
    summary: str
    run: Callable[[CheckContext], Iterable[Hit]]

    def matches(self, code: str) -> bool:
        code = code.strip()
        return self.id.upper().startswith(code.upper()) or self.name == code.lower()
