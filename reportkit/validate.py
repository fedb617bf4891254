"""Validate stage: turn loaded data into models, and report each problem at its file and line."""

from __future__ import annotations

import difflib
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from reportkit.errors import Problem, ReportkitError
from reportkit.load.yaml_file import Location, YamlDocument, field_name

ModelT = TypeVar("ModelT", bound=BaseModel)
SHOWN_NAME = 40  # characters of an unknown field's name that a message repeats


def shown_name(name: object) -> str:
    """A name from the input, short enough to print: a file that is not what it should be
    (a key file named as an expert file) is never echoed at length."""
    text = str(name)
    return text if len(text) <= SHOWN_NAME else text[:SHOWN_NAME - 1] + "…"


_field_name = field_name


def _known_fields(model: type[BaseModel], location: Location) -> list[str]:
    """Walk the model along `location` to list the fields allowed where an unknown key stands."""
    current: type | None = model
    for part in location[:-1]:
        if current is None or isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if current is None or not hasattr(current, "model_fields"):
        return []
    return [info.alias or name for name, info in current.model_fields.items()]


def _model_names(model: type[BaseModel]) -> set[str]:
    """The names of the models inside `model`, at any depth."""
    names: set[str] = set()

    def visit(annotation) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ not in names:
                names.add(annotation.__name__)
                for field in annotation.model_fields.values():
                    visit(field.annotation)
        for argument in getattr(annotation, "__args__", ()) or ():
            visit(argument)

    visit(model)
    return names


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def problems_from_validation(error: ValidationError, document: YamlDocument,
                             model: type[BaseModel], prefix: Location = ()) -> list[Problem]:
    problems = []
    # A union such as `Expert | Text` puts the member's name in the location; leave it out.
    members = _model_names(model)
    items = []
    for item in error.errors(include_url=False):
        path, unknown_key = tuple(item["loc"]), ()
        if item["type"] == "extra_forbidden" and path:  # an unknown key is never a member's name
            path, unknown_key = path[:-1], path[-1:]
        path = tuple(part for part in path if not (isinstance(part, str) and (
            "[" in part or part in {"str", "function-after"} or part in members)))
        items.append((item, prefix + path + unknown_key))
    for item, location in items:
        if item["type"] == "string_type" and any(
                len(other) > len(location) and other[:len(location)] == location
                for _, other in items):
            continue  # a mapping was meant (it has errors inside), not a text
        name = _field_name(location)
        hint = None
        kind = item["type"]
        if kind == "extra_forbidden":
            known = _known_fields(model, location[len(prefix):])
            close = difflib.get_close_matches(str(location[-1]), known, n=1)
            message = f"unknown field '{shown_name(location[-1])}'"
            hint = (f"did you mean '{close[0]}'?" if close
                    else f"allowed here: {', '.join(known)}" if known else None)
        elif kind == "missing":
            message = f"missing required field '{name}'"
            location = location[:-1]
        elif kind in {"date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"}:
            message = f"{name}: not a valid date ({item['msg'].lower()})"
            hint = "write dates as YYYY-MM-DD, e.g. 2026-11-22"
        else:
            message = f"{name}: {item['msg'].removeprefix('Value error, ')}"
            if kind == "string_type":
                hint = "put text in quotes"
        problems.append(Problem(message, document.path, document.line_of(location), hint))
    return problems


def validate_document(model: type[ModelT], document: YamlDocument, data=None,
                      prefix: Location = ()) -> ModelT:
    """Validate `data` (default: the document's data) against `model`, or raise with lines."""
    data = document.data if data is None else data
    if data is None and not prefix:
        raise ReportkitError("the file is empty", path=document.path,
                             hint=f"it should hold fields such as {_example_fields(model)}")
    if not isinstance(data, dict):
        raise ReportkitError(f"expected fields (name: value), found {_kind_of(data)}",
                             path=document.path, line=document.line_of(prefix),
                             hint=f"write fields such as {_example_fields(model)}")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ReportkitError.from_problems(
            problems_from_validation(error, document, model, prefix)) from None


def _kind_of(value) -> str:
    return {type(None): "nothing", str: "text", list: "a list", bool: "true or false",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _example_fields(model: type[BaseModel]) -> str:
    names = [info.alias or name for name, info in model.model_fields.items()]
    return ", ".join(f"{name}:" for name in names[:4])


def unknown_name_problem(kind: str, name: str, known: list[str], document: YamlDocument,
                         location: Location) -> Problem:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else (
        f"known {kind}s: {', '.join(sorted(known))}" if known else None)
    return Problem(f"unknown {kind} '{name}'", document.path, document.line_of(location), hint)
