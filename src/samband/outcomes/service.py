"""The rules of the outcome follow-up: the historical import, the report, the patient's
questionnaire.

- **Import** (``import_episodes``, the CLI's ``samband import episodes``): the file is read
  and checked whole (``importer``); any problem rejects it and nothing is stored. An accepted
  file stores its new episodes and rows only: re-importing it adds nothing.
- **Report** (``build_report``, the CLI's ``samband report``): both sources
  (``sources.histories``) and the physician-support rows (``sources.physician_data``), the
  indicators per group (``report.build``). The CLI is an operator
  tool and sees everything; ``report_for`` is the same for a signed-in user (a page to come):
  aggregates need ``directory:read``; the episode ids behind each number (``trace``) are only
  those the caller may see (live episodes in a care relationship, logged; imported history of
  the caller's organisation).
- **Questionnaire** (``record_questionnaire``): once per episode, after the patient went home.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from samband.episodes.access import episode_for
from samband.kit.errors import Conflict, InvalidInput, NotFound, problem
from samband.kit.i18n import msg
from samband.kit.time import as_utc, utcnow
from samband.models import OutcomeImport, QuestionnaireResponse
from samband.outcomes import config, importer, repository, sources
from samband.outcomes import questionnaire as trygghet
from samband.outcomes.indicators import Params, Value
from samband.outcomes.report import Filters, Progress, Report, build, period_of
from samband.outcomes.schemas import QuestionnaireCreate
from samband.pathways.definition import registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, visibility

FUTURE_TOLERANCE = timedelta(minutes=5)


# -- the historical import ----------------------------------------------------------------------


class ImportRejected(Exception):
    """The file was not imported; ``errors`` says why, by line."""

    def __init__(self, errors: list[importer.RowError], warnings: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors
        self.warnings = warnings


@dataclass
class Imported:
    rows: int
    new_rows: int
    episodes: int
    new_episodes: int
    warnings: list[str] = field(default_factory=list)
    import_id: uuid.UUID | None = None


def known_pathways(outcome_settings: config.Settings | None = None) -> dict[str, list[str]]:
    """Pathway key → its episode types: the pathway YAMLs, and the pathways the outcome
    settings give an expected stay (any type)."""
    s = outcome_settings or settings()
    known: dict[str, list[str]] = {
        key: [] for key, p in s.pathways.items() if p.expected_inpatient_days is not None
    }
    known.update({key: list(p.episode_types) for key, p in registry().items()})
    return known


def import_episodes(
    session: Session,
    data: bytes,
    filename: str,
    *,
    organisation_code: str | None = None,
    dry_run: bool = False,
) -> Imported:
    """Check the file and store its new rows; raise ``ImportRejected`` (nothing stored) if
    any row is wrong."""
    organisation = None
    if organisation_code is not None:
        organisation = repository.organisation_by_code(session, organisation_code)
        if organisation is None:
            raise InvalidInput(
                problem(
                    "outcomes.unknown_organisation", field="organisation", code=organisation_code
                )
            )
    parsed = importer.parse(data, known_pathways())
    if parsed.errors and not parsed.rows:
        raise ImportRejected(parsed.errors, parsed.warnings)
    stored_rows = repository.imported_episodes(session, {r.episode for r in parsed.rows})
    orgs = repository.organisations(session)
    stored = {
        key: importer.Stored(
            personnummer=episode.personnummer,
            pathway=episode.pathway,
            type=episode.type,
            organisation=orgs[episode.organisation_id].code if episode.organisation_id else None,
            events=Counter((event, as_utc(at)) for event, at in events),
        )
        for key, (episode, events) in stored_rows.items()
    }
    # episodes with a row that could not be read are not checked further: their other rows
    # would give follow-on problems (a visit "before going home" when at_home was unreadable)
    broken = parsed.episodes_with_errors
    checked = importer.check(
        [r for r in parsed.rows if r.episode not in broken], stored, organisation_code
    )
    warnings = parsed.warnings + checked.warnings
    errors = sorted(parsed.errors + checked.errors, key=lambda e: e.line)
    if errors:
        raise ImportRejected(errors, warnings)
    result = Imported(
        rows=len(parsed.rows),
        new_rows=len(checked.new_events),
        episodes=checked.episodes,
        new_episodes=len(checked.new_episodes),
        warnings=warnings,
    )
    if dry_run or not checked.new_events:
        return result
    batch = OutcomeImport(
        filename=Path(filename).name[:300],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=result.rows,
        new_rows=result.new_rows,
        new_episodes=result.new_episodes,
        organisation_id=organisation.id if organisation else None,
        imported_at=utcnow(),
    )
    repository.add(session, batch)
    now = utcnow()
    new_ids = {key: uuid.uuid4() for key in checked.new_episodes}
    repository.insert_episodes(
        session,
        [
            {
                "id": new_ids[key],
                "external_id": key,
                "personnummer": row.personnummer,
                "pathway": row.pathway,
                "type": row.type,
                "organisation_id": organisation.id if organisation else None,
                "import_id": batch.id,
                "created_at": now,
            }
            for key, row in checked.new_episodes.items()
        ],
    )
    ids: dict[str, uuid.UUID] = {
        key: episode.id for key, (episode, _) in stored_rows.items()
    } | new_ids
    repository.insert_events(
        session,
        [
            {
                "id": uuid.uuid4(),
                "episode_id": ids[e.episode],
                "event": e.event,
                "at": e.at,
                "occurrence": e.occurrence,
                "import_id": batch.id,
                "line": e.line,
            }
            for e in checked.new_events
        ],
    )
    result.import_id = batch.id
    return result


# -- the report -----------------------------------------------------------------------------------


def settings(path: Path | None = None) -> config.Settings:
    """The outcome settings and unit costs (shipped, with ``path`` laid over them); raises
    ``config.ConfigError``."""
    return config.load(path)


def _organisation_ids(session: Session, codes: Sequence[str]) -> list[uuid.UUID] | None:
    if not codes:
        return None
    ids = []
    for code in codes:
        org = repository.organisation_by_code(session, code)
        if org is None:
            raise InvalidInput(
                problem("outcomes.unknown_organisation", field="organisation", code=code)
            )
        ids.append(org.id)
    return ids


def build_report(
    session: Session,
    first_day: date,
    last_day: date,
    *,
    filters: Filters = Filters(),  # noqa: B008 - frozen
    outcome_settings: config.Settings | None = None,
    as_of: datetime | None = None,
    progress: Progress | None = None,
) -> Report:
    """The report of a period (``first_day`` .. ``last_day``, Swedish dates), everything
    included (the operator's view)."""
    if last_day < first_day:
        raise InvalidInput(problem("outcomes.period_reversed", field="to"))
    s = outcome_settings or settings()
    now = as_of or utcnow()
    period = period_of(first_day, last_day, now)
    histories = sources.histories(
        session,
        period.start,
        period.end,
        source=filters.source,
        pathways=filters.pathways,
        types=filters.types,
        organisation_ids=_organisation_ids(session, filters.organisations),
        answer_hours=s.care_request_answer_hours,
        progress=progress,
    )
    params = Params(
        settings=s,
        registry_days={k: p.expected_inpatient_days for k, p in registry().items()},
        year=first_day.year,
    )
    physicians = (
        sources.physician_data(session, period.start, period.end)
        if filters.source != "import"
        else None
    )
    return build(
        histories,
        first_day,
        last_day,
        params,
        filters=filters,
        as_of=now,
        progress=progress,
        physicians=physicians,
    )


def organisations_to_filter(ctx: Context) -> list[tuple[str, str]]:
    """(code, name) of every organisation, by name: the report's organisation filter."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    found = repository.organisations(ctx.session).values()
    return sorted(((o.code, o.name) for o in found), key=lambda pair: (pair[1].lower(), pair[0]))


def report_for(
    ctx: Context,
    first_day: date,
    last_day: date,
    *,
    filters: Filters = Filters(),  # noqa: B008 - frozen
    trace: bool = False,
) -> Report:
    """The report for a signed-in user: aggregates for anyone with ``directory:read``; with
    ``trace``, the episodes behind each number are only those the caller may see (and the
    patients shown are logged)."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    if trace:
        ctx.actor.require(Permission.PATIENT_READ)
    report = build_report(ctx.session, first_day, last_day, filters=filters)
    if not trace:
        report.values = [replace(v, episodes=()) for v in report.values]
        return report
    live_ids, imported_ids = set(), set()
    for v in report.values:
        for episode in v.episodes:
            try:
                live_ids.add(uuid.UUID(episode))
            except ValueError:
                imported_ids.add(episode)
    visible = repository.visible_episodes(ctx.session, sorted(live_ids), visibility(ctx))
    own = repository.imported_of_organisation(
        ctx.session, sorted(imported_ids), ctx.actor.organisation_id
    )
    shown = {str(k) for k in visible} | own

    def keep(v: Value) -> Value:
        return replace(v, episodes=tuple(e for e in v.episodes if e in shown))

    report.values = [keep(v) for v in report.values]
    log_listed(ctx, sorted(set(visible.values())), resource_type="outcome_report")
    return report


# -- the questionnaire ---------------------------------------------------------------------------


def questionnaire_form(ctx: Context, episode_id: uuid.UUID) -> None:
    """Open the questionnaire for an episode: the same access as answering it, logged."""
    episode_for(
        ctx,
        episode_id,
        permission=Permission.OBSERVATION_WRITE,
        action="read",
        resource_type="questionnaire",
    )


def record_questionnaire(
    ctx: Context, episode_id: uuid.UUID, data: QuestionnaireCreate
) -> QuestionnaireResponse:
    """The patient's answers (entered on the tablet, or by staff for them), once per episode,
    after the patient went home."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.OBSERVATION_WRITE,
        action="create",
        resource_type="questionnaire",
        lock=True,
    )
    answers, problems = trygghet.answer_problems(data.answers)
    if problems:
        # the schema refuses these first (QuestionnaireCreate); a caller that built the
        # answers otherwise gets every problem, the first as the answer's own
        raise InvalidInput(problems[0], field="answers", problems=problems)
    if episode.started_at is None:
        raise Conflict(
            problem("outcomes.questionnaire_not_at_home", state=msg(f"state.{episode.state}"))
        )
    if repository.questionnaire_of(ctx.session, episode.id) is not None:
        raise Conflict(problem("outcomes.questionnaire_answered"))
    now = utcnow()
    at = data.answered_at or now
    if at > now + FUTURE_TOLERANCE:
        raise InvalidInput(problem("outcomes.answered_in_future", field="answered_at"))
    if at < as_utc(episode.started_at):
        raise InvalidInput(problem("outcomes.answered_before_home", field="answered_at"))
    stored: dict[str, object] = dict(answers)
    if data.comment:
        stored["comment"] = data.comment
    response = QuestionnaireResponse(
        episode_id=episode.id,
        questionnaire=trygghet.NAME,
        answered_at=at,
        answers=stored,
        answered_by=data.answered_by.value,
        recorded_by_id=ctx.actor.user_id,
        organisation_id=ctx.actor.organisation_id,
    )
    repository.add(ctx.session, response)
    return response


def get_questionnaire(ctx: Context, episode_id: uuid.UUID) -> QuestionnaireResponse:
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="questionnaire",
    )
    response = repository.questionnaire_of(ctx.session, episode.id)
    if response is None:
        raise NotFound(problem("outcomes.questionnaire_missing"))
    return response


__all__ = [
    "ImportRejected",
    "Imported",
    "build_report",
    "get_questionnaire",
    "import_episodes",
    "organisations_to_filter",
    "record_questionnaire",
    "report_for",
]
