"""The physician-support indicators, pure (outcomes/physicians.py): the hand-built month of
``physician_world`` and the rules one by one (docs/indicators.md "Physician support")."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from samband.outcomes import physicians as ph
from samband.outcomes import render
from samband.outcomes.indicators import BY_NAME, Period, Value
from samband.outcomes.report import build, period_of
from tests.outcomes import physician_world as world
from tests.outcomes.helpers import AS_OF, at, march, params

MIN = timedelta(minutes=1)


def computed(data: ph.Data, period: Period | None = None) -> dict[tuple[str, str], Value]:
    _, values = ph.compute(data, period or march())
    return {(v.indicator, v.group): v for v in values}


def request(
    minutes: float | None,
    *,
    urgency: str = "acute",
    status: str | None = None,
    kind: str | None = "advice",
    asked: str = "2025-03-10 22:00",
    limit: float = 30,
) -> ph.Request:
    asked_at = at(asked)
    return ph.Request(
        asked_at=asked_at,
        urgency=urgency,
        status=status or ("answered" if minutes is not None else "open"),
        due_at=asked_at + limit * MIN,
        answered_at=asked_at + minutes * MIN if minutes is not None else None,
        answer_kind=kind if minutes is not None else None,
        answered_by="A" if minutes is not None else None,
        patient="P",
        asking_organisation="MUNI",
        physician_organisation="VC1",
    )


class TestTheHandBuiltMonth:
    def test_every_value_as_worked_out_by_hand(self) -> None:
        values = computed(world.data())

        found = {key: render.number(values[key].value) for key in world.EXPECTED}

        assert found == world.EXPECTED

    def test_the_groups_come_after_all_in_a_fixed_order(self) -> None:
        groups, _ = ph.compute(world.data(), march())

        assert groups == [
            "urgency=acute",
            "urgency=same_day",
            "urgency=planned",
            "asking_organisation=MUNI",
            "asking_organisation=MUNI2",
            "physician_organisation=VC1",
            "physician_organisation=VC2",
            "hospital=SJH",
        ]

    def test_every_name_is_an_indicator_and_all_has_each_once(self) -> None:
        _, values = ph.compute(world.data(), march())
        in_all = [v.indicator for v in values if v.group == "all"]

        assert sorted(in_all) == sorted(ph.NAMES)
        assert all(BY_NAME[n].section == "physician" for n in ph.NAMES)
        assert {n for n, i in BY_NAME.items() if i.section == "physician"} == set(ph.NAMES)

    def test_a_group_has_only_its_own_indicators(self) -> None:
        values = computed(world.data())

        assert ("physician_home_visits", "urgency=acute") not in values
        assert ("hospital_stays_admitted", "physician_organisation=VC1") not in values
        assert ("physician_requests", "hospital=SJH") not in values

    def test_the_report_writes_them_after_the_episodes_indicators(self) -> None:
        report = build(
            [], date(2025, 3, 1), date(2025, 3, 31), params(), as_of=AS_OF, physicians=world.data()
        )
        lines = render.to_csv(report).splitlines()

        assert report.groups[0] == "all"
        assert "physician_request_answer_minutes_p90,urgency=acute,70" in lines
        assert "physician_request_answer_minutes_median,all,32.5" in lines
        # group by group: every row of all before the first row of urgency=acute
        last_all = max(i for i, line in enumerate(lines) if ",all," in line)
        first_acute = min(i for i, line in enumerate(lines) if ",urgency=acute," in line)
        assert last_all < first_acute

    def test_html_shows_each_section_with_its_own_groups(self) -> None:
        report = build(
            [], date(2025, 3, 1), date(2025, 3, 31), params(), as_of=AS_OF, physicians=world.data()
        )

        html = render.to_html(report)
        pdf = render.to_pdf(report)

        section = html.split("Physician support")[1]
        assert "urgency=acute" in section
        assert "hospital=SJH" in section
        activity = html.split("<h2>Activity</h2>")[1].split("</table>")[0]
        assert "urgency=acute" not in activity
        assert pdf.startswith(b"%PDF")


class TestRequests:
    def test_the_brief_example_median_and_p90_by_linear_interpolation(self) -> None:
        # 5 acute requests answered after 10, 20, 25, 40, 90 minutes + one unanswered
        data = ph.Data(requests=tuple(request(m) for m in (10, 20, 25, 40, 90, None)))

        v = computed(data)

        assert v[("physician_request_answer_minutes_median", "all")].value == 25
        assert v[("physician_request_answer_minutes_p90", "all")].value == 70
        assert v[("physician_requests_answered_within_limit_share", "all")].value == 0.5
        assert v[("physician_requests_unanswered", "all")].value == 1
        assert v[("physician_requests_unanswered_overdue", "all")].value == 1

    def test_forwarding_is_not_an_answer(self) -> None:
        data = ph.Data(requests=(request(5, kind="forwarded"),))

        v = computed(data)

        assert v[("physician_requests_answered", "all")].value == 0
        assert v[("physician_request_answer_minutes_median", "all")].value is None
        assert v[("physician_requests_unanswered", "all")].value == 1
        assert v[("physician_requests_answered_within_limit_share", "all")].value == 0

    def test_cancelled_is_neither_in_the_share_nor_unanswered(self) -> None:
        data = ph.Data(requests=(request(None, status="cancelled"), request(10)))

        v = computed(data)

        assert v[("physician_requests", "all")].value == 2
        assert v[("physician_requests_cancelled", "all")].value == 1
        assert v[("physician_requests_answered_within_limit_share", "all")].value == 1
        assert v[("physician_requests_unanswered", "all")].value == 0

    def test_an_answer_at_the_limit_is_within_it(self) -> None:
        v = computed(ph.Data(requests=(request(30), request(30.5))))

        assert v[("physician_requests_answered_within_limit", "all")].value == 1

    def test_an_open_request_within_its_limit_is_not_judged_yet(self) -> None:
        now = at("2025-03-10 22:10")
        period = period_of(date(2025, 3, 1), date(2025, 3, 31), now)
        data = ph.Data(requests=(request(None), request(5)))

        v = computed(data, period)

        assert v[("physician_requests_answered_within_limit_share", "all")].value == 1
        assert v[("physician_requests_unanswered", "all")].value == 1
        assert v[("physician_requests_unanswered_overdue", "all")].value == 0

    def test_answered_after_the_period_counts_its_time_and_was_unanswered_at_its_end(
        self,
    ) -> None:
        late = request(30, asked="2025-03-31 23:50", limit=60)  # answered 1 April 00:20

        v = computed(ph.Data(requests=(late,)))

        assert v[("physician_request_answer_minutes_median", "all")].value == 30
        assert v[("physician_requests_answered_within_limit", "all")].value == 1
        assert v[("physician_requests_unanswered", "all")].value == 1
        assert v[("physician_requests_unanswered_overdue", "all")].value == 0

    def test_a_request_asked_before_the_period_is_not_in_it(self) -> None:
        v = computed(ph.Data(requests=(request(10, asked="2025-02-28 23:55"),)))

        assert v[("physician_requests", "all")].value == 0
        assert v[("physician_request_answer_minutes_median", "all")].value is None
        assert v[("physician_request_answer_minutes_median", "all")].note
        # but its answer on 1 March is a contact of March
        assert v[("physician_contacts", "all")].value == 1

    def test_no_request_gives_zero_counts_and_na_for_times_and_shares(self) -> None:
        v = computed(ph.Data())

        assert v[("physician_requests", "all")].value == 0
        assert v[("physician_request_answer_minutes_p90", "all")].value is None
        assert v[("physician_requests_answered_within_limit_share", "all")].value is None
        assert v[("physician_continuity_share", "all")].value is None
        assert v[("admission_notices_within_24h_share", "all")].value is None
        assert v[("days_past_ready_for_discharge", "all")].value == 0

    def test_imported_history_only_gives_na_everywhere(self) -> None:
        groups, values = ph.compute(world.data(), march(), live=False)

        assert groups == []
        assert {v.indicator for v in values} == set(ph.NAMES)
        assert all(v.value is None and v.note for v in values)


class TestContinuity:
    def test_the_fixed_physician_at_the_time_of_the_contact(self) -> None:
        fixed = world.fixed()["P"]

        assert fixed.at(at("2024-12-31 12:00")) is None  # before the first change: none
        assert fixed.at(at("2025-03-11 07:59")) == "A"
        assert fixed.at(at("2025-03-11 08:00")) == "B"

    def test_without_changes_today_s_fixed_physician(self) -> None:
        assert ph.FixedPhysician((), "X").at(at("2020-01-01 00:00")) == "X"

    def test_a_contact_by_someone_else_is_not_continuity(self) -> None:
        visit = ph.Visit(at("2025-03-05 11:00"), 30, "VC1", "C", "P", booked=False)
        fixed = {"P": ph.FixedPhysician((), "A")}

        v = computed(ph.Data(visits=(visit,), fixed=fixed))

        assert v[("physician_contacts", "all")].value == 1
        assert v[("physician_continuity_share", "all")].value == 0

    def test_a_visit_with_no_physician_recorded_is_no_contact(self) -> None:
        visit = ph.Visit(at("2025-03-05 11:00"), 30, "VC1", None, "P", booked=False)

        v = computed(ph.Data(visits=(visit,)))

        assert v[("physician_home_visits", "all")].value == 1
        assert v[("physician_contacts", "all")].value == 0


class TestStays:
    def test_days_past_ready_are_the_dates_after_it_up_to_discharge(self) -> None:
        p = march()
        stay = ph.Stay(at("2025-03-01 10:00"), None, date(2025, 3, 10), at("2025-03-13 09:00"),
                       "SJH", "P")  # fmt: skip

        assert ph.days_past_ready(stay, p) == 3  # 11, 12, 13 March
        assert ph.days_past_ready(replace(stay, ready_on=date(2025, 3, 13)), p) == 0
        assert ph.days_past_ready(replace(stay, ready_on=None), p) == 0

    def test_still_in_hospital_counts_up_to_the_day_of_the_report(self) -> None:
        now = at("2025-03-15 10:00")
        p = period_of(date(2025, 3, 1), date(2025, 3, 31), now)
        stay = ph.Stay(at("2025-03-01 10:00"), None, date(2025, 3, 10), None, "SJH", "P")

        assert ph.days_past_ready(stay, p) == 5  # 11 .. 15 March

    def test_a_notice_not_sent_counts_once_its_24_hours_passed(self) -> None:
        admitted = at("2025-03-10 10:00")
        stay = ph.Stay(admitted, None, None, None, "SJH", "P")
        data = ph.Data(stays=(stay,))
        before = period_of(date(2025, 3, 1), date(2025, 3, 31), admitted + timedelta(hours=23))
        after = period_of(date(2025, 3, 1), date(2025, 3, 31), admitted + timedelta(hours=25))

        assert computed(data, before)[("admission_notices_within_24h_share", "all")].value is None
        assert computed(data, after)[("admission_notices_within_24h_share", "all")].value == 0


class TestFilters:
    def test_a_pathway_keeps_the_rows_of_its_enrolments_only(self) -> None:
        enrolment = ph.EpisodeInfo("home_health_care", "home_health_care", "MUNI")
        data = ph.Data(requests=(replace(request(10), episode=enrolment), request(20)))

        kept = ph.keep(data, pathways=("home_health_care",))

        assert [r.minutes for r in kept.requests] == [10]
        assert ph.keep(data, pathways=("opat",)).requests == ()

    def test_an_organisation_keeps_what_it_asked_was_asked_or_did(self) -> None:
        data = world.data()

        kept = ph.keep(data, organisations=("VC2",))

        assert len(kept.requests) == 3  # r7, r8, r9 asked of VC2
        assert [v.organisation for v in kept.visits] == ["VC2"]
        assert kept.stays == ()
        assert len(ph.keep(data, organisations=("MUNI2",)).requests) == 1
        assert len(ph.keep(data, organisations=("SJH",)).stays) == 4


URGENCY = st.sampled_from(ph.URGENCIES)
MINUTES = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))
STATUS = st.sampled_from(["open", "answered", "cancelled"])


@st.composite
def requests(draw: st.DrawFn) -> ph.Request:
    asked = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 44000)))
    minutes = draw(MINUTES)
    status = draw(STATUS)
    answered = minutes is not None and status != "open"
    return ph.Request(
        asked_at=asked,
        urgency=draw(URGENCY),
        status=status,
        due_at=asked + timedelta(minutes=draw(st.integers(1, 5000))),
        answered_at=asked + timedelta(minutes=minutes)
        if answered and minutes is not None
        else None,
        answer_kind=draw(st.sampled_from(["advice", "forwarded", "video"])) if answered else None,
        answered_by="A" if answered else None,
        patient="P",
        asking_organisation=draw(st.sampled_from(["M1", "M2"])),
        physician_organisation=draw(st.sampled_from(["VC1", "VC2", None])),
    )


class TestProperties:
    @settings(max_examples=150, deadline=None)
    @given(st.lists(requests(), max_size=25))
    def test_the_counts_add_up_and_the_shares_are_fractions(self, found: list[ph.Request]) -> None:
        v = computed(ph.Data(requests=tuple(found)))

        def n(name: str, group: str = "all") -> float:
            value = v[(name, group)].value
            assert value is not None
            return value

        asked = n("physician_requests")
        assert n("physician_requests_answered_within_limit") <= n("physician_requests_answered")
        assert n("physician_requests_answered") + n("physician_requests_cancelled") <= asked
        assert n("physician_requests_unanswered_overdue") <= n("physician_requests_unanswered")
        assert n("physician_requests_unanswered") + n("physician_requests_cancelled") <= asked
        share = v[("physician_requests_answered_within_limit_share", "all")].value
        assert share is None or 0 <= share <= 1
        median = v[("physician_request_answer_minutes_median", "all")].value
        p90 = v[("physician_request_answer_minutes_p90", "all")].value
        assert (median is None) == (p90 is None)
        if median is not None and p90 is not None:
            assert median <= p90
        # the urgencies split all
        assert asked == sum(
            n("physician_requests", f"urgency={u}")
            for u in ph.URGENCIES
            if ("physician_requests", f"urgency={u}") in v
        )
