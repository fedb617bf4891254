"""markdown-it-py rules for reportkit's extensions: citations, placeholders, inline notes, fenced
divs."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

# pandoc's citation syntax (pandoc's manual, "Citation syntax"). A key starts with a letter, digit
# or "_" and may hold single internal punctuation (`:.#$%&-+?<>~/`); "@Foo_bar.baz." is the key
# "Foo_bar.baz" and "@Foo_bar--baz" the key "Foo_bar". `@{...}` holds any other key.
_KEY = r"(?:\{(?P<braced>[^{}]+)\}|(?P<bare>\w+(?:[:.#$%&\-+?<>~/]\w+)*))"
_ITEM = re.compile(rf"^\s*(?P<prefix>[^@;\]]*?)\s*(?P<minus>-?)@{_KEY}(?P<rest>.*)$", re.S)
_IN_TEXT = re.compile(rf"@{_KEY}")
PLACEHOLDER_PREFIX = "[EXPERT TO COMPLETE"


def _item(key: str, rest: str, prefix: str, mode: str) -> dict:
    """An item's key, and what follows it: after a comma, the locator ("p. 3"); otherwise a
    suffix printed as written ("." in `[@key.]`)."""
    rest = rest.strip()
    locator, suffix = (rest[1:].strip(), "") if rest.startswith(",") else ("", rest)
    return {"key": key, "locator": locator, "prefix": prefix.strip(), "suffix": suffix,
            "mode": mode}


def parse_citation_body(body: str) -> list[dict] | None:
    """The items of a bracketed citation, or None if `body` is not one."""
    items = []
    for part in body.split(";"):
        match = _ITEM.match(part)
        if not match:
            return None
        key = match.group("braced") or match.group("bare")
        items.append(_item(key, match.group("rest"), match.group("prefix"),
                           "suppress-author" if match.group("minus") else "normal"))
    return items


def _bracket_end(src: str, start: int, end: int) -> int:
    """Index of the ']' that closes the '[' at `start`, or -1 (no nesting allowed)."""
    position = start + 1
    while position < end:
        char = src[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            return -1
        if char == "]":
            return position
        position += 1
    return -1


def citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    close = _bracket_end(state.src, state.pos, state.posMax)
    if close < 0:
        return False
    body = state.src[state.pos + 1:close]
    if "@" not in body or (close + 1 < state.posMax and state.src[close + 1] in "(["):
        return False
    items = parse_citation_body(body)
    if items is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": items}
        token.content = body
    state.pos = close + 1
    return True


def in_text_citation_rule(state: StateInline, silent: bool) -> bool:
    """`@key says` and `@key [p. 3] says`: an author-in-text citation. An "@" inside a word (an
    e-mail address) is not one."""
    start = state.pos
    if state.src[start] != "@" or (start and (state.src[start - 1].isalnum()
                                              or state.src[start - 1] in "_-")):
        return False
    match = _IN_TEXT.match(state.src, start, state.posMax)
    if not match:
        return False
    end = match.end()
    rest = ""
    after = state.src[end:end + 2]
    if after.startswith(" [") or after.startswith("["):
        opening = end + (1 if after.startswith(" ") else 0)
        close = _bracket_end(state.src, opening, state.posMax)
        if close > 0 and "@" not in state.src[opening:close] and not (
                close + 1 < state.posMax and state.src[close + 1] in "(["):
            rest, end = ", " + state.src[opening + 1:close], close + 1
    if not silent:
        token = state.push("citation", "", 0)
        key = match.group("braced") or match.group("bare")
        token.meta = {"items": [_item(key, rest, "", "author-in-text")]}
        token.content = state.src[start:end]
    state.pos = end
    return True


def placeholder_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith(PLACEHOLDER_PREFIX, state.pos):
        return False
    close = _bracket_end(state.src, state.pos, state.posMax)
    if close < 0:
        return False
    if not silent:
        token = state.push("placeholder", "", 0)
        token.content = state.src[state.pos:close + 1]
    state.pos = close + 1
    return True


def inline_note_rule(state: StateInline, silent: bool) -> bool:
    """pandoc's inline note, `^[text of the note]`: a footnote written where it belongs."""
    start = state.pos
    if not state.src.startswith("^[", start):
        return False
    end = parseLinkLabel(state, start + 1)
    if end < 0:
        return False
    if not silent:
        children: list[Token] = []
        state.md.inline.parse(state.src[start + 2:end], state.md, state.env, children)
        token = state.push("inline_note", "", 0)
        token.children = children
        token.content = state.src[start + 2:end]
    state.pos = end + 1
    return True


def make_parser() -> MarkdownIt:
    """CommonMark, no raw HTML, plus tables, fenced divs, citations, placeholders and notes."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    container_plugin(parser, "div", validate=lambda params, *args: params.strip().startswith("{"))
    parser.inline.ruler.before("link", "placeholder", placeholder_rule)
    parser.inline.ruler.before("link", "citation", citation_rule)
    parser.inline.ruler.before("link", "inline_note", inline_note_rule)
    parser.inline.ruler.before("link", "in_text_citation", in_text_citation_rule)
    return parser


_ATTRIBUTE = re.compile(r'\.(?P<cls>[\w-]+)|(?P<key>[\w-]+)="(?P<value>[^"]*)"')


def parse_div_attributes(info: str) -> tuple[set[str], dict[str, str]]:
    """`{.toc}` or `{custom-style="Declaration"}` into classes and key/values."""
    inner = info.strip().removeprefix("{").removesuffix("}")
    classes, values = set(), {}
    for match in _ATTRIBUTE.finditer(inner):
        if match.group("cls"):
            classes.add(match.group("cls"))
        else:
            values[match.group("key")] = match.group("value")
    return classes, values
