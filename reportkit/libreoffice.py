"""LibreOffice headless, only when asked: PDFs, exact page counts and the text of each page.

One LibreOffice profile is kept in the user cache folder and reused (creating a profile costs
LibreOffice seconds on every start), guarded by a lock so that two reportkit processes never
share it at once; a batch converts all its documents in one LibreOffice process. LibreOffice runs
in its own process group, and on a timeout the whole group is killed, so nothing is left running.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from reportkit.errors import ReportkitError
from reportkit.paths import user_cache_dir

INSTALL_HINT = ("install LibreOffice: `apt-get install libreoffice-writer-nogui` (Debian/Ubuntu), "
                "`brew install --cask libreoffice` (macOS), or from libreoffice.org")
TIMEOUT = 300  # seconds for one LibreOffice run, however many documents it converts


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: bytes, timeout: float = TIMEOUT) -> bytes:
    """Render one DOCX to PDF."""
    return convert_many([docx], timeout)[0]


def convert_many(documents: list[bytes], timeout: float = TIMEOUT) -> list[bytes]:
    """Render DOCX files to PDF in one LibreOffice process, in order."""
    program = soffice()
    if program is None:
        raise ReportkitError("LibreOffice is needed for a PDF or an exact page count and is not "
                             "installed", hint=INSTALL_HINT)
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="reportkit-pdf-") as folder, _profile() as profile:
        sources = []
        for index, data in enumerate(documents):
            source = Path(folder) / f"report-{index:05d}.docx"
            source.write_bytes(data)
            sources.append(str(source))
        run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", folder, *sources],
            timeout, env={**os.environ, "HOME": str(profile.parent)})
        results = []
        for source in sources:
            pdf = Path(source).with_suffix(".pdf")
            if not pdf.is_file():
                raise ReportkitError("LibreOffice did not write a PDF",
                                     hint="open the .docx in LibreOffice to see whether it reads it")
            results.append(pdf.read_bytes())
        return results


def run(command: list[str], timeout: float, env: dict[str, str] | None = None) -> None:
    """Run LibreOffice in a process group of its own; on a timeout, kill the whole group."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    except OSError as error:
        raise ReportkitError(f"cannot start LibreOffice: {error.strerror}") from None
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise ReportkitError(f"LibreOffice did not finish within {timeout:g} seconds and was "
                             "stopped; nothing was written") from None
    except BaseException:  # Ctrl-C: leave nothing running behind us
        kill_group(process)
        raise
    finally:
        # soffice hands the work to soffice.bin; anything of the group still alive is stopped.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReportkitError(f"LibreOffice failed (exit {process.returncode})"
                             + (f": {detail[-1]}" if detail else ""))


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to every process of the group, then wait (briefly) until none is left."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)


@contextlib.contextmanager
def _profile():
    """The reused profile, held under a lock; a private one if the cache folder is not writable."""
    folder = user_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / "libreoffice.lock", "w")
    except OSError:
        with tempfile.TemporaryDirectory(prefix="reportkit-profile-") as private:
            yield Path(private) / "profile"
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder / "libreoffice-profile"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF that LibreOffice wrote (uncompressed page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def page_texts(pdf: bytes) -> list[str] | None:
    """The text of each page (pdftotext), or None when pdftotext is not installed."""
    program = shutil.which("pdftotext")
    if program is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        try:
            text = subprocess.run([program, "-layout", handle.name, "-"], capture_output=True, check=True,
                                  timeout=60).stdout.decode("utf-8", "replace")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            return None
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
