"""The style map: template roles (paragraph, heading_1, ...) to styles of reference.docx."""

from __future__ import annotations

from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE

from reportkit.errors import ReportkitError

# Roles the writer needs, and the kind of style each must be.
REQUIRED_ROLES = {
    "paragraph": WD_STYLE_TYPE.PARAGRAPH,
    "body": WD_STYLE_TYPE.PARAGRAPH,
    "heading_1": WD_STYLE_TYPE.PARAGRAPH,
    "heading_2": WD_STYLE_TYPE.PARAGRAPH,
    "heading_3": WD_STYLE_TYPE.PARAGRAPH,
    "quote": WD_STYLE_TYPE.PARAGRAPH,
    "list_bullet": WD_STYLE_TYPE.PARAGRAPH,
    "list_number": WD_STYLE_TYPE.PARAGRAPH,
    "table_text": WD_STYLE_TYPE.PARAGRAPH,
    "table": WD_STYLE_TYPE.TABLE,
    "footnote_text": WD_STYLE_TYPE.PARAGRAPH,
    "footnote_reference": WD_STYLE_TYPE.CHARACTER,
    "hyperlink": WD_STYLE_TYPE.CHARACTER,
    "toc_heading": WD_STYLE_TYPE.PARAGRAPH,
    "toc_1": WD_STYLE_TYPE.PARAGRAPH,
    "toc_2": WD_STYLE_TYPE.PARAGRAPH,
}


class StyleMap:
    """Resolves roles and display names to style ids, failing early on a missing style."""

    def __init__(self, document, roles: dict[str, str], reference: Path):
        self.document = document
        self.reference = reference
        self.roles = roles
        self._ids: dict[str, str] = {}
        missing_roles = sorted(set(REQUIRED_ROLES) - set(roles))
        if missing_roles:
            raise ReportkitError(f"template.yaml does not name a style for: {', '.join(missing_roles)}",
                                 path=reference.parent / "template.yaml")
        for role, kind in REQUIRED_ROLES.items():
            self.style_id(roles[role], kind)

    def style_id(self, name: str, kind=WD_STYLE_TYPE.PARAGRAPH) -> str:
        key = f"{kind}:{name}"
        if key not in self._ids:
            try:
                style = self.document.styles[name]
            except KeyError:
                raise ReportkitError(
                    f"the style '{name}' is not defined in reference.docx", path=self.reference,
                    hint="add the style in Word or LibreOffice (same name), or change template.yaml") from None
            if style.type != kind:
                raise ReportkitError(f"the style '{name}' in reference.docx is a {style.type} style, "
                                     f"not a {kind} style", path=self.reference)
            self._ids[key] = style.style_id
        return self._ids[key]

    def role(self, role: str, kind=WD_STYLE_TYPE.PARAGRAPH) -> str:
        return self.style_id(self.roles[role], kind)

    def name(self, role: str) -> str:
        return self.roles[role]
