"""The summaries' pure core (deviations/summary.py) and the summary through the API: counts
per pathway, organisation and category, the median time to close, the CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from samband.deviations import summary
from samband.deviations.summary import CONSEQUENCES, STATUSES, Fact
from tests.deviations.helpers import build, report_body
from tests.factories import auth

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def fact(**fields: Any) -> Fact:
    base: dict[str, Any] = {
        "pathway": "opat",
        "organisation": "CLINIC",
        "category": "medication",
        "status": "reported",
        "consequence": "none",
        "lex_maria": False,
        "reported_at": T0,
        "closed_at": None,
    }
    base.update(fields)
    return Fact(**base)


class TestSummarise:
    def test_groups_and_counts(self) -> None:
        facts = [
            fact(),
            fact(category="fall", consequence="severe", lex_maria=True),
            fact(
                pathway=None, organisation="HOME", status="closed", closed_at=T0 + timedelta(days=2)
            ),
            fact(status="closed", closed_at=T0 + timedelta(days=5)),
            fact(status="closed", closed_at=T0 + timedelta(hours=12)),
        ]

        found = summary.summarise(facts)

        assert found.total.total == 5
        assert found.total.by_status == {
            "reported": 2,
            "investigating": 0,
            "answered": 0,
            "closed": 3,
        }
        assert found.total.by_consequence["severe"] == 1
        assert found.total.lex_maria == 1
        assert found.total.days_to_close_median == 2.0  # 0.5, 2, 5
        assert [(r.key, r.total) for r in found.by_pathway] == [("opat", 4), ("none", 1)]
        assert [(r.key, r.total) for r in found.by_organisation] == [("CLINIC", 4), ("HOME", 1)]
        assert [(r.key, r.total) for r in found.by_category] == [("medication", 4), ("fall", 1)]
        clinic = found.by_organisation[0]
        assert clinic.days_to_close_median == 2.8  # 0.5 and 5: the middle of two

    def test_nothing_closed_has_no_median(self) -> None:
        assert summary.summarise([fact()]).total.days_to_close_median is None
        assert summary.summarise([]).total.total == 0

    def test_the_csv_has_one_line_per_row(self) -> None:
        found = summary.summarise([fact(), fact(organisation="HOME", category="fall")])

        lines = summary.to_csv(found).splitlines()

        assert lines[0].split(",")[:4] == ["group", "key", "name", "total"]
        assert lines[1].startswith("total,total,total,2,")
        assert len(lines) == 1 + 1 + 1 + 2 + 2  # header, total, 1 pathway, 2 orgs, 2 categories

    def test_a_name_that_looks_like_a_formula_is_defused(self) -> None:
        found = summary.summarise([fact(organisation="=HYPERLINK(1)")])

        assert "\n'=HYPERLINK" not in summary.to_csv(found)
        assert ",'=HYPERLINK(1)," in summary.to_csv(found)

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(STATUSES),
                st.sampled_from(CONSEQUENCES),
                st.booleans(),
                st.sampled_from(["A", "B", "C"]),
                st.integers(min_value=0, max_value=100),
            ),
            max_size=40,
        )
    )
    def test_every_grouping_adds_up_to_the_total(self, rows: list[Any]) -> None:
        facts = [
            fact(
                status=s,
                consequence=c,
                lex_maria=flag,
                organisation=org,
                category=org.lower(),
                pathway=None if org == "C" else org,
                closed_at=T0 + timedelta(hours=h) if s == "closed" else None,
            )
            for s, c, flag, org, h in rows
        ]

        found = summary.summarise(facts)

        for rows_ in (found.by_pathway, found.by_organisation, found.by_category):
            assert sum(r.total for r in rows_) == found.total.total == len(facts)
            assert sum(r.lex_maria for r in rows_) == found.total.lex_maria
        assert sum(found.total.by_status.values()) == len(facts)
        assert sum(found.total.by_consequence.values()) == len(facts)
        median = found.total.days_to_close_median
        if median is not None:
            assert 0 <= median <= 100 / 24 + 0.1


class TestSummaryApi:
    def test_per_group_and_filtered(self, client: TestClient, session: Session) -> None:
        world = build(session)
        headers = auth(session, world.home_nurse)
        for category in ("medication", "medication", "fall"):
            made = client.post(
                "/api/v1/deviations",
                json=report_body(world, category=category),
                headers=headers,
            )
            assert made.status_code == 201
        clinic = auth(session, world.clinic_nurse)

        found = client.get("/api/v1/deviations/summary", headers=clinic).json()
        falls = client.get(
            "/api/v1/deviations/summary", params={"category": "fall"}, headers=clinic
        ).json()

        assert found["total"]["total"] == 3
        assert {r["key"]: r["total"] for r in found["by_category"]} == {"medication": 2, "fall": 1}
        assert [r["key"] for r in found["by_organisation"]] == [world.clinic.code]
        assert found["by_pathway"][0]["key"] == world.episode.pathway
        assert falls["total"]["total"] == 1

    def test_a_period_that_ends_before_it_starts_is_422(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)

        answer = client.get(
            "/api/v1/deviations/summary",
            params={"period_from": "2026-03-10", "period_to": "2026-03-01"},
            headers=auth(session, world.clinic_nurse),
        )

        assert answer.status_code == 422
        assert answer.json()["code"] == "deviation.period_order"

    def test_a_period_in_the_past_counts_nothing_of_today(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        client.post(
            "/api/v1/deviations", json=report_body(world), headers=auth(session, world.home_nurse)
        )

        answer = client.get(
            "/api/v1/deviations/summary.csv",
            params={"period_from": "2020-01-01", "period_to": "2020-01-31"},
            headers=auth(session, world.clinic_nurse),
        )

        assert answer.status_code == 200
        assert answer.text.splitlines()[1].startswith("total,total,")
        assert answer.text.splitlines()[1].split(",")[3] == "0"
