"""`reportkit templates list|copy`: which template sets a build can use, and a copy to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reportkit.cli.app import ReportkitGroup, TemplatesOption, app, fail

templates_app = typer.Typer(no_args_is_help=True, cls=ReportkitGroup, help="List the template sets, or copy one to edit.")
app.add_typer(templates_app, name="templates")


def copy_template_set(source: Path, target: Path) -> None:
    """Copy a template set folder to `target` (which must not exist), all or nothing."""
    import os
    import secrets
    import shutil

    from reportkit.errors import ReportkitError

    if target.exists():
        raise ReportkitError("the folder already exists; nothing was copied", path=target,
                             hint="choose another folder, or delete this one first")
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, temporary)
        os.rename(temporary, target)  # fails on an existing non-empty folder: never merges
    except OSError as error:
        raise ReportkitError(f"cannot copy the template set: {error.strerror or error}",
                             path=target) from None
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)


@templates_app.command("list")
def list_templates(templates: TemplatesOption = None) -> None:
    """Every template set, in the order a build looks for them: --templates folders, then
    $REPORTKIT_TEMPLATES, then the bundled sets. The first set of a name is the one used."""
    from reportkit.cli.listing import print_table
    from reportkit.errors import ReportkitError
    from reportkit.load.templates import available_template_sets, template_set_folders
    from reportkit.load.yaml_file import load_yaml
    from reportkit.paths import template_search_path

    search_path = template_search_path(templates)
    try:
        used = available_template_sets(search_path)  # a folder that does not exist is an error
    except ReportkitError as error:
        fail(error)
    bundled = search_path[-1]
    rows = []
    for folder, child in template_set_folders(search_path):
        try:
            config = load_yaml(child / "template.yaml").data or {}
        except ReportkitError:
            config = {}
        page = config.get("page") if isinstance(config.get("page"), dict) else {}
        rows.append([child.name, "bundled" if folder == bundled else "user",
                     str(config.get("language", "")), str(page.get("size", "")),
                     "used" if used[child.name] == child else "hidden", str(child)])
    print_table(["name", "origin", "language", "paper", "status", "path"], rows)


@templates_app.command("copy")
def copy_templates(
    name: Annotated[str, typer.Argument(help="The template set to copy, e.g. uk.")],
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A folder of template sets; the copy "
                                           "goes to DIR/NAME.")],
    templates: TemplatesOption = None,
) -> None:
    """Copy a template set to DIR/NAME to edit it; build with `--templates DIR` to use the copy.

    The shared report the set extends is copied to DIR/_base too, unless DIR already has one.
    DIR holds template sets, as --templates expects, so one folder can hold edited copies of
    several sets. An existing DIR/NAME is never overwritten."""
    from reportkit.errors import ReportkitError
    from reportkit.load.templates import available_template_sets
    from reportkit.paths import template_search_path
    from reportkit.render import BASE_TEMPLATE_SET

    try:
        found = available_template_sets(template_search_path(templates))
        if name not in found:
            raise ReportkitError(f"no template set '{name}'",
                                 hint=f"available: {', '.join(sorted(found))}")
        target = folder / name
        base = found[name].parent / BASE_TEMPLATE_SET
        copy_base = base.is_dir() and not (folder / BASE_TEMPLATE_SET).exists()
        copy_template_set(found[name], target)
        if copy_base:  # the shared report the set extends, to edit beside it
            copy_template_set(base, folder / BASE_TEMPLATE_SET)
    except ReportkitError as error:
        fail(error)
    typer.echo(f"copied {found[name]} to {target}")
    if copy_base:
        typer.echo(f"copied the shared report it extends to {folder / BASE_TEMPLATE_SET}")
    typer.echo(f"edit it, then build with: reportkit build CASE --templates {folder}")
