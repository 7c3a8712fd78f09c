"""Reading and checking an import file (pure): each row on its own, then each episode's
events in time order, together with what was imported before."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from samband.outcomes.history import Event, walk
from samband.outcomes.importer import Stored, check, parse, parse_time
from tests.factories import valid_personnummer
from tests.outcomes.helpers import at

KNOWN = {"opat": ["early_supported_discharge"], "copd": ["admission_avoidance"]}
HEADER = "episode,personnummer,pathway,type,event,at\n"
PNR = "19121212-1212"


def rows(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


def row(episode: str, event: str, when: str, pathway: str = "opat", pnr: str = PNR) -> str:
    kind = "admission_avoidance" if pathway == "copd" else "early_supported_discharge"
    return f"{episode},{pnr},{pathway},{kind},{event},{when}"


class TestParseTime:
    @pytest.mark.parametrize(
        ("text", "utc"),
        [
            ("2025-03-04T10:15:00+01:00", "2025-03-04T09:15:00+00:00"),
            ("2025-03-04T10:15:00Z", "2025-03-04T10:15:00+00:00"),
            # no offset: Swedish local time (winter +01:00, summer +02:00)
            ("2025-03-04T10:15", "2025-03-04T09:15:00+00:00"),
            ("2025-07-04 10:15", "2025-07-04T08:15:00+00:00"),
            # a date alone: midnight, Swedish time
            ("2025-03-04", "2025-03-03T23:00:00+00:00"),
        ],
    )
    def test_accepted(self, text: str, utc: str) -> None:
        assert parse_time(text) == datetime.fromisoformat(utc)

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("yesterday", "not an ISO 8601 time"),
            ("2025-13-01", "not an ISO 8601 time"),
            ("2025-03-30T02:30", "does not exist in Swedish local time"),
            ("1850-01-01", "between 1900 and 2100"),
            ("", "empty"),
        ],
    )
    def test_refused(self, text: str, says: str) -> None:
        with pytest.raises(ValueError, match=says):
            parse_time(text)


class TestParse:
    def test_a_valid_file(self) -> None:
        parsed = parse(
            rows(row("E1", "candidate", "2025-03-01T08:00"), row("E1", "at_home", "2025-03-02")),
            KNOWN,
        )

        assert parsed.errors == []
        assert [r.event for r in parsed.rows] == ["candidate", "at_home"]
        assert parsed.rows[0].personnummer == "191212121212"
        assert parsed.rows[1].line == 3

    def test_every_bad_row_is_reported_with_its_line(self) -> None:
        text = rows(
            row("E1", "candidate", "2025-03-01T08:00", pnr="19121212-1213"),
            row("E1", "teleported", "2025-03-01T09:00"),
            row("E1", "at_home", "tomorrow"),
            "E2,only,three",
            row("", "at_home", "2025-03-01", pathway="Bad Key!"),
        )

        parsed = parse(text, KNOWN)

        assert [e.line for e in parsed.errors] == [2, 3, 4, 5, 6]
        assert "personnummer 19121212-1213: check digit should be 2" in parsed.errors[0].message
        assert "unknown event 'teleported'" in parsed.errors[1].message
        assert "'tomorrow' is not an ISO 8601 time" in parsed.errors[2].message
        assert "has 3 fields, expected 6" in parsed.errors[3].message
        assert parsed.rows == []
        assert "the episode id is empty" in parsed.errors[4].message
        assert "is not a pathway key" in parsed.errors[4].message

    @pytest.mark.parametrize(
        "header",
        ["episode,personnummer,pathway,type,event", "id,pnr,pathway,type,event,at", ""],
    )
    def test_the_header_must_be_exact(self, header: str) -> None:
        parsed = parse(header + "\n" + row("E1", "at_home", "2025-03-01") + "\n", KNOWN)

        assert parsed.errors[0].line == 1
        assert "episode,personnummer,pathway,type,event,at" in parsed.errors[0].message

    def test_semicolons_a_bom_and_blank_lines(self) -> None:
        text = "\ufeff" + rows(row("E1", "at_home", "2025-03-01").replace(",", ";"), "", " ")

        parsed = parse(text.replace(",", ";").encode("utf-8"), KNOWN)

        assert parsed.errors == []
        assert len(parsed.rows) == 1

    def test_not_utf8(self) -> None:
        parsed = parse(rows(row("E1", "at_home", "2025-03-01")).encode("utf-16"), KNOWN)

        assert "not UTF-8" in parsed.errors[0].message

    def test_unknown_pathway_and_type_alias(self) -> None:
        text = rows(
            "E1,19121212-1212,wound-care,early_discharge,at_home,2025-03-01",
            "E2,19121212-1212,copd,early_discharge,at_home,2025-03-01",
        )

        parsed = parse(text, KNOWN)

        assert parsed.errors == []
        assert {r.type for r in parsed.rows} == {"early_supported_discharge"}
        assert any("'wound-care' is not a configured pathway" in w for w in parsed.warnings)
        assert any("'copd' is configured for admission_avoidance" in w for w in parsed.warnings)

    def test_a_pathway_spelt_with_underscore_is_the_known_one(self) -> None:
        known = KNOWN | {"heart-failure": ["early_supported_discharge"]}
        text = rows("E1,19121212-1212,Heart_Failure,early_supported_discharge,at_home,2025-03-01")

        parsed = parse(text, known)

        assert parsed.warnings == []
        assert parsed.rows[0].pathway == "heart-failure"

    def test_unknown_type(self) -> None:
        parsed = parse(rows("E1,19121212-1212,opat,home_care,at_home,2025-03-01"), KNOWN)

        assert "type 'home_care' is not known" in parsed.errors[0].message


class TestCheck:
    def _check(self, *lines: str, stored: dict[str, Stored] | None = None):  # type: ignore[no-untyped-def]
        parsed = parse(rows(*lines), KNOWN)
        assert parsed.errors == []
        return check(parsed.rows, stored or {}, None)

    def test_rows_in_any_order(self) -> None:
        result = self._check(
            row("E1", "discharged", "2025-03-05T08:00"),
            row("E1", "at_home", "2025-03-02T08:00"),
            row("E1", "candidate", "2025-03-01T08:00"),
        )

        assert result.errors == []
        assert len(result.new_events) == 3
        assert list(result.new_episodes) == ["E1"]

    def test_an_episode_has_one_personnummer_pathway_and_type(self) -> None:
        result = self._check(
            row("E1", "candidate", "2025-03-01T08:00"),
            row("E1", "at_home", "2025-03-02T08:00", pnr=valid_personnummer(1940, 1, 1, 123)),
            row("E1", "discharged", "2025-03-03T08:00", pathway="copd"),
        )

        assert [e.line for e in result.errors] == [3, 4, 4]
        assert "personnummer differs from line 2" in result.errors[0].message
        assert result.new_events == []

    @pytest.mark.parametrize(
        ("events", "line", "says"),
        [
            ([("discharged", "03-05")], 2, "before the patient went home"),
            ([("visit_done", "03-05")], 2, "before the patient went home"),
            ([("planned", "03-01"), ("assessed", "03-02")], 3, "'assessed' after 'planned'"),
            ([("candidate", "03-01"), ("candidate", "03-02")], 3, "come once each"),
            ([("at_home", "03-01"), ("at_home", "03-02")], 3, "'at_home' again"),
            ([("at_home", "03-01"), ("candidate", "03-02")], 3, "after the patient went home"),
            (
                [("at_home", "03-01"), ("discharged", "03-02"), ("visit_done", "03-03")],
                4,
                "after the episode ended (discharged 2025-03-02T08:00+01:00)",
            ),
            ([("declined", "03-01"), ("at_home", "03-02")], 3, "after the episode ended"),
            (
                [("at_home", "03-01"), ("deceased", "03-02"), ("readmitted", "03-03")],
                4,
                "after the episode ended",
            ),
        ],
    )
    def test_events_that_make_no_sense(
        self, events: list[tuple[str, str]], line: int, says: str
    ) -> None:
        result = self._check(*(row("E1", e, f"2025-{d}T08:00") for e, d in events))

        assert [e.line for e in result.errors] == [line]
        assert says in result.errors[0].message

    def test_follow_up_and_resumed_care_are_allowed(self) -> None:
        result = self._check(
            row("E1", "at_home", "2025-03-01T08:00"),
            row("E1", "readmitted", "2025-03-02T08:00"),
            row("E1", "at_home", "2025-03-03T08:00"),
            row("E1", "discharged", "2025-03-05T08:00"),
            row("E1", "ed_visit", "2025-03-10T08:00"),
            row("E1", "readmitted", "2025-03-12T08:00"),
            row("E1", "deceased", "2025-03-20T08:00"),
        )

        assert result.errors == []

    def test_same_time_reads_in_care_flow_order(self) -> None:
        # a date alone for every step: the order of the care flow decides
        result = self._check(
            row("E1", "at_home", "2025-03-01"),
            row("E1", "visit_done", "2025-03-01"),
            row("E1", "candidate", "2025-03-01"),
            row("E1", "discharged", "2025-03-01"),
        )

        assert result.errors == []

    def test_a_repeated_step_is_counted_once_with_a_warning(self) -> None:
        result = self._check(
            row("E1", "candidate", "2025-03-01T08:00"),
            row("E1", "candidate", "2025-03-01T08:00"),
            row("E1", "at_home", "2025-03-02T08:00"),
        )

        assert result.errors == []
        assert [e.event for e in result.new_events] == ["candidate", "at_home"]
        assert "line 3: episode E1: repeats line 2" in result.warnings[0]

    def test_an_ed_visit_before_home_is_kept_with_a_warning(self) -> None:
        result = self._check(
            row("E1", "ed_visit", "2025-03-01T08:00", pathway="copd"),
            row("E1", "at_home", "2025-03-01T12:00", pathway="copd"),
        )

        assert result.errors == []
        assert "not counted" in result.warnings[0]
        assert len(result.new_events) == 2


class TestCheckAgainstEarlierImports:
    def _stored(self, *events: tuple[str, str], pathway: str = "opat") -> dict[str, Stored]:
        kind = "admission_avoidance" if pathway == "copd" else "early_supported_discharge"
        counts = Counter((e, at(t)) for e, t in events)
        return {"E1": Stored("191212121212", pathway, kind, None, counts)}

    def test_the_same_rows_again_are_not_new(self) -> None:
        stored = self._stored(("at_home", "2025-03-01 08:00"), ("discharged", "2025-03-03 08:00"))
        parsed = parse(
            rows(
                row("E1", "at_home", "2025-03-01T08:00"),
                row("E1", "discharged", "2025-03-03T08:00"),
            ),
            KNOWN,
        )

        result = check(parsed.rows, stored, None)

        assert result.errors == []
        assert result.new_events == []
        assert result.new_episodes == {}

    def test_two_identical_rows_are_two_visits_and_only_the_extra_one_is_new(self) -> None:
        stored = self._stored(("at_home", "2025-03-01 08:00"), ("visit_done", "2025-03-01 10:00"))
        parsed = parse(
            rows(
                row("E1", "at_home", "2025-03-01T08:00"),
                row("E1", "visit_done", "2025-03-01T10:00"),
                row("E1", "visit_done", "2025-03-01T10:00"),
            ),
            KNOWN,
        )

        result = check(parsed.rows, stored, None)

        assert [(e.event, e.occurrence, e.line) for e in result.new_events] == [
            ("visit_done", 2, 4)
        ]

    def test_new_rows_must_fit_the_stored_ones(self) -> None:
        stored = self._stored(("at_home", "2025-03-01 08:00"), ("discharged", "2025-03-03 08:00"))
        parsed = parse(rows(row("E1", "visit_done", "2025-03-04T08:00")), KNOWN)

        result = check(parsed.rows, stored, None)

        assert [e.line for e in result.errors] == [2]
        assert "after the episode ended" in result.errors[0].message

    def test_another_pathway_under_the_same_id_is_refused(self) -> None:
        stored = self._stored(("at_home", "2025-03-01 08:00"))
        parsed = parse(rows(row("E1", "discharged", "2025-03-04T08:00", pathway="copd")), KNOWN)

        result = check(parsed.rows, stored, None)

        assert "imported before with another pathway opat" in result.errors[0].message

    def test_another_organisation_is_refused(self) -> None:
        stored = self._stored(("at_home", "2025-03-01 08:00"))
        parsed = parse(rows(row("E1", "discharged", "2025-03-04T08:00")), KNOWN)

        result = check(parsed.rows, stored, "HSV")

        assert "for organisation (none), not HSV" in result.errors[0].message


class TestWalk:
    def test_an_open_episode_is_at_home(self) -> None:
        t, problems = walk([Event("at_home", datetime(2025, 3, 1, tzinfo=UTC))])

        assert problems == []
        assert t.went_home
        assert t.ended_at is None
        assert t.home == [(datetime(2025, 3, 1, tzinfo=UTC), None)]
