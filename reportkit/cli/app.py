"""The Typer app and what every command shares. Only the CLI prints or chooses an exit code."""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

_KINDS = {"path": "PATH", "str": "TEXT", "int": "INTEGER", "float": "NUMBER", "datetime": "DATE"}


def _kind(label: str) -> str | None:
    """`<list[Path]>` -> PATH, `<str>` -> TEXT, `<text|json>` -> [text|json], `<bool>` -> none."""
    label = label.strip("<>").removeprefix("list[").removesuffix("]").removesuffix("...")
    if label.lower() == "bool":
        return None
    if label.lower() in _KINDS:
        return _KINDS[label.lower()]
    return f"[{label}]"  # the choices of an option, e.g. text|json


def readable_metavars(command, ctx) -> None:
    """Show each parameter's kind as command-line users know it (PATH, TEXT, INTEGER, [a|b]; a
    flag shows none), where Typer would show Python types (`<list[Path]>`, `<bool>`). Typer
    versions that show click's own names (PATH, TEXT) are left as they are."""
    for param in command.params:
        if not hasattr(param, "display_type") or getattr(param, "is_flag", False):
            continue
        kind = _kind(param.display_type(ctx))
        if param.param_type_name == "argument":
            param.display_type_rich = lambda ctx, kind=kind: kind  # typer prints NAME <type>
            if param.metavar is None:
                param.metavar = (param.name or "").upper()
        elif param.metavar is None:
            param.metavar = kind
    for subcommand in getattr(command, "commands", {}).values():
        readable_metavars(subcommand, ctx)


class _PlainValue:
    """Converts a command-line value to its parameter's type: a path, text, a flag, a choice, or
    a list of one of these (all that reportkit's commands take). Typer builds a pydantic
    TypeAdapter for each parameter on its first use instead, which imports pydantic and costs more
    than the rest of parsing the command line."""

    KINDS = (str, Path, bool)

    def __init__(self, kind: type, many: bool):
        self.kind, self.many = kind, many

    @classmethod
    def for_annotation(cls, annotation) -> _PlainValue | None:
        many = getattr(annotation, "__origin__", None) is list
        if many:
            (annotation,) = getattr(annotation, "__args__", (None,))
        if isinstance(annotation, type) and (annotation in cls.KINDS or issubclass(annotation, Enum)):
            return cls(annotation, many)
        return None

    def coerce(self, value, param, ctx):
        if value is None:
            return () if param.multiple or param.nargs == -1 else None
        if self.many:
            if isinstance(value, str):
                raise typer.BadParameter("Value must be an iterable.", ctx=ctx, param=param)
            return [self._one(item, param, ctx) for item in value]
        return self._one(value, param, ctx)

    def _one(self, value, param, ctx):
        if isinstance(value, self.kind):
            return value
        if self.kind is Path and isinstance(value, str):
            return Path(value)
        if self.kind is not bool and issubclass(self.kind, Enum):
            try:
                return self.kind(value)
            except ValueError:
                choices = ", ".join(repr(member.value) for member in self.kind)
                raise typer.BadParameter(f"{value!r} is not one of {choices}.", ctx=ctx,
                                         param=param) from None
        raise typer.BadParameter(f"Value {value!r} is not a valid {self.kind.__name__}.",
                                 ctx=ctx, param=param)


def plain_values(command, ctx) -> None:
    """Give each parameter of `command` (its help option too, and those of its subcommands) a
    `_PlainValue` converter where Typer would build a pydantic one; a Typer version without that
    hook is left as it is."""
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
            continue
        converter = _PlainValue.for_annotation(descriptor.annotation)
        if converter is not None and descriptor.file_annotation is None:
            param._runtime_param = converter
    for subcommand in getattr(command, "commands", {}).values():
        plain_values(subcommand, ctx)


class ReportkitGroup(TyperGroup):
    """`reportkit`: its help and every command's, with option kinds users know."""

    def get_command(self, ctx, name: str):
        command = super().get_command(ctx, name)
        if command is not None:
            readable_metavars(command, ctx)
            plain_values(command, ctx)
        return command

    def parse_args(self, ctx, args):
        plain_values(self, ctx)
        return super().parse_args(ctx, args)

    def format_help(self, ctx, formatter) -> None:
        readable_metavars(self, ctx)
        super().format_help(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        """Each command with the first sentence of its help, wrapped, never cut off with `...`."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                text = " ".join((command.short_help or command.help or "").split("\n\n")[0].split())
                rows.append((name, re.split(r"(?<=\.)\s", text, maxsplit=1)[0]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# Plain help, not rich's: click wraps each paragraph of a docstring as one text, at most 80
# columns wide, where rich keeps the docstring's own line breaks inside its boxes (and rich
# formatting alone costs more than the rest of --help).
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, cls=ReportkitGroup,
                  help="Draft cited country-expert reports for asylum cases as Word documents.")


def _print_version(value: bool) -> None:
    if value:
        from reportkit import __version__

        typer.echo(f"reportkit {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version,
        help="Print the version of reportkit and exit.")] = False) -> None:
    """Draft cited country-expert reports for asylum cases as Word documents."""


LibraryOption = Annotated[Optional[Path], typer.Option(
    "--library", help="Country library folder (default: the bundled country_data).")]
TemplatesOption = Annotated[Optional[list[Path]], typer.Option(
    "--templates", help="Folder of template sets, searched before the bundled ones (repeatable).")]
# What `build` and `batch` both take, said once.
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace an existing output file (never a report edited since it was built).")]
DiscardEditsOption = Annotated[bool, typer.Option(
    "--discard-edits", help="With --force, replace a report even if it was edited since it was built.")]
AnonymiseOption = Annotated[bool, typer.Option(
    "--anonymise", help="Use initials, whatever the case says.")]
FinalOption = Annotated[bool, typer.Option(
    "--final", help="Refuse to write a report while placeholders remain or it is over its page "
                    "limit (counted by LibreOffice).")]


def fail(error) -> None:
    typer.echo(f"error: {error}" if not getattr(error, "path", None) else str(error), err=True)
    raise typer.Exit(1)


def library_root(library: Path | None) -> Path:
    from reportkit.paths import default_library

    return library or default_library()


def run_one(request, library: Path | None, templates: list[Path] | None):
    """One case through the pipeline; its error, if any, ends the command."""
    from reportkit.build import LibraryCache
    from reportkit.paths import template_search_path
    from reportkit.pipeline import run_cases

    outcome = run_cases([request], LibraryCache(library_root(library)),
                        template_search_path(templates))[0]
    if outcome.error is not None:
        fail(outcome.error)
    return outcome


def main(argv: list[str] | None = None) -> None:
    """Entry point; `main([...])` can be called from tests, and leaves the collector as it was."""
    import reportkit.cli.commands  # noqa: F401  (registers the commands)
    from reportkit.collector import paused

    args = sys.argv[1:] if argv is None else list(argv)
    commands, groups = app.registered_commands, app.registered_groups
    try:
        _only_named(args[0] if args else "")
        with paused():
            app(args=args, prog_name="reportkit", standalone_mode=True)
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was written", err=True)
        sys.exit(130)
    finally:  # main may be called again in the same process (tests do)
        app.registered_commands, app.registered_groups = commands, groups


def _only_named(name: str) -> None:
    """Typer makes the parser of every command on each run; a run that names a command gets only
    that one's (anything else, `--help` or a misspelt name, still sees them all)."""
    from typer.main import get_command_name

    command = [info for info in app.registered_commands
               if (info.name or get_command_name(info.callback.__name__)) == name]
    group = [info for info in app.registered_groups
             if (info.name or info.typer_instance.info.name) == name]
    if command or group:
        app.registered_commands, app.registered_groups = command, group
