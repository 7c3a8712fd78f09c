"""Is the access log as it was written? (decision 0009)

- ``verify``: walk the chain in seq order (``ledger.chained_rows``, a batch at a time) with
  ``chain.Verifier``, then the rows written around it, and compare the newest rows with the
  head table and with checkpoints;
- checkpoints: the chain's head (seq, hash, time), appended as one JSON line to a file
  outside the database (``SAMBAND_AUDIT_CHECKPOINT_DIR``), by ``samband audit checkpoint``
  (e.g. daily from cron, the line also printed or mailed to the auditor) and every
  ``SAMBAND_AUDIT_CHECKPOINT_MINUTES`` by the app (``loop``). Rows up to a checkpoint
  cannot later change or disappear unseen, not even the newest ones together with the
  head table.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from samband.audit import chain, ledger
from samband.db import unit_of_work
from samband.kit.time import utcnow

log = logging.getLogger(__name__)

CHECKPOINT_FILE = "checkpoints.jsonl"


class ChainBroken(Exception):
    """No checkpoint is taken of a head that does not match the log: verify first."""


def verify(
    session: Session,
    checkpoints: Sequence[chain.Checkpoint] = (),
    *,
    batch: int = ledger.BATCH,
) -> chain.Report:
    """Every problem of the chain, against the head table and ``checkpoints``. The caller
    gives a transaction that sees one state of the log (on PostgreSQL REPEATABLE READ)."""
    found = ledger.read_head(session)
    verifier = chain.Verifier(
        found.head if found else None,
        checkpoints,
        chain_id=found.chain_id if found else None,
    )
    for row in ledger.chained_rows(session, batch):
        verifier.add(row)
    for row in ledger.unchained_rows(session, batch):
        verifier.add_unchained(row)
    return verifier.finish()


def current_checkpoint(session: Session) -> chain.Checkpoint:
    """The chain's head now, as a checkpoint; ChainBroken when the head table does not
    match the log's newest row (run `samband audit verify`)."""
    found = ledger.read_head(session)
    if found is None:
        raise ChainBroken("the chain's head (audit_chain_head) is missing")
    head = found.head
    if head.seq > 0 and found.row_hash_at_seq != head.row_hash:
        what = "missing" if found.row_hash_at_seq is None else "different"
        raise ChainBroken(
            f"the chain's head is at seq {head.seq}, but the row there is {what}: "
            "run `samband audit verify`"
        )
    return chain.Checkpoint(
        seq=head.seq,
        row_hash=head.row_hash,
        taken_at=utcnow(),
        chain_id=found.chain_id,
        logged_at=head.logged_at,
    )


# -- checkpoint files ------------------------------------------------------------------------------


def checkpoint_file(directory: Path) -> Path:
    """The file checkpoints are appended to in ``directory``."""
    return directory / CHECKPOINT_FILE


def append_checkpoint(path: Path, checkpoint: chain.Checkpoint) -> Path:
    """Append the checkpoint as one JSON line to the file ``path`` (created, with its
    folder, when missing). One short write with O_APPEND: several processes may append at
    once."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint.to_json(), separators=(",", ":")) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return path


def checkpoint_files(directory: Path) -> list[Path]:
    """The checkpoint files in ``directory`` (*.jsonl), none if it does not exist."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.jsonl") if p.is_file())


def read_checkpoints(paths: Iterable[Path], *, given: bool = False) -> list[chain.Checkpoint]:
    """Every checkpoint in the files (each distinct one once); ValueError naming a bad line.
    ``given``: the person named the files, so each must be of the database's chain."""
    found: dict[tuple[int, str, str | None], chain.Checkpoint] = {}
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for checkpoint in chain.parse_checkpoints(lines, str(path), given=given):
                found.setdefault(
                    (checkpoint.seq, checkpoint.row_hash, checkpoint.chain_id), checkpoint
                )
    return list(found.values())


# -- the app's periodic checkpoint -----------------------------------------------------------------


def take_checkpoint(factory: sessionmaker[Session], directory: Path) -> chain.Checkpoint | None:
    """Read the head (one short transaction) and append it to the folder's file unless the
    newest checkpoint there is at the same seq. None when nothing was written."""
    with unit_of_work(factory) as session:
        checkpoint = current_checkpoint(session)
    path = checkpoint_file(directory)
    if path.is_file():
        newest = _last_line(path)
        if newest:
            try:
                last = chain.parse_checkpoints([newest], str(path))
            except ValueError:
                last = []
            if last and (last[0].seq, last[0].chain_id) == (checkpoint.seq, checkpoint.chain_id):
                return None
    append_checkpoint(path, checkpoint)
    return checkpoint


def _last_line(path: Path) -> str:
    with path.open("rb") as file:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(max(0, size - 4096))
        tail = file.read().decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    return lines[-1] if lines else ""


async def loop(factory: sessionmaker[Session], minutes: float, directory: Path) -> None:
    """Take a checkpoint every ``minutes`` until cancelled (the app's lifespan); the
    database read and the file write run in a thread."""
    while True:
        await asyncio.sleep(minutes * 60)
        try:
            taken = await asyncio.to_thread(take_checkpoint, factory, directory)
        except ChainBroken as exc:
            log.error("no access-log checkpoint taken: %s", exc)
            continue
        except Exception:  # noqa: BLE001 - never let the loop die
            log.exception("the access-log checkpoint failed")
            continue
        if taken is not None:
            log.info("access-log checkpoint at seq %d", taken.seq)
