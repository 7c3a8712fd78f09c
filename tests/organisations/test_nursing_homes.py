"""Nursing homes (särskilt boende) and short-term places (korttidsplats) as organisation kinds
(issue 14): they can be created, have names in both languages, receive a care request for
home health care like the municipality's home health care does, take part in the episode as
its home health care and record ESAS-r for their resident."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.carerequests import lifecycle
from samband.kit import i18n
from samband.models import EpisodeParticipant
from samband.organisations.schemas import OrganisationCreate
from samband.security.roles import OrganisationKind
from tests.factories import auth, make_organisation, make_unit, make_user
from tests.palliative.helpers import build, scores

KINDS = ("nursing_home", "short_term_place")


class TestKinds:
    @pytest.mark.parametrize("kind", KINDS)
    def test_can_be_created(self, kind: str) -> None:
        data = OrganisationCreate(
            code="SAB-1",
            name="Solgårdens särskilda boende",
            kind=OrganisationKind(kind),
            authority_kind="municipality",
            authority_name="Falu kommun",
        )
        assert data.kind == kind

    @pytest.mark.parametrize("kind", [k.value for k in OrganisationKind])
    def test_every_kind_has_a_name_in_both_languages(self, kind: str) -> None:
        for lang in ("sv", "en"):
            assert i18n.has(f"kind.{kind}", lang), (kind, lang)
        assert i18n.translate("kind.nursing_home", "sv") == "särskilt boende"
        assert i18n.translate("kind.short_term_place", "sv") == "korttidsplats"

    @pytest.mark.parametrize("kind", KINDS)
    def test_receives_home_health_care_requests_as_home_health_care(self, kind: str) -> None:
        assert kind in lifecycle.FITS[lifecycle.CareRequestKind.HOME_HEALTH_CARE]
        assert lifecycle.PARTICIPANT_ROLE[kind] == "home_health_care"


class TestCaredForThere:
    @pytest.mark.parametrize("kind", KINDS)
    def test_a_care_request_accepted_makes_it_the_episodes_home_health_care(
        self, client: TestClient, session: Session, kind: str
    ) -> None:
        world = build(session)
        home = make_organisation(
            session, kind=kind, authority_kind="municipality", authority_name="Falu kommun"
        )
        home_nurse = make_user(session, home, unit=make_unit(session, home))
        sent = client.post(
            "/api/v1/care-requests",
            json={
                "episode_id": str(world.episode.id),
                "to_organisation_id": str(home.id),
                "kind": "home_health_care",
                "message": "Palliativ vård på boendet, vid behovs-läkemedel finns",
            },
            headers=auth(session, world.asih_nurse),
        )
        assert sent.status_code == 201, sent.text
        request_id = sent.json()["id"]
        # another nursing home, with no request, sees nothing
        other = make_organisation(
            session, kind=kind, authority_kind="municipality", authority_name="Falu kommun"
        )
        refused = client.post(
            f"/api/v1/episodes/{world.episode.id}/symptom-assessments",
            json=scores(),
            headers=auth(session, make_user(session, other)),
        )
        assert refused.status_code == 404
        for to in ("received", "accepted"):
            moved = client.post(
                f"/api/v1/care-requests/{request_id}/transitions",
                json={"to": to},
                headers=auth(session, home_nurse),
            )
            assert moved.status_code == 200, moved.text
        role = session.scalar(
            select(EpisodeParticipant.role).where(
                EpisodeParticipant.episode_id == world.episode.id,
                EpisodeParticipant.organisation_id == home.id,
            )
        )
        assert role == "home_health_care"
        recorded = client.post(
            f"/api/v1/episodes/{world.episode.id}/symptom-assessments",
            json=scores(pain=3),
            headers=auth(session, home_nurse),
        )
        assert recorded.status_code == 201, recorded.text
