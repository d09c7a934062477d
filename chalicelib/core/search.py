"""Finding people by name at the desk: text normalisation and word matching. Pure.

Names are matched case- and accent-insensitively against the starts of their
words: "sit" finds "Siti", "do thi" finds "Đỗ Thị Hương". Every word of the
query must start some word of the name or organisation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters that Unicode does not decompose into a base letter and a mark, but
# that people type without their stroke or ligature.
_FOLDS = str.maketrans(
    {
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "þ": "th",
    }
)
# Apostrophes inside a name ("Ma'ruf", "O'Brien") join it: the word is found
# both whole ("maruf") and by its parts ("ruf", "brien").
_APOSTROPHES = re.compile(r"['\u2019\u02bc\u02b9`]")
# The shortest query word looked up by the starts of words; a query of one
# letter alone finds that one-letter word whole, and in a longer query it only filters.
MIN_LOOKUP = 2
# Words indexed per registration: plenty for a 200-character name and
# organisation, and it keeps the registration inside one transaction.
MAX_INDEXED_WORDS = 40


def normalise(text: str) -> str:
    """Case-folded, without accents or marks: "Đỗ Thị" -> "do thi"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.translate(_FOLDS)


def _is_word_char(char: str) -> bool:
    # Letters, digits and marks: the vowel signs of Devanagari, Thai and other
    # scripts are marks, and a word must not be cut at them.
    return unicodedata.category(char)[0] in "LNM"


def _tokens(text: str) -> list[str]:
    tokens, current = [], []
    for char in text:
        if _is_word_char(char):
            current.append(char)
        elif current:
            tokens.append("".join(current))
            current = []
    if current:
        tokens.append("".join(current))
    return tokens


def words(*texts: str) -> list[str]:
    """The distinct normalised words of some texts, in order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for chunk in normalise(text).split():
            parts = _tokens(chunk)
            joined = _tokens(_APOSTROPHES.sub("", chunk))
            for word in [*joined, *parts]:
                seen.setdefault(word, None)
    return list(seen)[:MAX_INDEXED_WORDS]


@dataclass(frozen=True)
class SearchTerms:
    """What a registration is found by."""

    words: list[str]  # every word, for matching every word of a query
    indexed: list[str]  # those a lookup can start from: an index entry each


def search_terms(*texts: str) -> SearchTerms:
    # One-letter words too ("I Made", "Lee Y"): a query of that one letter finds them whole.
    every = words(*texts)
    return SearchTerms(words=every, indexed=list(every))


def sort_key(name: str) -> str:
    """A name's place in an alphabetical list: "Budi" before "Budi Santoso".

    Every word in order, repeats kept: "Abdul Rahman bin Abdul Aziz" sorts
    before "Abdul Rahman bin Abdullah".
    """
    return " ".join(
        token for chunk in normalise(name).split() for token in _tokens(_APOSTROPHES.sub("", chunk))
    )


def lookup_word(query_words: list[str]) -> str | None:
    """The query word to look up in the index, the likeliest to be selective.

    The longest; between equals the later one, as people type a given name
    first and then what sets the person apart.
    """
    candidates = [(len(word), index, word) for index, word in enumerate(query_words)]
    usable = [candidate for candidate in candidates if candidate[0] >= MIN_LOOKUP]
    if not usable and len(query_words) == 1:
        return query_words[0]  # a query of one letter: that one-letter word, whole
    return max(usable)[2] if usable else None


def is_whole_word(lookup: str) -> bool:
    """A one-letter lookup finds only that one-letter word, never the words it starts."""
    return len(lookup) < MIN_LOOKUP


def matches(query_words: list[str], attendee_words: list[str]) -> bool:
    return all(any(word.startswith(q) for word in attendee_words) for q in query_words)


def first_match(lookup: str, attendee_words: list[str]) -> str | None:
    """The attendee's first indexed word, in sort order, that `lookup` starts.

    An attendee with several such words ("Siti Sitompul" for "sit") has an index
    entry under each; only the entry under this word counts, so that each
    person is listed once however the results are paged.
    """
    if is_whole_word(lookup):
        return lookup if lookup in attendee_words else None
    starts = sorted(
        word for word in attendee_words if len(word) >= MIN_LOOKUP and word.startswith(lookup)
    )
    return starts[0] if starts else None
