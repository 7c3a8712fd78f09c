"""kit/text.py: what a typed text may hold (issue 10)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.kit.text import (
    ascii_int,
    check_free_text,
    check_name,
    free_text_problem,
    is_ascii_number,
    name_problem,
)


class TestNames:
    @pytest.mark.parametrize("name", ["Kim", "Åsa-Britt Öberg", "O'Neill", "محمد", "Zoë", "李"])
    def test_ordinary_names_pass(self, name: str) -> None:
        assert check_name(name) == name

    @pytest.mark.parametrize(
        "char",
        [
            *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # bidi controls
            *"\u200e\u200f\u061c",  # bidi marks
            *"\u200b\u200c\u200d\u2060\ufeff",  # zero width
            "\x00",
            "\x1b",
            "\n",
            "\t",
            "\u0085",
            "\u2028",
            "\u00ad",  # soft hyphen: invisible
        ],
    )
    def test_invisible_and_control_characters_are_named(self, char: str) -> None:
        problem = name_problem(f"Ki{char}m")

        assert problem is not None
        assert f"U+{ord(char):04X}" in problem
        assert "position 3" in problem

    @given(st.text(min_size=1, max_size=30))
    def test_an_accepted_name_has_nothing_invisible(self, text: str) -> None:
        if name_problem(text) is None:
            assert not any(
                unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs") for c in text
            )


class TestFreeText:
    def test_lines_and_tabs_stay_and_crlf_becomes_lf(self) -> None:
        assert check_free_text("a\r\n\tb\rc") == "a\n\tb\nc"

    def test_bidi_marks_stay_in_free_text(self) -> None:
        assert free_text_problem("مرحبا \u200f OK") is None

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("a\x07b", "U+0007"),
            ("a\u202eb", "U+202E"),
            ("a\u2067b", "U+2067"),
            ("\u200b \u2060", "no visible characters"),
            ("\u200f", "no visible characters"),
        ],
    )
    def test_refused(self, text: str, words: str) -> None:
        problem = free_text_problem(text)
        assert problem is not None
        assert words in problem
        with pytest.raises(ValueError, match=words.replace("+", r"\+")):
            check_free_text(text)


class TestDigits:
    @pytest.mark.parametrize(
        ("text", "value"), [("7", 7), (" 42 ", 42), ("٤٢", None), ("４２", None), ("²", None)]
    )
    def test_ascii_int(self, text: str, value: int | None) -> None:
        assert ascii_int(text) == value

    @pytest.mark.parametrize(
        ("text", "ok"),
        [("37.5", True), ("-1", True), (".5", True), ("1e3", False), ("1_000", False)]
        + [("nan", False), ("٣٧", False), ("", False), ("3.7.1", False)],
    )
    def test_is_ascii_number(self, text: str, ok: bool) -> None:
        assert is_ascii_number(text) is ok
