"""Read an input file: the one place that checks what a file is before any of it is read."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from reportkit.errors import ReportkitError

MAX_BYTES = 5_000_000      # no case file, section or library file comes near this
MAX_JSON_DEPTH = 50        # CSL-JSON records are a few levels deep
_BOM = "\ufeff"            # Windows editors put it at the start of UTF-8 files


def regular_file_size(path: Path) -> int:
    """The size of `path`, refusing anything that is not a regular file (a FIFO would block a
    read forever; /dev/zero never ends)."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise ReportkitError("file not found", path=path) from None
    except OSError as error:
        raise ReportkitError(f"cannot read the file: {error.strerror or error}", path=path) from None
    if stat.S_ISDIR(status.st_mode):
        raise ReportkitError("is a folder, not a file", path=path)
    if not stat.S_ISREG(status.st_mode):
        raise ReportkitError("is not a regular file (a device, pipe or socket)", path=path,
                             hint="name an ordinary file saved on disk")
    return status.st_size


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The content of a regular file no larger than `max_bytes`, checked before reading."""
    if regular_file_size(path) > max_bytes:
        raise ReportkitError(f"the file is larger than {max_bytes / 1_000_000:g} MB", path=path,
                             hint="a case file, section or library file is far smaller; "
                                  "is this the right file?")
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check still cannot block the open.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ReportkitError(f"cannot read the file: {error.strerror or error}", path=path) from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ReportkitError("is not a regular file (a device, pipe or socket)", path=path)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReportkitError(f"the file is larger than {max_bytes / 1_000_000:g} MB", path=path)
    return data


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """UTF-8 text of an input file, without a leading byte order mark."""
    data = read_bytes(path, max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReportkitError(f"not UTF-8 text (byte {error.start})", path=path,
                             hint="save the file as UTF-8") from None
    return text.removeprefix(_BOM)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    """How deeply the JSON in `text` nests, counted outside strings, without parsing it."""
    deepest = depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_json(text: str, path: Path, hint: str | None = None) -> Any:
    """JSON from `text`, refusing nesting that would exhaust the parser's stack."""
    if _depth(text) > MAX_JSON_DEPTH:
        raise ReportkitError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep",
                             path=path, hint=hint)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportkitError(f"invalid JSON: {error.msg}", path=path, line=error.lineno,
                             hint=hint) from None
    except RecursionError:  # defence in depth; the depth check above comes first
        raise ReportkitError("the JSON is nested too deeply", path=path, hint=hint) from None
    except ValueError as error:  # a number of thousands of digits
        raise ReportkitError(f"invalid JSON: {error}", path=path, hint=hint) from None
