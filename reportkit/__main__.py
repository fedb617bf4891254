"""The `reportkit` command, as the console script and as `python -m reportkit`: `run`."""

import os
import sys

from reportkit.collector import off_for_process


def run() -> None:
    """`reportkit.cli.main` in a process of its own: the cycle collector off from before the
    first import, and the process ended at once when the command is done.

    Python's own ending would free everything the run built, object by object (50 ms after a
    small build, a third of a second after a 1,600-section report), where the system takes it
    all back at once. Nothing is left for it to do: `main` writes and closes every file itself
    (atomic writes, in `with` blocks), reportkit registers nothing to run at exit, and what is
    printed is flushed here."""
    off_for_process()
    from reportkit.cli import main

    try:
        main()
        code = 0
    except SystemExit as stop:
        if not isinstance(stop.code, int | None):
            raise
        code = stop.code or 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: Python's own ending reports it so
        code = code or 120
    os._exit(code)


if __name__ == "__main__":
    run()
