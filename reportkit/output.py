"""Write a finished file atomically: never half-written, never replacing a file without --force."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reportkit.errors import ReportkitError


def refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise ReportkitError("the output file already exists; nothing was written", path=path,
                             hint="pass --force to replace it, or choose another name with -o")


def write_atomically(path: Path, data: bytes, force: bool) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then move it into place."""
    refuse_existing(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ReportkitError("the output folder does not exist", path=folder)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, _mode_for(path))
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the file appeared meanwhile: never clobber
            os.unlink(temporary)
    except FileExistsError:
        os.unlink(temporary)
        raise ReportkitError("the output file appeared while building; nothing was written",
                             path=path, hint="pass --force to replace it") from None
    except OSError as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise ReportkitError(f"cannot write the file: {error.strerror}", path=path) from None


def _mode_for(path: Path) -> int:
    """Keep a replaced file's permissions; give a new one the usual mode (mkstemp makes 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
