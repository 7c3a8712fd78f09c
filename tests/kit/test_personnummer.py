from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.kit.personnummer import InvalidIdentityNumber, luhn_check_digit, parse

TODAY = date(2026, 11, 23)


class TestParse:
    @pytest.mark.parametrize(
        ("text", "digits", "kind"),
        [
            ("19121212-1212", "191212121212", "personnummer"),
            ("191212121212", "191212121212", "personnummer"),
            ("121212-1212", "201212121212", "personnummer"),
            ("1212121212", "201212121212", "personnummer"),
            ("121212+1212", "191212121212", "personnummer"),
            ("850709-9805", "198507099805", "personnummer"),
            ("19121272-1219", "191212721219", "samordningsnummer"),
            (" 19121212-1212 ", "191212121212", "personnummer"),
        ],
    )
    def test_valid_forms_are_normalised_to_12_digits(
        self, text: str, digits: str, kind: str
    ) -> None:
        parsed = parse(text, today=TODAY)
        assert parsed.digits == digits
        assert parsed.kind == kind

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("19121212-1213", "check digit should be 2"),
            ("", "has 0 digits"),
            ("12345", "has 5 digits"),
            ("19121212-12a2", "only digits"),
            ("19121312-1212", "month 13 does not exist"),
            ("19120230-1234", "day 30 does not exist"),
            ("19121292-1212", "day 92 does not exist"),
            ("20301212-1212", "in the future"),
            ("19121212--1212", "only digits"),
            # issue 10: only the digits 0-9, one way of writing one person's number
            ("19680314９８２９", "digits 0-9 only .*FULLWIDTH DIGIT NINE"),
            ("١٩٦٨٠٣١٤-٩٨٢٩", "digits 0-9 only .*ARABIC-INDIC DIGIT ONE"),
            ("19680314-98۲9", "digits 0-9 only .*EXTENDED ARABIC-INDIC DIGIT TWO"),
            # the birth number 000 is never issued (refused even with the right check digit)
            ("19121212-0008", "birth number 000 is never issued"),
            ("121212-0008", "birth number 000 is never issued"),
        ],
    )
    def test_invalid_numbers_say_what_is_wrong(self, text: str, message: str) -> None:
        with pytest.raises(InvalidIdentityNumber, match=message):
            parse(text, today=TODAY)

    def test_samordningsnummer_birth_date_subtracts_60(self) -> None:
        assert parse("19121272-1219", today=TODAY).birth_date == date(1912, 12, 12)


class TestProperties:
    @given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), st.integers(1, 999))
    def test_every_generated_number_round_trips(self, born: date, serial: int) -> None:
        nine = f"{born:%y%m%d}{serial:03d}"
        ten = nine + str(luhn_check_digit(nine))
        twelve = f"{born.year}{ten[2:]}"
        assert parse(twelve, today=TODAY).digits == twelve
        assert parse(f"{twelve[:8]}-{twelve[8:]}", today=TODAY).birth_date == born

    @given(
        st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
        st.integers(1, 999),
        st.integers(1, 9),
    )
    def test_any_wrong_check_digit_is_rejected(self, born: date, serial: int, shift: int) -> None:
        nine = f"{born:%y%m%d}{serial:03d}"
        wrong = (luhn_check_digit(nine) + shift) % 10
        with pytest.raises(InvalidIdentityNumber, match="check digit"):
            parse(f"{born.year}{nine[2:]}{wrong}", today=TODAY)
