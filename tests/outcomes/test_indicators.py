"""The indicator definitions (docs/indicators.md) on small hand-built histories. Every
expected value is worked out by hand in the comments; the period is March 2025 in Swedish
time (2025-03-01 00:00+01:00 to 2025-04-01 00:00+02:00; summer time starts on 30 March)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.outcomes import config
from samband.outcomes.history import (
    AlertRecord,
    CareRequestRecord,
    History,
    QuestionnaireRecord,
    StaffBlock,
)
from samband.outcomes.indicators import BY_NAME, INDICATORS, Period, quantile
from samband.outcomes.report import period_of
from tests.outcomes.helpers import AA, ESD, at, close, history, params, values

# A — OPAT, early supported discharge (planned stay 7 days from admission = the first event).
#     In hospital 03-01 08:00 → home 03-03 08:00 (2 days); home until discharge 03-07 08:00
#     (4 days); readmitted 13 days after discharge (a follow-up event).
#     Bed-days freed: window 03-01 08:00 … 03-08 08:00 (7 days) minus 2 days in hospital = 5.
A = history(
    "A",
    "opat",
    ESD,
    ("candidate", "2025-03-01 08:00"),
    ("assessed", "2025-03-01 12:00"),
    ("consented", "2025-03-02 08:00"),
    ("planned", "2025-03-02 09:00"),
    ("at_home", "2025-03-03 08:00"),
    ("visit_done", "2025-03-03 10:00"),
    ("visit_done", "2025-03-04 10:00"),
    ("visit_done", "2025-03-05 10:00"),
    ("discharged", "2025-03-07 08:00"),
    ("readmitted", "2025-03-20 08:00"),
)
# B — COPD, admission avoidance (expected stay 5 days from going home). Home 03-10 08:00, an
#     ED visit 03-11, readmitted 03-12 08:00 for good: 2 days at home; freed: 03-10 … 03-15
#     minus the hospital from 03-12 = 2 days.
B = history(
    "B",
    "copd",
    AA,
    ("at_home", "2025-03-10 08:00"),
    ("ed_visit", "2025-03-11 20:00"),
    ("readmitted", "2025-03-12 08:00"),
)
# C — heart failure: assessed eligible, then declined. D — OPAT: not eligible.
C = history(
    "C",
    "heart-failure",
    ESD,
    ("candidate", "2025-03-05 08:00"),
    ("assessed", "2025-03-05 12:00"),
    ("declined", "2025-03-06 08:00"),
)
D = history(
    "D", "opat", ESD, ("candidate", "2025-03-08 08:00"), ("not_eligible", "2025-03-08 12:00")
)
# E — COPD: home 03-20 08:00, readmitted 03-21 08:00, home again 03-22 08:00 (care at home
#     resumes), died 03-25 08:00 (COPD: not an expected death). At home 1 + 3 = 4 days.
#     Freed: 03-20 08:00 … 03-25 08:00 (5 days) minus 1 day back in hospital = 4 (the window
#     ends with the death anyway).
E = history(
    "E",
    "copd",
    AA,
    ("at_home", "2025-03-20 08:00"),
    ("readmitted", "2025-03-21 08:00"),
    ("at_home", "2025-03-22 08:00"),
    ("deceased", "2025-03-25 08:00"),
)
# F — OPAT: admitted 03-28 08:00 (+01:00), home 03-29 08:00 (+01:00 = 07:00 UTC), still at
#     home. The period ends 2025-04-01 00:00+02:00 = 03-31 22:00 UTC: 2 days 15 hours at home
#     in March = 2.625 days. Freed: window 03-28 07:00 … 04-04 07:00 UTC minus the day in
#     hospital, clipped to the period: also 03-29 07:00 … 03-31 22:00 = 2.625.
F = history(
    "F",
    "opat",
    ESD,
    ("candidate", "2025-03-28 08:00"),
    ("assessed", "2025-03-28 12:00"),
    ("at_home", "2025-03-29 08:00"),
)
# G — OPAT, all in February: nothing in March (its freed window ends 02-27).
G = history(
    "G",
    "opat",
    ESD,
    ("at_home", "2025-02-20 08:00"),
    ("discharged", "2025-02-24 08:00"),
)
MONTH = [A, B, C, D, E, F, G]


class TestHandBuiltMonth:
    def test_activity(self) -> None:
        v = values(MONTH)

        # started in March: A (03-03), B, E, F; G went home in February
        assert v["episodes_started"].value == 4
        assert v["episodes_started"].episodes == ("A", "B", "E", "F")
        # ended after going home in March: A (discharged), B (readmitted), E (died)
        assert v["episodes_ended"].value == 3
        assert v["episodes_ended_discharged"].value == 1
        assert v["episodes_ended_readmitted"].value == 1
        assert v["episodes_ended_deceased"].value == 1
        assert v["episodes_ended_withdrawn"].value == 0

    def test_days_at_home_and_bed_days_freed(self) -> None:
        v = values(MONTH)

        # A 4 + B 2 + E 4 + F 2.625
        assert close(v["patient_days_at_home"].value, 12.625)
        # A 5 + B 2 + E 4 + F 2.625
        assert close(v["bed_days_freed"].value, 13.625)
        assert v["bed_days_freed"].episodes == ("A", "B", "E", "F")

    def test_length_of_stay_median_and_iqr(self) -> None:
        v = values(MONTH)

        # stays of the episodes ended in March: A 4, B 2, E 4 → sorted 2, 4, 4
        assert close(v["length_of_stay_median_days"].value, 4)
        # 25th percentile: position (3 - 1) × 0.25 = 0.5 → 2 + (4 - 2) × 0.5 = 3
        assert close(v["length_of_stay_p25_days"].value, 3)
        assert close(v["length_of_stay_p75_days"].value, 4)

    def test_escalations_readmissions_and_ed_visits(self) -> None:
        v = values(MONTH)

        # escalated during the episode: B (ED visit and readmission), E (readmission); A's
        # readmission came after its discharge
        assert v["escalations_during_episode"].value == 2
        assert close(v["escalation_rate_during_episode"].value, 2 / 3)
        assert v["readmissions_during_episode"].value == 2
        assert close(v["readmission_rate_during_episode"].value, 2 / 3)
        # discharged in March: A only; readmitted 13 days later (within 30)
        assert v["readmissions_within_30_days"].value == 1
        assert close(v["readmission_rate_within_30_days"].value, 1.0)
        assert v["ed_visits_during_episode"].value == 1
        assert v["ed_visits_within_30_days"].value == 0

    def test_deaths(self) -> None:
        v = values(MONTH)

        # E died at home on the COPD pathway (deaths_expected: false in outcomes.yaml)
        assert v["deaths_during_episode"].value == 1
        assert v["deaths_expected"].value == 0
        assert v["deaths_unexpected"].value == 1
        assert v["deaths_unexpected"].episodes == ("E",)
        assert v["deaths_within_30_days"].value == 0

    def test_candidate_funnel(self) -> None:
        v = values(MONTH)

        # first event in March: A, B, C, D, E, F (not G)
        assert v["candidates"].value == 6
        assert v["candidates_not_eligible"].value == 1  # D
        assert v["candidates_not_assessed"].value == 0
        # A, C, F assessed; B and E went home without an assessment row: eligible
        assert v["candidates_eligible"].value == 5
        assert v["eligible_went_home"].value == 4  # A, B, E, F
        assert close(v["eligible_went_home_share"].value, 4 / 5)
        assert v["eligible_not_home_declined"].value == 1  # C
        assert v["eligible_not_home_withdrawn"].value == 0
        assert v["eligible_not_home_deceased"].value == 0
        assert v["eligible_not_home_waiting"].value == 0

    def test_visits_per_patient_day(self) -> None:
        v = values(MONTH)

        assert v["visits_done"].value == 3
        # care days (midnights at home in March): A 4 (03-04 … 03-07), B 2 (03-11, 03-12),
        # E 1 + 3 (03-21; 03-23 … 03-25), F 2 (03-30, 03-31): 12. 3 visits / 12 care days.
        assert v["care_days_at_home"].value == 12
        assert close(v["visits_per_patient_day"].value, 3 / 12)

    def test_data_an_import_does_not_have_is_not_zero(self) -> None:
        v = values(MONTH)

        for name in (
            "staff_hours_total",
            "staff_share_travel",
            "alerts_raised",
            "alert_minutes_to_acknowledge_median",
            "care_requests_sent",
            "questionnaires_answered",
            "patient_felt_safe_share",
            "cost_staff_municipality_sek",
            "region_net_sek",
            "municipality_net_sek",
        ):
            assert v[name].value is None, name
            assert v[name].note, name

    def test_costs_from_imported_history(self) -> None:
        v = values(MONTH)

        # 13.625 bed-days × 8 900 SEK; one ED visit during an episode (B) × 3 500 SEK
        assert close(v["cost_bed_days_freed_sek"].value, 13.625 * 8900)
        assert close(v["cost_ed_visits_during_episode_sek"].value, 3500)
        assert close(v["cost_ed_visits_avoided_sek"].value, 0)
        assert close(v["region_savings_sek"].value, 121_262.5)
        assert close(v["region_net_before_staff_sek"].value, 121_262.5 - 3500)

    def test_a_group_counts_only_its_episodes(self) -> None:
        v = values([h for h in MONTH if h.pathway == "opat"], group="pathway=opat")

        # A and F started; A 5 + F 2.625 bed-days; D not eligible
        assert v["episodes_started"].value == 2
        assert v["episodes_started"].group == "pathway=opat"
        assert close(v["bed_days_freed"].value, 7.625)
        assert v["candidates_not_eligible"].value == 1

    def test_every_indicator_has_one_value(self) -> None:
        v = values(MONTH)

        # the physician-support indicators are computed apart (outcomes/physicians.py)
        assert sorted(v) == sorted(i.name for i in INDICATORS if i.section != "physician")


class TestEdgeCases:
    def test_a_later_discharge_frees_nothing_more_than_the_planned_stay(self) -> None:
        # OPAT: admitted 03-01, home 03-09 (8 days: longer than the 7 planned) → freed 0
        h = history(
            "X",
            "opat",
            ESD,
            ("candidate", "2025-03-01 08:00"),
            ("at_home", "2025-03-09 08:00"),
            ("discharged", "2025-03-12 08:00"),
        )
        assert values([h])["bed_days_freed"].value == 0

    def test_unknown_pathway_has_no_bed_days_freed(self) -> None:
        h = history("X", "wound-care", AA, ("at_home", "2025-03-02 08:00"))

        v = values([h])

        assert v["bed_days_freed"].value is None
        assert "wound-care" in (v["bed_days_freed"].note or "")
        assert v["patient_days_at_home"].value is not None

    def test_the_config_gives_an_unknown_pathway_its_stay(self) -> None:
        # wound care, admission avoidance, 3 days expected: home 03-02 08:00 → 3 days freed
        settings = config.Settings.model_validate(
            config.load().model_dump()
            | {"pathways": {"wound-care": {"expected_inpatient_days": 3}}}
        )
        h = history("X", "wound-care", AA, ("at_home", "2025-03-02 08:00"))

        assert close(values([h], p=params(settings))["bed_days_freed"].value, 3)

    def test_palliative_deaths_are_expected_unless_the_physician_said_otherwise(self) -> None:
        from dataclasses import replace

        h = history(
            "P",
            "palliative",
            AA,
            ("at_home", "2025-03-02 08:00"),
            ("deceased", "2025-03-09 08:00"),
        )
        assert values([h])["deaths_expected"].value == 1
        # a live death recorded as not expected at the transition
        last = replace(h.events[-1], death_expected=False)
        live = replace(h, events=(h.events[0], last), source="live")
        assert values([live])["deaths_unexpected"].value == 1

    def test_follow_up_after_30_days_does_not_count(self) -> None:
        # discharged 03-02 08:00, readmitted 04-02 08:00 (+02:00): 30 days 23 hours later
        h = history(
            "X",
            "copd",
            AA,
            ("at_home", "2025-03-01 08:00"),
            ("discharged", "2025-03-02 08:00"),
            ("readmitted", "2025-04-02 08:00"),
        )
        v = values([h])

        assert v["readmissions_within_30_days"].value == 0
        assert v["readmission_rate_within_30_days"].value == 0

    def test_no_follow_up_for_live_episodes(self) -> None:
        h = history(
            "X",
            "copd",
            AA,
            ("at_home", "2025-03-01 08:00"),
            ("discharged", "2025-03-02 08:00"),
            source="live",
            follow_up_known=False,
        )
        v = values([h])

        assert v["readmissions_within_30_days"].value is None
        assert "follow-up" in (v["readmissions_within_30_days"].note or "")

    def test_no_episode_ended_gives_no_rate(self) -> None:
        v = values([F])

        assert v["escalation_rate_during_episode"].value is None
        assert v["length_of_stay_median_days"].value is None
        assert v["episodes_ended"].value == 0


def _live(**data: object) -> History:
    base = history(
        "L",
        "opat",
        ESD,
        ("at_home", "2025-03-10 08:00"),
        ("visit_done", "2025-03-10 09:00"),
        ("visit_done", "2025-03-10 10:00"),
        ("ed_visit", "2025-03-14 09:00"),
        ("discharged", "2025-03-15 08:00"),
        source="live",
        organisation="INF",
        authority="Region Dalarna",
        staff=(),
        alerts=(),
        care_requests=(),
        questionnaires=(),
        follow_up_known=False,
    )
    from dataclasses import replace

    return replace(base, **data)  # type: ignore[arg-type]


def _block(role: str, kind: str, authority: str, **minutes: float) -> StaffBlock:
    return StaffBlock(
        day=date(2025, 3, 11),
        role=role,
        authority_kind=kind,
        authority=authority,
        organisation="HSV" if kind == "municipality" else "INF",
        travel_min=minutes.get("travel", 0),
        waiting_min=minutes.get("waiting", 0),
        at_patient_min=minutes.get("at_patient", 0),
        travel_km=minutes.get("km", 0),
    )


BLOCKS = (
    # municipal nurse: 30 min travel, 10 waiting, 60 at the patient, 20 km
    _block(
        "registered_nurse",
        "municipality",
        "Falu kommun",
        travel=30,
        waiting=10,
        at_patient=60,
        km=20,
    ),
    # the clinic's physician: 15 min at the patient (a digital round counted as a visit)
    _block("physician", "region", "Region Dalarna", at_patient=15),
)


class TestStaffTimeAndCostPerAuthority:
    def test_staff_time_split(self) -> None:
        v = values([_live(staff=BLOCKS)])

        # travel 30 min, waiting 10, at the patient 60 + 15 = 75; total 115 min
        assert close(v["staff_hours_travel"].value, 0.5)
        assert close(v["staff_hours_waiting"].value, 10 / 60)
        assert close(v["staff_hours_at_patient"].value, 1.25)
        assert close(v["staff_hours_total"].value, 115 / 60)
        assert close(v["staff_share_travel"].value, 30 / 115)
        assert close(v["travel_km"].value, 20)

    def test_costs_and_savings_per_authority(self) -> None:
        v = values([_live(staff=BLOCKS)])

        # The region gains the bed-days: OPAT 7 days planned, the history starts at home
        # (no admission before it) → 03-10 08:00 … 03-17 08:00 = 7 days × 8 900 = 62 300 SEK.
        assert close(v["cost_bed_days_freed_sek"].value, 62_300)
        # The region pays the ED visit (3 500) and its physician: 0.25 h × 1 000 = 250.
        assert close(v["cost_ed_visits_during_episode_sek"].value, 3_500)
        assert close(v["cost_staff_region_sek"].value, 250)
        assert close(v["cost_travel_region_sek"].value, 0)
        assert close(v["region_costs_sek"].value, 3_750)
        assert close(v["region_net_sek"].value, 62_300 - 3_750)
        # The municipality pays its nurse: 100 min = 5/3 h × 550 = 916.67, and 20 km × 5 = 100.
        assert close(v["cost_staff_municipality_sek"].value, 100 / 60 * 550)
        assert close(v["cost_travel_municipality_sek"].value, 100)
        assert close(v["municipality_costs_sek"].value, 100 / 60 * 550 + 100)
        assert close(v["municipality_net_sek"].value, -(100 / 60 * 550 + 100))

    def test_overrides_per_authority_and_year(self) -> None:
        data = config.load().model_dump()
        data["unit_costs"]["overrides"] = [
            {"authority": "Falu kommun", "staff_hour": {"registered_nurse": 600}},
            {"year": 2025, "bed_day": 10_000},
            {"year": 2024, "bed_day": 1},
        ]
        settings = config.Settings.model_validate(data)

        v = values([_live(staff=BLOCKS)], p=params(settings))

        # 5/3 h × 600 = 1 000; 7 bed-days × 10 000 (the 2025 price; 2024's does not apply)
        assert close(v["cost_staff_municipality_sek"].value, 1_000)
        assert close(v["cost_bed_days_freed_sek"].value, 70_000)

    def test_ed_visits_avoided_when_configured(self) -> None:
        data = config.load().model_dump()
        data["pathways"]["copd"]["ed_visits_avoided_per_episode"] = 1
        settings = config.Settings.model_validate(data)

        v = values(MONTH, p=params(settings))

        # two COPD episodes went home in March (B, E): 2 × 1 × 3 500 SEK
        assert close(v["cost_ed_visits_avoided_sek"].value, 7_000)
        assert v["cost_ed_visits_avoided_sek"].episodes == ("B", "E")


class TestAlertsCareRequestsQuestionnaires:
    def test_alerts_by_severity_and_time_to_acknowledge(self) -> None:
        alerts = (
            AlertRecord(at("2025-03-11 10:00"), "high", at("2025-03-11 10:05")),
            AlertRecord(at("2025-03-12 10:00"), "medium", at("2025-03-12 10:45")),
            AlertRecord(at("2025-03-13 10:00"), "high", None),
            AlertRecord(at("2025-02-13 10:00"), "low", None),  # before the period
        )
        v = values([_live(alerts=alerts)])

        assert v["alerts_raised"].value == 3
        assert v["alerts_high"].value == 2
        assert v["alerts_medium"].value == 1
        assert v["alerts_low"].value == 0
        assert close(v["alerts_acknowledged_share"].value, 2 / 3)
        # acknowledged after 5 and 45 minutes: median 25; p90 at position 0.9 → 5 + 40 × 0.9
        assert close(v["alert_minutes_to_acknowledge_median"].value, 25)
        assert close(v["alert_minutes_to_acknowledge_p90"].value, 41)

    def test_care_requests_answered_in_the_agreed_time(self) -> None:
        sent = at("2025-03-09 09:00")
        requests = (
            # agreed 24 h, answered after 3 h: in time
            CareRequestRecord(sent, at("2025-03-10 09:00"), at("2025-03-09 12:00")),
            # agreed 4 h, answered after 5 h: late
            CareRequestRecord(sent, at("2025-03-09 13:00"), at("2025-03-09 14:00")),
            # never answered
            CareRequestRecord(sent, at("2025-03-10 09:00"), None),
            # cancelled before its deadline without an answer: left out
            CareRequestRecord(sent, at("2025-03-10 09:00"), None, at("2025-03-09 10:00")),
        )
        v = values([_live(care_requests=requests)])

        assert v["care_requests_sent"].value == 4
        assert v["care_requests_answered_in_time"].value == 1
        assert close(v["care_requests_answered_in_time_share"].value, 1 / 3)
        assert close(v["care_request_hours_to_answer_median"].value, 4)  # 3 h and 5 h

    def test_questionnaire(self) -> None:
        answered = (
            QuestionnaireRecord(at("2025-03-15 09:00"), {"felt_safe": 5, "knew_whom_to_call": 3}),
        )
        other = _live(questionnaires=(), episode="M")
        v = values([_live(questionnaires=answered), other])

        # two live episodes ended, one answered
        assert v["questionnaires_answered"].value == 1
        assert close(v["questionnaire_response_share"].value, 0.5)
        assert close(v["patient_felt_safe_share"].value, 1.0)
        assert close(v["patient_safety_score_mean"].value, 5)
        assert close(v["patient_experience_score_mean"].value, 4)  # (5 + 3) / 2

    def test_known_zero_is_zero(self) -> None:
        v = values([_live()])

        assert v["alerts_raised"].value == 0
        assert v["care_requests_sent"].value == 0
        assert v["alert_minutes_to_acknowledge_median"].value is None


class TestQuantile:
    @given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=30))
    def test_quantiles_lie_between_min_and_max_and_are_ordered(self, xs: list[float]) -> None:
        q25, q50, q75 = quantile(xs, 0.25), quantile(xs, 0.5), quantile(xs, 0.75)

        assert min(xs) <= q25 <= q50 <= q75 <= max(xs)

    @pytest.mark.parametrize(
        ("xs", "q", "expected"),
        [([1, 2, 3, 4], 0.5, 2.5), ([1, 2, 3, 4], 0.25, 1.75), ([7], 0.9, 7)],
    )
    def test_type_7(self, xs: list[float], q: float, expected: float) -> None:
        assert close(quantile(xs, q), expected)


class TestTheOddFiguresOfIssue12:
    """The outcomes page showed "Besök per vårddygn 70.07" and the region's "bed-days freed
    136": a world built by hand shows why, and what the figures are now."""

    # Three OPAT patients went home at 08:00 on 3 March; the report is made at 09:02 the same
    # day, and 3 visits were done by then (08:30, 08:45, 09:00).
    AS_OF = at("2025-03-03 09:02")
    JUST_HOME = [
        history(
            f"N{n}", "opat", ESD, ("candidate", "2025-03-03 07:00"), ("at_home", "2025-03-03 08:00")
        )
        for n in (1, 2)
    ] + [
        history(
            "N3",
            "opat",
            ESD,
            ("candidate", "2025-03-03 07:00"),
            ("at_home", "2025-03-03 08:00"),
            ("visit_done", "2025-03-03 08:30"),
            ("visit_done", "2025-03-03 08:45"),
            ("visit_done", "2025-03-03 09:00"),
        )
    ]

    def period(self) -> Period:
        return period_of(date(2025, 3, 1), date(2025, 3, 31), self.AS_OF)

    def test_a_stay_of_an_hour_gives_no_visits_per_day(self) -> None:
        v = values(self.JUST_HOME, self.period())

        # 3 patients × 62 minutes at home = 186 minutes = 0.129 patient-days: the old ratio
        # 3 / 0.129 = 23.2 visits "per day". No midnight at home yet: no care day, no ratio.
        assert close(v["patient_days_at_home"].value, 3 * 62 / (24 * 60))
        assert v["care_days_at_home"].value == 0
        assert v["visits_done"].value == 3
        assert v["visits_per_patient_day"].value is None
        assert v["visits_per_patient_day"].note

    def test_two_days_later_the_ratio_is_per_care_day(self) -> None:
        later = period_of(date(2025, 3, 1), date(2025, 3, 31), at("2025-03-05 09:02"))

        v = values(self.JUST_HOME, later)

        # each patient at home over the midnights of 4 and 5 March: 6 care days, 3 visits
        assert v["care_days_at_home"].value == 6
        assert close(v["visits_per_patient_day"].value, 3 / 6)

    def test_bed_days_freed_in_days_and_their_value_in_kronor(self) -> None:
        v = values(self.JUST_HOME, self.period())

        # OPAT (E = 7 days) from admission 07:00: 1 hour in hospital before going home, then
        # freed from 08:00 up to the report at 09:02: 62 minutes a patient.
        freed = 3 * 62 / (24 * 60)
        assert close(v["bed_days_freed"].value, freed)
        # the shipped bed-day cost is 8 900 SEK: 0.129 days are worth 1 149.6 SEK. That sum
        # was labelled "Region: bed-days freed"; it is the value of the bed-days freed.
        assert close(v["cost_bed_days_freed_sek"].value, freed * 8900)
        assert BY_NAME["cost_bed_days_freed_sek"].unit == "SEK"
        assert BY_NAME["cost_bed_days_freed_sek"].text("sv") == (
            "Regionen: värdet av frigjorda vårdplatsdygn"
        )
        assert BY_NAME["bed_days_freed"].unit == "days"

    def test_a_midnight_is_counted_once_and_belongs_to_one_period(self) -> None:
        # at home 02-27 20:00 … 03-02 08:00, readmitted, home again 03-02 20:00 … 03-03 10:00
        h = history(
            "M",
            "copd",
            AA,
            ("at_home", "2025-02-27 20:00"),
            ("readmitted", "2025-03-02 08:00"),
            ("at_home", "2025-03-02 20:00"),
            ("discharged", "2025-03-03 10:00"),
        )
        february = period_of(date(2025, 2, 1), date(2025, 2, 28), AS_OF_LATE)

        # February: the midnight of 28 Feb; March: 1 and 2 March (first stay), 3 March (second)
        assert values([h], february)["care_days_at_home"].value == 1
        assert values([h])["care_days_at_home"].value == 3


AS_OF_LATE = at("2025-06-01 00:00")
