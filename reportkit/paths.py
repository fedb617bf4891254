"""Where the bundled country library and template sets live (in the wheel, or in a checkout)."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside_wheel = _PACKAGE / "_bundled" / name
    return inside_wheel if inside_wheel.is_dir() else _PACKAGE.parent / name


def default_library() -> Path:
    return _bundled("country_data")


def template_search_path(user_dirs: list[Path] | None = None) -> list[Path]:
    """User template folders first (--templates, then $REPORTKIT_TEMPLATES), then the bundled sets."""
    dirs = list(user_dirs or [])
    env = os.environ.get("REPORTKIT_TEMPLATES")
    if env:
        dirs.extend(Path(part) for part in env.split(os.pathsep) if part)
    dirs.append(_bundled("templates"))
    return dirs


def user_cache_dir() -> Path:
    """reportkit's folder in the user's cache: $REPORTKIT_CACHE_DIR if set, else in
    $XDG_CACHE_HOME (~/.cache), ~/Library/Caches or %LOCALAPPDATA%."""
    if os.environ.get("REPORTKIT_CACHE_DIR"):
        return Path(os.environ["REPORTKIT_CACHE_DIR"])
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif os.uname().sysname == "Darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportkit"
