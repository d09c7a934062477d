"""Name matching for the desk: pure functions, no moto."""

from __future__ import annotations

import pytest

from chalicelib.search import (
    MAX_INDEXED_WORDS,
    first_match,
    indexed_words,
    lookup_word,
    matches,
    normalise,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đỗ Thị Hương", "do thi huong"),
        ("ĐỖ THỊ HƯƠNG", "do thi huong"),
        ("Søren Łukasz Æsir", "soren lukasz aesir"),
        ("Straße", "strasse"),
        ("ﬁkri", "fikri"),  # a ligature from a copy-paste
        ("محمد", "محمد"),  # scripts without case or marks stay as they are
        ("Дмитрий", "дмитрии"),  # й is и with a breve: folded like any accent
    ],
)
def test_normalise_folds_case_accents_and_strokes(text, expected):
    assert normalise(text) == expected


def test_words_split_on_anything_but_letters_and_digits():
    assert words("Ma'ruf Amin", "Anne-Marie_Dupont (WALHI)") == [
        "ma",
        "ruf",
        "amin",
        "anne",
        "marie",
        "dupont",
        "walhi",
    ]


def test_words_are_distinct_and_bounded():
    assert words("Budi Budi budi") == ["budi"]
    many = " ".join(f"w{index:03d}" for index in range(100))
    assert len(words(many)) == MAX_INDEXED_WORDS


def test_only_words_of_two_letters_or_more_are_indexed():
    assert indexed_words("A. Siti R", "YLBHI") == ["siti", "ylbhi"]


@pytest.mark.parametrize(
    ("query", "name", "found"),
    [
        ("sit", "Siti Rahmawati", True),
        ("ati", "Siti Rahmawati", False),  # word starts only
        ("huong", "Đỗ Thị Hương", True),
        ("do thi", "Đỗ Thị Hương", True),
        ("do thu", "Đỗ Thị Hương", False),  # every query word must match
        ("thi do", "Đỗ Thị Hương", True),  # in any order
        ("мит", "Дмитрий Иванов", False),
        ("дми", "Дмитрий Иванов", True),
    ],
)
def test_every_query_word_must_start_a_word(query, name, found):
    assert matches(words(query), words(name)) is found


def test_the_lookup_word_is_the_longest_then_the_latest():
    assert lookup_word(["do", "thi", "huong"]) == "huong"
    assert lookup_word(["budi", "0001"]) == "0001"
    assert lookup_word(["a", "b"]) is None


def test_a_person_is_counted_under_their_first_matching_word_only():
    attendee = words("Siti Sitompul")
    assert first_match("sit", attendee) == "siti"
    assert first_match("sito", attendee) == "sitompul"
    assert first_match("xy", attendee) is None
