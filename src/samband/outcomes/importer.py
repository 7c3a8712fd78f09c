"""Reading and checking a historical import file (``docs/import-format.md``). Pure: no
database; the service passes in what is already stored and writes what this module accepts.

A file is accepted whole or not at all: ``parse`` checks every row (all problems, by line),
``check`` checks each episode's events in time order together with the events imported
before, and works out which rows are new (re-importing a file adds nothing).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from samband.kit.personnummer import InvalidIdentityNumber
from samband.kit.personnummer import parse as parse_personnummer
from samband.kit.time import STOCKHOLM
from samband.outcomes.history import EVENTS, TYPE_ALIASES, TYPES, Event, walk

COLUMNS = ("episode", "personnummer", "pathway", "type", "event", "at")
PATHWAY_KEY = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_EPISODE_ID = 64
# events that can happen more than once at the same time (two visits in the same minute);
# an identical row of any other event repeats the first and is counted once
REPEATABLE = frozenset({"visit_done", "ed_visit"})


@dataclass(frozen=True)
class Row:
    line: int
    episode: str
    personnummer: str  # 12 digits
    pathway: str
    type: str
    event: str
    at: datetime  # UTC


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lines: int = 0  # data rows read (blank lines not counted)
    # the episode ids of rows with a problem (when the id itself could be read)
    episodes_with_errors: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Stored:
    """An episode imported before: its fixed facts and how many of each (event, time)."""

    personnummer: str
    pathway: str
    type: str
    organisation: str | None
    events: Mapping[tuple[str, datetime], int]


@dataclass(frozen=True)
class NewEvent:
    episode: str
    event: str
    at: datetime
    occurrence: int
    line: int


@dataclass
class Checked:
    new_episodes: dict[str, Row] = field(default_factory=dict)  # episode → its first row
    new_events: list[NewEvent] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    episodes: int = 0


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; without an offset it is Swedish local time (Europe/Stockholm), and a
    date alone is midnight. Raise ValueError with a message a person can act on."""
    value = text.strip()
    if not value:
        raise ValueError("the time 'at' is empty; write e.g. 2025-03-04T10:15:00+01:00")
    try:
        if _DATE_ONLY.match(value):
            parsed = datetime.combine(date.fromisoformat(value), time())
        else:
            parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"'{value}' is not an ISO 8601 time; write e.g. 2025-03-04T10:15:00+01:00, "
            "2025-03-04T10:15 (Swedish local time) or 2025-03-04"
        ) from None
    if not 1900 <= parsed.year <= 2100:
        raise ValueError(f"'{value}': the year must be between 1900 and 2100")
    if parsed.tzinfo is None:
        local = parsed.replace(tzinfo=STOCKHOLM)
        back = local.astimezone(UTC).astimezone(STOCKHOLM)
        if back.replace(tzinfo=None) != parsed:
            raise ValueError(
                f"'{value}' does not exist in Swedish local time (the clocks went forward "
                "that night); give the time with its offset"
            )
        parsed = local
    return parsed.astimezone(UTC)


def _known_spelling(pathway: str, known: Mapping[str, Sequence[str]]) -> str:
    """A key that differs from a known one only by '-' / '_' is read as the known one
    (heart_failure → heart-failure)."""
    if pathway in known:
        return pathway
    for other in (pathway.replace("_", "-"), pathway.replace("-", "_")):
        if other in known:
            return other
    return pathway


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"the file is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8 (CSV UTF-8 "
            "in Excel)"
        ) from None


def parse(data: bytes | str, known_pathways: Mapping[str, Sequence[str]]) -> Parsed:
    """Read the file and check each row on its own (``known_pathways``: key → the episode
    types it is for; an empty list: any type)."""
    out = Parsed()
    try:
        text = _decode(data)
    except ValueError as exc:
        out.errors.append(RowError(1, str(exc)))
        return out
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        out.errors.append(
            RowError(1, "the file is empty; the first line must be " + ",".join(COLUMNS))
        )
        return out
    except csv.Error as exc:
        out.errors.append(RowError(1, f"cannot be read as CSV: {exc}"))
        return out
    names = tuple(h.strip().lower() for h in header)
    if names != COLUMNS:
        out.errors.append(
            RowError(
                1,
                f"the header must be exactly {','.join(COLUMNS)} (found: "
                f"{delimiter.join(h.strip() for h in header) or 'an empty line'})",
            )
        )
        return out
    identities: dict[str, tuple[str, str | None]] = {}
    unknown_pathways: dict[str, int] = {}
    mismatched: dict[tuple[str, str], int] = {}
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.errors.append(RowError(reader.line_num, f"cannot be read as CSV: {exc}"))
            break
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        out.lines += 1
        if len(fields) != len(COLUMNS):
            out.errors.append(
                RowError(
                    line,
                    f"has {len(fields)} fields, expected {len(COLUMNS)} ({','.join(COLUMNS)})",
                )
            )
            continue
        episode, pnr, pathway, kind, event, at = (f.strip() for f in fields)
        problems: list[str] = []
        if not episode:
            problems.append("the episode id is empty")
        elif len(episode) > MAX_EPISODE_ID or _CONTROL.search(episode):
            problems.append(
                f"the episode id must be at most {MAX_EPISODE_ID} characters of printable text"
            )
        if pnr not in identities:  # an episode's rows repeat its personnummer
            try:
                identities[pnr] = (parse_personnummer(pnr).digits, None)
            except InvalidIdentityNumber as exc:
                identities[pnr] = ("", str(exc))
        digits, wrong = identities[pnr]
        if wrong:
            problems.append(wrong)
        pathway = _known_spelling(pathway.lower(), known_pathways)
        if not PATHWAY_KEY.match(pathway):
            problems.append(
                f"pathway '{pathway}' is not a pathway key (lower-case letters, digits, - and _, "
                "2-40 characters, e.g. opat)"
            )
        elif pathway not in known_pathways:
            unknown_pathways.setdefault(pathway, line)
        kind = TYPE_ALIASES.get(kind.lower(), kind.lower())
        if kind not in TYPES:
            problems.append(f"type '{kind}' is not known; use one of: {', '.join(TYPES)}")
        elif known_pathways.get(pathway) and kind not in known_pathways[pathway]:
            mismatched.setdefault((pathway, kind), line)
        event = event.lower()
        if event not in EVENTS:
            problems.append(f"unknown event '{event}'; use one of: {', '.join(EVENTS)}")
        when: datetime | None = None
        try:
            when = parse_time(at)
        except ValueError as exc:
            problems.append(str(exc))
        if problems:
            out.errors.append(RowError(line, "; ".join(problems)))
            if episode:
                out.episodes_with_errors.add(episode)
            continue
        assert when is not None  # noqa: S101 - parsed above
        out.rows.append(Row(line, episode, digits, pathway, kind, event, when))
    for pathway, line in unknown_pathways.items():
        out.warnings.append(
            f"line {line}: pathway '{pathway}' is not a configured pathway; it is imported, but "
            "bed-days freed need pathways.{key}.expected_inpatient_days in the outcomes "
            "config".replace("{key}", pathway)
        )
    for (pathway, kind), line in mismatched.items():
        out.warnings.append(
            f"line {line}: the pathway '{pathway}' is configured for "
            f"{', '.join(known_pathways[pathway])}, not {kind}; imported as {kind}"
        )
    return out


def check(rows: Sequence[Row], stored: Mapping[str, Stored], organisation: str | None) -> Checked:
    """Check each episode's rows against each other and against what was imported before;
    work out the new rows. ``organisation``: the code given with the import (or None)."""
    out = Checked()
    by_episode: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_episode[row.episode].append(row)
    out.episodes = len(by_episode)
    for episode, its in by_episode.items():
        head = its[0]
        consistent = True
        for row in its[1:]:
            for what in ("personnummer", "pathway", "type"):
                if getattr(row, what) != getattr(head, what):
                    shown = "" if what == "personnummer" else f" ({getattr(row, what)})"
                    out.errors.append(
                        RowError(
                            row.line,
                            f"episode {episode}: the {what}{shown} differs from line "
                            f"{head.line}'s; an episode has one {what}",
                        )
                    )
                    consistent = False
        before = stored.get(episode)
        if before is not None:
            for what in ("personnummer", "pathway", "type"):
                if getattr(before, what) != getattr(head, what):
                    shown = "" if what == "personnummer" else f" {getattr(before, what)}"
                    out.errors.append(
                        RowError(
                            head.line,
                            f"episode {episode} was imported before with another {what}{shown}; "
                            "an episode id names one episode (give a new id to another one)",
                        )
                    )
                    consistent = False
            if before.organisation != organisation:
                out.errors.append(
                    RowError(
                        head.line,
                        f"episode {episode} was imported before for organisation "
                        f"{before.organisation or '(none)'}, not {organisation or '(none)'}",
                    )
                )
                consistent = False
        if not consistent:
            continue
        first_line: dict[tuple[str, datetime], int] = {}
        kept: list[Row] = []
        for r in its:
            key = (r.event, r.at)
            if key in first_line and r.event not in REPEATABLE:
                out.warnings.append(
                    f"line {r.line}: episode {episode}: repeats line {first_line[key]} "
                    f"('{r.event}' at the same time); counted once"
                )
                continue
            first_line.setdefault(key, r.line)
            kept.append(r)
        counts = Counter((r.event, r.at) for r in kept)
        seen: Counter[tuple[str, datetime]] = Counter()
        events: list[Event] = []
        for r in kept:
            key = (r.event, r.at)
            seen[key] += 1
            events.append(Event(r.event, r.at, line=r.line))
            already = before.events.get(key, 0) if before else 0
            if seen[key] > already:
                out.new_events.append(NewEvent(episode, r.event, r.at, seen[key], r.line))
        if before is not None:
            for (event, at), n in before.events.items():
                for _ in range(max(0, n - counts.get((event, at), 0))):
                    events.append(Event(event, at))
        timeline, problems = walk(events)
        for p in problems:
            line = p.event.line
            suffix = ""
            if line is None:
                line, suffix = head.line, " (with the events imported before)"
            out.errors.append(RowError(line, f"episode {episode}: {p.message}{suffix}"))
        for e in timeline.ignored:
            out.warnings.append(
                f"line {e.line or head.line}: episode {episode}: an ED visit before the patient "
                "went home is stored but not counted (it is not part of the episode)"
            )
        if before is None and not problems:
            out.new_episodes[episode] = head
    out.errors.sort(key=lambda e: e.line)
    if out.errors:
        out.new_events.clear()
        out.new_episodes.clear()
    return out
