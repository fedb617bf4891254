"""The command line: `reportkit` and its subcommands."""

from reportkit.cli.app import app, main, run

__all__ = ["app", "main", "run"]
