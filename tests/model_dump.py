"""A readable dump of the document model, one node a line, for stage fixtures."""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass

from reportkit.walk import children

_SKIPPED = {"origin"}


def dump(nodes, depth: int = 0) -> str:
    """Each node as `Kind field=value ...`, its children indented below it. Fields left at their
    default and locations are not shown."""
    lines: list[str] = []
    for node in nodes:
        _dump(node, depth, lines)
    return "\n".join(lines)


def _dump(node, depth: int, lines: list[str]) -> None:
    shown = []
    for item in fields(node):
        value = getattr(node, item.name)
        if item.name in _SKIPPED or is_dataclass(value) or (
                isinstance(value, tuple) and value and _nodes(value)):
            continue
        default = item.default if item.default is not MISSING else (
            item.default_factory() if item.default_factory is not MISSING else MISSING)
        if value != default:
            shown.append(f"{item.name}={value!r}")
    if hasattr(node, "items") and node.__class__.__name__ == "Citation":
        shown.append("items=[" + "; ".join(_item(cite) for cite in node.items) + "]")
    lines.append("  " * depth + " ".join([type(node).__name__, *shown]))
    if type(node).__name__ == "ListBlock":
        for item in node.items:
            lines.append("  " * (depth + 1) + "item")
            for inner in item:
                _dump(inner, depth + 2, lines)
        return
    for child in children(node):
        _dump(child, depth + 1, lines)


def _item(cite) -> str:
    parts = [f"{cite.prefix} " if cite.prefix else "", "-" if cite.mode == "suppress-author" else "",
             "@" + cite.key]
    if cite.locator:
        parts.append(f", {cite.locator}")
    if cite.suffix:
        parts.append(f" suffix={cite.suffix!r}")
    if cite.mode == "author-in-text":
        parts.append(" in-text")
    return "".join(parts)


def _nodes(value: tuple) -> bool:
    first = value[0]
    return is_dataclass(first) or isinstance(first, tuple)
