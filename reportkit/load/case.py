"""Load a case file and the expert profile it refers to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportkit.errors import ReportkitError
from reportkit.load.yaml_file import YamlDocument, load_yaml
from reportkit.models import Case, Expert
from reportkit.validate import validate_document


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    document: YamlDocument
    expert: Expert
    expert_path: Path

    @property
    def path(self) -> Path:
        return self.document.path

    def line_of(self, *location) -> int:
        return self.document.line_of(tuple(location))

    def text_line(self, *location) -> int:
        return self.document.text_line(tuple(location))


def load_case(path: Path) -> LoadedCase:
    document = load_yaml(path)
    case = validate_document(Case, document)
    if isinstance(case.expert, Expert):
        return LoadedCase(case, document, case.expert, path)
    expert_path = (path.parent / case.expert).resolve()
    if not expert_path.is_file():
        raise ReportkitError(f"expert file '{case.expert}' not found", path=path,
                             line=document.line_of(("expert",)),
                             hint=f"looked for {expert_path}")
    expert = validate_document(Expert, load_yaml(expert_path))
    return LoadedCase(case, document, expert, expert_path)
