"""One traversal of the document model, as pandoc's Text.Pandoc.Walk: `walk`, `query`, `plain_text`.

Every stage that looks into the tree uses these, so that a new node type is handled in one place.
"""

from __future__ import annotations

import re
import sys
from dataclasses import fields, is_dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Iterator

from reportkit.document import (BlockQuote, Document, Footnote, Heading, InlineNote, LineBreak,
                                Link, ListBlock, NoteNumber, NoteReference, Paragraph, Placeholder,
                                Region, SourcesList, Table, Text)

Node = Any  # a block, an inline, a Footnote or a Document


def children(node: Node) -> tuple | list:
    """The nodes directly inside `node`, in document order."""
    kind = type(node)
    try:
        get = _CHILDREN[kind]
    except KeyError:
        get = _CHILDREN[kind] = next((get for kinds, get in _CHILDREN_BY_KIND
                                      if issubclass(kind, kinds)), None)
    return get(node) if get is not None else ()


def _content(node) -> tuple:
    return node.content


def _blocks(node) -> tuple:
    return node.blocks


# How to find the children of each kind of node (looked up by type, then cached in _CHILDREN).
_CHILDREN_BY_KIND: tuple[tuple[type | tuple[type, ...], Callable[[Any], tuple | list]], ...] = (
    (Document, lambda node: (*node.blocks, *node.footnotes)),
    ((Heading, Paragraph, Link, InlineNote, Footnote), _content),
    ((BlockQuote, Region), _blocks),
    (ListBlock, lambda node: [inner for item in node.items for inner in item]),
    (Table, lambda node: [inner for row in (node.header, *node.rows) for cell in row
                          for inner in cell]),
    (SourcesList, lambda node: [inner for entry in node.entries for inner in entry]),
    (NoteReference, lambda node: (node.note,)),
)
_CHILDREN: dict[type, Callable[[Any], tuple | list] | None] = {}


def query(node: Node, kind: type | tuple[type, ...]) -> list:
    """Every node of `kind` in `node` (a node or a sequence of nodes), in document order."""
    stack = list(reversed(node)) if isinstance(node, (list, tuple)) else [node]
    found = []
    while stack:
        current = stack.pop()
        if isinstance(current, kind):
            found.append(current)
        if _may_hold(type(current), kind):  # else no node of `kind` is inside
            inner = children(current)
            if inner:
                stack.extend(reversed(inner))
    return found


def body_blocks(blocks) -> Iterator[Node]:
    """The blocks of a body as a writer places them: a region's blocks stand in its place."""
    for block in blocks:
        if isinstance(block, Region):
            yield from body_blocks(block.blocks)
        else:
            yield block


def walk(node: Node, change: Callable[[Node], Node],
         kinds: type | tuple[type, ...] | None = None) -> Node:
    """Rebuild `node` bottom-up, passing every node (after its children) through `change`, or
    only the nodes of `kinds` when given. A node whose children all come back unchanged (the
    same objects) is passed on as it was, and so is one that cannot hold a node of `kinds`."""
    walker = _Walker(change, kinds)
    if isinstance(node, (tuple, list)):
        return walker.visit_tuple(tuple(node))
    names = walker.fields_of(type(node))
    return node if names is None else walker.visit_node(node, names)


class _Walker:
    """One walk's state. (A class, not recursive closures: those are reference cycles, left for
    the cycle collector, which a command's run keeps off; see collector.py.)"""

    __slots__ = ("change", "kinds", "entered")

    def __init__(self, change: Callable[[Node], Node], kinds: type | tuple[type, ...] | None):
        self.change, self.kinds = change, kinds
        # Per type: the fields the walk enters (None: a node it leaves as it is).
        self.entered: dict[type, tuple[str, ...] | None] = {}

    def fields_of(self, kind: type) -> tuple[str, ...] | None:
        try:
            return self.entered[kind]
        except KeyError:
            names, kinds = _node_fields(kind), self.kinds
            if names is not None and kinds is not None:
                names = (tuple(name for name, declared in _declared(kind).items()
                               if any(_may_hold(inner, kinds) for inner in declared))
                         if _may_hold(kind, kinds) else None)
            self.entered[kind] = names
            return names

    def visit_tuple(self, value: tuple) -> tuple:
        result = None
        for index, item in enumerate(value):
            kind = type(item)
            if kind is tuple or kind is list:
                new = self.visit_tuple(tuple(item) if kind is list else item)
            else:
                names = self.fields_of(kind)
                if names is None:
                    continue
                new = self.visit_node(item, names)
            if new is not item:
                if result is None:
                    result = list(value)
                result[index] = new
        return value if result is None else tuple(result)

    def visit_node(self, node: Node, names: tuple[str, ...]) -> Node:
        updates = None
        for name in names:
            value = getattr(node, name)
            if isinstance(value, tuple):
                if not value:
                    continue
                new = self.visit_tuple(value)
            else:
                inner = self.fields_of(type(value))
                if inner is None:
                    continue
                new = self.visit_node(value, inner)
            if new is not value:
                if updates is None:
                    updates = {}
                updates[name] = new
        if updates:
            node = replace(node, **updates)
        kinds = self.kinds
        return self.change(node) if kinds is None or isinstance(node, kinds) else node


def _node_fields(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass node type that can hold nodes (None: not a node)."""
    return tuple(_declared(kind)) if is_dataclass(kind) else None


def _may_hold(kind: type, kinds: type | tuple[type, ...]) -> bool:
    """Whether a node of `kind` is one of `kinds` or may hold one, however deeply (by the types
    its fields are declared with): a walk leaves every other node as it is, unvisited."""
    key = (kind, kinds)
    try:
        return _MAY_HOLD[key]
    except KeyError:
        found = _MAY_HOLD[key] = any(issubclass(inner, kinds) for inner in (kind, *_inside(kind)))
        return found


_MAY_HOLD: dict[tuple[type, Any], bool] = {}


def _inside(kind: type) -> set[type]:
    """Every node type that a node of `kind` may hold, however deeply."""
    found: set[type] = set()
    todo = [kind]
    while todo:
        for declared in _declared(todo.pop()).values():
            for inner in declared:
                if inner not in found:
                    found.add(inner)
                    todo.append(inner)
    return found


@lru_cache(maxsize=None)
def _declared(kind: type) -> dict[str, list[type]]:
    """For each field of `kind` that can hold nodes, the dataclass types named in its declaration
    (a union such as `Inline` stands for its members); a field of text, flags or numbers has
    none and is left out."""
    if not is_dataclass(kind):  # text, a number, a sequence: `children` finds nothing in it
        return {}
    namespace = vars(sys.modules[kind.__module__])
    declared: dict[str, list[type]] = {}
    for item in fields(kind):
        annotation = item.type if isinstance(item.type, str) else repr(item.type)
        members = [member for name in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", annotation)
                   for member in getattr(namespace.get(name), "__args__", None)
                   or (namespace.get(name),)
                   if isinstance(member, type) and is_dataclass(member)]
        if members:
            declared[item.name] = members
    return declared


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
