"""Taking in vital signs (the API, FHIR, the pages, the patient's tablet): the observations
domain stores and scores the sets (``observations.service.store``), then the alerts decide
what they raise (``alerts.triggers``), in the same transaction: a stored measurement and its
alert are committed together or not at all.

The two domains do not know each other the other way round: alerts read observations,
observations never import alerts (an import-linter contract keeps it so).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace

from samband.alerts import triggers
from samband.observations import fhir
from samband.observations import service as observations
from samband.observations.schemas import ObservationCreate
from samband.observations.service import Ingested, Stored, Where, in_batch, single
from samband.security.context import Context


def ingest_one(ctx: Context, data: ObservationCreate) -> Ingested:
    return ingest(ctx, [data], where=single)[0]


def ingest(
    ctx: Context,
    items: Sequence[ObservationCreate],
    *,
    where: Where = in_batch,
    named: Callable[[int], str] | None = None,
) -> list[Ingested]:
    """Take in sets of vital signs, all or nothing; one result per item, in order, each with
    the alerts it opened or added to."""
    return _decided(ctx, observations.store(ctx, items, where=where, named=named))


def ingest_fhir(ctx: Context, occasions: Sequence[fhir.Parsed]) -> list[Ingested]:
    """Measurement occasions read from FHIR (``fhir.parse_*``), all or nothing."""
    return _decided(ctx, observations.store_fhir(ctx, occasions))


def _decided(ctx: Context, stored: Stored) -> list[Ingested]:
    raised: dict[uuid.UUID, list[uuid.UUID]] = triggers.raise_for_sets(ctx, stored.new, stored.now)
    if not raised:
        return stored.results
    return [
        replace(result, view=replace(result.view, alert_ids=raised[result.view.observation.id]))
        if result.view.observation.id in raised
        else result
        for result in stored.results
    ]
