"""One traversal of the document model, as pandoc's Text.Pandoc.Walk: `walk`, `query`, `plain_text`.

Every stage that looks into the tree uses these, so that a new node type is handled in one place.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any, Callable, Iterator

from reportkit.document import (BlockQuote, Document, Footnote, Heading, InlineNote, LineBreak,
                                Link, ListBlock, NoteNumber, NoteReference, Paragraph, Placeholder,
                                Region, SourcesList, Table, Text)

Node = Any  # a block, an inline, a Footnote or a Document


def children(node: Node) -> Iterator[Node]:
    """The nodes directly inside `node`, in document order."""
    if isinstance(node, Document):
        yield from node.blocks
        yield from node.footnotes
    elif isinstance(node, (Heading, Paragraph, Link, InlineNote, Footnote)):
        yield from node.content
    elif isinstance(node, (BlockQuote, Region)):
        yield from node.blocks
    elif isinstance(node, ListBlock):
        for item in node.items:
            yield from item
    elif isinstance(node, Table):
        for row in (node.header, *node.rows):
            for cell in row:
                yield from cell
    elif isinstance(node, SourcesList):
        for entry in node.entries:
            yield from entry
    elif isinstance(node, NoteReference):
        yield node.note


def iterate(node: Node) -> Iterator[Node]:
    """`node` and everything inside it, depth first, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def query(node: Node, kind: type | tuple[type, ...]) -> list:
    """Every node of `kind` in `node` (a node or a sequence of nodes), in document order."""
    roots = node if isinstance(node, (list, tuple)) else (node,)
    return [item for root in roots for item in iterate(root) if isinstance(item, kind)]


def body_blocks(blocks) -> Iterator[Node]:
    """The blocks of a body as a writer places them: a region's blocks stand in its place."""
    for block in blocks:
        if isinstance(block, Region):
            yield from body_blocks(block.blocks)
        else:
            yield block


def walk(node: Node, change: Callable[[Node], Node]) -> Node:
    """Rebuild `node` bottom-up, passing every node (after its children) through `change`. A node
    whose children all come back unchanged (the same objects) is passed on as it was."""
    if isinstance(node, tuple):
        return _walk_tuple(node, change)
    if isinstance(node, list):
        return tuple(walk(item, change) for item in node)
    names = _node_fields(type(node))
    if names is None:
        return node
    updates = {}
    for name in names:
        value = getattr(node, name)
        if isinstance(value, tuple):
            if not (value and _holds_nodes(value)):
                continue
            new = _walk_tuple(value, change)
        elif _node_fields(type(value)) is not None:
            new = walk(value, change)
        else:
            continue
        if new is not value:
            updates[name] = new
    return change(replace(node, **updates) if updates else node)


def _walk_tuple(value: tuple, change: Callable[[Node], Node]) -> tuple:
    """`walk` over the items of a tuple field; the tuple itself when no item changed."""
    new = tuple(walk(item, change) for item in value)
    return value if all(a is b for a, b in zip(new, value)) else new


# The fields of each dataclass node type that can hold nodes (None: not a node), looked up once
# per type. A field declared with scalar types only (text, flags, numbers) never holds one.
_FIELDS: dict[type, tuple[str, ...] | None] = {}
_SCALARS = {"str", "bool", "int", "float", "None", "tuple[float, ...]"}


def _node_fields(kind: type) -> tuple[str, ...] | None:
    try:
        return _FIELDS[kind]
    except KeyError:
        names = None
        if is_dataclass(kind):
            names = tuple(item.name for item in fields(kind) if not (
                isinstance(item.type, str)
                and {part.strip() for part in item.type.split("|")} <= _SCALARS))
        _FIELDS[kind] = names
        return names


def _holds_nodes(value: tuple) -> bool:
    first = value[0]
    return (_node_fields(type(first)) is not None
            or (isinstance(first, tuple) and (not first or _holds_nodes(first))))


def plain_text(node: Node, separator: str = " ") -> str:
    """The visible text of `node` (or of a sequence of nodes), without footnote text; blocks and
    table cells are separated by `separator`."""
    roots = node if isinstance(node, (list, tuple)) else (node,)
    pieces: list[str] = []
    for root in roots:
        _plain(root, pieces, separator)
    return "".join(pieces).strip()


def _plain(node: Node, pieces: list[str], separator: str) -> None:
    if isinstance(node, (Text, Placeholder)):
        pieces.append(node.text)
    elif isinstance(node, LineBreak):
        pieces.append(" ")
    elif isinstance(node, (NoteReference, InlineNote, Footnote, NoteNumber)):
        return  # a note is not part of the sentence it hangs on
    elif isinstance(node, Table):
        for row in (node.header, *node.rows):
            for cell in row:
                for item in cell:
                    _plain(item, pieces, separator)
                pieces.append(separator)
    elif isinstance(node, SourcesList):
        for entry in node.entries:
            for item in entry:
                _plain(item, pieces, separator)
            pieces.append(separator)
    else:
        for item in children(node):
            _plain(item, pieces, separator)
        if isinstance(node, (Heading, Paragraph)):
            pieces.append(separator)
