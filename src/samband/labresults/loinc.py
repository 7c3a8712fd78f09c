"""The laboratory tests Samband knows: LOINC codes, UCUM units, default reference ranges.

Pure: no database, no web. A test has a short key (``crp``) used in care plans and the API,
one LOINC code it is rendered with (and maybe other codes it is also received under), the
one UCUM unit its values are stored in (with the unit texts accepted for it), a default
reference range for adults (Swedish laboratories' usual ranges; a range sent with the result
wins) and the bounds outside which a value cannot be right (refused, 422).

Sample orders may name a group: ``blood_count`` (blodstatus) is Hb, leukocytes and platelets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


@dataclass(frozen=True)
class Test:
    key: str
    loinc: str  # rendered with this code
    display: str  # the LOINC long common name (FHIR coding display)
    unit: str  # the UCUM code values are stored in
    unit_text: str  # how the unit is shown
    units: frozenset[str]  # unit texts (and the code) accepted for it
    ref_low: float | None
    ref_high: float | None
    bounds: tuple[float, float]  # a value outside cannot be right
    digits: int = 0  # decimals shown
    aliases: tuple[str, ...] = ()  # other LOINC codes received as this test

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.loinc, *self.aliases)


_MICRO = frozenset({"umol/L", "µmol/L", "μmol/L", "umol/l", "µmol/l", "μmol/l"})
_MMOL = frozenset({"mmol/L", "mmol/l"})
_GIGA = frozenset({"10*9/L", "10^9/L", "x10^9/L", "10E9/L", "10*9/l", "10^9/l"})

TESTS: dict[str, Test] = {
    t.key: t
    for t in (
        Test(
            "crp",
            "1988-5",
            "C reactive protein [Mass/volume] in Serum or Plasma",
            "mg/L",
            "mg/L",
            frozenset({"mg/L", "mg/l"}),
            None,
            5,
            (0, 1000),
        ),
        Test(
            "hb",
            "718-7",
            "Hemoglobin [Mass/volume] in Blood",
            "g/L",
            "g/L",
            frozenset({"g/L", "g/l"}),
            117,
            170,
            (10, 300),
        ),
        Test(
            "wbc",
            "6690-2",
            "Leukocytes [#/volume] in Blood by Automated count",
            "10*9/L",
            "×10⁹/L",
            _GIGA | {"×10⁹/L"},
            3.5,
            8.8,
            (0, 500),
            1,
        ),
        Test(
            "plt",
            "777-3",
            "Platelets [#/volume] in Blood by Automated count",
            "10*9/L",
            "×10⁹/L",
            _GIGA | {"×10⁹/L"},
            145,
            387,
            (0, 3000),
        ),
        Test(
            "creatinine",
            "14682-9",
            "Creatinine [Moles/volume] in Serum or Plasma",
            "umol/L",
            "µmol/L",
            _MICRO,
            45,
            105,
            (5, 3000),
            # 2160-0 is formally mass/volume, but laboratories send it in µmol/L: taken as
            # this test when its unit is µmol/L (any other unit is refused)
            aliases=("2160-0",),
        ),
        Test(
            "potassium",
            "2823-3",
            "Potassium [Moles/volume] in Serum or Plasma",
            "mmol/L",
            "mmol/L",
            _MMOL,
            3.5,
            4.6,
            (0.5, 15),
            1,
        ),
        Test(
            "sodium",
            "2951-2",
            "Sodium [Moles/volume] in Serum or Plasma",
            "mmol/L",
            "mmol/L",
            _MMOL,
            137,
            145,
            (80, 200),
        ),
        Test(
            "albumin",
            "1751-7",
            "Albumin [Mass/volume] in Serum or Plasma",
            "g/L",
            "g/L",
            frozenset({"g/L", "g/l"}),
            36,
            48,
            (5, 80),
        ),
        Test(
            "ntprobnp",
            "33762-6",
            "Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma",
            "ng/L",
            "ng/L",
            frozenset({"ng/L", "ng/l", "pg/mL", "pg/ml"}),
            None,
            300,
            (0, 100000),
        ),
        Test(
            "glucose",
            "14749-6",
            "Glucose [Moles/volume] in Serum or Plasma",
            "mmol/L",
            "mmol/L",
            _MMOL,
            4.0,
            6.0,
            (0.5, 60),
            1,
            aliases=("15074-8",),
        ),
    )
}
GROUPS: dict[str, tuple[str, ...]] = {"blood_count": ("hb", "wbc", "plt")}
BY_CODE: dict[str, Test] = {code: t for t in TESTS.values() for code in t.codes}


class UnknownTest(ValueError):
    pass


def known_keys() -> list[str]:
    return [*TESTS, *GROUPS]


def expand(keys: Iterable[str]) -> list[str]:
    """Test keys with groups opened (``blood_count`` → hb, wbc, plt), in order, once each.
    An unknown key raises ``UnknownTest`` naming it."""
    out: list[str] = []
    for key in keys:
        for one in GROUPS.get(key, (key,)):
            if one not in TESTS:
                raise UnknownTest(key)
            if one not in out:
                out.append(one)
    return out


def by_code(code: str) -> Test | None:
    return BY_CODE.get(code)


def codes_text() -> str:
    """The codes taken, for an error: 'LOINC 1988-5 (crp, mg/L), …'."""
    return ", ".join(f"LOINC {t.loinc} ({t.key}, {t.unit})" for t in TESTS.values())


def unit_accepted(test: Test, unit: str) -> bool:
    return unit.strip() in test.units or unit.strip() == test.unit


def flag(value: float, low: float | None, high: float | None) -> str | None:
    """H above the range, L below it, None within it (or no range)."""
    if high is not None and value > high:
        return "H"
    if low is not None and value < low:
        return "L"
    return None


def plausible(test: Test, value: float) -> bool:
    lo, hi = test.bounds
    return math.isfinite(value) and lo <= value <= hi
