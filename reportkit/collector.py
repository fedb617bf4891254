"""Python's cycle collector in a command's run.

A run builds a large model that lives as long as the run (a library's sections, their parsed
blocks, a report) and makes few reference cycles outside templates. The collector's repeated
scans of that model took a third of `check`'s time on a large library. So a command's run is
`paused` (cli.app.main): the collector is off, except while a template runs (`on_for_templates`),
as a template may make reference cycles without end; and a library, once loaded, is set aside
from the collector's scans (`keep_for_run`), so that they look only at what a report made. A
batch's memory stays as flat as with the collector always on. The command's own process
(reportkit.__main__) has the collector off from before its first import (`off_for_process`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_paused = False


def off_for_process() -> None:
    """The collector off in a command's own process, from before its first import to its end.
    Imports make modules, classes and validators that live as long as the process, in bulk, and
    scanning them took 14 ms of a 0.3 s build. The process ends without turning it on again
    (a template still runs with it on)."""
    gc.disable()


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for a command's run; afterwards as it was, with anything set aside
    given back to it (a process may run commands again: tests do)."""
    global _paused
    collecting, was_paused = gc.isenabled(), _paused
    gc.disable()
    _paused = True
    try:
        yield
    finally:
        _paused = was_paused
        if not was_paused:
            gc.unfreeze()
        if collecting:
            gc.enable()


def keep_for_run() -> None:
    """In a paused run, what is alive now (a library just loaded) lives as long as the run: the
    collector's scans leave it out from now on."""
    if _paused:
        gc.freeze()


@contextmanager
def on_for_templates() -> Iterator[None]:
    """The collector on while a template runs, even in a paused run."""
    collecting = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not collecting:
            gc.disable()
