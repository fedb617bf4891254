"""Apply an absorb plan to the case file, keeping its comments and layout (ruamel round trip)."""

from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from reportkit.absorb import Plan
from reportkit.errors import ReportkitError
from reportkit.load.yaml_file import parse_yaml, read_text
from reportkit.models import Case
from reportkit.output import write_outputs
from reportkit.validate import validate_document


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line of prose
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _scalar(value):
    if isinstance(value, str) and "\n" in value.strip("\n"):
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    if isinstance(value, str):
        return value.strip("\n")
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _scalar(item)
        return mapping
    return value


def _list_at(data, keys: tuple) -> CommentedSeq:
    node = data
    for key in keys[:-1]:
        if node.get(key) is None:
            node[key] = CommentedMap()
        node = node[key]
    if node.get(keys[-1]) is None or not isinstance(node[keys[-1]], list):
        node[keys[-1]] = CommentedSeq()
    sequence = node[keys[-1]]
    if not isinstance(sequence, CommentedSeq):
        sequence = CommentedSeq(sequence)
        node[keys[-1]] = sequence
    sequence.fa.set_block_style()  # `replace: []` grows into a block list
    return sequence


def updated_case_text(plan: Plan) -> str:
    """The case file's new text, checked to be a valid case before anything is written."""
    original = read_text(plan.case)
    yaml = _yaml()
    try:
        data = yaml.load(original)
    except YAMLError as error:
        raise ReportkitError(f"cannot read the case file to update it: {error}",
                             path=plan.case) from None
    for change in plan.changes:
        location = change.location
        if not location:
            continue
        if location[-1] is None:  # append to a list
            sequence = _list_at(data, location[:-1])
            if change.value not in sequence:
                sequence.append(_scalar(change.value))
            continue
        parent = data
        for key in location[:-1]:
            parent = parent[key]
        if change.value is None:
            del parent[location[-1]]
        else:
            parent[location[-1]] = _scalar(change.value)
    stream = io.StringIO()
    yaml.dump(data, stream)
    text = stream.getvalue()
    validate_document(Case, parse_yaml(text, plan.case))
    return text


def write_plan(plan: Plan) -> None:
    """Write the case file (and any answer files) all at once, atomically."""
    outputs = [(path, text.encode("utf-8")) for path, text in plan.files.items()]
    if any(change.location for change in plan.changes):
        outputs.append((plan.case, updated_case_text(plan).encode("utf-8")))
    if outputs:
        write_outputs(outputs, force=True)
