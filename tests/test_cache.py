"""What one run keeps for the next: one rule for every kind of cache folder."""

from __future__ import annotations

import os
import time

import pytest

from reportkit import cache


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _age(path, days: float) -> None:
    then = time.time() - days * 86_400
    os.utime(path, (then, then))


@pytest.mark.parametrize("kind, version", [("markdown", "v2"), ("templates", "v2"), ("revisions", None)])
def test_files_not_written_for_a_month_are_removed_once_a_day(cache_root, kind, version):
    folder = cache.cache_folder(kind, version)
    assert folder == (cache_root / kind / version if version else cache_root / kind)
    old, recent = folder / "old-entry", folder / "recent-entry"
    old.write_text("old")
    recent.write_text("recent")
    _age(old, cache.KEPT_DAYS + 1)
    _age(recent, cache.KEPT_DAYS - 1)
    gone_version = cache_root / kind / "v1"
    if version:  # a folder of an earlier version, emptied by the pruning, goes too
        gone_version.mkdir()
        (gone_version / "entry").write_text("stale")
        _age(gone_version / "entry", cache.KEPT_DAYS + 2)
    cache.cache_folder(kind, version)  # looked over less than a day ago: nothing removed yet
    assert old.exists()
    _age(cache_root / kind / ".pruned", 2)
    cache.cache_folder(kind, version)
    assert not old.exists() and recent.exists()
    assert not gone_version.exists()


def test_a_cache_folder_that_cannot_be_made_keeps_nothing(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("REPORTKIT_CACHE_DIR", str(blocked))
    assert cache.cache_folder("markdown", "v1") is None
