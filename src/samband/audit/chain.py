"""The access log as a hash chain (pure: no SQLAlchemy, no FastAPI; decision 0009).

Every access-log row has a place in one chain: ``seq`` (1, 2, 3, … with no gaps), the hash
of the row before it (``prev_hash``; the first row links to ``genesis(chain_id)``, which ties
the chain to its database's id), the time it was written (``logged_at``) and ``row_hash``:
SHA-256 over its canonical form (every content column in a fixed order, with the link).
Changing, inserting or removing a row breaks the chain where it happened; removing the
newest rows shows against the chain's head (kept in its own table) and against checkpoints
of the head kept outside the database.

``canonical`` is a contract: rows written today must verify in ten years. Changing it (or
adding a column to ``CONTENT_COLUMNS``) needs a new ``VERSION`` that the verifier knows.

``link`` gives a batch of new rows their places; ``Verifier`` walks the rows in seq order
(streamed: it keeps only the previous row) and names every problem it finds.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

VERSION = "samband-audit-1"
GENESIS = "0" * 64  # a chain without an id (only in tests)
CONTENT_COLUMNS = (
    "id",
    "at",
    "user_id",
    "username",
    "role",
    "organisation_id",
    "organisation_code",
    "unit_id",
    "unit_code",
    "patient_id",
    "action",
    "resource_type",
    "resource_id",
    "allowed",
    "emergency",
    "reason",
    "method",
    "path",
    "status_code",
)
CHAIN_COLUMNS = ("seq", "logged_at", "prev_hash", "row_hash")
# A row's time (when the access happened) may lie at most this long before the time it was
# written: a request writes its entries when it ends. Older means backdated.
MAX_WRITE_DELAY = timedelta(hours=1)
# Removed runs longer than this are one problem (seq … seq_to) instead of one per row.
MAX_ROWS_NAMED_PER_RUN = 1000

# Problem kinds
CHANGED = "changed"
INSERTED = "inserted"
REMOVED = "removed"
BACKDATED = "backdated"
REMOVED_AT_END = "removed at the end"
CHANGED_BEFORE_CHECKPOINT = "changed before checkpoint"
HEAD = "head"
FOREIGN_CHECKPOINT = "checkpoint of another chain"


# -- the canonical form and the hash ---------------------------------------------------------------


def genesis(chain_id: str | None) -> str:
    """What the first row links to: a hash of the chain's id (made once per database). A
    chain's id therefore cannot be changed without rewriting every row."""
    if chain_id is None:
        return GENESIS
    return hashlib.sha256(f"{VERSION}:genesis:{chain_id}".encode()).hexdigest()


_AS_IS = (str, bool, int, type(None))


def _plain(value: Any) -> Any:
    """A value as JSON sees it, one way only: None stays null (distinct from ""), ids as
    lower-case hyphenated text, times in UTC as ISO 8601 with microseconds
    (2026-12-04T09:30:00.000000+00:00)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is uuid.UUID:
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a time without a zone cannot be hashed")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, str):  # e.g. a StrEnum: its text
        return str.__str__(value)
    if isinstance(value, int):  # e.g. an IntEnum: its number
        return int(value)
    raise TypeError(f"a {kind.__name__} cannot be hashed")


_HASHED = ("logged_at", *CONTENT_COLUMNS)
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def canonical(row: Mapping[str, Any], memo: dict[Any, Any] | None = None) -> bytes:
    """The bytes a row's hash is computed over: the version, seq, the previous row's hash,
    logged_at and every content column, in that order, as a compact JSON array (UTF-8,
    characters other than ASCII as they are). ``memo``: plain forms already made (the rows
    of one request share their user, organisation, times …); the bytes are the same."""
    if memo is None:
        memo = {}
    values = [VERSION, row["seq"], row["prev_hash"]]
    for name in _HASHED:
        value = row[name]
        kind = type(value)
        if kind in _AS_IS:
            values.append(value)
            continue
        key = (kind, value)
        plain = memo.get(key)
        if plain is None:
            plain = memo[key] = _plain(value)
        values.append(plain)
    return _ENCODE(values).encode()


def row_hash(row: Mapping[str, Any], memo: dict[Any, Any] | None = None) -> str:
    """SHA-256 (hex) of ``canonical(row)``."""
    return hashlib.sha256(canonical(row, memo)).hexdigest()


# -- writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """The newest row of the chain: its seq, hash and logged_at (seq 0: an empty chain)."""

    seq: int = 0
    row_hash: str = GENESIS
    logged_at: datetime | None = None


def link(rows: Sequence[MutableMapping[str, Any]], head: Head, now: datetime) -> Head:
    """Give new rows (in place) their places after ``head``: seq, logged_at, prev_hash and
    row_hash. logged_at is ``now``, but never before the head's logged_at nor before a row's
    own time (clocks of several servers differ), so it never decreases along the chain.
    Returns the new head."""
    if not rows:
        return head
    logged_at = now
    if head.logged_at is not None:
        logged_at = max(logged_at, head.logged_at)
    logged_at = max(logged_at, *(row["at"] for row in rows))
    seq, previous = head.seq, head.row_hash
    memo: dict[Any, Any] = {}
    for row in rows:
        seq += 1
        row["seq"] = seq
        row["logged_at"] = logged_at
        row["prev_hash"] = previous
        previous = row["row_hash"] = row_hash(row, memo)
    return Head(seq=seq, row_hash=previous, logged_at=logged_at)


# -- checkpoints -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head as seen at one moment, kept outside the database (a file, a print,
    a mail to the auditor): the rows up to ``seq`` cannot later change or disappear unseen."""

    seq: int
    row_hash: str
    taken_at: datetime | None = None
    chain_id: str | None = None
    logged_at: datetime | None = None
    source: str = ""  # where it was read from (a file and line), for messages
    given: bool = False  # named by the person (--checkpoint): it must be of this chain

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "row_hash": self.row_hash,
            "logged_at": _iso(self.logged_at),
            "taken_at": _iso(self.taken_at),
            "chain_id": self.chain_id,
        }

    @classmethod
    def from_json(cls, data: Any, source: str = "", given: bool = False) -> Checkpoint:
        """A checkpoint from its JSON object; ValueError saying what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        seq, digest = data.get("seq"), data.get("row_hash")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ValueError("'seq' must be a whole number, 0 or more")
        if not isinstance(digest, str) or len(digest) != 64:
            raise ValueError("'row_hash' must be 64 hexadecimal characters")
        chain_id = data.get("chain_id")
        return cls(
            seq=seq,
            row_hash=digest.lower(),
            taken_at=_parse_time(data.get("taken_at"), "taken_at"),
            chain_id=str(chain_id) if chain_id is not None else None,
            logged_at=_parse_time(data.get("logged_at"), "logged_at"),
            source=source,
            given=given,
        )

    def describe(self) -> str:
        when = f" of {_iso(self.taken_at)}" if self.taken_at else ""
        where = f" ({self.source})" if self.source else ""
        return f"the checkpoint{when}{where}"


def parse_checkpoints(
    lines: Iterable[str], source: str, *, given: bool = False
) -> list[Checkpoint]:
    """Checkpoints from JSON lines (blank lines skipped); ValueError naming the line."""
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint.from_json(json.loads(line), f"{source}:{number}", given))
        except ValueError as exc:
            raise ValueError(f"{source} line {number} is not a checkpoint: {exc}") from exc
    return found


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _parse_time(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"'{name}' is not an ISO 8601 time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- verifying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str
    seq: int | None  # the row's place (None: a row outside the chain)
    id: str | None  # the row's id (None: the row is gone)
    detail: str
    seq_to: int | None = None  # a long run of removed rows: seq … seq_to

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind, "seq": self.seq, "id": self.id}
        if self.seq_to is not None:
            found["seq_to"] = self.seq_to
        found["detail"] = self.detail
        return found


@dataclass
class Report:
    rows: int = 0  # rows read (in the chain or not)
    first_seq: int | None = None
    last_seq: int | None = None
    head: Head | None = None
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. checkpoints of other chains skipped

    @property
    def intact(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        head = self.head
        return {
            "intact": self.intact,
            "rows": self.rows,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "head": None
            if head is None
            else {"seq": head.seq, "row_hash": head.row_hash, "logged_at": _iso(head.logged_at)},
            "checkpoints": self.checkpoints,
            "problems": [p.to_json() for p in self.problems],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class _Previous:
    seq: int
    id: str
    row_hash: str
    logged_at: datetime


class Verifier:
    """Walk the chain: ``add`` each row in (seq, id) order, ``add_unchained`` each row
    without a seq, then ``finish``. Only the previous row is kept, so a log of any size is
    checked in constant memory (plus the problems found).

    - ``head``: the head table's seq and hash (None: the table has no row, itself a problem);
    - ``checkpoints``: heads seen earlier, kept outside the database;
    - ``chain_id``: this database's chain (what its first row links to). A checkpoint of
      another chain is a problem when the person named its file (``given``: it is meant to
      be of this database, so the log was replaced); one found in the checkpoint folder is
      skipped with a note (the folder may hold another database's)."""

    def __init__(
        self,
        head: Head | None,
        checkpoints: Sequence[Checkpoint] = (),
        *,
        chain_id: str | None = None,
        max_delay: timedelta = MAX_WRITE_DELAY,
    ) -> None:
        self.report = Report(head=head)
        self._head = head
        self._chain_id = chain_id
        self._max_delay = max_delay
        self._previous: _Previous | None = None
        self._checkpoints: dict[int, list[Checkpoint]] = {}
        mine = []
        skipped: dict[str, int] = {}
        for checkpoint in checkpoints:
            if chain_id is not None and checkpoint.chain_id not in (None, chain_id):
                if checkpoint.given:
                    self._problem(
                        FOREIGN_CHECKPOINT,
                        checkpoint.seq,
                        None,
                        f"{checkpoint.describe()} belongs to the chain {checkpoint.chain_id}, "
                        f"but this database's chain is {chain_id}: the log was replaced, or "
                        "the checkpoint is of another database",
                    )
                else:
                    where = checkpoint.source.rsplit(":", 1)[0]
                    skipped[where] = skipped.get(where, 0) + 1
                continue
            mine.append(checkpoint)
            self._checkpoints.setdefault(checkpoint.seq, []).append(checkpoint)
        self._mine = sorted(mine, key=lambda c: c.seq)
        self.report.checkpoints = len(mine)
        self.report.notes.extend(
            f"skipped {count} checkpoints of other chains (other databases) in {where}"
            for where, count in skipped.items()
        )

    def _problem(
        self, kind: str, seq: int | None, row_id: str | None, detail: str, seq_to: int | None = None
    ) -> None:
        self.report.problems.append(Problem(kind, seq, row_id, detail, seq_to))

    def _removed(self, kind: str, first: int, last: int, detail: str) -> None:
        if last - first + 1 > MAX_ROWS_NAMED_PER_RUN:
            self._problem(kind, first, None, detail, seq_to=last)
            return
        for seq in range(first, last + 1):
            self._problem(kind, seq, None, detail)

    def add_unchained(self, row: Mapping[str, Any]) -> None:
        """A row with no seq: written around the chain."""
        self.report.rows += 1
        self._problem(
            INSERTED,
            None,
            _text(row.get("id")),
            "it has no place in the chain (no seq): it was not written by the service",
        )

    def add(self, row: Mapping[str, Any]) -> None:
        """The next row in (seq, id) order."""
        self.report.rows += 1
        seq, row_id = row.get("seq"), _text(row.get("id"))
        if not isinstance(seq, int):
            self.add_unchained(row)
            self.report.rows -= 1
            return
        if self.report.first_seq is None:
            self.report.first_seq = seq
        stored, logged_at = row.get("row_hash"), row.get("logged_at")
        if stored is None or row.get("prev_hash") is None or not isinstance(logged_at, datetime):
            self._problem(
                INSERTED, seq, row_id, "it has no hash: it was not written through the chain"
            )
            return
        previous = self._previous
        if previous is not None and seq == previous.seq:
            self._problem(
                INSERTED,
                seq,
                row_id,
                f"a second row at seq {seq} (the other is {previous.id}): it was inserted",
            )
            return
        self.report.last_seq = seq
        expected = 1 if previous is None else previous.seq + 1
        if seq < expected:  # only a first row at seq 0 or below
            self._problem(INSERTED, seq, row_id, "its seq is before the chain's start (1)")
            return
        gap = seq > expected
        if gap:
            before = "the start" if previous is None else f"seq {previous.seq}"
            self._removed(REMOVED, expected, seq - 1, f"the chain jumps from {before} to seq {seq}")
        try:
            content_ok = row_hash(row) == stored
        except (KeyError, TypeError, ValueError):
            content_ok = False
        if seq == 1:  # (without the head row the chain's id is unknown: not checked)
            link_ok = self._head is None or row["prev_hash"] == genesis(self._chain_id)
        elif previous is not None and not gap:
            link_ok = row["prev_hash"] == previous.row_hash
        else:
            link_ok = True  # the row before it is gone: reported as removed
        link_to = "the chain's start (its id)" if seq == 1 else f"seq {seq - 1}"
        head = self._head
        if head is not None and seq > head.seq:
            self._problem(
                INSERTED,
                seq,
                row_id,
                f"it comes after the chain's head (seq {head.seq} in audit_chain_head): "
                "the service did not write it",
            )
        elif not content_ok and link_ok:
            self._problem(CHANGED, seq, row_id, "its content does not match its hash")
        elif not content_ok:
            self._problem(
                INSERTED,
                seq,
                row_id,
                f"neither its hash nor its link to {link_to} match: it was inserted",
            )
        elif not link_ok:
            before = previous.id if previous is not None else "?"
            self._problem(
                INSERTED,
                seq,
                row_id,
                f"it links to a hash that {link_to} does not have: it was inserted, or "
                f"{link_to} was rewritten with a new hash",
            )
            if previous is not None:
                self._problem(
                    CHANGED,
                    previous.seq,
                    before,
                    f"seq {seq} links to another hash: this row was rewritten with a new "
                    f"hash, or seq {seq} was inserted after it",
                )
        self._check_times(row, seq, row_id, logged_at, previous)
        for checkpoint in self._checkpoints.get(seq, ()):
            if checkpoint.row_hash != stored:
                self._problem(
                    CHANGED_BEFORE_CHECKPOINT,
                    seq,
                    row_id,
                    f"{checkpoint.describe()} saw hash {checkpoint.row_hash[:16]}… at seq "
                    f"{seq}; it is now {str(stored)[:16]}…: rows {self._since(seq)} up to "
                    f"{seq} were changed, inserted or removed, and the chain rebuilt after them",
                )
        if head is not None and seq == head.seq and head.row_hash != stored:
            self._problem(
                CHANGED,
                seq,
                row_id,
                "the chain's head (audit_chain_head) has another hash for this seq: this "
                "row, or the rows before it, were rewritten",
            )
        self._previous = _Previous(seq, row_id or "", stored, logged_at)

    def _since(self, seq: int) -> str:
        """Where a rewrite found at ``seq`` may have started: after the last checkpoint
        before it (they matched, or were reported)."""
        earlier = [c.seq for c in self._mine if c.seq < seq]
        return f"after seq {max(earlier)}" if earlier else "from the start"

    def _check_times(
        self,
        row: Mapping[str, Any],
        seq: int,
        row_id: str | None,
        logged_at: datetime,
        previous: _Previous | None,
    ) -> None:
        at = row.get("at")
        if previous is not None and logged_at < previous.logged_at:
            self._problem(
                BACKDATED,
                seq,
                row_id,
                f"written at {_iso(logged_at)}, before seq {previous.seq} "
                f"({_iso(previous.logged_at)}) that comes before it",
            )
        if not isinstance(at, datetime) or at.tzinfo is None:
            return
        if at > logged_at:
            self._problem(
                BACKDATED,
                seq,
                row_id,
                f"its time {_iso(at)} is after it was written ({_iso(logged_at)})",
            )
        elif logged_at - at > self._max_delay:
            self._problem(
                BACKDATED,
                seq,
                row_id,
                f"its time {_iso(at)} is {_duration(logged_at - at)} before it was written "
                f"({_iso(logged_at)}); a request writes its entries when it ends",
            )

    def finish(self) -> Report:
        """The checks that need the whole walk: the newest rows against the head table and
        the checkpoints."""
        last = self._previous.seq if self._previous else 0
        head = self._head
        if head is None:
            self._problem(
                HEAD,
                None,
                None,
                "the chain's head (the row of audit_chain_head) is missing: it was removed",
            )
        claims = []
        if head is not None and head.seq > last:
            claims.append((head.seq, f"the chain's head (audit_chain_head) is at seq {head.seq}"))
        claims.extend(
            (c.seq, f"{c.describe()} saw the chain at seq {c.seq}")
            for c in self._mine
            if c.seq > last
        )
        if claims:
            end = max(seq for seq, _ in claims)
            said = "; ".join(text for _, text in sorted(claims))
            self._removed(
                REMOVED_AT_END,
                last + 1,
                end,
                f"the newest row is seq {last}, but {said}: the newest rows were removed",
            )
        if head is not None and head.seq == 0 and head.row_hash != genesis(self._chain_id):
            self._problem(
                HEAD, 0, None, "the empty chain's head does not match the chain's id: changed"
            )
        return self.report


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours} hours" if hours < 48 else f"{hours // 24} days"
