"""Greeting names: what the kiosk and the badge call a person (API.md section 1).

A person may choose their `display_name`; without one it is the first word of
their `name` that is not a title, an honorific or an initial. Indonesian names
carry many of those, before and after the name:

- academic and professional titles: Prof. Dr. Ir. ... , S.H., M.Sc., and
  degrees after a comma ("Siti Aminah, S.H., M.Kn." is "Siti");
- religious honorifics (H., Hj., K.H., Ustadz, Habib, Romo, ...) and forms of
  address (Bapak, Ibu, Pak, Bu, Mas, Mbak, Sdr., ...);
- Balinese prefixes (I, Ni, Gusti, Ida Bagus, Anak Agung, Cokorda, Dewa,
  Desak) and birth-order names (Wayan, Putu, Gede, Made, Kadek, Nengah,
  Nyoman, Komang, Ketut): "I Gusti Ayu Putu Mahendra" is "Mahendra";
- Acehnese, Javanese, Bugis, Makassar, Buton and Malay noble titles (Teuku,
  Cut, Raden, R.A., Raden Mas, Gusti Kanjeng, Tengku, Andi, Daeng, La Ode,
  Datuk, ...).

A word with a dot in it is an abbreviation (a title or an initial), and so is a
lone letter. Some words are titles only after another: "Ayu" and "Bagus" after
a Balinese or Javanese title ("Gusti Ayu", "Ida Bagus", "Raden Ayu") but a
given name at the start ("Ayu Utami"); "Ida" only as "Ida Bagus" or "Ida Ayu"
("Ida Fauziah" is "Ida"); "Agung" only after "Anak". A name made of nothing
else keeps its last word, without dots ("I Made" is "Made", "Putu" is "Putu").
The person's own capitalisation is kept. Pure: no I/O.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.core.domain import Attendee

MAX_DISPLAY_NAME = 40

# Families of titles: a word that is a title only after one of its own family.
_BALINESE = "balinese"
_JAVANESE = "javanese"
_ACEHNESE = "acehnese"
_ANY = "any"

# Words (compared without dots, case-insensitively) that are titles wherever
# they stand before the name, with the family whose followers they allow.
_TITLES: dict[str, str] = {}


def _add(family: str, *words: str) -> None:
    for word in words:
        _TITLES[word.casefold()] = family


# Academic, professional, military and police titles (their dotted forms are
# abbreviations anyway; these are the forms people write without the dot).
_add(_ANY, "prof", "dr", "drg", "drh", "ir", "drs", "dra", "apt", "ns", "bd", "hon")
_add(_ANY, "jenderal", "letjen", "mayjen", "brigjen", "kolonel", "letkol", "kapten")
_add(_ANY, "lettu", "letda", "kombes", "akbp", "kompol", "akp", "iptu", "ipda", "aiptu")
_add(_ANY, "bripka", "brigadir", "laksma", "marsma", "laksdya", "marsdya")
# Religious honorifics.
_add(_ANY, "h", "hj", "haji", "hajjah", "hajah", "kh", "kyai", "kiai", "nyai", "ustadz", "ustad")
_add(_ANY, "ustaz", "ustadzah", "ustazah", "habib", "habibah", "syekh", "syaikh", "sheikh")
_add(_ANY, "pdt", "pendeta", "romo", "pastor", "pater", "suster", "bhikkhu", "bhikkhuni")
_add(_ANY, "bhiksu", "bhiksuni", "biksu", "biksuni", "mgr", "uskup", "pandita")
# Forms of address, Indonesian and English.
_add(_ANY, "bapak", "bpk", "pak", "ibu", "bu", "mas", "mbak", "sdr", "sdri", "saudara")
_add(_ANY, "saudari", "tn", "tuan", "ny", "nyonya", "nn", "nona", "kak", "bang", "abang")
_add(_ANY, "mr", "mrs", "ms", "miss", "mx", "sir", "madam", "dame")
# Balinese prefixes and birth-order names.
_add(_BALINESE, "i", "ni", "luh", "gusti", "gst", "cokorda", "cokorde", "tjokorda")
_add(_BALINESE, "tjokorde", "cok", "dewa", "desak", "ngakan")
_BIRTH_ORDER = frozenset(
    {"wayan", "putu", "gede", "made", "kadek", "nengah", "nyoman", "komang", "ketut"}
    | {"kompyang", "kompiang"}
)
_add(_BALINESE, *sorted(_BIRTH_ORDER))
# Balinese abbreviations: A.A. (Anak Agung), I.G.A. (I Gusti Ayu), I.B. (Ida Bagus), ...
_add(_BALINESE, "aa", "ig", "iga", "igst", "ign", "igng", "ib", "ia", "idb", "nl")
# Javanese and Sundanese aristocracy.
_add(_JAVANESE, "raden", "r", "ra", "rm", "ray", "rr", "rngt", "rng", "kanjeng", "pangeran")
_add(_JAVANESE, "bendara", "gkr", "gpbh", "kgph", "kph", "krt", "kpa", "rt", "rd")
# Acehnese, Malay, Minang, Bugis, Makassar titles.
_add(_ACEHNESE, "teuku", "cut", "pocut", "tengku", "teungku", "tuanku", "t")
_add(_ANY, "datuk", "datu", "dato", "datok", "sutan", "andi", "daeng", "karaeng", "opu")
_add(_ANY, "puang")

# Words that are titles only right after a title of their family (or of any
# family, for those listed under _ANY): "Ida Bagus", "Gusti Ayu", "Raden Mas".
_FOLLOWERS: dict[str, frozenset[str]] = {
    _BALINESE: frozenset({"ayu", "bagus", "agung", "ngurah", "luh", "ratu"}),
    _JAVANESE: frozenset(
        {"mas", "ajeng", "ayu", "roro", "rara", "nganten", "ngabehi", "bagus", "panji"}
        | {"ratu", "kanjeng", "pangeran", "haryo", "harya", "tumenggung", "gusti", "raden"}
    ),
    _ACEHNESE: frozenset({"nyak"}),
}

# Words that may be the name a person is called by when nothing else is left:
# birth-order names, and the words that are titles only after another ("I Gusti
# Ngurah Bagus" is "Bagus"), unless they are titles anywhere.
_GIVEN_ALONE = _BIRTH_ORDER | (frozenset().union(*_FOLLOWERS.values()) - _TITLES.keys())

# Pairs of words that are a title together, each a given name alone.
_PAIRS = {
    ("ida", "bagus"): _BALINESE,
    ("ida", "ayu"): _BALINESE,
    ("ida", "ratu"): _BALINESE,
    ("ida", "pedanda"): _BALINESE,
    ("anak", "agung"): _BALINESE,
    ("la", "ode"): _ANY,
    ("wa", "ode"): _ANY,
}

# Degrees written after the name without dots (SH, MBA, PhD): matched in their
# own capitalisation or in capitals, so that "Ma" (a surname) is not "MA".
_DEGREES = {
    "SH", "SE", "ST", "SP", "SIP", "SKM", "SAg", "SKom", "SPd", "SSos", "SHut", "SPt", "SKed",
    "SFarm", "SPsi", "SSi", "SS", "SIKom", "SAk", "SKep", "SGz", "MA", "MM", "MT", "MH", "MSi",
    "MSc", "MPd", "MKes", "MKn", "MHum", "MAg", "MKom", "MBA", "MPA", "MPH", "MPP", "MD",
    "LLM", "PhD", "DPhil", "BA", "BSc", "MEng", "MPhil", "SpOG", "SpPD", "SpA", "SpB",
}  # fmt: skip
_DEGREE_KEYS = _DEGREES | {degree.upper() for degree in _DEGREES}

# The second half of a dotted degree ("S.Kom", "M.Hum"): not a name after an initial.
_DEGREE_PARTS = {
    "kom", "sos", "hum", "ked", "kes", "farm", "psi", "hut", "stat", "ars", "fil", "mat",
    "ikom", "par", "eng", "phil", "pdi", "sei", "kep", "kesos", "pharm", "med", "agr", "msc",
}  # fmt: skip

# Round a word: quotes and brackets, and stray punctuation people type.
_STRIP = "\"'()[]{}<>“”‘’«»;:!?/\\|*&+-_~`"


def _key(word: str) -> str:
    return word.replace(".", "").casefold()


def _clean(word: str) -> str:
    return word.strip(_STRIP)


def _has_letters(word: str) -> bool:
    return any(unicodedata.category(char).startswith("L") for char in word)


def _is_initial(word: str) -> bool:
    """A lone Latin letter: "M", "A", Balinese "I"."""
    return len(word) == 1 and word.isalpha() and ord(word) < 0x250


def _after_dots(word: str) -> str | None:
    """The name in a word written without a space after its abbreviations:
    "M.Nasir" is "Nasir", "Dr.Siti" is "Siti"; "S.Kom" and "Ph.D" have none."""
    if word.endswith("."):
        return None
    *heads, tail = word.split(".")
    if not heads or len(tail) < 3 or not tail[0].isupper() or tail.casefold() in _DEGREE_PARTS:
        return None
    if not all(0 < len(head) <= 4 and head.isalpha() for head in heads):
        return None
    return tail


def _words(name: str) -> list[str]:
    """The words before the first comma (the degrees come after it), cleaned."""
    name = unicodedata.normalize("NFC", name)
    before, _, _ = name.partition(",")
    words = [_clean(word) for word in before.split()]
    words = [word for word in words if word and _has_letters(word)]
    if words:
        return words
    words = [_clean(word) for word in name.replace(",", " ").split()]
    return [word for word in words if word and _has_letters(word)]


def _fits(text: str) -> str:
    return text[:MAX_DISPLAY_NAME].strip()


def default_display_name(name: str) -> str:
    """The first word of `name` that is not a title, honorific or initial."""
    words = _words(name)
    family: str | None = None
    index = 0
    while index < len(words):
        word = words[index]
        key = _key(word)
        following = _key(words[index + 1]) if index + 1 < len(words) else None
        if following is not None and (key, following) in _PAIRS:
            family = _PAIRS[(key, following)]
            index += 2
            continue
        if family is not None and key in _FOLLOWERS.get(family, ()):
            index += 1
            continue
        if key in _TITLES:
            family = _TITLES[key]
            index += 1
            continue
        if "." in word:
            tail = _after_dots(word)
            if tail is not None:
                return _fits(tail)
            family = _TITLES.get(key, family)
            index += 1
            continue
        if _is_initial(word) or word in _DEGREE_KEYS:
            index += 1
            continue
        return _fits(word)
    if not words:
        return _fits(" ".join(name.split()))
    # Only titles and initials. A Balinese birth-order name is what such a person
    # is called ("I Made" is "Made", "Putu" is "Putu"); anything else (a title, a
    # form of address, a lone initial) is no greeting (issue 17: the kiosk greeted
    # "I!" and "Prof.!"), and the kiosk and the badge fall back to their own
    # welcome and the full name.
    last = words[-1].replace(".", "")
    return _fits(last) if _key(last) in _GIVEN_ALONE else ""


def greeting(attendee: Attendee) -> str:
    """What to greet a person by: their chosen display name, else the default of
    their name (records from before display names have none)."""
    return attendee.display_name or default_display_name(attendee.name)
