"""The greeting name's default (API.md section 1): the first word of a name that is
not a title, honorific or initial, as Indonesian names are written on real forms.

The names are made up in the forms that real sign-up lists hold.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.core import names
from chalicelib.core.domain import ACTIVE, Attendee
from chalicelib.core.names import MAX_DISPLAY_NAME, default_display_name, greeting

NAMES = [
    # Plain names and single names.
    ("Rina Kusumawati", "Rina"),
    ("Suparman", "Suparman"),
    ("Marthen Rumbewas", "Marthen"),
    ("Yohana Sabu", "Yohana"),
    ("  Agus   Wibowo ", "Agus"),
    ("Muhammad Fikri Ramadhan Pratama Nugraha", "Muhammad"),
    ("Lie Siok Lan", "Lie"),
    # Academic and professional titles, before and after.
    ("Prof. Dr. Ir. H. Bambang Sutrisno", "Bambang"),
    ("Prof. Dr. Ir. H. Wahyu Hidayat, M.Sc.", "Wahyu"),
    ("Dr. Lestari Handayani", "Lestari"),
    ("Drs. Markus Simanjuntak", "Markus"),
    ("Dra. Endah Sulistyowati, M.Si.", "Endah"),
    ("Ir. Sugeng Riyadi", "Sugeng"),
    ("dr. Anisa Putri, Sp.OG", "Anisa"),
    ("drg. Ratih Kumalasari", "Ratih"),
    ("Rahmat Hidayat, S.H.", "Rahmat"),
    ("Siti Aminah, S.H., M.Kn.", "Siti"),
    ("Dedi Kurniawan, S.Kom., M.T.", "Dedi"),
    ("Yusuf Effendi SE MBA", "Yusuf"),
    ("Prof Dr Taufik Hidayat PhD", "Taufik"),
    ("Kolonel Inf. Bambang Irawan", "Bambang"),
    # Religious honorifics.
    ("H. Abdul Karim", "Abdul"),
    ("Hj. Nurhasanah", "Nurhasanah"),
    ("K.H. Mustofa Bisri", "Mustofa"),
    ("KH Hasyim Asyari", "Hasyim"),
    ("Ustadz Arifin Ilham", "Arifin"),
    ("Ustadzah Halimah Alaydrus", "Halimah"),
    ("Habib Umar Assegaf", "Umar"),
    ("Kyai Haji Mahfud Ridwan", "Mahfud"),
    ("Nyai Hj. Sinta Nuriyah", "Sinta"),
    ("Pdt. Yosua Manurung, M.Th.", "Yosua"),
    ("Romo Benediktus Hari", "Benediktus"),
    ("Bhikkhu Dhammasubho", "Dhammasubho"),
    # Forms of address.
    ("Bapak Sukirno", "Sukirno"),
    ("Bpk. Hartono", "Hartono"),
    ("Pak Darto", "Darto"),
    ("Ibu Sumarni", "Sumarni"),
    ("Bu Ningsih", "Ningsih"),
    ("Mas Bayu Aji", "Bayu"),
    ("Mbak Tutik Rahayu", "Tutik"),
    ("Sdr. Fajar Nugroho", "Fajar"),
    ("Sdri. Indah Permata", "Indah"),
    ("Ny. Hartini Wijaya", "Hartini"),
    # Balinese prefixes and birth-order names.
    ("I Gusti Ayu Putu Mahendra", "Mahendra"),
    ("I Wayan Sukadana", "Sukadana"),
    ("Ni Made Ayu Sekarini", "Sekarini"),
    ("Ni Luh Putu Sri Wahyuni", "Sri"),
    ("Ida Bagus Ketut Wirawan", "Wirawan"),
    ("Ida Ayu Kadek Sintya", "Sintya"),
    ("Anak Agung Gede Rai", "Rai"),
    ("A.A. Ngurah Oka", "Oka"),
    ("Cokorda Gede Putra", "Putra"),
    ("Dewa Ayu Kusuma", "Kusuma"),
    ("Desak Nyoman Sari", "Sari"),
    ("Gusti Ngurah Wirata", "Wirata"),
    ("Made Suardana", "Suardana"),
    ("Kadek Dwi Pertiwi", "Dwi"),
    ("Nengah Sudira", "Sudira"),
    ("Komang Ayu Wulandari", "Wulandari"),
    ("Ketut Sudarma", "Sudarma"),
    ("I Made", "Made"),
    ("Putu", "Putu"),
    ("I Gusti Ngurah Bagus", "Bagus"),
    # Aceh, Java, Bugis, Makassar, Buton, Malay, Minang.
    ("Teuku Rizal Fahmi", "Rizal"),
    ("T. Iskandar Muda", "Iskandar"),
    ("Cut Nyak Fatimah Zahra", "Fatimah"),
    ("Tengku Zulkarnain", "Zulkarnain"),
    ("Raden Ajeng Sekar Arum", "Sekar"),
    ("Raden Mas Harjo Kusumo", "Harjo"),
    ("R.A. Dyah Pitaloka", "Dyah"),
    ("R. Ayu Retno Palupi", "Retno"),
    ("R.M. Soerjo Atmodjo", "Soerjo"),
    ("Gusti Kanjeng Ratu Anindita", "Anindita"),
    ("Andi Tenri Sanna", "Tenri"),
    ("Daeng Matutu", "Matutu"),
    ("La Ode Syarifuddin", "Syarifuddin"),
    ("Wa Ode Hasnah", "Hasnah"),
    ("Datuk Ahmad Fadzil", "Ahmad"),
    ("Sutan Mahmud Syah", "Mahmud"),
    # Initials.
    ("M. Nasir", "Nasir"),
    ("A. Rahman", "Rahman"),
    ("M.Nasrullah", "Nasrullah"),
    ("Moh. Syaifullah", "Syaifullah"),
    ("Dr.Ratna Sari", "Ratna"),
    ("H. M. Yusuf Kalla", "Yusuf"),
    # Given names that are titles elsewhere stay names at the start.
    ("Ayu Kartika Dewi", "Ayu"),
    ("Ida Fauziah", "Ida"),
    ("Agung Prasetyo", "Agung"),
    ("Putri Ayu Larasati", "Putri"),
    ("Bagus Santoso", "Bagus"),
    # Capitalisation as the person wrote it; other scripts' names.
    ("IDA BAGUS MADE SUKARTA", "SUKARTA"),
    ("ibu dewi lestari", "dewi"),
    ("Đặng Thu Thảo", "Đặng"),
    ("Zoë O'Brien", "Zoë"),
    # Only titles: no greeting name at all, never a title or a lone letter (issue 17).
    ("Prof. Dr.", ""),
    ("Bapak", ""),
    ("I", ""),
    ("Prof.", ""),
    ("I Gusti", ""),
    ("H. A.", ""),
    ("S.H.", ""),
    ("K.H.", ""),
    ("Ibu Hj.", ""),
    ("Ö", ""),
    ("W", ""),
    ("Dr. I", ""),
]


@pytest.mark.parametrize(("name", "expected"), NAMES, ids=[name for name, _ in NAMES])
def test_the_default_greeting_name(name, expected):
    assert default_display_name(name) == expected


def test_the_table_holds_at_least_30_forms():
    assert len(NAMES) >= 30
    assert len({name for name, _ in NAMES}) == len(NAMES)


TITLES_AND_INITIALS = {
    "prof", "dr", "ir", "drs", "dra", "h", "hj", "kh", "ustadz", "bapak", "bpk", "ibu",
    "pak", "bu", "i", "ni", "gusti", "teuku", "cut", "raden", "ra", "wayan", "putu",
}  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), NAMES, ids=[name for name, _ in NAMES])
def test_no_greeting_is_one_letter_or_a_title_when_the_name_has_more(name, expected):
    shown = default_display_name(name)
    if not expected:  # titles and initials only: no greeting name at all (issue 17)
        assert shown == ""
        return
    assert shown.strip() == shown and shown
    assert len(shown) > 1
    assert "." not in shown
    if len(name.split()) > 1 and expected not in ("Made", "Bagus"):
        assert shown.casefold() not in TITLES_AND_INITIALS


def test_a_long_word_is_cut_to_40_characters():
    word = "Sastrowardoyosumodiningratmangkunegaranhadikusumo"
    assert len(word) > MAX_DISPLAY_NAME
    assert default_display_name(f"Raden {word}") == word[:MAX_DISPLAY_NAME]


@pytest.mark.parametrize("name", ["", "   ", "...", "-", "2024"])
def test_a_name_without_a_word_gives_what_there_is(name):
    assert default_display_name(name) == " ".join(name.split())


def test_what_there_is_is_cut_to_40_characters_without_a_trailing_space():
    assert default_display_name("1" * 39 + " 22") == "1" * 39


def person(name: str, display_name: str | None) -> Attendee:
    return Attendee(
        id="a",
        event_id="e",
        name=name,
        email="x@example.org",
        organisation="o",
        days=[date(2016, 11, 29)],
        status=ACTIVE,
        badge_serial=0,
        registered_at=datetime(2016, 11, 1, tzinfo=UTC),
        display_name=display_name,
    )


def test_greeting_is_the_chosen_name_else_the_default():
    assert greeting(person("I Gusti Ayu Putu Mahendra", "Gek Mahe")) == "Gek Mahe"
    # A record from before display names has none.
    assert greeting(person("Prof. Dr. Ir. H. Bambang Sutrisno", None)) == "Bambang"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_any_name_gets_a_greeting_of_at_most_40_characters(name):
    shown = default_display_name(name)
    assert len(shown) <= MAX_DISPLAY_NAME
    if name.strip():
        assert shown == shown.strip()
    assert_a_greeting_or_none(shown)


def assert_a_greeting_or_none(shown: str) -> None:
    """Issue 17: the kiosk greeted "I!" and "Prof.!". A greeting name is never a lone
    Latin letter, nor a title, honorific, form of address or degree (a Balinese
    birth-order name, which people are called by, excepted)."""
    if not shown:
        return
    assert not (len(shown) == 1 and shown.isalpha() and ord(shown) < 0x250), shown
    key = shown.replace(".", "").casefold()
    assert key not in names._TITLES or key in names._GIVEN_ALONE, shown
    assert shown not in names._DEGREE_KEYS, shown


TITLES_ONLY = [
    *(title for title in names._TITLES if title not in names._GIVEN_ALONE),
    "Prof. Dr. Ir. H.",
    "Dr. I",
    "I. G. A.",
    "Sdr. A.",
    "Bapak Ibu",
    "S.H., M.Kn.",
]


@pytest.mark.parametrize("name", TITLES_ONLY)
def test_a_name_of_titles_and_initials_only_has_no_greeting_name(name):
    assert default_display_name(name) == ""
    assert default_display_name(name.title()) == ""
    assert greeting(person(name, None)) == ""


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*names._TITLES, "Prof.", "Dr.", "H.", "S.H.", "A", "I", "M.", "Siti"]),
        min_size=1,
        max_size=6,
    )
)
def test_no_greeting_is_a_title_or_a_lone_letter(words):
    assert_a_greeting_or_none(default_display_name(" ".join(words)))
