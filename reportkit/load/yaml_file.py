"""Read YAML with a line number for every key and list item, refusing hostile documents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.parser import RoundTripParser

from reportkit.errors import ReportkitError
from reportkit.load.files import MAX_BYTES, read_text

MAX_DEPTH = 50

Location = tuple[str | int, ...]


class _TextDatesConstructor(RoundTripConstructor):
    """Leave dates as text so that pydantic validates them and reports the field."""


_TextDatesConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


@dataclass(frozen=True)
class YamlDocument:
    """Plain data (dicts, lists, str, int, bool, None) and where each part came from."""

    path: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    first_line: int = 1
    block_scalars: frozenset[Location] = frozenset()

    def line_of(self, location: Location) -> int:
        """The line of the deepest known part of `location` (1-based)."""
        location = tuple(location)
        while location:
            if location in self.lines:
                return self.lines[location]
            location = location[:-1]
        return self.first_line

    def text_line(self, location: Location) -> int:
        """The line on which a text value starts: after the key for `|` and `>` blocks."""
        location = tuple(location)
        return self.line_of(location) + (1 if location in self.block_scalars else 0)


def _yaml(path: Path | None = None, line_offset: int = 0) -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _TextDatesConstructor
    yaml.allow_duplicate_keys = False
    if path is not None:
        refuse = _hostile_event_check(path, line_offset)

        class _CheckedParser(RoundTripParser):
            """Checks each event as the one parse reads it, before anything is built from it."""

            def get_event(self):
                event = super().get_event()
                refuse(event)
                return event

        yaml.Parser = _CheckedParser
    return yaml


def _hostile_event_check(path: Path, line_offset: int):
    """Aliases can multiply a small file into gigabytes; deep nesting exhausts the stack."""
    depth = 0

    def refuse(event) -> None:
        nonlocal depth
        if isinstance(event, AliasEvent):
            raise ReportkitError(
                "YAML aliases (*name) are not allowed",
                path=path, line=event.start_mark.line + 1 + line_offset,
                hint="write the value out in full instead of referring to an anchor",
            )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ReportkitError(
                    f"the YAML is nested more than {MAX_DEPTH} levels deep",
                    path=path, line=event.start_mark.line + 1 + line_offset,
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1

    return refuse


def _yaml_error(error: MarkedYAMLError, path: Path, line_offset: int) -> ReportkitError:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 + line_offset if mark is not None else None
    problem = error.problem or error.context or "invalid YAML"
    return ReportkitError(
        f"invalid YAML: {problem}", path=path, line=line,
        hint="check the indentation and quoting on this line and the one before it",
    )


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _joined_surrogates(text: str) -> str:
    """"\\ud83d\\ude00" (how JSON writers escape an emoji) is one character, not two halves."""
    return _SURROGATE_PAIR.sub(
        lambda pair: pair.group().encode("utf-16", "surrogatepass").decode("utf-16"), text)


def _plain(node: Any, location: Location, lines: dict[Location, int], offset: int) -> Any:
    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            key_text = key if isinstance(key, str) else str(key)
            try:
                line, _column = node.lc.key(key)
                lines[location + (key_text,)] = line + 1 + offset
            except (KeyError, TypeError):
                pass
            result[key_text] = _plain(value, location + (key_text,), lines, offset)
        return result
    if isinstance(node, CommentedSeq):
        result = []
        for index, value in enumerate(node):
            try:
                line, _column = node.lc.item(index)
                lines[location + (index,)] = line + 1 + offset
            except (KeyError, TypeError, IndexError):
                pass
            result.append(_plain(value, location + (index,), lines, offset))
        return result
    if isinstance(node, (LiteralScalarString, FoldedScalarString)):
        lines[location + ("<block>",)] = 0
        return _joined_surrogates(str(node))
    if isinstance(node, str):
        return _joined_surrogates(str(node))
    if isinstance(node, float) and not isinstance(node, bool):
        return float(node)
    return node


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> YamlDocument:
    """Parse YAML text that sits at `line_offset` lines into `path`."""
    if len(text) > MAX_BYTES:
        raise ReportkitError(f"the text is larger than {MAX_BYTES // 1_000_000} MB", path=path)
    try:
        data = _yaml(path, line_offset).load(text)
    except MarkedYAMLError as error:
        raise _yaml_error(error, path, line_offset) from None
    except (YAMLError, ValueError) as error:
        raise ReportkitError(f"invalid YAML: {error}", path=path) from None
    lines: dict[Location, int] = {}
    plain = _plain(data, (), lines, line_offset)
    blocks = frozenset(location[:-1] for location in lines if location and location[-1] == "<block>")
    for location in blocks:
        del lines[location + ("<block>",)]
    return YamlDocument(path, plain, lines, line_offset + 1, blocks)


def load_yaml(path: Path) -> YamlDocument:
    return parse_yaml(read_text(path), path)
