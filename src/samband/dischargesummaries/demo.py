"""The demo's discharge summaries (``samband demo``; issue 14):

- **Ingrid Berg**, an OPAT patient of the infection ward who went home, had her cefotaxime
  dose raised and clindamycin tablets added, and is discharged today: her summary was
  written by the nurse, signed by the physician (Anna) and sent at discharge with the
  referral to Vårdcentralen Norra and to the municipality's home health care.
- **Kim Sandberg**, at home with CRP falling (near discharge): a draft with follow-up items,
  waiting for the physician to review and sign it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from samband.carerequests import service as carerequests
from samband.carerequests.schemas import CareRequestCreate
from samband.dischargesummaries import repository, service
from samband.dischargesummaries.schemas import DischargeSummaryUpdate, FollowUpItem
from samband.episodes import service as episodes
from samband.episodes.schemas import TransitionCreate
from samband.episodes.states import State
from samband.medications import service as medications
from samband.medications.schemas import MedicationCreate, MedicationUpdate
from samband.models import Episode
from samband.security.context import Context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from samband.demo import Directory


def load(session: Session, directory: Directory) -> None:
    _ingrid(session, directory)
    _kim(session, directory)


def _ingrid(session: Session, d: Directory) -> None:
    from samband.demo import _opat_at_home, _patient, _pnr  # the demo's own helpers

    nurse, physician = d.ctx(session, "ssk.bertil"), d.ctx(session, "lakare.anna")
    ingrid = _patient(
        nurse,
        personnummer=_pnr(1949, 11, 2, 384),
        given_name="Ingrid",
        family_name="Berg",
        street_address="Stigaregatan 8",
        postal_code="791 60",
        city="Falun",
        latitude=60.6031,
        longitude=15.6259,
        phone="070-222 33 44",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
    )
    # the demo's own Swedish texts (the crawl knows them as data, not as page words)
    _opat_at_home(
        session,
        d,
        ingrid.id,
        diagnosis="Erysipelas, stabil på iv-antibiotika",
        patient_name="Ingrid",
        goal="Att bli frisk hemma och kunna gå ut med hunden igen",
        antibiotic=("Cefotaxim", "1 g"),
        request="IV cefotaxim 1 g x 3 i 7 dagar, PICC-line. Dag 1 besök 08:00.",
    )
    episode = repository.latest_episode_of(session, ingrid.id)
    if episode is None:  # pragma: no cover - the helper above made it
        return
    cefotaxim = next(
        m for m in repository.medications(session, episode.id) if m.drug == "Cefotaxim"
    )
    medications.update(physician, cefotaxim.id, MedicationUpdate(dose="2 g"))
    medications.add(
        physician,
        MedicationCreate.model_validate(
            {
                "episode_id": str(episode.id),
                "drug": "Klindamycin",
                "dose": "600 mg",
                "route": "oral",
                "schedule": "08:00 16:00 24:00",
                "given_by": "patient",
                "supplied_by": "Infektionsavdelning 11, packat vid hemgång",
                "days": 7,
            }
        ),
    )
    # the referral to the listed primary care centre, with no message of its own
    carerequests.send(
        nurse,
        CareRequestCreate(
            episode_id=episode.id,
            to_organisation_id=d.orgs["VC-NORRA"].id,
            kind="primary_care_referral",
        ),
    )
    summary = service.create(nurse, episode.id)
    _write(
        nurse,
        summary.id,
        assessment=None,
        advice="Drick minst 2 liter om dagen. Ta alla tabletter även om du mår bra.",
        follow_up=[
            ("CRP och kreatinin", "Vårdcentralen Norra", "om 2 veckor"),
            ("Hur antibiotikan tas", "Hemsjukvården Falun", "dag 2 efter utskrivning"),
        ],
    )
    _write(
        physician,
        summary.id,
        assessment="God effekt av cefotaxim, feberfri sedan tre dygn och CRP sjunker. "
        "Fortsatt behandling med tabletter i en vecka.",
    )
    service.sign(physician, summary.id)
    episodes.transition(
        physician,
        episode.id,
        TransitionCreate(to=State.DISCHARGED),
    )


def _kim(session: Session, d: Directory) -> None:
    from samband.labresults import repository as labresults

    episode: Episode | None = labresults.open_episode_of_named(
        session, "Kim", "Sandberg", "opat", ["at_home"]
    )
    if episode is None:
        return
    nurse = d.ctx(session, "ssk.bertil")
    summary = service.create(nurse, episode.id)
    _write(
        nurse,
        summary.id,
        advice="Ring avdelningen om du får feber eller om rodnaden sprider sig.",
        follow_up=[("CRP", "Vårdcentralen Norra", "om 1 vecka")],
    )


def _write(
    ctx: Context,
    summary_id: uuid.UUID,
    *,
    assessment: str | None = None,
    advice: str | None = None,
    follow_up: list[tuple[str, str, str]] | None = None,
) -> None:
    fields: dict[str, object] = {}
    if assessment is not None:
        fields["assessment"] = assessment
    if advice is not None:
        fields["advice"] = advice
    if follow_up is not None:
        fields["follow_up"] = [
            FollowUpItem(what=what, who=who, when=when) for what, who, when in follow_up
        ]
    service.update(ctx, summary_id, DischargeSummaryUpdate.model_validate(fields))
