"""`reportkit schema case`: the JSON Schema of a case file, for editors and other tools."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from reportkit.cli.app import app


class SchemaName(str, Enum):
    case = "case"


@app.command()
def schema(name: Annotated[SchemaName, typer.Argument(help="Which file: case.")]) -> None:
    """Print the JSON Schema of a case file.

    The same schema ships with reportkit (reportkit/data/case.schema.json); `reportkit new`
    points the case files it writes at it, so that editors with a YAML language server complete
    and check the fields."""
    from reportkit.scaffold import case_schema_text

    typer.echo(case_schema_text(), nl=False)
