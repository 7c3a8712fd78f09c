"""The access log's hash chain, pure: the canonical form, linking, and the verifier."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samband.audit import chain
from samband.audit.chain import Checkpoint, Head, Verifier

T0 = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
CHAIN = "c1"
START = Head(0, chain.genesis(CHAIN))  # an empty chain of the database CHAIN


def entry(n: int = 0, **fields: Any) -> dict[str, Any]:
    """An access-log row's content, as AccessLog.write makes it."""
    row: dict[str, Any] = {
        "id": uuid.UUID(int=n + 1),
        "at": T0 + timedelta(seconds=n),
        "user_id": uuid.UUID(int=10_000 + n),
        "username": "nurse.anna",
        "role": "registered_nurse",
        "organisation_id": uuid.UUID(int=20_000),
        "organisation_code": "INF-FALUN",
        "unit_id": None,
        "unit_code": None,
        "patient_id": uuid.UUID(int=30_000 + n),
        "action": "read",
        "resource_type": "patient",
        "resource_id": None,
        "allowed": True,
        "emergency": False,
        "reason": None,
        "method": "GET",
        "path": "/api/v1/patients/x",
        "status_code": None,
    }
    row.update(fields)
    return row


def chained(n: int, batch: int = 3) -> list[dict[str, Any]]:
    """``n`` rows linked in batches, each written a second after its last entry."""
    rows = [entry(i) for i in range(n)]
    head = START
    for start in range(0, n, batch):
        part = rows[start : start + batch]
        head = chain.link(part, head, part[-1]["at"] + timedelta(seconds=1))
    return rows


def head_of(rows: list[dict[str, Any]]) -> Head:
    last = rows[-1]
    return Head(last["seq"], last["row_hash"], last["logged_at"])


def check(
    rows: list[dict[str, Any]], head: Head | None, checkpoints: list[Checkpoint] | None = None
) -> chain.Report:
    verifier = Verifier(head, checkpoints or [], chain_id=CHAIN)
    for row in sorted(rows, key=lambda r: (r["seq"] is None, r["seq"] or 0, str(r["id"]))):
        if row["seq"] is None:
            verifier.add_unchained(row)
        else:
            verifier.add(row)
    return verifier.finish()


def named(report: chain.Report) -> set[tuple[str, int | None]]:
    return {(p.kind, p.seq) for p in report.problems}


class TestCanonical:
    def test_none_and_empty_text_differ(self) -> None:
        row = {**entry(), "seq": 1, "prev_hash": chain.GENESIS, "logged_at": T0}

        assert chain.row_hash({**row, "reason": None}) != chain.row_hash({**row, "reason": ""})

    def test_a_time_is_the_same_in_any_zone(self) -> None:
        row = {**entry(), "seq": 1, "prev_hash": chain.GENESIS, "logged_at": T0}
        stockholm = {**row, "at": row["at"].astimezone(ZoneInfo("Europe/Stockholm"))}

        assert chain.canonical(stockholm) == chain.canonical(row)
        assert b"2026-12-04T09:30:00.000000+00:00" in chain.canonical(row)

    def test_a_time_without_a_zone_is_refused(self) -> None:
        row = {**entry(), "seq": 1, "prev_hash": chain.GENESIS, "logged_at": T0}

        with pytest.raises(ValueError, match="zone"):
            chain.canonical({**row, "at": datetime(2026, 1, 1)})  # noqa: DTZ001

    def test_the_form_is_fixed(self) -> None:
        """Rows written today must verify later: this exact hash is a contract."""
        row = {**entry(), "seq": 1, "prev_hash": chain.GENESIS, "logged_at": T0}

        assert chain.canonical(row).startswith(
            b'["samband-audit-1",1,"' + chain.GENESIS.encode() + b'","2026-12-04T09:30:00.000000'
        )
        assert chain.row_hash(row) == chain.row_hash(dict(reversed(list(row.items()))))

    @pytest.mark.parametrize("column", [*chain.CONTENT_COLUMNS, "seq", "prev_hash", "logged_at"])
    def test_every_column_counts(self, column: str) -> None:
        row = {**entry(), "seq": 1, "prev_hash": chain.GENESIS, "logged_at": T0}
        other = {
            "id": uuid.UUID(int=999),
            "at": T0 - timedelta(microseconds=1),
            "logged_at": T0 + timedelta(microseconds=1),
            "seq": 2,
            "prev_hash": "f" * 64,
            "allowed": False,
            "emergency": True,
            "status_code": 404,
            "unit_id": uuid.UUID(int=5),
        }.get(column, "x")

        assert chain.row_hash({**row, column: other}) != chain.row_hash(row)


class TestLink:
    def test_rows_follow_the_head_one_by_one(self) -> None:
        rows = [entry(i) for i in range(4)]
        start = Head(seq=7, row_hash="a" * 64, logged_at=T0)

        head = chain.link(rows, start, T0 + timedelta(seconds=10))

        assert [r["seq"] for r in rows] == [8, 9, 10, 11]
        assert rows[0]["prev_hash"] == "a" * 64
        assert all(b["prev_hash"] == a["row_hash"] for a, b in zip(rows, rows[1:], strict=False))
        assert head == Head(11, rows[-1]["row_hash"], T0 + timedelta(seconds=10))

    def test_logged_at_never_goes_back_nor_before_an_entry(self) -> None:
        late = Head(seq=1, row_hash="a" * 64, logged_at=T0 + timedelta(hours=1))
        rows = [entry(0, at=T0 + timedelta(hours=2))]

        chain.link(rows, late, T0)  # this server's clock is behind

        assert rows[0]["logged_at"] == T0 + timedelta(hours=2)

    def test_nothing_to_link(self) -> None:
        assert chain.link([], Head(3, "b" * 64), T0) == Head(3, "b" * 64)


class TestVerifier:
    def test_an_untouched_chain_is_intact(self) -> None:
        rows = chained(10)

        report = check(rows, head_of(rows))

        assert report.intact
        assert (report.rows, report.first_seq, report.last_seq) == (10, 1, 10)

    def test_an_empty_chain_is_intact(self) -> None:
        assert check([], START).intact

    def test_the_chain_belongs_to_its_database(self) -> None:
        """The first row links to the chain's id: changing the id in the head table shows."""
        rows = chained(3)

        verifier = Verifier(head_of(rows), chain_id="c2")
        for row in rows:
            verifier.add(row)

        assert {(p.kind, p.seq) for p in verifier.finish().problems} == {(chain.INSERTED, 1)}
        assert chain.genesis("c1") != chain.genesis("c2")

    def test_a_changed_row(self) -> None:
        rows = chained(10)
        rows[4]["allowed"] = False

        report = check(rows, head_of(rows))

        assert named(report) == {(chain.CHANGED, 5)}
        assert report.problems[0].id == str(rows[4]["id"])

    def test_a_removed_row(self) -> None:
        rows = chained(10)
        del rows[4]

        assert named(check(rows, head_of(chained(10)))) == {(chain.REMOVED, 5)}

    def test_the_newest_rows_removed_show_against_the_head(self) -> None:
        rows = chained(10)
        head = head_of(rows)

        report = check(rows[:7], head)

        assert named(report) == {(chain.REMOVED_AT_END, s) for s in (8, 9, 10)}

    def test_the_newest_rows_removed_with_the_head_show_against_a_checkpoint(self) -> None:
        rows = chained(10)
        checkpoint = Checkpoint(10, rows[9]["row_hash"], chain_id=CHAIN, source="cp.jsonl:1")
        rest = rows[:7]

        assert check(rest, head_of(rest)).intact  # the head rewound too: only a checkpoint sees
        report = check(rest, head_of(rest), [checkpoint])
        assert named(report) == {(chain.REMOVED_AT_END, s) for s in (8, 9, 10)}
        assert "cp.jsonl:1" in report.problems[0].detail

    def test_a_forged_row_without_a_hash(self) -> None:
        rows = chained(5)
        forged = entry(99, at=T0 - timedelta(days=30), seq=None, prev_hash=None)
        forged.update(logged_at=None, row_hash=None)

        report = check([*rows, forged], head_of(rows))

        assert [(p.kind, p.seq, p.id) for p in report.problems] == [
            (chain.INSERTED, None, str(forged["id"]))
        ]

    def test_a_forged_row_after_the_head(self) -> None:
        rows = chained(5)
        head = head_of(rows)
        forged = entry(99)
        chain.link([forged], head, rows[-1]["logged_at"])  # a valid hash and link

        assert named(check([*rows, forged], head)) == {(chain.INSERTED, 6)}

    def test_a_backdated_forgery_with_a_valid_chain(self) -> None:
        """Even a forger who links the row and moves the head cannot backdate it."""
        rows = chained(5)
        forged = entry(99, at=T0 - timedelta(days=30))
        head = chain.link([forged], head_of(rows), rows[-1]["logged_at"])

        report = check([*rows, forged], head)

        assert named(report) == {(chain.BACKDATED, 6)}
        assert "30 days before it was written" in report.problems[0].detail

    def test_a_row_written_before_the_one_before_it(self) -> None:
        rows = chained(5)
        forged = entry(99, at=T0 - timedelta(days=30))
        forged.update(seq=6, prev_hash=rows[-1]["row_hash"], logged_at=T0 - timedelta(days=30))
        forged["row_hash"] = chain.row_hash(forged)

        report = check([*rows, forged], head_of([*rows, forged]))

        assert named(report) == {(chain.BACKDATED, 6)}

    def test_a_time_after_the_row_was_written(self) -> None:
        rows = chained(3)
        rows[1]["at"] = rows[1]["logged_at"] + timedelta(minutes=5)
        rows[1]["row_hash"] = chain.row_hash(rows[1])
        for before, after in zip(rows[1:], rows[2:], strict=False):
            after["prev_hash"] = before["row_hash"]
            after["row_hash"] = chain.row_hash(after)

        assert named(check(rows, head_of(rows))) == {(chain.BACKDATED, 2)}

    def test_a_row_rewritten_with_a_new_hash_names_both_rows_of_the_broken_link(self) -> None:
        rows = chained(6)
        rows[2]["patient_id"] = uuid.uuid4()
        rows[2]["row_hash"] = chain.row_hash(rows[2])

        report = check(rows, head_of(rows))

        assert named(report) == {(chain.CHANGED, 3), (chain.INSERTED, 4)}

    def test_a_rebuilt_chain_shows_against_a_checkpoint(self) -> None:
        rows = chained(8)
        checkpoint = Checkpoint(6, rows[5]["row_hash"], chain_id=CHAIN)
        rows[2]["reason"] = "changed by the owner"
        rows[2]["row_hash"] = chain.row_hash(rows[2])
        for before, after in zip(rows[2:], rows[3:], strict=False):
            after["prev_hash"] = before["row_hash"]
            after["row_hash"] = chain.row_hash(after)

        assert check(rows, head_of(rows)).intact  # every hash and the head rebuilt
        report = check(rows, head_of(rows), [checkpoint])
        assert named(report) == {(chain.CHANGED_BEFORE_CHECKPOINT, 6)}
        assert "from the start up to 6" in report.problems[0].detail

    def test_a_duplicate_seq(self) -> None:
        rows = chained(4)
        twin = {**rows[1], "id": uuid.UUID(int=999)}

        assert named(check([*rows, twin], head_of(rows))) == {(chain.INSERTED, 2)}

    def test_the_head_missing(self) -> None:
        assert named(check(chained(3), None)) == {(chain.HEAD, None)}

    def test_the_head_with_another_hash(self) -> None:
        rows = chained(3)

        report = check(rows, Head(3, "e" * 64, rows[-1]["logged_at"]))

        assert named(report) == {(chain.CHANGED, 3)}

    def test_a_checkpoint_of_another_chain_named_by_the_person(self) -> None:
        rows = chained(3)
        other = Checkpoint(3, rows[-1]["row_hash"], chain_id="another", given=True)

        assert named(check(rows, head_of(rows), [other])) == {(chain.FOREIGN_CHECKPOINT, 3)}

    def test_a_checkpoint_of_another_chain_in_the_folder_is_skipped(self) -> None:
        rows = chained(3)
        other = Checkpoint(9, "e" * 64, chain_id="another", source="var/cp/checkpoints.jsonl:4")

        report = check(rows, head_of(rows), [other])

        assert report.intact
        assert report.notes == [
            "skipped 1 checkpoints of other chains (other databases) in var/cp/checkpoints.jsonl"
        ]

    def test_a_long_run_of_removed_rows_is_one_problem(self) -> None:
        rows = chained(3)
        head = Head(5000, "d" * 64, T0)

        report = check(rows, head)

        assert [(p.kind, p.seq, p.seq_to) for p in report.problems] == [
            (chain.REMOVED_AT_END, 4, 5000)
        ]


class TestCheckpoint:
    def test_round_trip(self) -> None:
        checkpoint = Checkpoint(12, "a" * 64, taken_at=T0, chain_id=CHAIN, logged_at=T0)

        lines = [json.dumps(checkpoint.to_json())]

        assert chain.parse_checkpoints(lines, "f") == [
            Checkpoint(12, "a" * 64, taken_at=T0, chain_id=CHAIN, logged_at=T0, source="f:1")
        ]

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            ("{oops", "line 1"),
            ('{"seq": -1, "row_hash": "' + "a" * 64 + '"}', "seq"),
            ('{"seq": 3, "row_hash": "abc"}', "row_hash"),
            ('{"seq": 3, "row_hash": "' + "a" * 64 + '", "taken_at": "yesterday"}', "taken_at"),
        ],
    )
    def test_a_bad_line_is_named(self, line: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            chain.parse_checkpoints(["", line], "cp.jsonl")


# -- properties ------------------------------------------------------------------------------------

texts = st.one_of(st.none(), st.text(max_size=12))


@st.composite
def rows_of_the_log(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(min_value=1, max_value=25))
    rows = []
    for i in range(n):
        rows.append(
            entry(
                i,
                username=draw(texts),
                reason=draw(texts),
                allowed=draw(st.booleans()),
                status_code=draw(st.one_of(st.none(), st.integers(100, 599))),
            )
        )
    head = START
    batch = draw(st.integers(min_value=1, max_value=5))
    for start in range(0, n, batch):
        part = rows[start : start + batch]
        head = chain.link(part, head, part[-1]["at"])
    return rows


class TestProperties:
    @given(rows_of_the_log())
    @settings(max_examples=60, deadline=None)
    def test_a_chain_as_written_is_intact(self, rows: list[dict[str, Any]]) -> None:
        report = check(rows, head_of(rows))

        assert report.intact
        assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))

    @given(rows_of_the_log(), st.data())
    @settings(max_examples=80, deadline=None)
    def test_any_one_changed_value_is_named_at_its_row(
        self, rows: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        head = head_of(rows)
        index = data.draw(st.integers(0, len(rows) - 1))
        column = data.draw(st.sampled_from(["username", "reason", "allowed", "status_code"]))
        value = rows[index][column]
        changed = {
            "username": data.draw(texts.filter(lambda v: v != value)),
            "reason": data.draw(texts.filter(lambda v: v != value)),
            "allowed": not value,
            "status_code": 999 if value != 999 else 998,
        }[column]
        rows[index][column] = changed

        assert named(check(rows, head)) == {(chain.CHANGED, index + 1)}

    @given(rows_of_the_log(), st.data())
    @settings(max_examples=80, deadline=None)
    def test_removed_rows_are_named_by_seq(
        self, rows: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        head = head_of(rows)
        gone = data.draw(st.sets(st.integers(1, len(rows)), min_size=1))

        report = check([r for r in rows if r["seq"] not in gone], head)

        assert {p.seq for p in report.problems} == gone
        assert {p.kind for p in report.problems} <= {chain.REMOVED, chain.REMOVED_AT_END}
