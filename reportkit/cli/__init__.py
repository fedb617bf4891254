"""The command line: `reportkit` and its subcommands."""

from reportkit.cli.app import app, main

__all__ = ["app", "main"]
