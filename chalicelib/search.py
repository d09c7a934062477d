"""Finding people by name at the desk: text normalisation and word matching. Pure.

Names are matched case- and accent-insensitively against the starts of their
words: "sit" finds "Siti", "do thi" finds "Đỗ Thị Hương". Every word of the
query must start some word of the name or organisation.
"""

from __future__ import annotations

import re
import unicodedata

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
_WORD = re.compile(r"[^\W_]+")
# The shortest query word the index can look up; shorter words only filter.
MIN_LOOKUP = 2
# Words indexed per registration: plenty for a 200-character name and
# organisation, and it keeps the registration inside one transaction.
MAX_INDEXED_WORDS = 40


def normalise(text: str) -> str:
    """Case-folded, without accents or marks: "Đỗ Thị" -> "do thi"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.translate(_FOLDS)


def words(*texts: str) -> list[str]:
    """The distinct normalised words of some texts, in order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(normalise(text)):
            seen.setdefault(word, None)
    return [word for word in seen if word][:MAX_INDEXED_WORDS]


def indexed_words(*texts: str) -> list[str]:
    """The words a registration is found by: those a lookup can start from."""
    return [word for word in words(*texts) if len(word) >= MIN_LOOKUP]


def lookup_word(query_words: list[str]) -> str | None:
    """The query word to look up in the index, the likeliest to be selective.

    The longest; between equals the later one, as people type a given name
    first and then what sets the person apart.
    """
    candidates = [(len(word), index, word) for index, word in enumerate(query_words)]
    usable = [candidate for candidate in candidates if candidate[0] >= MIN_LOOKUP]
    return max(usable)[2] if usable else None


def matches(query_words: list[str], attendee_words: list[str]) -> bool:
    return all(any(word.startswith(q) for word in attendee_words) for q in query_words)


def first_match(lookup: str, attendee_words: list[str]) -> str | None:
    """The attendee's first indexed word, in sort order, that `lookup` starts.

    An attendee with several such words ("Siti Sitompul" for "sit") has an index
    entry under each; only the entry under this word counts, so that each
    person is listed once however the results are paged.
    """
    starts = sorted(
        word for word in attendee_words if len(word) >= MIN_LOOKUP and word.startswith(lookup)
    )
    return starts[0] if starts else None
