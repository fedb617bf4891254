"""Write a finished file atomically: never half-written, never replacing a file without --force."""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from pathlib import Path

from reportkit.errors import ReportkitError

# A temporary file this old was left by a process that was killed; newer ones may belong to a
# build that is still writing.
STALE_AFTER_SECONDS = 600
# Errors with which a file system says it has no hard links (FAT, exFAT, some network shares).
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


def refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise ReportkitError("the output file already exists; nothing was written", path=path,
                             hint="pass --force to replace it, or choose another name with -o")


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new, empty file `.NAME.RANDOM.tmp` in the same folder (so the final move is atomic).

    Created with the mode an ordinary new file gets (the user's umask applies)."""
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:
            continue


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files left by a killed build; they never break a build, but they take space."""
    now = time.time()
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_AFTER_SECONDS:
                leftover.unlink()
        except OSError:
            pass  # another build removed it, or it is not ours to remove


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the platform allows opening a folder."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _move_into_place(temporary: Path, path: Path, force: bool) -> None:
    if force:
        if path.exists():  # a replaced file keeps its permissions
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails if the file appeared meanwhile: never clobber
    except OSError as error:
        if error.errno not in _NO_LINKS or isinstance(error, FileExistsError):
            raise
        # No hard links here: check, then rename (a narrow window instead of none).
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def write_atomically(path: Path, data: bytes, force: bool) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then move it into place.

    Whatever happens (an error, or the process being killed), `path` holds either its old
    content or the complete new content, never a mixture."""
    refuse_existing(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ReportkitError("the output folder does not exist", path=folder)
    if path.is_dir():
        raise ReportkitError("is a folder, not a file", path=path)
    temporary = None
    try:
        descriptor, temporary = _temporary_beside(path)
        try:
            _write_all(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _move_into_place(temporary, path, force)
        temporary = None
        _sync_folder(folder)
    except FileExistsError:
        raise ReportkitError("the output file appeared while building; nothing was written",
                             path=path, hint="pass --force to replace it") from None
    except OSError as error:
        raise ReportkitError(f"cannot write the file: {error.strerror or error}",
                             path=path) from None
    finally:
        if temporary is not None and os.path.lexists(temporary):
            os.unlink(temporary)
    _remove_stale_temporaries(path)
