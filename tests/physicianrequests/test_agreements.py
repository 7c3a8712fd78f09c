"""The agreements' time rules and the file (pure): the limit per urgency (DST, Friday
evening, exactly 16:00, holidays), office hours, escalation, matching and loading."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.kit.time import STOCKHOLM
from samband.physicianrequests import agreements as rules
from samband.physicianrequests.agreements import Agreement, AgreementError, Urgency


def local(y: int, mo: int, d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=STOCKHOLM)


DEFAULT = Agreement()
# 2026-03-02 is a Monday; 2026-03-06 a Friday; DST starts 2026-03-29 and ends 2026-10-25
MON, FRI = (2026, 3, 2), (2026, 3, 6)
# the range of the property tests (naive: hypothesis' datetimes, made UTC in the test)
FIRST, LAST = datetime(2025, 1, 1), datetime(2030, 12, 31)  # noqa: DTZ001


def due(urgency: str, at: datetime, agreement: Agreement = DEFAULT) -> datetime:
    found = rules.due_at(urgency, at, agreement)
    assert found.tzinfo is not None
    return found.astimezone(STOCKHOLM)


class TestAcute:
    def test_thirty_minutes_after_it_was_asked(self) -> None:
        assert due("acute", local(*MON, 22, 0)) == local(*MON, 22, 30)

    def test_across_midnight(self) -> None:
        assert due("acute", local(*MON, 23, 45)) == local(2026, 3, 3, 0, 15)

    def test_thirty_real_minutes_across_the_spring_dst_change(self) -> None:
        # 01:50 CET + 30 min = 02:20 CET, which does not exist: 03:20 CEST
        assert due("acute", local(2026, 3, 29, 1, 50)) == local(2026, 3, 29, 3, 20)

    def test_the_agreement_sets_the_minutes(self) -> None:
        assert due("acute", local(*MON, 10), Agreement(acute_minutes=20)) == local(*MON, 10, 20)


class TestSameDay:
    def test_before_16_it_is_that_day_at_16(self) -> None:
        assert due("same_day", local(*MON, 9, 15)) == local(*MON, 16)

    def test_a_second_before_16_still_today(self) -> None:
        assert due("same_day", local(*MON, 15, 59, 59)) == local(*MON, 16)

    def test_exactly_16_is_the_next_working_day(self) -> None:
        assert due("same_day", local(*MON, 16, 0)) == local(2026, 3, 3, 16)

    def test_friday_evening_is_monday_16(self) -> None:
        assert due("same_day", local(*FRI, 18, 30)) == local(2026, 3, 9, 16)

    def test_a_saturday_morning_is_that_day(self) -> None:
        assert due("same_day", local(2026, 3, 7, 10)) == local(2026, 3, 7, 16)

    def test_a_saturday_evening_is_monday(self) -> None:
        assert due("same_day", local(2026, 3, 7, 17)) == local(2026, 3, 9, 16)

    def test_across_the_autumn_dst_change_it_is_16_local(self) -> None:
        # Friday 2026-10-23 17:00 CEST → Monday 2026-10-26 16:00 CET (15:00 UTC)
        found = rules.due_at("same_day", local(2026, 10, 23, 17), DEFAULT)
        assert found == datetime(2026, 10, 26, 15, 0, tzinfo=UTC)

    def test_a_holiday_is_no_working_day(self) -> None:
        christmas = Agreement(holidays=(date(2026, 12, 24), date(2026, 12, 25)))
        # Wednesday 23 Dec 17:00 → Thursday 24 and Friday 25 are holidays → Monday 28
        assert due("same_day", local(2026, 12, 23, 17), christmas) == local(2026, 12, 28, 16)

    def test_the_agreement_sets_the_clock(self) -> None:
        early = Agreement(same_day_until="14:30")
        assert due("same_day", local(*MON, 14, 0), early) == local(*MON, 14, 30)
        assert due("same_day", local(*MON, 14, 30), early) == local(2026, 3, 3, 14, 30)


class TestPlanned:
    def test_three_working_days_later_at_the_same_time(self) -> None:
        assert due("planned", local(*MON, 10, 5)) == local(2026, 3, 5, 10, 5)

    def test_friday_evening_is_wednesday_evening(self) -> None:
        assert due("planned", local(*FRI, 18, 30)) == local(2026, 3, 11, 18, 30)

    def test_a_sunday_counts_from_monday(self) -> None:
        assert due("planned", local(2026, 3, 8, 12)) == local(2026, 3, 11, 12)

    def test_across_the_spring_dst_change_the_clock_stays(self) -> None:
        # Friday 27 March 10:00 CET → Wednesday 1 April 10:00 CEST (08:00 UTC)
        found = rules.due_at("planned", local(2026, 3, 27, 10), DEFAULT)
        assert found == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)

    def test_the_agreement_sets_the_days(self) -> None:
        assert due("planned", local(*MON, 10), Agreement(planned_working_days=1)) == local(
            2026, 3, 3, 10
        )


class TestRules:
    @given(
        st.datetimes(min_value=FIRST, max_value=LAST),
        st.sampled_from(list(Urgency)),
    )
    def test_the_limit_is_after_the_question_and_within_a_week(
        self, naive: datetime, urgency: Urgency
    ) -> None:
        asked = naive.replace(tzinfo=UTC)
        found = rules.due_at(urgency.value, asked, DEFAULT)
        assert asked < found <= asked + timedelta(days=6)

    @given(st.datetimes(min_value=FIRST, max_value=LAST))
    def test_same_day_is_always_16_local_and_planned_always_a_weekday(
        self, naive: datetime
    ) -> None:
        asked = naive.replace(tzinfo=UTC)
        same_day = rules.due_at("same_day", asked, DEFAULT).astimezone(STOCKHOLM)
        assert (same_day.hour, same_day.minute) == (16, 0)
        planned = rules.due_at("planned", asked, DEFAULT).astimezone(STOCKHOLM)
        assert planned.isoweekday() <= 5

    def test_a_time_without_a_zone_is_refused(self) -> None:
        with pytest.raises(ValueError, match="time zone"):
            rules.due_at("same_day", datetime(2026, 3, 2, 10), DEFAULT)  # noqa: DTZ001


class TestOfficeHours:
    @pytest.mark.parametrize(
        ("at", "inside"),
        [
            (local(*MON, 7, 59), False),
            (local(*MON, 8, 0), True),
            (local(*MON, 15, 59), True),
            (local(*MON, 16, 0), False),
            (local(*MON, 22, 0), False),
            (local(2026, 3, 7, 10), False),  # Saturday
            (local(*FRI, 12), True),
        ],
    )
    def test_weekdays_eight_to_sixteen(self, at: datetime, inside: bool) -> None:
        assert rules.in_office_hours(DEFAULT, at) is inside

    def test_a_holiday_has_none(self) -> None:
        agreement = Agreement(holidays=(date(2026, 3, 2),))
        assert not rules.in_office_hours(agreement, local(*MON, 10))

    def test_the_agreement_sets_them(self) -> None:
        agreement = Agreement.model_validate(
            {"office_hours": {"weekdays": [1, 2, 3, 4, 5, 6], "start": "07:30", "end": "17:00"}}
        )
        assert rules.in_office_hours(agreement, local(*MON, 7, 30))
        assert rules.in_office_hours(agreement, local(2026, 3, 7, 16, 59))


class TestEscalation:
    def test_not_before_the_limit(self) -> None:
        asked = local(*MON, 10)
        limit = local(*MON, 16)
        assert not rules.escalation_due(
            DEFAULT, "same_day", due=limit, level_since=asked, now=local(*MON, 15, 59)
        )
        assert rules.escalation_due(
            DEFAULT, "same_day", due=limit, level_since=asked, now=local(*MON, 16)
        )

    def test_the_new_level_waits_its_minutes(self) -> None:
        limit = local(*MON, 22, 30)
        escalated = local(*MON, 22, 30)
        assert not rules.escalation_due(
            DEFAULT, "acute", due=limit, level_since=escalated, now=local(*MON, 22, 44)
        )
        assert rules.escalation_due(
            DEFAULT, "acute", due=limit, level_since=escalated, now=local(*MON, 22, 45)
        )


class TestMatching:
    def agreements(self) -> rules.Agreements:
        return rules.parse(
            {
                "default": {"acute_minutes": 30},
                "agreements": {
                    "municipality": {"asking_organisations": ["HSV"], "acute_minutes": 25},
                    "centre": {"physician_organisations": ["VC"], "acute_minutes": 20},
                    "both": {
                        "asking_organisations": ["HSV"],
                        "physician_organisations": ["VC"],
                        "acute_minutes": 15,
                    },
                },
            }
        )

    def test_both_organisations_win_over_one(self) -> None:
        assert self.agreements().match("HSV", "VC").key == "both"

    def test_the_physicians_organisation_wins_over_the_asking_one(self) -> None:
        assert self.agreements().match("OTHER", "VC").key == "centre"
        assert self.agreements().match("HSV", "OTHER").key == "municipality"

    def test_none_matching_is_the_default(self) -> None:
        found = self.agreements().match("OTHER", None)
        assert found.key == "default"
        assert found.acute_minutes == 30

    def test_an_unknown_key_is_the_default(self) -> None:
        assert self.agreements().get("removed").key == "default"


class TestLoading:
    def test_the_shipped_file_loads(self) -> None:
        found = rules.load()
        assert found.default.acute_minutes == 30
        assert found.default.same_day_until == "16:00"
        assert found.default.planned_working_days == 3
        assert found.default.escalate_after.of("acute") == 15

    def test_a_named_agreement_takes_the_rest_from_the_default(self) -> None:
        found = rules.parse(
            {
                "default": {"acute_minutes": 40, "escalate_after": {"acute": 10}},
                "agreements": {
                    "x": {"asking_organisations": ["A"], "escalate_after": {"planned": 100}}
                },
            }
        )
        agreement = found.get("x")
        assert agreement.acute_minutes == 40
        assert agreement.escalate_after.acute == 10
        assert agreement.escalate_after.planned == 100

    def test_a_file_from_the_setting(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        path.write_text("default:\n  acute_minutes: 45\n", encoding="utf-8")
        assert rules.load(path).default.acute_minutes == 45

    @pytest.mark.parametrize(
        ("content", "says"),
        [
            ("default:\n  acute_minutes: 0\n", "default.acute_minutes"),
            ("default:\n  same_day_until: '25:00'\n", "same_day_until"),
            ("default:\n  office_hours: {weekdays: [8]}\n", "weekdays"),
            ("default:\n  colour: blue\n", "colour"),
            ("agreements: {}\n", "default"),
            ("default: {}\nagreements:\n  x: {acute_minutes: 5}\n", "agreements.x"),
            ("- a list\n", "mapping"),
            ("default: [\n", "not valid YAML"),
        ],
    )
    def test_an_invalid_file_names_the_field(self, tmp_path: Path, content: str, says: str) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(AgreementError, match=says):
            rules.load(path)
