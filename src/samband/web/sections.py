"""Sections the areas of issue 14 add to shared pages: the patient page and a visit on *Mina
besök*. Each area's page module (``samband.web.<area>``) has

- ``patient_section(ctx, patient, episode, lang) -> Section | None``: a card on the patient
  page (None: nothing to show, or the caller may not see it — then the area's own rule says
  whether the card is hidden or says "not shown", never "none" where data exists);
- ``visit_sections(ctx, visits, lang) -> dict[visit id, Section]``: a block inside the visit's
  card on *Mina besök*, for all of the day's visits at once (no query per visit).

The template of a section gets the section's ``data`` as ``s`` and the page's own names.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from samband.models import Episode, Patient, Visit
from samband.security.context import Context


@dataclass
class Section:
    template: str
    data: dict[str, Any] = field(default_factory=dict)


def _areas() -> list[Any]:
    from samband.web import deviations, dischargesummaries, labresults, medadmin, palliative

    return [medadmin, labresults, palliative, dischargesummaries, deviations]


def patient_sections(
    ctx: Context, patient: Patient, episode: Episode | None, lang: str
) -> list[Section]:
    found = []
    for area in _areas():
        make = getattr(area, "patient_section", None)
        if make is not None:
            section = make(ctx, patient, episode, lang)
            if section is not None:
                found.append(section)
    return found


def visit_sections(
    ctx: Context, visits: Sequence[Visit], lang: str
) -> dict[uuid.UUID, list[Section]]:
    found: dict[uuid.UUID, list[Section]] = {}
    if not visits:
        return found
    for area in _areas():
        make = getattr(area, "visit_sections", None)
        if make is not None:
            for visit_id, section in make(ctx, visits, lang).items():
                found.setdefault(visit_id, []).append(section)
    return found
