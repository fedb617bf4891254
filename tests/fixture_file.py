"""Fixture files in markdown-it-py's shape: title, then blocks separated by lines holding "."."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    title: str
    input: str
    expected: str
    line: int

    def __str__(self) -> str:
        return self.title


def read_cases(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, index = [], 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title, start = lines[index], index + 1
        assert lines[index + 1] == ".", f"{path}:{index + 2}: expected '.' after the title"
        blocks, current, index = [], [], index + 2
        while len(blocks) < 2:
            if lines[index] == ".":
                blocks.append("\n".join(current))
                current = []
            else:
                current.append(lines[index])
            index += 1
        cases.append(Case(title, blocks[0], blocks[1], start))
    return cases
