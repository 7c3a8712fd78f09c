"""Swedish personnummer and samordningsnummer: parse, validate, normalise to 12 digits.

Pure: no database, no web. Rules (Skatteverket SKV 704, SKV 707):
- 10 digits ``YYMMDD-NNNC`` or 12 digits ``YYYYMMDDNNNC``; the separator ``-`` or ``+``
  may be left out. With 10 digits, ``+`` means the person is 100 years or older.
- A samordningsnummer adds 60 to the day of birth (61-91).
- The last digit is a Luhn check digit over the 10-digit form.
- Only the digits 0-9 (not full-width ``１`` or Arabic-Indic ``١``: one person, one way of
  writing the number), and the birth number (digits 9-11 of the 12) is never 000.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from samband.kit.errors import Problem, problem

_SHAPE = re.compile(r"^([0-9]{6}|[0-9]{8})([-+]?)([0-9]{4})$")


class InvalidIdentityNumber(ValueError):
    """The text is not a valid personnummer or samordningsnummer: ``problem`` says why
    (``personnummer.*``), the message is its English text."""

    def __init__(self, why: Problem) -> None:
        super().__init__(why.text("en"))
        self.problem = why


@dataclass(frozen=True)
class IdentityNumber:
    digits: str  # always 12 digits, YYYYMMDDNNNC
    kind: str  # "personnummer" | "samordningsnummer"
    birth_date: date

    def __str__(self) -> str:
        return f"{self.digits[:8]}-{self.digits[8:]}"


def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def parse(text: str, *, today: date | None = None) -> IdentityNumber:
    """Parse and validate; raise InvalidIdentityNumber with a message a person can act on."""
    today = today or date.today()  # noqa: DTZ011 - a birth date is a calendar date
    raw = (text or "").strip()
    shown = raw or "(empty)"
    other_digit = next((ch for ch in raw if ch.isdigit() and not ch.isascii()), None)
    if other_digit is not None:
        raise InvalidIdentityNumber(
            problem(
                "personnummer.other_digit",
                number=shown,
                digit=other_digit,
                name=unicodedata.name(other_digit, "another kind of digit"),
            )
        )
    match = _SHAPE.match(raw.replace(" ", ""))
    if not match:
        digits_only = re.sub(r"[^0-9]", "", raw)
        if re.search(r"[^0-9\-+ ]", raw) or len(digits_only) in (10, 12):
            raise InvalidIdentityNumber(problem("personnummer.shape", number=shown))
        raise InvalidIdentityNumber(
            problem("personnummer.digit_count", number=shown, count=len(digits_only))
        )
    date_part, separator, tail = match.groups()

    if len(date_part) == 8:
        year = int(date_part[:4])
        month, day = int(date_part[4:6]), int(date_part[6:8])
    else:
        yy = int(date_part[:2])
        month, day = int(date_part[2:4]), int(date_part[4:6])
        year = _century(yy, month, day, centenarian=(separator == "+"), today=today)

    kind = "personnummer"
    birth_day = day
    if 61 <= day <= 91:
        kind, birth_day = "samordningsnummer", day - 60
    if not 1 <= month <= 12:
        raise InvalidIdentityNumber(
            problem("personnummer.month", number=shown, month=f"{month:02d}")
        )
    try:
        born = date(year, month, birth_day)
    except ValueError:
        code = (
            "personnummer.coordination_day" if kind == "samordningsnummer" else "personnummer.day"
        )
        raise InvalidIdentityNumber(
            problem(code, number=shown, day=f"{day:02d}", month=f"{year}-{month:02d}")
        ) from None
    if born > today:
        raise InvalidIdentityNumber(problem("personnummer.future", number=shown, born=born))
    if year < 1850:
        raise InvalidIdentityNumber(problem("personnummer.year", number=shown, year=str(year)))

    if tail[:3] == "000":
        raise InvalidIdentityNumber(problem("personnummer.birth_number", number=shown))
    ten = f"{year % 100:02d}{month:02d}{day:02d}{tail}"
    expected = luhn_check_digit(ten[:9])
    if int(ten[9]) != expected:
        raise InvalidIdentityNumber(
            problem("personnummer.check_digit", number=shown, expected=expected, found=int(ten[9]))
        )
    return IdentityNumber(digits=f"{year:04d}{ten[2:]}", kind=kind, birth_date=born)


def _century(yy: int, month: int, day: int, *, centenarian: bool, today: date) -> int:
    """The year of a 10-digit number: the latest year not in the future (minus 100 with '+')."""
    year = today.year - (today.year - yy) % 100
    if 1 <= month <= 12:
        birth_day = day - 60 if day > 60 else day
        try:
            if date(year, month, birth_day) > today:
                year -= 100
        except ValueError:
            pass  # the date itself is checked by the caller
    if centenarian:
        year -= 100
    return year


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidIdentityNumber:
        return False
    return True
