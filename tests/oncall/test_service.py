"""The resolver (`covering`): the unit's roster first, the organisation's as fallback, a dated
override over the weekly pattern; the gaps; the overview's warnings; contacts by hour."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from samband.oncall import rules, service
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import make_organisation, make_unit, make_user
from tests.oncall.helpers import add_entry, full_week, local

# Monday 2 March 2026, 10:00 local: a weekday day
MONDAY_10 = local(2026, 3, 2, 10)


def _ctx(session: Session, user: object) -> Context:
    session.refresh(user)
    return Context(session=session, actor=actor_of(user), log=AccessLog())  # type: ignore[arg-type]


class TestCovering:
    def test_the_users_name_phone_and_email_and_when_the_cover_ends(self, session: Session) -> None:
        org = make_organisation(session)
        doctor = make_user(session, org, role="physician")
        doctor.phone, doctor.email = "070-111 22 33", "doc@example.se"
        add_entry(session, org, rules.PHYSICIAN, rules.WEEKDAY_DAY, user=doctor)

        covers = service.covering(session, organisation_id=org.id, at=MONDAY_10)

        assert covers == [
            service.Cover(
                role="physician",
                user_id=doctor.id,
                name=doctor.full_name,
                phone="070-111 22 33",
                email="doc@example.se",
                organisation_id=org.id,
                unit_id=None,
                slot="weekday_day",
                until=local(2026, 3, 2, 16),
            )
        ]
        assert service.covering(session, organisation_id=org.id, at=local(2026, 3, 2, 17)) == []

    def test_the_units_roster_first_then_the_organisations(self, session: Session) -> None:
        org = make_organisation(session)
        ward, other = make_unit(session, org), make_unit(session, org)
        full_week(session, org, rules.NURSE, "Org Nurse", "023-1")
        add_entry(
            session,
            org,
            rules.NURSE,
            rules.WEEKDAY_DAY,
            unit=ward,
            name="Ward Nurse",
            phone="023-2",
        )

        def nurse(unit_id: object, at: object) -> str:
            covers = service.covering(session, unit_id=unit_id, at=at, role=rules.NURSE)  # type: ignore[arg-type]
            return covers[0].name

        assert nurse(ward.id, MONDAY_10) == "Ward Nurse"
        assert nurse(ward.id, local(2026, 3, 2, 22)) == "Org Nurse"  # the ward has no night
        assert nurse(other.id, MONDAY_10) == "Org Nurse"
        cover = service.covering(session, unit_id=ward.id, at=MONDAY_10)[0]
        assert cover.unit_id == ward.id
        assert cover.organisation_id == org.id

    def test_a_dated_override_wins_over_the_weekly_pattern(self, session: Session) -> None:
        org = make_organisation(session)
        full_week(session, org, rules.PHYSICIAN, "Pattern", "023-1")
        add_entry(
            session,
            org,
            rules.PHYSICIAN,
            rules.WEEKEND,
            name="Override",
            phone="023-9",
            starts_on=date(2026, 3, 6),
            ends_on=date(2026, 3, 6),
        )

        def who(at: object) -> str:
            return service.covering(session, organisation_id=org.id, at=at)[0].name  # type: ignore[arg-type]

        assert who(local(2026, 3, 8, 12)) == "Override"  # that Sunday
        assert who(local(2026, 3, 9, 6)) == "Override"  # Monday before 07: still its weekend
        assert who(local(2026, 3, 15, 12)) == "Pattern"  # the next weekend

    def test_an_unknown_unit_or_no_scope_gives_nobody(self, session: Session) -> None:
        import uuid

        assert service.covering(session, unit_id=uuid.uuid4(), at=MONDAY_10) == []
        assert service.covering(session, at=MONDAY_10) == []


class TestGaps:
    def test_uncovered_stretches_per_role_merged_and_clipped(self, session: Session) -> None:
        org = make_organisation(session)
        full_week(session, org, rules.NURSE, "N", "1")
        add_entry(session, org, rules.PHYSICIAN, rules.WEEKDAY_DAY, name="D", phone="2")

        found = service.gaps(
            session, organisation_id=org.id, start=MONDAY_10, end=MONDAY_10 + timedelta(days=1)
        )

        assert [g.role for g in found] == ["physician"]
        assert found[0].start == local(2026, 3, 2, 16)  # evening and night merged
        assert found[0].end == local(2026, 3, 3, 7)
        clipped = service.gaps(
            session, organisation_id=org.id, start=local(2026, 3, 2, 18), end=local(2026, 3, 2, 19)
        )
        assert [(g.start, g.end) for g in clipped] == [
            (local(2026, 3, 2, 18), local(2026, 3, 2, 19))
        ]

    def test_a_complete_roster_has_no_gap(self, session: Session) -> None:
        org = make_organisation(session)
        for role in rules.ROLES:
            full_week(session, org, role, "X", "1")
        assert (
            service.gaps(
                session, organisation_id=org.id, start=MONDAY_10, end=MONDAY_10 + timedelta(days=14)
            )
            == []
        )

    def test_the_overview_warns_of_the_next_weeks_gaps_per_unit_and_role(
        self, session: Session
    ) -> None:
        org = make_organisation(session)
        ward = make_unit(session, org)
        full_week(session, org, rules.PHYSICIAN, "D", "1")
        add_entry(session, org, rules.NURSE, rules.WEEKDAY_DAY, name="N", phone="2")
        nurse = make_user(session, org, role="registered_nurse", unit=ward)

        warnings = service.overview_warnings(_ctx(session, nurse), now=MONDAY_10)

        assert [(w.key, w.role, w.params["scope"]) for w in warnings] == [
            ("oncall.warning.gap", "registered_nurse", ward.name)
        ]
        text = warnings[0].text("sv")
        assert text.startswith("Sjuksköterska i beredskap saknas i jourlistan för")
        assert "2026-03-02 16:00–2026-03-03 07:00" in text
        assert warnings[0].text("en").startswith("No nurse on call on the on-call roster")
        analyst = make_user(session, org, role="analyst")
        assert service.overview_warnings(_ctx(session, analyst), now=MONDAY_10) == []
