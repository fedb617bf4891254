"""Read YAML with a line number for every key and list item, refusing hostile documents."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportkit.errors import ReportkitError
from reportkit.load.files import MAX_BYTES, read_text

MAX_DEPTH = 50

Location = tuple[str | int, ...]

# libyaml parses; the values are built here with YAML 1.2's core schema, as reportkit has always
# read them: `yes`, `no`, `on`, `off`, `NO` (a country code) and `1:30` are text; only
# true/false are booleans; dates stay text so that pydantic checks them and names the field.
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(?:0b[0-1_]+|0o[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)")
_FLOAT = re.compile(r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                       |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                       |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?""", re.X)
_SPECIAL_FLOAT = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf,
                  "+.Inf": math.inf, "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf,
                  "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}
_STR_TAG = "tag:yaml.org,2002:str"


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


def _scalar(event, path: Path, line_offset: int) -> Any:
    """The value of a scalar, as YAML 1.2's core schema reads it."""
    value = event.value
    if event.tag not in (None, "!", _STR_TAG):
        raise ReportkitError(f"YAML tags ({event.tag}) are not supported", path=path,
                             line=event.start_mark.line + 1 + line_offset,
                             hint="write the value without a tag, in quotes if it is text")
    if event.style or event.tag is not None:  # quoted, block (| >), or tagged as text
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value[:1] in "-+0123456789.":
        if value in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[value]
        if _INT.fullmatch(value):
            digits = value.replace("_", "")
            sign, body = (-1, digits[1:]) if digits[:1] == "-" else (1, digits.lstrip("+"))
            for prefix, base in (("0b", 2), ("0o", 8), ("0x", 16)):
                if body.startswith(prefix):
                    return sign * int(body[2:], base)
            return sign * int(body) if body else value
        if _FLOAT.fullmatch(value):
            return float(value.replace("_", ""))
    if value == "<<":
        raise ReportkitError("YAML merge keys (<<) are not supported", path=path,
                             line=event.start_mark.line + 1 + line_offset,
                             hint="write the keys out in full")
    return value


def _compose(text: str, path: Path, line_offset: int):
    """One pass over libyaml's events, building plain data and the line of every part.

    Iterative (a stack, not recursion), so that deep nesting is refused rather than crashing;
    aliases are refused where they occur, before anything could be multiplied."""
    lines: dict[Location, int] = {}
    blocks: set[Location] = set()
    # Each open collection: [container, its location, the pending key (mappings), key line].
    stack: list[list] = []
    root: Any = None
    documents = 0

    def line(event) -> int:
        return event.start_mark.line + 1 + line_offset

    def add(value: Any, event, is_block: bool = False) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        container, location = frame[0], frame[1]
        if isinstance(container, list):
            where = location + (len(container),)
            lines[where] = line(event)
            container.append(value)
        elif frame[2] is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise ReportkitError("invalid YAML: a key must be a plain value, not a list or "
                                     "mapping", path=path, line=line(event))
            key = value if isinstance(value, str) else str(value)
            if key in container:
                raise ReportkitError(f'invalid YAML: found duplicate key "{key}"', path=path,
                                     line=line(event), hint="each key may appear once in a mapping")
            frame[2], frame[3] = key, line(event)
            return
        else:
            key = frame[2]
            where = location + (key,)
            lines[where] = frame[3]
            container[key] = value
            frame[2] = _NO_KEY
        if is_block:
            blocks.add(where)

    events = yaml.parse(text, Loader=yaml.CSafeLoader)
    while True:
        try:
            event = next(events)
        except StopIteration:
            break
        except yaml.MarkedYAMLError as error:
            # A value that cannot be read (a bad escape, say) is named by its field.
            error.field = field_name(_child_location(stack)) if stack and stack[-1][2] is not _NO_KEY else ""
            raise
        kind = type(event)
        if kind is yaml.ScalarEvent:
            add(_scalar(event, path, line_offset), event, event.style in ("|", ">"))
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                raise ReportkitError(f"the YAML is nested more than {MAX_DEPTH} levels deep",
                                     path=path, line=line(event))
            container: Any = {} if kind is yaml.MappingStartEvent else []
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is _NO_KEY:
                raise ReportkitError("invalid YAML: a key must be a plain value, not a list or "
                                     "mapping", path=path, line=line(event))
            location = _child_location(stack)
            add(container, event)
            stack.append([container, location, _NO_KEY, 0])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
        elif kind is yaml.AliasEvent:
            raise ReportkitError("YAML aliases (*name) are not allowed", path=path, line=line(event),
                                 hint="write the value out in full instead of referring to an anchor")
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise ReportkitError("invalid YAML: expected a single document, found another",
                                     path=path, line=line(event),
                                     hint="remove the `---` line or the text after it")
    return root, lines, frozenset(blocks)


def field_name(location: Location) -> str:
    """A location as messages name it: applicant.events[2].place (items counted from 1)."""
    parts = []
    for part in location:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "the document"


class _NoKey:
    pass


_NO_KEY = _NoKey()


def _child_location(stack: list[list]) -> Location:
    """Where a collection about to be added to the innermost open one will sit."""
    if not stack:
        return ()
    container, location, key = stack[-1][0], stack[-1][1], stack[-1][2]
    return location + ((len(container),) if isinstance(container, list) else (key,))


# "\ud83d\ude00" in a double-quoted string is how JSON writers escape one character (an emoji);
# libyaml refuses each half, so such a pair is written as the one "\U0001f600" escape it means.
_ESCAPED_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.I)


# A lone "\ud800" is carried through libyaml as a code point of the last private-use plane
# (U+10F800 + offset) and turned back afterwards, so that validation names the field that
# holds it, as for any other character a Word document cannot hold.
_ESCAPED_SURROGATE = re.compile(r"\\u(d[89a-f][0-9a-f]{2})", re.I)
_CARRIED = 0x10F800 - 0xD800
_CARRIED_SURROGATE = re.compile("[\U0010f800-\U0010ffff]")


def _joined_escapes(text: str) -> str:
    def join(pair: re.Match) -> str:
        high, low = int(pair.group(1), 16), int(pair.group(2), 16)
        return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"

    def carry(lone: re.Match) -> str:
        return f"\\U{int(lone.group(1), 16) + _CARRIED:08x}"
    return _ESCAPED_SURROGATE.sub(carry, _ESCAPED_SURROGATE_PAIR.sub(join, text))


def _surrogates_back(data: Any) -> Any:
    """Every carried code point in `data`'s strings back to the lone surrogate it stands for."""
    def back(value: Any) -> Any:
        if isinstance(value, str):
            return _CARRIED_SURROGATE.sub(lambda char: chr(ord(char.group()) - _CARRIED), value)
        return value
    stack = [data]
    while stack:
        container = stack.pop()
        if isinstance(container, dict):
            for key in list(container):
                value = back(container.pop(key))
                container[back(key)] = value
                stack.append(value)
        elif isinstance(container, list):
            container[:] = [back(item) for item in container]
            stack.extend(container)
    return back(data)


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> YamlDocument:
    """Parse YAML text that sits at `line_offset` lines into `path`."""
    if len(text) > MAX_BYTES:
        raise ReportkitError(f"the text is larger than {MAX_BYTES // 1_000_000} MB", path=path)
    try:
        try:
            data, lines, blocks = _compose(text, path, line_offset)
        except yaml.MarkedYAMLError as error:
            joined = _joined_escapes(text)
            if error.problem != "found invalid Unicode character escape code" or joined == text:
                raise
            data, lines, blocks = _compose(joined, path, line_offset)
            data = _surrogates_back(data)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.problem == "exceeded maximum nesting depth":  # libyaml's own limit (1000)
            raise ReportkitError(f"the YAML is nested more than {MAX_DEPTH} levels deep", path=path,
                                 line=mark.line + 1 + line_offset if mark is not None else None) from None
        field = getattr(error, "field", "")
        raise ReportkitError(
            f"{field + ': ' if field else ''}invalid YAML: "
            f"{error.problem or error.context or 'not valid YAML'}", path=path,
            line=mark.line + 1 + line_offset if mark is not None else None,
            hint="check the indentation and quoting on this line and the one before it") from None
    except (yaml.YAMLError, ValueError) as error:
        raise ReportkitError(f"invalid YAML: {error}", path=path) from None
    return YamlDocument(path, data, lines, line_offset + 1, blocks)


def load_yaml(path: Path) -> YamlDocument:
    return parse_yaml(read_text(path), path)
