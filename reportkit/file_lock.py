"""One process at a time in a folder's read-modify-write (`sources import` into one library)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from reportkit.errors import ReportkitError


@contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` until the block ends; another process asking for it
    waits. The lock is the folder's own (no lock file is left behind), and the system releases it
    if the process dies."""
    try:
        import fcntl
    except ImportError:  # Windows: a lock file beside the data, locked with msvcrt
        with _locked_file(folder / ".reportkit.lock"):
            yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise ReportkitError(f"cannot open the folder: {error.strerror or error}", path=folder) from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


@contextmanager
def _locked_file(path: Path) -> Iterator[None]:
    import msvcrt
    import time

    with open(path, "a+b") as handle:
        while True:
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                break
            except OSError:
                time.sleep(0.05)
        try:
            yield
        finally:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
