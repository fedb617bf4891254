"""Turn rendered Markdown into document-model blocks, restoring case text exactly."""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from markdown_it.token import Token

from reportkit.document import (Block, BlockQuote, Citation, CiteItem, Heading, Inline,
                                InlineNote, LineBreak, Link, ListBlock, Origin, PageBreak,
                                Paragraph, Placeholder, Region, SourcesList, Table,
                                TableOfContents, Text)
from reportkit.errors import ReportkitError
from reportkit.literals import LINE_BREAK, LITERAL, LITERAL_OPEN, restore
from reportkit.parse.syntax import make_parser, parse_div_attributes
from reportkit.walk import query

_UNNUMBERED = re.compile(r"\s*\{(?:\.unnumbered|-)\}\s*$")
# The one rule for prose in a case file: a blank line starts a new paragraph, a single newline
# is a space (as in Markdown).
_BLANK_LINE = re.compile(r"[ \t]*\r?\n(?:[ \t]*\r?\n)+[ \t]*")
_SINGLE_NEWLINE = re.compile(r"[ \t]*\r?\n[ \t]*")
# A region div (`::: {.region kind="answer" id="q1" digest="..."}`), written by the render stage
# around each answer and section; its marker names the hidden bookmarks in the DOCX.
REGION_CLASS = "region"
REGION_KINDS = ("answer", "case_section", "library_section")


class _ParagraphBreak:
    """Where a blank line in case text ends one paragraph and starts the next."""


def prose_paragraphs(text: str) -> list[str]:
    """Case prose as paragraphs: blank lines separate them, single newlines are spaces."""
    return [_SINGLE_NEWLINE.sub(" ", piece) for piece in _BLANK_LINE.split(text.strip(" \t\r\n"))
            if piece.strip()]


def region_marker(number: int) -> str:
    """The hidden bookmark name of the `number`th region: `_` hides it in Word's list."""
    return f"_RkR{number:04d}"


@lru_cache(maxsize=1)
def _parser():
    return make_parser()




class _BlockBuilder:
    def __init__(self, tokens: list[Token], path: str, line_offset: int,
                 literals: list[str] | None, lines: list[str] | None = None, regions: int = 0):
        self.tokens = tokens
        self.lines = lines or []
        self.position = 0
        self.path = path
        self.line_offset = line_offset
        self.literals = literals
        self.regions = regions  # regions numbered so far (in the pieces of text before this one)

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
            origin = self.origin(token)
            return [Paragraph(content, style, origin)
                    for content in _split_paragraphs(self.inlines(inline, paragraphs=True))]
        if kind in {"bullet_list_open", "ordered_list_open"}:
            return self.list_block(token)
        if kind == "blockquote_open":
            return BlockQuote(tuple(self.blocks_until("blockquote_close", style)))
        if kind == "table_open":
            return self.table(token)
        if kind in {"fence", "code_block"}:
            return Paragraph((Text(restore(token.content.rstrip("\n"), self.literals), code=True),),
                             style, self.origin(token))
        if kind == "hr":
            return PageBreak()
        if kind == "container_div_open":
            return self.div(token, style)
        return None

    def div(self, token: Token, style: str | None):
        classes, values = parse_div_attributes(token.info)
        inner_style = values.get("custom-style", style)
        if REGION_CLASS in classes:
            self.regions += 1
            marker = region_marker(self.regions)
        blocks = self.blocks_until("container_div_close", inner_style)
        if REGION_CLASS in classes:
            if not _region_named(values):
                raise ReportkitError(f"a region needs kind ({', '.join(REGION_KINDS)}) and id",
                                     path=self.path, line=self.origin(token).line)
            return Region(values["kind"], values["id"], values.get("digest", ""), marker,
                          tuple(blocks))
        if "toc" in classes:
            return [TableOfContents(values.get("title", "Contents"), int(values.get("depth", "3")) if values.get("depth", "3").isdigit() else 3),
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

    def table(self, opening: Token) -> Table:
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
        return Table(tuple(header), tuple(rows), self.column_widths(opening, len(header)))

    def column_widths(self, opening: Token, columns: int) -> tuple[float, ...]:
        """Each column's share of the width: its dashes in the delimiter row, as pandoc reads a
        pipe table (`|--|------|--|` gives 0.2, 0.6, 0.2)."""
        if not opening.map or opening.map[0] + 1 >= len(self.lines):
            return ()
        rule = self.lines[opening.map[0] + 1]
        rule = rule[rule.find("|"):] if "|" in rule else rule  # after any quote or list marker
        cells = rule.strip().strip("|").split("|")
        dashes = [cell.count("-") for cell in cells]
        if len(dashes) != columns or not all(dashes):
            return ()
        total = sum(dashes)
        return tuple(count / total for count in dashes)

    # ------------------------------------------------------------ inlines

    def inlines(self, token: Token, paragraphs: bool = False) -> tuple[Inline, ...]:
        """The inlines of `token`; with `paragraphs`, a blank line in case text is kept as a
        _ParagraphBreak (elsewhere, in a heading or a table cell, it is a line break)."""
        result: list[Inline] = []
        bold = italic = 0
        link_stack: list[tuple[str, list[Inline]]] = []
        line = token.map[0] + 1 + self.line_offset if token.map else None

        def emit(item: Inline) -> None:
            (link_stack[-1][1] if link_stack else result).append(item)

        def emit_text(text: str, code: bool = False) -> None:
            # Split on case-text markers: a literal follows the paragraph rule of case prose,
            # and a vertical tab in it (Word's manual line break) is a line break.
            pieces = [text] if self.literals is None or LITERAL_OPEN not in text \
                else LITERAL.split(text)
            for index, piece in enumerate(pieces):
                if not index % 2:
                    if piece:
                        emit(Text(piece, bold > 0, italic > 0, code))
                    continue
                value = self.literals[int(piece)]
                if "\n" not in value and LINE_BREAK not in value:
                    if value:
                        emit(Text(value, bold > 0, italic > 0, code))
                    continue
                for number, part in enumerate(_BLANK_LINE.split(value.strip(" \t\r\n"))):
                    if number:
                        emit(_ParagraphBreak() if paragraphs and not link_stack else LineBreak())
                    for position, line in enumerate(_SINGLE_NEWLINE.sub(" ", part)
                                                    .split(LINE_BREAK)):
                        if position:
                            emit(LineBreak())
                        if line:
                            emit(Text(line, bold > 0, italic > 0, code))

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
                link_stack.append((restore(child.attrGet("href") or "", self.literals), []))
            elif kind == "link_close" and link_stack:
                url, content = link_stack.pop()
                emit(Link(url, tuple(content)))
            elif kind == "citation":
                items = tuple(CiteItem(item["key"], restore(item["locator"], self.literals),
                                       restore(item["prefix"], self.literals),
                                       restore(item["suffix"], self.literals), item["mode"])
                              for item in child.meta["items"])
                emit(Citation(items, Origin(self.path, line)))
            elif kind == "inline_note":
                note = Token("inline", "", 0, children=child.children, map=token.map)
                emit(InlineNote(self.inlines(note), Origin(self.path, line)))
            elif kind == "placeholder":
                emit(Placeholder(restore(child.content, self.literals), Origin(self.path, line)))
            elif kind == "image":
                emit_text(child.content)
        return tuple(result)


def parse_markdown(text: str, path: str, line_offset: int = 0,
                   literals: list[str] | None = None,
                   known: dict[str, tuple[Block, ...]] | None = None) -> tuple[Block, ...]:
    """Parse Markdown that starts `line_offset` lines into the file `path`.

    The blocks are immutable, so a library's texts, which `check`'s rules each read, are parsed
    once per process, and the blocks of a library's and a template set's own files are kept on
    disk for the next run (`keep_parsed`); rendered reports, which carry their case's literals,
    are not kept. `known` gives, for the text of a region (a report's library section, as its
    file has it), the blocks already parsed from that file: they are the region's blocks, with
    the file's lines."""
    if literals is None and not known:
        return _parsed_source(text, path, line_offset)
    return _parse(text, path, line_offset, literals, known)


@lru_cache(maxsize=8192)
def _parsed_source(text: str, path: str, line_offset: int) -> tuple[Block, ...]:
    if not path:
        return _parse(text, path, line_offset, None)
    return _KEPT.get(text, path, line_offset)


def keep_parsed(files) -> None:
    """Keep the blocks of the Markdown in these files (a library's sections and chronology, a
    template set's templates) between runs. Nothing else is kept on disk, whatever folder it is
    in: case text is personal data and stays in the case's folder."""
    _KEPT.files.update(str(file) for file in files)  # as the loaders name them to the parser


class _ParsedOnDisk:
    """The blocks of library and template text, kept between runs in the user's cache folder (as
    compiled templates are): they are parsed again only when they change.

    One file per place (file and first line), holding the text's digest and its blocks, so the
    folder holds one entry per place whatever the edits. The folder is per version of reportkit,
    of markdown-it and of the modules that make the blocks, so that blocks made by other code
    are never read. A folder that cannot be written is simply not used."""

    MODULES = ("parse/markdown.py", "parse/syntax.py", "document.py", "literals.py")

    def __init__(self) -> None:
        self._folder: Path | None | bool = False  # False: not opened yet
        self.files: set[str] = set()  # whose blocks are kept (keep_parsed)

    def folder(self) -> Path | None:
        if self._folder is False:
            from markdown_it import __version__ as markdown_it_version

            from reportkit.cache import cache_folder, code_version

            package = Path(__file__).resolve().parent.parent
            self._folder = cache_folder("markdown", code_version(
                {"markdown-it": markdown_it_version}, [package / name for name in self.MODULES]))
        return self._folder

    def get(self, text: str, path: str, line_offset: int) -> tuple[Block, ...]:
        import hashlib
        import pickle

        from reportkit.cache import write_entry

        if path not in self.files:
            return _parse(text, path, line_offset, None)
        folder = self.folder()
        if folder is None:
            return _parse(text, path, line_offset, None)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        kept = folder / (hashlib.sha256(f"{path}\n{line_offset}".encode("utf-8", "surrogatepass"))
                         .hexdigest()[:32] + ".pickle")
        try:
            with open(kept, "rb") as file:
                place, found, blocks = pickle.load(file)
            if place == (path, line_offset) and found == digest:
                return blocks
        except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError,
                IndexError, RecursionError, pickle.UnpicklingError):
            pass  # absent, or not readable: parsed again and kept
        blocks = _parse(text, path, line_offset, None)
        try:
            write_entry(kept, pickle.dumps(((path, line_offset), digest, blocks),
                                           pickle.HIGHEST_PROTOCOL))
        except (pickle.PicklingError, RecursionError):
            pass  # not kept: parsed again next time
        return blocks


_KEPT = _ParsedOnDisk()


def _parse(text: str, path: str, line_offset: int, literals: list[str] | None,
           known: dict[str, tuple[Block, ...]] | None = None) -> tuple[Block, ...]:
    blocks: list[Block] = []
    regions = 0
    for start, piece, recurs in _pieces(text):
        region = _known_region(piece, known, regions + 1) if recurs and known else None
        if region is not None:
            blocks.append(region)
            regions += 1
            continue
        tokens = _tokenised(piece, recurs, path).tokens
        builder = _BlockBuilder(tokens, path, line_offset + start, literals, piece.splitlines(),
                                regions)
        blocks.extend(builder.blocks_until(None))
        regions = builder.regions
    return tuple(blocks)


# A report is mostly regions (each answer and section in its fenced div, written by
# render.region), and the same region text recurs: in the sections read before the report is
# rendered, in a report put together again with summaries, in every report of a batch. So a
# report is parsed piece by piece, at the lines where a top-level region starts and ends, and
# each piece's tokens are kept (tokens carry no path, line offset or case text: the text between
# regions recurs too, as case text is set aside behind the same markers each time).
_REGION_FENCE = re.compile(r"(:{12,}) \{[^\n]*\.region\b")
_DIV_OPEN = re.compile(r":{3,}[ \t]*\{")
_DIV_CLOSE = re.compile(r":{3,}[ \t]*$")
# What makes one piece of Markdown depend on another (link reference definitions), or what a
# line-by-line reading of fences could mistake (code fences, line endings markdown-it rewrites).
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:", re.M)


def _depends(text: str) -> bool:
    """Whether `text` holds any of those (substrings first: the pattern is slow on a report)."""
    return (any(mark in text for mark in ("```", "~~~", "\r", "\x00"))
            or ("]:" in text and _LINK_DEFINITION.search(text) is not None))


def _pieces(text: str) -> list[tuple[int, str, bool]]:
    """(first line, text, recurs) for each piece of `text`, in order: the pieces of a report,
    which recur, or the whole text as one piece (which does not) when it holds no top-level
    region, or anything that makes its pieces depend on each other."""
    whole = [(0, text, False)]
    if ".region" not in text or _depends(text):
        return whole
    lines = text.split("\n")
    pieces: list[tuple[int, str, bool]] = []
    start, depth, fence = 0, 0, ""
    for number, line in enumerate(lines):
        if fence:  # inside a region: its own fence closes it (render.region makes it unique)
            if line.rstrip(" \t") == fence or (line.startswith(fence) and _DIV_CLOSE.fullmatch(line)):
                pieces.append((start, "\n".join(lines[start:number + 1]) + "\n", True))
                start, fence = number + 1, ""
            continue
        opening = _REGION_FENCE.match(line)
        if opening and depth == 0:
            if number > start:
                pieces.append((start, "\n".join(lines[start:number]) + "\n", True))
            start, fence = number, opening.group(1)
        elif _DIV_OPEN.match(line):
            depth += 1
        elif _DIV_CLOSE.match(line):
            depth -= 1
            if depth < 0:
                return whole
    if fence or depth:
        return whole
    if start < len(lines):
        rest = "\n".join(lines[start:])
        if rest:
            pieces.append((start, rest, True))
    return pieces


def _region_named(values: dict[str, str]) -> bool:
    """Whether a region's attributes give its kind and id."""
    return values.get("kind") in REGION_KINDS and bool(values.get("id"))


def _known_region(piece: str, known: dict[str, tuple[Block, ...]], number: int) -> Region | None:
    """The Region that `piece` is, when it is one region (as render.region writes it) whose
    text `known` gives the blocks of; None otherwise."""
    opening = _REGION_FENCE.match(piece)
    if opening is None:
        return None
    fence = opening.group(1)
    first = piece.find("\n")
    closing = f"\n{fence}\n"
    if first < 0 or not piece.endswith(closing) or len(piece) < first + len(closing):
        return None
    blocks = known.get(piece[first + 1:len(piece) - len(closing)])
    if blocks is None:
        return None
    classes, values = parse_div_attributes(piece[len(fence):first].strip())
    if REGION_CLASS not in classes or not _region_named(values):
        return None  # parsed as any other piece, which says what is wrong
    return Region(values["kind"], values["id"], values.get("digest", ""), region_marker(number),
                  blocks)


class _Tokens:
    """A piece's tokens (they are only read), and the citation keys in them once asked for."""

    __slots__ = ("tokens", "_keys")

    def __init__(self, piece: str) -> None:
        self.tokens: list[Token] = _parser().parse(piece)
        self._keys: tuple[str, ...] | None = None

    def keys(self) -> tuple[str, ...]:
        """The keys cited, in order."""
        if self._keys is None:
            keys: list[str] = []
            stack = list(reversed(self.tokens))
            while stack:
                token = stack.pop()
                if token.type == "citation":
                    keys.extend(item["key"] for item in token.meta["items"])
                elif token.children and token.type != "image":  # an image's text is not read
                    stack.extend(reversed(token.children))
            self._keys = tuple(keys)
        return self._keys


class _KeptTokens:
    """The tokens of the pieces read lately, at most BUDGET characters of pieces: a batch reads
    the same pieces again, and a piece as large as a hostile template can make is tokenised,
    never kept."""

    BUDGET = 2_000_000

    def __init__(self) -> None:
        self.kept: OrderedDict[str, _Tokens] = OrderedDict()
        self.size = 0

    def __call__(self, piece: str) -> _Tokens:
        tokens = self.kept.get(piece)
        if tokens is not None:
            self.kept.move_to_end(piece)
            return tokens
        tokens = _Tokens(piece)
        if len(piece) <= self.BUDGET // 16:
            self.kept[piece] = tokens
            self.size += len(piece)
            while self.size > self.BUDGET:
                oldest, _ = self.kept.popitem(last=False)
                self.size -= len(oldest)
        return tokens


_tokens = _KeptTokens()


def _tokenised(piece: str, recurs: bool, path: str = "") -> _Tokens:
    """A piece's tokens: kept for a piece that recurs (a report's), else made for this once."""
    try:
        return _tokens(piece) if recurs else _Tokens(piece)
    except (ValueError, RecursionError) as error:
        raise ReportkitError(f"cannot parse the Markdown: {error}", path=path) from None


def citations_in(blocks) -> list[Citation]:
    """Every citation in a sequence of blocks, in reading order."""
    return query(tuple(blocks), Citation)


def cited_keys(text: str, known: dict[str, tuple[Block, ...]] | None = None) -> tuple[str, ...]:
    """The keys of the citations in Markdown `text`, in reading order and each once: those that
    `citations_in(parse_markdown(text, "", 0, None, known))` finds, read from markdown-it's
    tokens without building the blocks (a report's regions are tokenised once, then built once,
    for the report), or from the blocks `known` gives a region. Every piece's tokens are kept,
    with its keys: the texts read here recur, in each composition of a report and in each
    report of a batch (a section, an answer, a chronology entry)."""
    keys: dict[str, None] = {}
    for _start, piece, recurs in _pieces(text):
        region = _known_region(piece, known, 1) if recurs and known else None
        keys.update(dict.fromkeys(_tokenised(piece, True).keys() if region is None else
                                  (item.key for citation in citations_in(region.blocks)
                                   for item in citation.items)))
    return tuple(keys)


def _split_paragraphs(content: tuple) -> list[tuple]:
    """One paragraph's inlines, split where case text had a blank line."""
    pieces: list[list] = [[]]
    for item in content:
        if isinstance(item, _ParagraphBreak):
            pieces.append([])
        else:
            pieces[-1].append(item)
    return [tuple(piece) for piece in pieces if piece or len(pieces) == 1]
