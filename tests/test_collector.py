"""The cycle collector in a command's run (reportkit.collector): off, with a loaded library set
aside from its scans, and everything as it was afterwards."""

from __future__ import annotations

import gc

from conftest import FIXTURE_LIBRARY
from reportkit.build import LibraryCache
from reportkit.collector import paused


def test_a_library_loaded_in_a_paused_run_is_set_aside_until_the_run_ends():
    assert gc.get_freeze_count() == 0
    collecting = gc.isenabled()
    with paused():
        assert not gc.isenabled()
        library = LibraryCache(FIXTURE_LIBRARY).get("testland")
        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(library)
        assert not any(tracked is library for tracked in gc.get_objects())  # none it scans
    assert gc.get_freeze_count() == 0
    assert gc.isenabled() is collecting


def test_outside_a_paused_run_nothing_is_set_aside():
    LibraryCache(FIXTURE_LIBRARY).get("testland")
    assert gc.get_freeze_count() == 0
