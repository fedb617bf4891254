"""Replace protected names with initials, matching without regard to case or accents."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents, one character for one, so positions still match."""
    folded = []
    for char in text:
        base = unicodedata.normalize("NFD", char)[0].lower()
        folded.append(base if len(base) == 1 else char)
    return "".join(folded)


def initials(name: str) -> str:
    return "".join(f"{part[0].upper()}." for part in re.findall(r"\w+", name) if part)


# Particles that are part of many names but identify no one on their own.
PARTICLES = {"de", "del", "della", "la", "las", "los", "le", "y", "e", "da", "das", "do", "dos",
             "van", "von", "der", "den", "al", "el", "bin", "ben", "ibn", "mac", "st"}


def name_parts(name: str) -> list[str]:
    return [part for part in re.findall(r"\w+", fold(name))
            if len(part) >= 2 and part not in PARTICLES]


class Anonymiser:
    """Scrubs every part of each protected name from a text, leaving the person's initials."""

    def __init__(self, names: list[str]):
        self.replacements: list[tuple[re.Pattern, str]] = []
        for name in sorted(names, key=len, reverse=True):
            parts = name_parts(name)
            if not parts:
                continue
            whole = r"\W+".join(re.escape(word) for word in re.findall(r"\w+", fold(name)))
            # The whole name first, then each part on its own.
            alternatives = [whole] + sorted({re.escape(part) for part in parts}, key=len, reverse=True)
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
            self.replacements.append((pattern, initials(name)))

    def scrub(self, text: str) -> str:
        for pattern, replacement in self.replacements:
            folded = fold(text)
            pieces, last = [], 0
            for match in pattern.finditer(folded):
                pieces.append(text[last:match.start()])
                pieces.append(replacement)
                last = match.end()
            if pieces:
                pieces.append(text[last:])
                text = "".join(pieces)
        return text

    def leaks(self, text: str) -> list[str]:
        """Name parts still present in `text` (for checking finished output)."""
        folded = fold(text)
        return sorted({match.group() for pattern, _ in self.replacements
                       for match in pattern.finditer(folded)})
