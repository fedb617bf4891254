"""Anonymity: the one definition of "a protected name appears", for scrubbing and for refusing.

A text is compared with a name on what a reader sees, not on its code points. Each character is
folded on its own, so that a match maps back to the characters it came from:

1. NFKC normalisation (fullwidth letters, ligatures, compatibility forms);
2. format characters (Unicode category Cf: soft hyphen, zero-width space and joiner, bidi marks)
   are dropped;
3. either transliteration to ASCII (anyascii: Đ→D, Ł→L, ø→o, ß→ss, ı→i, Cyrillic and Greek by
   sound) or, in a second pass, look-alike folding from Unicode's confusables data (Cyrillic р→p,
   Greek Ρ→P) before transliterating the rest;
4. lower case.

A name part matches where it starts and ends at a boundary: the start or end of the text, any
character that is not a letter (space, punctuation, `_`, a digit), or a change from a lower-case
to an upper-case letter (`NameSurname`, `Surname2023`, `Statement_of_Name.pdf`). Markdown text is
searched once more with emphasis and code marks, backslashes and `_` taken as invisible and
entities decoded, so that `Hua*maní*` and `Hua&shy;maní` are found too.

What is searched where:
- in text from the case (every field, and each value a template prints as it is — see
  `render.CaseText` —, the case's own sections, file names): every part of each protected name,
  alone or joined to another;
- in all other text (library sections and sources, templates, metadata, the provenance record):
  the full name and any two of its parts in the name's order (`Rosa Quispe`, `Quispe Mamani`),
  next to each other or joined. One part alone there is a shared given name or an ordinary word
  (`Rosa`, `Law`, `Page`) and identifies no one.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from reportkit.errors import ReportkitError

CASE = "case"        # text that came from the case file: every name part is searched
LIBRARY = "library"  # library text: as SHARED, and the surname alone when the case gives it
SHARED = "shared"    # any other text: the full name and any two parts in sequence

_LETTER = re.compile("[a-z]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKDOWN_INVISIBLE = set("*`~\\_")


# ---------------------------------------------------------------- folding


@functools.cache
def _particles() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "name-particles.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def _look_alikes() -> dict[str, str]:
    """Each non-ASCII character that Unicode's confusables data says looks like one ASCII letter."""
    import confusable_homoglyphs.confusables as data

    table = json.loads(Path(data.__file__).with_name("confusables.json").read_text(encoding="utf-8"))
    letters = {}
    for char, glyphs in table.items():
        if len(char) == 1 and not char.isascii():
            for glyph in glyphs:
                if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha():
                    letters[char] = glyph["c"]
                    break
    return letters


@functools.lru_cache(maxsize=65536)
def _fold_char(char: str, look_alike: bool) -> str:
    """One character as ASCII, case kept (for the case-change boundary)."""
    from anyascii import anyascii

    if char.isascii():
        return char
    pieces = []
    for item in unicodedata.normalize("NFKC", char):
        if unicodedata.category(item) == "Cf":
            continue
        if look_alike and item in _look_alikes():
            pieces.append(_look_alikes()[item])
        else:
            pieces.append(anyascii(item))
    return "".join(pieces)


@dataclass(frozen=True)
class _View:
    """A text folded for matching, with each folded character's span in the original."""

    text: str                 # ASCII, lower case
    starts: Sequence[int]     # original start of each folded character
    ends: Sequence[int]       # original end of each folded character
    breaks: frozenset[int]    # folded positions with a lower→upper change just before

    def boundary(self, position: int) -> bool:
        if position <= 0 or position >= len(self.text):
            return True
        return (not self.text[position - 1].isalpha() or not self.text[position].isalpha()
                or position in self.breaks)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _view(text: str, look_alike: bool, markdown: bool) -> _View:
    if text.isascii() and not markdown:  # most text: one character for one
        return _View(text.lower(), range(len(text)), range(1, len(text) + 1), _breaks(text))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index = 0
    while index < len(text):
        char, end = text[index], index + 1
        if markdown and char in _MARKDOWN_INVISIBLE:
            index = end
            continue
        if markdown and char == "&":
            entity = _ENTITY.match(text, index)
            if entity:
                char, end = html.unescape(entity.group()), entity.end()
        folded = "".join(_fold_char(item, look_alike) for item in char)
        chars.append(folded)
        starts.extend([index] * len(folded))
        ends.extend([end] * len(folded))
        index = end
    cased = "".join(chars)
    return _View(cased.lower(), starts, ends, _breaks(cased))


_CASE_CHANGE = re.compile("(?<=[a-z])(?=[A-Z])")


def _breaks(cased: str) -> frozenset[int]:
    return frozenset(match.start() for match in _CASE_CHANGE.finditer(cased))


_MARKUP = re.compile(r"[*`~\\_&]")


def _views(text: str, markdown: bool) -> Iterator[_View]:
    markdown = markdown and _MARKUP.search(text) is not None  # else the same as the plain view
    for look_alike in ((False,) if text.isascii() else (False, True)):
        yield _view(text, look_alike, False)
        if markdown:
            yield _view(text, look_alike, True)


def folded(text: str, markdown: bool = False) -> str:
    """`text` as names are compared in it (transliterated, lower case, format characters gone)."""
    return _view(text, False, markdown).text


def fold(text: str) -> str:
    """Lower-case and strip accents, one character for one (for wording checks, not names)."""
    folded = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0].lower()
        folded.append(base if len(base) == 1 else char)
    return "".join(folded)


# ---------------------------------------------------------------- names


def initials(name: str) -> str:
    return "".join(f"{part[0].upper()}." for part in re.findall(r"\w+", name) if part)


def name_parts(name: str, look_alike: bool = False) -> list[str]:
    """The searchable parts of a name, folded, in order: particles inside a name (`de la`) and
    one-letter parts left out."""
    words = re.findall("[a-z]+", _view(name, look_alike, False).text)
    last = len(words) - 1
    return [word for index, word in enumerate(words)
            if len(word) >= 2 and (index in (0, last) or word not in _particles())]


def _separator(first: str, second: str, joined: bool) -> str:
    """What may stand between two parts of a name in a text: punctuation, spaces, digits, `_`,
    particles; or nothing (`joined`; in shared text only when both parts are long enough not to
    make an ordinary word together, as `an` + `na` would)."""
    particles = "|".join(sorted(_particles(), key=len, reverse=True))
    gap = rf"[^a-z]{{1,4}}(?:(?:{particles})[^a-z]{{1,4}})*"
    return f"(?:{gap})?" if joined or min(len(first), len(second)) >= 4 else gap


@dataclass(frozen=True)
class Match:
    start: int        # in the original text
    end: int
    name: int         # index of the protected name


def _sequence(first: str, second: str, joined: bool = False) -> re.Pattern:
    separator = _separator(first, second, joined)
    return re.compile(f"(?=({re.escape(first)}{separator}{re.escape(second)}))")


class ProtectedName:
    def __init__(self, name: str, surname: str | None = None):
        self.name = name
        self.initials = initials(name)
        # As it sounds and as it looks: the two differ for a name in Cyrillic or Greek letters.
        spellings = list(dict.fromkeys(tuple(name_parts(name, look_alike)) for look_alike in (False, True)))
        self.parts = list(dict.fromkeys(part for parts in spellings for part in parts))
        self.singles = [re.compile(f"(?=({re.escape(part)}))") for part in self.parts]
        pairs = {(parts[i], parts[j]) for parts in spellings for i in range(len(parts))
                 for j in range(i + 1, len(parts)) if parts[i] != parts[j]}
        self.sequences = [_sequence(a, b) for a, b in sorted(pairs)]
        # In case text, also the other way round ("QuispeRosa", "Mamani, Rosa").
        self.case_sequences = [_sequence(a, b, True) for a, b in sorted(pairs)]
        self.case_sequences += [_sequence(b, a, True) for a, b in sorted(pairs)]
        if all(len(parts) == 1 for parts in spellings):  # a one-word name is its full name
            self.sequences = list(self.singles)
        surnames = {part for look_alike in (False, True)
                    for part in name_parts(surname or "", look_alike)}
        self.library_patterns = self.sequences + [
            single for part, single in zip(self.parts, self.singles) if part in surnames]


class Anonymiser:
    """Finds and scrubs protected names (the applicant's first), leaving the person's initials."""

    def __init__(self, names: list[str], allowed: Iterable[str] = (),
                 surname: str | None = None):
        """`surname`, the first name's (the applicant's) family name(s), is searched alone in
        library text too."""
        self.names = [ProtectedName(name, surname if index == 0 else None)
                      for index, name in enumerate(names) if name_parts(name)]
        # Library text the case confirms is about someone else (`anonymity_allow`).
        self.allowed = [text for text in allowed if text.strip()]

    def find(self, text: str, scope: str = CASE, markdown: bool = False,
             allowed: list[str] | None = None) -> list[Match]:
        """Each stretch of `text` where a protected name appears, merged, in text order. In
        shared and library text, `allowed` (default: every confirmed text) is not a match."""
        found: list[Match] = []
        for view in _views(text, markdown):
            allowed_spans = self._allowed_spans(view, allowed) if scope != CASE else []
            for index, name in enumerate(self.names):
                patterns = {CASE: name.case_sequences + name.singles, SHARED: name.sequences,
                            LIBRARY: name.library_patterns}[scope]
                for pattern in patterns:
                    for hit in pattern.finditer(view.text):
                        start, end = hit.start(1), hit.end(1)
                        if not (view.boundary(start) and view.boundary(end)):
                            continue
                        if any(low <= start and end <= high for low, high in allowed_spans):
                            continue
                        found.append(Match(*view.span(start, end), index))
        return _merge(found)

    def _allowed_spans(self, view: _View, allowed: list[str] | None) -> list[tuple[int, int]]:
        spans = []
        for text in self.allowed if allowed is None else allowed:
            folded = _view(text, False, False).text.strip()
            for hit in re.finditer(re.escape(folded), view.text):
                spans.append((hit.start(), hit.end()))
        return spans

    def scrub(self, text: str, markdown: bool = False, dotted: bool = True) -> str:
        """Case text with every protected name replaced by the person's initials."""
        pieces, last = [], 0
        for match in self.find(text, CASE, markdown):
            replacement = self.names[match.name].initials
            if not dotted:
                replacement = replacement.replace(".", "")
            elif text[match.end:match.end + 1] == "@" or text[match.end:match.end + 1].isalnum():
                # `rosa.quispe@example.org` → `R.Q@example.org`: an "@" after a full stop would
                # start a citation, after a letter it stays part of the address.
                replacement = replacement.rstrip(".")
            pieces += [text[last:match.start], replacement]
            last = match.end
        return "".join(pieces) + text[last:]


def _merge(matches: list[Match]) -> list[Match]:
    merged: list[Match] = []
    for match in sorted(matches, key=lambda item: (item.start, -item.end)):
        if merged and match.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Match(last.start, max(last.end, match.end), last.name)
        else:
            merged.append(match)
    return merged


def mask(text: str, matches: list[Match]) -> str:
    """`text` with each matched letter shown as •, so a message can say what matched."""
    chars = list(text)
    for match in matches:
        for position in range(match.start, match.end):
            if chars[position].isalnum():
                chars[position] = "•"
    return "".join(chars)


@contextlib.contextmanager
def names_hidden(anonymiser: "Anonymiser | Callable[[], Anonymiser | None] | None"):
    """Within it, an error of an anonymised build shows every protected name masked, in its
    messages, hints and file names alike: case text can reach a message (an unknown citation
    key written as `@NameSurname90`), and no message of such a build may show the name.
    `anonymiser` may be a function that finds it, called only if there is an error."""
    try:
        yield
    except ReportkitError as error:
        if callable(anonymiser):
            anonymiser = anonymiser()
        if anonymiser is None:
            raise
        raise ReportkitError.from_problems(names_masked(error.problems, anonymiser)) from None


def names_masked(items: list, anonymiser: "Anonymiser | None") -> list:
    """Problems or findings with every protected name masked in their file names and words."""
    if anonymiser is None:
        return items
    return [replace(item, path=masked(anonymiser, item.path), message=masked(anonymiser, item.message),
                    hint=masked(anonymiser, item.hint)) for item in items]


def masked(anonymiser: "Anonymiser | None", value):
    """`value` (text or a path) with every protected name masked, for a message."""
    if value is None or anonymiser is None:
        return value
    found = anonymiser.find(str(value))
    return mask(str(value), found) if found else value
