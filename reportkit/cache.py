"""What one run keeps for the next, in reportkit's folder of the user's cache: compiled templates,
parsed library sections, library revisions. One way to open such a folder, and one rule for
what stays: a file not written for `KEPT_DAYS` is removed (the folder is looked over at most once
a day), so that entries for libraries, templates or versions that are gone do not pile up."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from reportkit.paths import user_cache_dir

KEPT_DAYS = 30
_DAY = 86_400


def cache_folder(kind: str, version: str | None = None) -> Path | None:
    """The cache folder for `kind` (and, inside it, `version`: what the entries depend on),
    created and pruned; None when it cannot be created (nothing is kept then)."""
    root = user_cache_dir() / kind
    folder = root / version if version else root
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    _prune(root, folder)
    return folder


def code_version(depends: dict[str, str], modules: list[Path]) -> str:
    """A name for what entries made by this code depend on: reportkit's version, the versions of
    the libraries named in `depends`, and the source of `modules`, so that an entry made by
    other code is never read."""
    from reportkit import __version__

    rules = hashlib.sha256(b"".join(module.read_bytes() for module in modules)).hexdigest()[:16]
    return "-".join([__version__, *(f"{name}{version}" for name, version in depends.items()), rules])


def write_entry(path: Path, data: bytes) -> None:
    """Write one entry whole (a reader never sees half of it); a folder that cannot be written
    keeps nothing, and the entry is made again next time."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def _prune(root: Path, current: Path) -> None:
    marker = root / ".pruned"
    now = time.time()
    try:
        if now - marker.stat().st_mtime < _DAY:
            return
    except OSError:
        pass
    try:
        marker.touch()
        for entry in root.rglob("*"):
            if entry != marker and entry.is_file() and now - entry.stat().st_mtime > KEPT_DAYS * _DAY:
                entry.unlink(missing_ok=True)
        for folder in root.iterdir():
            if folder != current and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    except OSError:
        pass  # another run is pruning too, or the folder is read-only: next time
