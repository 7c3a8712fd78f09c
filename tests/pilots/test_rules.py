"""The pure rules of the pilots (pilots/rules.py): personnummer-shaped numbers, finished."""

from __future__ import annotations

from datetime import date

import pytest

from samband.pilots.rules import finished, looks_like_identifier


class TestLooksLikeIdentifier:
    @pytest.mark.parametrize(
        "text",
        [
            "Patienten 19121212-1212 ville hem",
            "pnr 121212-1212",
            "191212121212 sa att",
            "Berättat av 460317+1234",
            "samordningsnummer 19701063-2391",
            "450101 1234",
        ],
    )
    def test_numbers_shaped_like_a_personnummer_are_found(self, text: str) -> None:
        assert looks_like_identifier(text)

    @pytest.mark.parametrize(
        "text",
        [
            "Hon ville vara hemma på julafton och fick vara det",
            "Telefon 023-49 20 00",
            "Dosen 1000 mg gavs kl 0800",
            "Datum 2030-02-01, 3 besök per dag",
            "ordernummer 12345678901234",
            "991399-1234",  # month 13: not a date
        ],
    )
    def test_ordinary_text_and_numbers_pass(self, text: str) -> None:
        assert not looks_like_identifier(text)


class TestFinished:
    def test_finished_after_the_last_day(self) -> None:
        assert finished(date(2030, 1, 31), date(2030, 2, 1))

    def test_running_on_the_last_day(self) -> None:
        assert not finished(date(2030, 1, 31), date(2030, 1, 31))
        assert not finished(date(2030, 2, 28), date(2030, 2, 1))
