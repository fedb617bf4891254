"""Names for the anonymity tests: several scripts and naming traditions, the spellings a name
takes in real case files, and an independent way to find a name in what a report shows.

The finder here does not use reportkit's: it folds with the standard library and its own small
tables of the letters and look-alikes that these tests write, so that a fault in reportkit's
search cannot hide itself."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Words that are part of many names but identify no one alone ("de la", "bin", "Al-"): never
# searched alone when inside a name (the README says so; the list is data that users can edit).
PARTICLES = {line.strip() for line in (Path(__file__).parent.parent / "reportkit" / "data" /
                                       "name-particles.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")}

# Each tradition: the pools a name is drawn from, in the order the name is written.
TRADITIONS: dict[str, list[list[str]]] = {
    # Quechua and Aymara given and family names, with the Spanish double surname.
    "andean": [["Rosa", "Juana", "Wilber", "Yupanqui", "Sumaq", "Illari"],
               ["Quispe", "Mamani", "Huamaní", "Condori", "Ccori", "Apaza", "Choque"],
               ["Huanca", "Ticona", "Ayñayanqui", "Cusi", "Pari", "Colque"]],
    "spanish": [["María", "José", "Begoña", "Íñigo", "Ramón"], ["Núñez", "Peña", "Ibáñez", "Echeverría"],
                ["Gutiérrez", "Muñoz", "Ordóñez"]],
    "vietnamese": [["Nguyễn", "Trần", "Phạm", "Hoàng", "Đặng"], ["Văn", "Thị", "Đức"],
                   ["Hương", "Thảo", "Dũng", "Quỳnh", "Ánh"]],
    "polish": [["Łukasz", "Małgorzata", "Wojciech", "Żaneta"],
               ["Łukaszewski", "Wąsowska", "Żółkiewski", "Przybyłek"]],
    "turkish": [["Yıldız", "Işıl", "Çağrı", "Gülşen", "İlkay"], ["Çelik", "Yılmaz", "Öztürk", "Şahin", "Doğan"]],
    "german": [["Jürgen", "Jörg", "Käthe", "Günther"], ["Straßer", "Großmann", "Weiß", "Müller"]],
    "arabic": [["Khalid", "Fatima", "Yusuf", "Aisha"], ["bin", "ibn"], ["Abdelaziz", "Haddad", "Qasim"],
               ["Al-Hashimi", "Mansour", "Al-Shami"]],
    "balkan-nordic": [["Đorđe", "Søren", "Åsa"], ["Đukić", "Ødegård", "Lindstrøm"]],
    # Names that are ordinary English words, or words every DOCX holds (w:val, w:lang, theme
    # script codes), or words the templates print.
    "common-words": [["Will", "Grace", "Hope", "Justice", "Val", "Hang", "Rose"],
                     ["Page", "Law", "Lang", "Thai", "Court", "Report"]],
}

# Letters without a Unicode decomposition, both ways.
NO_DECOMPOSITION = {"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss",
                    "ı": "i", "æ": "ae", "Æ": "AE"}
DECORATE = {"d": "đ", "D": "Đ", "l": "ł", "L": "Ł", "o": "ø", "O": "Ø", "i": "ı", "ss": "ß",
            "a": "á", "e": "é", "u": "ü", "n": "ñ", "c": "ç", "s": "ş"}
# Latin letters and the Cyrillic or Greek letters that look like them.
LOOK_ALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і", "x": "х", "y": "у",
               "A": "А", "B": "В", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "Ο", "P": "Р",
               "T": "Т", "X": "Χ", "C": "С", "I": "І", "N": "Ν"}
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u2060", "\ufeff"]
_BACK = {look: latin for latin, look in LOOK_ALIKES.items()}


def strip_accents(text: str) -> str:
    text = "".join(NO_DECOMPOSITION.get(char, char) for char in text)
    return "".join(char for char in unicodedata.normalize("NFD", text)
                   if unicodedata.category(char) != "Mn")


class _Visible(dict):
    """Character -> what a reader sees, as ASCII, worked out once per character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            folded = ""
        else:
            folded = strip_accents("".join(_BACK.get(item, item)
                                           for item in unicodedata.normalize("NFKC", char)))
        self[code] = folded
        return folded


_VISIBLE = _Visible()


def visible_fold(text: str) -> str:
    """What a reader sees, as ASCII with case kept: no format characters, compatibility forms
    and look-alikes folded, accents and letters without decomposition stripped."""
    return text if text.isascii() else text.translate(_VISIBLE)


def searched_forms(name: str) -> list[str]:
    """Each part of `name` (two letters or more, not a particle inside the name), and each two
    parts joined, folded and lower case."""
    words = re.findall(r"[a-z]+", visible_fold(name).lower())
    parts = [word for index, word in enumerate(words)
             if len(word) >= 2 and (index in (0, len(words) - 1) or word not in PARTICLES)]
    joined = [a + b for a in parts for b in parts if a != b]
    return list(dict.fromkeys(parts + joined))


def count(form: str, text: str) -> int:
    """How often `form` stands as a word in `text` as a reader sees it."""
    return counts_in(text, [form])[form]


def counts_in(text: str, forms: list[str]) -> dict[str, int]:
    """How often each form stands as a word in `text` as a reader sees it. A word ends at
    anything that is not a letter, and where a lower-case letter is followed by a capital."""
    cased = visible_fold(text)
    lower = cased.lower()

    def boundary(position: int) -> bool:
        return (position in (0, len(lower)) or not lower[position - 1].isalpha()
                or not lower[position].isalpha()
                or (cased[position - 1].islower() and cased[position].isupper()))

    found = {}
    for form in forms:
        found[form] = 0 if form not in lower else sum(1 for match in re.finditer(f"(?={re.escape(form)})", lower)
                          if boundary(match.start()) and boundary(match.start() + len(form)))
    return found
