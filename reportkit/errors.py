"""The one error type: every problem a user can fix, as `path:line: message` plus a hint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    hint: str | None = None
    # A stable name for the kind of problem ("unknown-citation-key"), for callers that act on
    # it; the message is for people and may change.
    code: str = ""

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ReportkitError(Exception):
    """Bad input or a failed step. The CLI prints it and exits 1; library code only raises it."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 hint: str | None = None, problems: list[Problem] | None = None,
                 code: str = ""):
        self.problems = problems or [Problem(message, path, line, hint, code)]
        super().__init__(str(self))

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> "ReportkitError":
        first = problems[0]
        return cls(first.message, path=first.path, line=first.line, hint=first.hint,
                   problems=problems)

    @property
    def path(self):
        return self.problems[0].path

    @property
    def line(self):
        return self.problems[0].line

    @property
    def code(self) -> str:
        return self.problems[0].code

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
