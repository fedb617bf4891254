"""The style map: template roles (paragraph, heading_1, ...) and style names to the styles of
reference.docx, and the styles part of a report (only the styles it uses)."""

from __future__ import annotations

import copy
from functools import lru_cache

from lxml import etree

from reportkit.docx.reference import Reference
from reportkit.docx.xml import (PARAGRAPH_PROPERTIES_ORDER, RUN_PROPERTIES_ORDER, W, serialise,
                                sort_children)
from reportkit.errors import ReportkitError

PARAGRAPH, CHARACTER, TABLE = "paragraph", "character", "table"
# Roles the writer needs, and the kind of style each must be.
REQUIRED_ROLES = {
    "paragraph": PARAGRAPH, "body": PARAGRAPH,
    "heading_1": PARAGRAPH, "heading_2": PARAGRAPH, "heading_3": PARAGRAPH,
    "quote": PARAGRAPH, "list_bullet": PARAGRAPH, "list_number": PARAGRAPH,
    "table_text": PARAGRAPH, "table": TABLE,
    "footnote_text": PARAGRAPH, "footnote_reference": CHARACTER, "hyperlink": CHARACTER,
    "toc_heading": PARAGRAPH, "toc_1": PARAGRAPH, "toc_2": PARAGRAPH,
}
# Roles used when template.yaml names them and reference.docx defines the style (a reference
# made before them lacks it): the contents' third level falls back to toc_2's style.
OPTIONAL_ROLES = {"toc_3": PARAGRAPH}


@lru_cache(maxsize=16)
def style_index(styles: etree._Element) -> tuple[dict, dict]:
    """Style elements by id, and ids by case-folded name: Word writes 'heading 1' where
    LibreOffice writes 'Heading 1', and both mean the built-in style with id Heading1."""
    by_id, by_name = {}, {}
    for style in styles.iter(f"{W}style"):
        identifier = style.get(f"{W}styleId")
        if identifier is None:
            continue
        by_id.setdefault(identifier, style)
        name = style.find(f"{W}name")
        if name is not None and name.get(f"{W}val"):
            by_name.setdefault(name.get(f"{W}val").casefold(), identifier)
    return by_id, by_name


def find_style(styles: etree._Element, name: str) -> str | None:
    """The id of the style with this id or (in any case) this name."""
    by_id, by_name = style_index(styles)
    if name in by_id:
        return name
    return by_name.get(name.casefold())


def style_chain(styles: etree._Element, identifier: str | None) -> list[etree._Element]:
    """The style and the styles it is based on, nearest first."""
    by_id, _ = style_index(styles)
    chain, seen = [], set()
    while identifier in by_id and identifier not in seen:
        seen.add(identifier)
        chain.append(by_id[identifier])
        based = by_id[identifier].find(f"{W}basedOn")
        identifier = based.get(f"{W}val") if based is not None else None
    return chain


class StyleMap:
    """Resolves roles and style names to style ids, and records which styles a report uses."""

    def __init__(self, reference: Reference, roles: dict[str, str]):
        self.reference = reference
        self.roles = roles
        self.by_id, self.by_name = style_index(reference.styles)
        self.used: set[str] = set()
        self.missing_named: list[str] = []
        self._numbering: dict[str, tuple[int, int] | None] = {}
        self._role_ids: dict[str, str] = {}
        missing_roles = sorted(set(REQUIRED_ROLES) - set(roles))
        if missing_roles:
            raise ReportkitError(f"template.yaml does not name a style for: {', '.join(missing_roles)}",
                                 path=reference.path.parent / "template.yaml")
        self._check([(roles[role], kind) for role, kind in REQUIRED_ROLES.items()])
        for role, kind in REQUIRED_ROLES.items():
            self._role_ids[role] = self._find(roles[role])
        for role, kind in OPTIONAL_ROLES.items():
            identifier = self._find(roles[role]) if role in roles else None
            if identifier is not None and self._kind(identifier) == kind:
                self._role_ids[role] = identifier
        # Every role's style travels with the report, used or not, so that a report can serve
        # as the reference.docx of the next one.
        self.used.update(self._role_ids.values())

    def _check(self, wanted: list[tuple[str, str]]) -> None:
        """One error naming every style that is missing or of the wrong kind."""
        missing, wrong = [], []
        for name, kind in wanted:
            identifier = self._find(name)
            if identifier is None:
                if name not in missing:
                    missing.append(name)
            elif self._kind(identifier) != kind:
                wrong.append(f"'{name}' is a {self._kind(identifier)} style, not a {kind} style")
        if missing or wrong:
            problems = ([f"the styles {', '.join(repr(n) for n in missing)} are not defined"
                         if len(missing) > 1 else f"the style '{missing[0]}' is not defined"]
                        if missing else [])
            raise ReportkitError(
                "; ".join(problems + wrong) + " in reference.docx", path=self.reference.path,
                hint="add the styles in Word or LibreOffice (same names), or change the style "
                     "names in template.yaml")

    def _find(self, name: str) -> str | None:
        return find_style(self.reference.styles, name)

    def _kind(self, identifier: str) -> str:
        return self.by_id[identifier].get(f"{W}type", PARAGRAPH)

    def role(self, role: str) -> str:
        identifier = self._role_ids[role]
        self.used.add(identifier)
        return identifier

    def has_role(self, role: str) -> bool:
        return role in self._role_ids

    def named(self, name: str) -> str:
        """A paragraph style named in the Markdown (`custom-style`); `check_named` reports every
        unknown one at the end."""
        identifier = self._find(name)
        if identifier is None or self._kind(identifier) != PARAGRAPH:
            if name not in self.missing_named:
                self.missing_named.append(name)
            return ""
        self.used.add(identifier)
        return identifier

    def check_named(self) -> None:
        self._check([(name, PARAGRAPH) for name in self.missing_named])

    def numbering_of(self, identifier: str) -> tuple[int, int] | None:
        """(numId, ilvl) a paragraph style numbers its paragraphs with, following basedOn."""
        if identifier not in self._numbering:
            self._numbering[identifier] = self._find_numbering(identifier)
        return self._numbering[identifier]

    def _find_numbering(self, identifier: str) -> tuple[int, int] | None:
        for style in style_chain(self.reference.styles, identifier):
            number = style.find(f"{W}pPr/{W}numPr")
            if number is not None:
                num_id = number.find(f"{W}numId")
                level = number.find(f"{W}ilvl")
                if num_id is None:
                    return None
                return int(num_id.get(f"{W}val")), int(level.get(f"{W}val")) if level is not None else -1
        return None

    def shipped(self, also: set[str]) -> frozenset[str]:
        """The styles used, what they inherit from and link to, and the defaults of each kind."""
        return _closure(self.reference.styles, frozenset(self.used | also))

    def part(self, shipped: frozenset[str]) -> bytes:
        """styles.xml with only the `shipped` styles."""
        return _styles_part(self.reference.styles, shipped)

    def numbering_ids(self, shipped: frozenset[str]) -> set[int]:
        """The numbering instances the shipped styles number with."""
        found = set()
        for identifier in shipped:
            number = self.by_id[identifier].find(f"{W}pPr/{W}numPr/{W}numId")
            if number is not None:
                found.add(int(number.get(f"{W}val")))
        return found


@lru_cache(maxsize=64)
def _closure(styles: etree._Element, used: frozenset[str]) -> frozenset[str]:
    by_id, _ = style_index(styles)
    keep: set[str] = set()
    pending = [identifier for identifier in used if identifier in by_id]
    pending += [identifier for identifier, style in by_id.items()
                if style.get(f"{W}default") in ("1", "true", "on")]
    while pending:
        identifier = pending.pop()
        if identifier in keep or identifier not in by_id:
            continue
        keep.add(identifier)
        for tag in ("basedOn", "link", "next"):
            node = by_id[identifier].find(f"{W}{tag}")
            if node is not None and node.get(f"{W}val"):
                pending.append(node.get(f"{W}val"))
    return frozenset(keep)


@lru_cache(maxsize=64)
def _styles_part(styles: etree._Element, keep: frozenset[str]) -> bytes:
    """The part holds copies of the kept styles only (a reference's styles.xml may hold hundreds),
    their properties in the schema's order: Word writes them so, LibreOffice and hand-made files
    may not."""
    root = etree.Element(styles.tag, attrib=dict(styles.attrib), nsmap=styles.nsmap)
    for child in styles:
        if child.tag != f"{W}style" or child.get(f"{W}styleId") in keep:
            root.append(copy.deepcopy(child))
    for properties in root.iter(f"{W}pPr"):
        sort_children(properties, PARAGRAPH_PROPERTIES_ORDER)
    for properties in root.iter(f"{W}rPr"):
        sort_children(properties, RUN_PROPERTIES_ORDER)
    return serialise(root)
