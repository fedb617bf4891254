"""Turn rendered Markdown into document-model blocks, restoring case text exactly."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.token import Token

from reportkit.document import (Block, BlockQuote, Citation, CiteItem, Heading, Inline, LineBreak,
                                Link, ListBlock, Origin, PageBreak, Paragraph, Placeholder,
                                SourcesList, Table, TableOfContents, Text)
from reportkit.errors import ReportkitError
from reportkit.parse.syntax import make_parser, parse_div_attributes

# Case text never passes through the Markdown parser: the renderer leaves a marker in its
# place, and the parser puts the text back, character for character.
LITERAL_OPEN, LITERAL_CLOSE = "\ue000", "\ue001"
LITERAL = re.compile(f"{LITERAL_OPEN}(\\d+){LITERAL_CLOSE}")
_UNNUMBERED = re.compile(r"\s*\{(?:\.unnumbered|-)\}\s*$")


@lru_cache(maxsize=1)
def _parser():
    return make_parser()


def _restore(text: str, literals: list[str] | None) -> str:
    if literals is None:  # text straight from a file: no markers were set aside in it
        return text
    return LITERAL.sub(lambda match: literals[int(match.group(1))], text)


class _BlockBuilder:
    def __init__(self, tokens: list[Token], path: str, line_offset: int,
                 literals: list[str] | None):
        self.tokens = tokens
        self.position = 0
        self.path = path
        self.line_offset = line_offset
        self.literals = literals

    def origin(self, token: Token) -> Origin:
        line = token.map[0] + 1 + self.line_offset if token.map else None
        return Origin(self.path, line)

    def blocks_until(self, closing: str | None, style: str | None = None) -> list[Block]:
        blocks: list[Block] = []
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            if closing is not None and token.type == closing:
                self.position += 1
                return blocks
            self.position += 1
            block = self.block(token, style)
            if isinstance(block, list):
                blocks.extend(block)
            elif block is not None:
                blocks.append(block)
        return blocks

    def block(self, token: Token, style: str | None):
        kind = token.type
        if kind == "heading_open":
            inline = self.tokens[self.position]
            self.position += 2  # inline, heading_close
            content = self.inlines(inline)
            numbered = True
            if content and isinstance(content[-1], Text) and _UNNUMBERED.search(content[-1].text):
                numbered = False
                last = Text(_UNNUMBERED.sub("", content[-1].text), content[-1].bold,
                            content[-1].italic, content[-1].code)
                content = content[:-1] + ((last,) if last.text else ())
            return Heading(int(token.tag[1]), content, numbered, self.origin(token))
        if kind == "paragraph_open":
            inline = self.tokens[self.position]
            self.position += 2
            return Paragraph(self.inlines(inline), style, self.origin(token))
        if kind in {"bullet_list_open", "ordered_list_open"}:
            return self.list_block(token)
        if kind == "blockquote_open":
            return BlockQuote(tuple(self.blocks_until("blockquote_close", style)))
        if kind == "table_open":
            return self.table()
        if kind in {"fence", "code_block"}:
            return Paragraph((Text(_restore(token.content.rstrip("\n"), self.literals), code=True),),
                             style, self.origin(token))
        if kind == "hr":
            return PageBreak()
        if kind == "container_div_open":
            return self.div(token, style)
        return None

    def div(self, token: Token, style: str | None):
        classes, values = parse_div_attributes(token.info)
        inner_style = values.get("custom-style", style)
        blocks = self.blocks_until("container_div_close", inner_style)
        if "toc" in classes:
            return [TableOfContents(values.get("title", "Contents"), int(values.get("depth", "2")) if values.get("depth", "2").isdigit() else 2),
                    *blocks]
        if "pagebreak" in classes:
            return [*blocks, PageBreak()]
        if "sources" in classes:
            return [*blocks, SourcesList()]
        return blocks

    def list_block(self, token: Token) -> ListBlock:
        ordered = token.type == "ordered_list_open"
        closing = "ordered_list_close" if ordered else "bullet_list_close"
        items = []
        while self.position < len(self.tokens):
            current = self.tokens[self.position]
            self.position += 1
            if current.type == closing:
                break
            if current.type == "list_item_open":
                items.append(tuple(self.blocks_until("list_item_close")))
        start = int(token.attrGet("start") or 1) if ordered else 1
        return ListBlock(ordered, tuple(items), start)

    def table(self) -> Table:
        header, rows, row = [], [], []
        in_head = False
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            self.position += 1
            if token.type == "table_close":
                break
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                row = []
            elif token.type == "tr_close":
                (header.extend(row) if in_head else rows.append(tuple(row)))
            elif token.type == "inline":
                row.append(self.inlines(token))
        return Table(tuple(header), tuple(rows))

    # ------------------------------------------------------------ inlines

    def inlines(self, token: Token) -> tuple[Inline, ...]:
        result: list[Inline] = []
        bold = italic = 0
        link_stack: list[tuple[str, list[Inline]]] = []
        line = token.map[0] + 1 + self.line_offset if token.map else None

        def emit(item: Inline) -> None:
            (link_stack[-1][1] if link_stack else result).append(item)

        def emit_text(text: str, code: bool = False) -> None:
            # Split on case-text markers so a literal's own newlines become line breaks.
            pieces = [text] if self.literals is None else LITERAL.split(text)
            for index, piece in enumerate(pieces):
                value = self.literals[int(piece)] if index % 2 else piece
                lines = value.split("\n")
                for number, part in enumerate(lines):
                    if number:
                        emit(LineBreak())
                    if part:
                        emit(Text(part, bold > 0, italic > 0, code))

        for child in token.children or []:
            kind = child.type
            if kind == "text":
                emit_text(child.content)
            elif kind == "code_inline":
                emit_text(child.content, code=True)
            elif kind == "softbreak":
                emit(Text(" ", bold > 0, italic > 0))
                line = line + 1 if line else None
            elif kind == "hardbreak":
                emit(LineBreak())
                line = line + 1 if line else None
            elif kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                link_stack.append((_restore(child.attrGet("href") or "", self.literals), []))
            elif kind == "link_close" and link_stack:
                url, content = link_stack.pop()
                emit(Link(url, tuple(content)))
            elif kind == "citation":
                items = tuple(CiteItem(item["key"], _restore(item["locator"], self.literals),
                                       _restore(item["prefix"], self.literals))
                              for item in child.meta["items"])
                emit(Citation(items, Origin(self.path, line)))
            elif kind == "placeholder":
                emit(Placeholder(_restore(child.content, self.literals), Origin(self.path, line)))
            elif kind == "image":
                emit_text(child.content)
        return tuple(result)


def parse_markdown(text: str, path: str, line_offset: int = 0,
                   literals: list[str] | None = None) -> tuple[Block, ...]:
    """Parse Markdown that starts `line_offset` lines into the file `path`."""
    try:
        tokens = _parser().parse(text)
    except (ValueError, RecursionError) as error:
        raise ReportkitError(f"cannot parse the Markdown: {error}", path=path) from None
    builder = _BlockBuilder(tokens, path, line_offset, literals)
    return tuple(builder.blocks_until(None))


def citations_in(blocks) -> list[Citation]:
    """Every citation in a sequence of blocks, in reading order."""
    found: list[Citation] = []

    def visit_inlines(inlines) -> None:
        for item in inlines:
            if isinstance(item, Citation):
                found.append(item)
            elif isinstance(item, Link):
                visit_inlines(item.content)

    def visit(block) -> None:
        if isinstance(block, (Heading, Paragraph)):
            visit_inlines(block.content)
        elif isinstance(block, ListBlock):
            for item in block.items:
                for inner in item:
                    visit(inner)
        elif isinstance(block, BlockQuote):
            for inner in block.blocks:
                visit(inner)
        elif isinstance(block, Table):
            for cell in block.header:
                visit_inlines(cell)
            for row in block.rows:
                for cell in row:
                    visit_inlines(cell)

    for block in blocks:
        visit(block)
    return found
