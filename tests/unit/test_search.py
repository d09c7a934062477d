"""Name matching for the desk: pure functions, no moto."""

from __future__ import annotations

import pytest

from chalicelib.core.search import (
    MAX_INDEXED_WORDS,
    first_match,
    lookup_word,
    matches,
    normalise,
    search_terms,
    sort_key,
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


def test_words_split_on_anything_but_letters_digits_and_marks():
    assert words("Anne-Marie_Dupont (WALHI) 2016") == ["anne", "marie", "dupont", "walhi", "2016"]


def test_a_name_with_an_apostrophe_is_a_word_whole_and_in_parts():
    assert words("Ma'ruf Amin") == ["maruf", "ma", "ruf", "amin"]
    assert words("O’Brien") == ["obrien", "o", "brien"]


def test_vowel_signs_do_not_cut_a_word():
    # Devanagari and Thai vowel signs are marks, not letters.
    assert len(words("प्रिया शर्मा")) == 2
    assert len(words("สมชาย")) == 1


def test_words_are_distinct_and_bounded():
    assert words("Budi Budi budi") == ["budi"]
    many = " ".join(f"w{index:03d}" for index in range(100))
    assert len(words(many)) == MAX_INDEXED_WORDS


def test_every_word_is_indexed_one_letter_words_too():
    terms = search_terms("A. Siti R", "YLBHI")
    assert terms.indexed == ["a", "siti", "r", "ylbhi"]
    assert terms.words == ["a", "siti", "r", "ylbhi"]
    assert matches(words("siti r"), terms.words)


def test_names_sort_before_longer_names_they_start():
    assert sorted(["Budi Santoso", "Budi", "Budiman", "budi a"], key=sort_key) == [
        "Budi",
        "budi a",
        "Budi Santoso",
        "Budiman",
    ]


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
    assert lookup_word(["i"]) == "i"  # one letter alone: that whole word
    assert lookup_word([]) is None


def test_a_one_letter_lookup_matches_only_that_whole_word():
    assert first_match("i", words("I Made Indah")) == "i"
    assert first_match("i", words("Indah Irawati")) is None
    assert first_match("in", words("I Made Indah")) == "indah"


def test_a_person_is_counted_under_their_first_matching_word_only():
    attendee = words("Siti Sitompul")
    assert first_match("sit", attendee) == "siti"
    assert first_match("sito", attendee) == "sitompul"
    assert first_match("xy", attendee) is None


def test_a_repeated_word_keeps_its_place_in_the_sort():
    names = ["Abdul Rahman bin Abdullah", "Abdul Rahman bin Abdul Aziz"]
    assert sorted(names, key=sort_key) == [names[1], names[0]]
