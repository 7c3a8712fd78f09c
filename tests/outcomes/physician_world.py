"""A hand-built month of physician support (March 2025, times in Swedish local time), the
same for the pure tests (``data()``) and the database tests (``test_physician_report``),
with the values worked out by hand in ``EXPECTED`` (docs/indicators.md "Physician support").

Requests (municipality MUNI asks, unless said; the centre VC1 is asked, unless said):

==== ========= ============================ ============ ======================= =========
 id  urgency   asked                        due          what became of it       by
==== ========= ============================ ============ ======================= =========
 r1  acute     03-10 22:00                  +30 min      answered after 10 min   A (fixed)
 r2  acute     03-10 22:00                  +30 min      answered after 20 min   A (fixed)
 r3  acute     03-10 22:00                  +30 min      answered after 25 min   C
 r4  acute     03-10 22:00                  +30 min      answered after 40 min   A (fixed)
 r5  acute     03-10 22:00                  +30 min      answered after 90 min   C
 r6  acute     03-10 22:00                  +30 min      never answered          —
 r7  same_day  03-12 09:00 (MUNI2 → VC2)    16:00        answered at 14:00 (300) B (fixed)
 r8  planned   03-12 09:00 (VC2)            03-17 16:00  cancelled               —
 r9  same_day  03-12 09:00 (VC2)            16:00        forwarded at 10:00      C
==== ========= ============================ ============ ======================= =========

Patient P's fixed physician: A from 1 January, B from 11 March 08:00. Patient Q has none.
Physician visits done: v1 P by B at VC1 on 03-13 11:00–11:35 (booked); v2 P by A at VC1 on
03-14, no times recorded, planned 45 min (window 11:00); v3 Q by C at VC2 on 03-20
11:00–11:30. Hospital stays at SJH: s1 admitted 03-05 10:00, notice after 23 h, ready
03-07, discharged 03-10 12:00; s2 admitted 03-20 08:00, notice after exactly 24 h, ready
03-29, still in hospital; s3 admitted 03-25 08:00, notice after 25 h; s4 admitted 02-25,
ready 02-27, discharged 03-02 10:00.
"""

from __future__ import annotations

from datetime import date, timedelta

from samband.outcomes import physicians as ph
from tests.outcomes.helpers import at

MIN = timedelta(minutes=1)
ASKED_ACUTE = "2025-03-10 22:00"
ASKED_DAY = "2025-03-12 09:00"
ACUTE_ANSWERS = {"r1": 10, "r2": 20, "r3": 25, "r4": 40, "r5": 90}
ACUTE_BY = {"r1": "A", "r2": "A", "r3": "C", "r4": "A", "r5": "C"}
FIXED_CHANGES = (("2025-01-01 08:00", None, "A"), ("2025-03-11 08:00", "A", "B"))


def requests() -> list[ph.Request]:
    out = []
    asked = at(ASKED_ACUTE)
    for name in ("r1", "r2", "r3", "r4", "r5", "r6"):
        minutes = ACUTE_ANSWERS.get(name)
        out.append(
            ph.Request(
                asked_at=asked,
                urgency="acute",
                status="answered" if minutes else "open",
                due_at=asked + 30 * MIN,
                answered_at=asked + minutes * MIN if minutes else None,
                answer_kind="advice" if minutes else None,
                answered_by=ACUTE_BY.get(name),
                patient="P",
                asking_organisation="MUNI",
                physician_organisation="VC1",
            )
        )
    day = at(ASKED_DAY)
    out += [
        ph.Request(day, "same_day", "answered", at("2025-03-12 16:00"), at("2025-03-12 14:00"),
                   "home_visit", "B", "P", "MUNI2", "VC2"),
        ph.Request(day, "planned", "cancelled", at("2025-03-17 16:00"), None, None, None, "P",
                   "MUNI", "VC2"),
        ph.Request(day, "same_day", "answered", at("2025-03-12 16:00"), at("2025-03-12 10:00"),
                   "forwarded", "C", "P", "MUNI", "VC2"),
    ]  # fmt: skip
    return out


def visits() -> list[ph.Visit]:
    return [
        ph.Visit(at("2025-03-13 11:35"), 35, "VC1", "B", "P", booked=True),
        ph.Visit(at("2025-03-14 11:00"), 45, "VC1", "A", "P", booked=False),
        ph.Visit(at("2025-03-20 11:30"), 30, "VC2", "C", "Q", booked=False),
    ]


def stays() -> list[ph.Stay]:
    s1 = at("2025-03-05 10:00")
    s2 = at("2025-03-20 08:00")
    s3 = at("2025-03-25 08:00")
    return [
        ph.Stay(s1, s1 + timedelta(hours=23), date(2025, 3, 7), at("2025-03-10 12:00"), "SJH", "P"),
        ph.Stay(s2, s2 + timedelta(hours=24), date(2025, 3, 29), None, "SJH", "P"),
        ph.Stay(s3, s3 + timedelta(hours=25), None, None, "SJH", "Q"),
        ph.Stay(at("2025-02-25 10:00"), at("2025-02-25 12:00"), date(2025, 2, 27),
                at("2025-03-02 10:00"), "SJH", "Q"),
    ]  # fmt: skip


def fixed() -> dict[str, ph.FixedPhysician]:
    changes = tuple(ph.Change(at(when), old, new) for when, old, new in FIXED_CHANGES)
    return {"P": ph.FixedPhysician(changes, "B"), "Q": ph.FixedPhysician((), None)}


def data() -> ph.Data:
    return ph.Data(tuple(requests()), tuple(visits()), tuple(stays()), fixed())


NA = "NA"
# (indicator, group) → the CSV's text, worked out by hand (see the module's table)
EXPECTED: dict[tuple[str, str], str] = {
    ("physician_requests", "all"): "9",
    ("physician_requests_cancelled", "all"): "1",
    ("physician_requests_answered", "all"): "6",
    # 10, 20, 25, 40, 90, 300: median (25 + 40) / 2; p90 at 0.9 × 5 = 4.5: 90 + 0.5 × 210
    ("physician_request_answer_minutes_median", "all"): "32.5",
    ("physician_request_answer_minutes_p90", "all"): "195",
    ("physician_requests_answered_within_limit", "all"): "4",
    # r1, r2, r3, r7 of r1–r7 and r9 (r8 cancelled)
    ("physician_requests_answered_within_limit_share", "all"): "0.5",
    ("physician_requests_unanswered", "all"): "2",
    ("physician_requests_unanswered_overdue", "all"): "2",
    # the acute ones: 10, 20, 25, 40, 90: median 25; p90 at 0.9 × 4 = 3.6: 40 + 0.6 × 50
    ("physician_requests", "urgency=acute"): "6",
    ("physician_requests_answered", "urgency=acute"): "5",
    ("physician_request_answer_minutes_median", "urgency=acute"): "25",
    ("physician_request_answer_minutes_p90", "urgency=acute"): "70",
    ("physician_requests_answered_within_limit", "urgency=acute"): "3",
    ("physician_requests_answered_within_limit_share", "urgency=acute"): "0.5",
    ("physician_requests_unanswered", "urgency=acute"): "1",
    ("physician_requests_unanswered_overdue", "urgency=acute"): "1",
    ("physician_requests", "urgency=same_day"): "2",
    ("physician_request_answer_minutes_median", "urgency=same_day"): "300",
    ("physician_requests_answered_within_limit_share", "urgency=same_day"): "0.5",
    ("physician_requests_unanswered", "urgency=same_day"): "1",
    ("physician_requests", "urgency=planned"): "1",
    ("physician_requests_cancelled", "urgency=planned"): "1",
    ("physician_request_answer_minutes_median", "urgency=planned"): NA,
    ("physician_requests_answered_within_limit_share", "urgency=planned"): NA,
    ("physician_requests_unanswered", "urgency=planned"): "0",
    ("physician_requests", "asking_organisation=MUNI"): "8",
    ("physician_requests", "asking_organisation=MUNI2"): "1",
    ("physician_request_answer_minutes_median", "asking_organisation=MUNI2"): "300",
    ("physician_requests", "physician_organisation=VC1"): "6",
    ("physician_requests", "physician_organisation=VC2"): "3",
    # visits: 35 + 45 (planned: no times recorded) + 30
    ("physician_home_visits", "all"): "3",
    ("physician_home_visits_booked", "all"): "1",
    ("physician_consultation_minutes", "all"): "110",
    ("physician_home_visits", "physician_organisation=VC1"): "2",
    ("physician_consultation_minutes", "physician_organisation=VC1"): "80",
    ("physician_home_visits", "physician_organisation=VC2"): "1",
    # contacts: r1 A✓ r2 A✓ r3 C r4 A✓ r5 C (fixed A), r7 B✓ (fixed B since 03-11), v1 B✓,
    # v2 A (fixed B), v3 C (Q has none): 5 of 9
    ("physician_contacts", "all"): "9",
    ("physician_contacts_with_fixed_physician", "all"): "5",
    ("physician_contacts_without_fixed_physician", "all"): "1",
    ("physician_continuity_share", "all"): "0.556",
    ("physician_contacts", "physician_organisation=VC1"): "7",
    ("physician_continuity_share", "physician_organisation=VC1"): "0.571",
    ("physician_continuity_share", "physician_organisation=VC2"): "0.5",
    # stays: s1 23 h ✓, s2 exactly 24 h ✓, s3 25 h ✗; s4 admitted in February
    ("hospital_stays_admitted", "all"): "3",
    ("admission_notices_within_24h", "all"): "2",
    ("admission_notices_within_24h_share", "all"): "0.667",
    # s1: 8, 9, 10 March; s2: 30, 31 March (still in hospital); s4: 1, 2 March
    ("days_past_ready_for_discharge", "all"): "7",
    ("hospital_stays_past_ready_for_discharge", "all"): "3",
    ("days_past_ready_for_discharge", "hospital=SJH"): "7",
}
