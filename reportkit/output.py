"""Write finished files atomically: never half-written, never replacing a file without --force,
and every output of one command or none."""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportkit.errors import ReportkitError

# A temporary file this old was left by a process that was killed; newer ones may belong to a
# build that is still writing.
STALE_AFTER_SECONDS = 600
# Errors with which a file system says it has no hard links (FAT, exFAT, some network shares).
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


@dataclass(frozen=True)
class Output:
    """A file a command is about to write, and the option that named it."""

    path: Path
    option: str                    # "-o", "--emit-markdown", ... as the user wrote it
    suffixes: tuple[str, ...]      # what the file is: (".docx",), (".md", ".markdown")


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def check_outputs(outputs: Iterable[Output], inputs: Iterable[Path], force: bool) -> None:
    """Refuse, before anything is built, every output that cannot be written as asked.

    An output that is one of the command's inputs (or lies inside an input folder, such as the
    library or the template set), two outputs that are one file, a name whose suffix says
    another kind of file, a folder, or an existing file without --force: nothing is written."""
    outputs = list(outputs)
    inputs = [Path(path) for path in inputs]
    seen: dict[Path, Output] = {}
    for output in outputs:
        path, resolved = output.path, output.path.resolve()
        kinds = " or ".join(output.suffixes)
        if path.is_dir():
            example = path / f"report{output.suffixes[0]}"
            raise ReportkitError(f"{output.option} names a folder; nothing was written", path=path,
                                 hint=f"name the {kinds} file to write, e.g. {example}")
        for source in inputs:
            source_resolved = source.resolve()
            if resolved == source_resolved or _same_file(path, source) or (
                    source.is_dir() and resolved.is_relative_to(source_resolved)):
                what = (f"a file inside {source}, which this command reads" if source.is_dir()
                        else f"{source}, an input of this command")
                raise ReportkitError(
                    f"{output.option} would write over {what}; nothing was written", path=path,
                    hint="write the output elsewhere: an input is never written over")
        earlier = seen.get(resolved)
        if earlier is not None or any(_same_file(path, other.path) for other in seen.values()):
            other = earlier or next(item for item in seen.values() if _same_file(path, item.path))
            raise ReportkitError(f"{output.option} and {other.option} name the same file; "
                                 f"nothing was written", path=path,
                                 hint="give each output its own name")
        if path.suffix.lower() not in output.suffixes:
            raise ReportkitError(
                f"{output.option} writes a {kinds} file, but this name ends in "
                f"'{path.suffix or '(nothing)'}'; nothing was written", path=path,
                hint=f"name it {path.with_suffix(output.suffixes[0]).name}")
        seen[resolved] = output
    for output in outputs:
        refuse_existing(output.path, force)
        _refuse_missing_folder(output.path)


def _refuse_missing_folder(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ReportkitError("the output folder does not exist; nothing was written", path=folder,
                             hint="create the folder first, or choose another with -o")


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
    write_outputs([(path, data)], force)


def write_outputs(outputs: list[tuple[Path, bytes]], force: bool) -> None:
    """Write every output of one command (checked with check_outputs), or none of them.

    All are checked again (no file replaced without `force`, each folder there), then written to temporary files beside their targets and flushed; only when every
    one is written are they moved into place. If a move fails, the files already moved are put
    back as they were, so a failed command leaves every file as it was."""
    for path, _ in outputs:  # check_outputs has said so before the work; the files may have moved
        refuse_existing(path, force)
        _refuse_missing_folder(path)
        if path.is_dir():
            raise ReportkitError("is a folder, not a file; nothing was written", path=path)
    staged: list[tuple[Path, Path]] = []
    kept: list[tuple[Path, Path | None]] = []  # (target, its old content's copy) once moved
    try:
        for path, data in outputs:
            descriptor, temporary = _temporary_beside(path)
            staged.append((path, temporary))
            try:
                _write_all(descriptor, data)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        for path, temporary in staged:
            backup = None
            if path.exists():
                if not force:
                    raise FileExistsError(errno.EEXIST, "exists", str(path))
                backup = _keep_copy(path)
            kept.append((path, backup))
            _move_into_place(temporary, path, force)
        for path, _ in staged:
            _sync_folder(path.parent if str(path.parent) else Path("."))
    except (OSError, ReportkitError) as error:
        _restore(kept)
        for _, temporary in staged:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        if isinstance(error, ReportkitError):
            raise
        if isinstance(error, FileExistsError):
            raise ReportkitError("the output file appeared while building; nothing was written",
                                 path=Path(error.filename or ""),
                                 hint="pass --force to replace it") from None
        raise ReportkitError(f"cannot write the file: {error.strerror or error}; nothing was "
                             "written", path=Path(getattr(error, "filename", "") or ".")) from None
    for _, backup in kept:
        if backup is not None and os.path.lexists(backup):
            os.unlink(backup)
    for path, _ in outputs:
        _remove_stale_temporaries(path)


def _keep_copy(path: Path) -> Path:
    """A copy of `path`'s current content beside it (a hard link where the system has them)."""
    descriptor, backup = _temporary_beside(path)
    os.close(descriptor)
    os.unlink(backup)
    try:
        os.link(path, backup)
    except OSError:
        import shutil

        shutil.copy2(path, backup)
    return backup


def _restore(kept: list[tuple[Path, Path | None]]) -> None:
    for path, backup in reversed(kept):
        try:
            if backup is not None:
                os.replace(backup, path)
            elif os.path.lexists(path):
                os.unlink(path)
        except OSError:
            pass  # nothing more can be done; the error that brought us here is reported
