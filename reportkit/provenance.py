"""What went into a report: versions and hashes of the library, sections, template set and case."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_text(text: str) -> str:
    return hash_bytes(text.encode("utf-8"))


def hash_folder(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def library_revision(folder: Path) -> str:
    """The git commit of the library when it is in a clean git checkout, else a content hash."""
    try:
        result = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "."],
                                capture_output=True, text=True, timeout=10, check=False)
        if result.returncode == 0:
            commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, timeout=10, check=False)
            if commit.returncode == 0:
                state = "" if not result.stdout.strip() else f"+modified sha256:{hash_folder(folder)[:16]}"
                return f"git:{commit.stdout.strip()[:12]}{state}"
    except (OSError, subprocess.SubprocessError):
        pass
    return f"sha256:{hash_folder(folder)[:16]}"
