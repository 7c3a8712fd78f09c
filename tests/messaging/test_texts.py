"""The texts of messages built at run time (kinds, topics, a physician request's urgency and
status) exist in Swedish and English; the notification says who wrote, not about whom."""

from __future__ import annotations

import pytest

from samband.kit import i18n
from samband.messaging.schemas import MessageKind, Topic
from samband.notifications import messages

URGENCIES = ("acute", "same_day", "planned")  # PhysicianRequest.urgency
STATUSES = ("open", "answered", "cancelled")  # PhysicianRequest.status


def keys() -> list[str]:
    found = [f"messaging.kind.{k.value}" for k in MessageKind]
    found += [f"messaging.topic.{t.value}" for t in Topic]
    found += [f"messaging.topic_term.{t.value}" for t in Topic]
    found += [f"messaging.urgency.{u}" for u in URGENCIES]
    found += [f"messaging.request_status.{s}" for s in STATUSES]
    return found


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_key_built_at_run_time_has_a_text(lang: str) -> None:
    missing = [key for key in keys() if not i18n.has(key, lang)]
    assert not missing


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_notification_names_the_organisation_and_the_reference(lang: str) -> None:
    text = messages.render(
        "message",
        severity="info",
        reference="M-3F2A91C0",
        link="/threads/x",
        params={"organisation": "Hemsjukvården Falu kommun", "message_kind": "question"},
        language=lang,
    )
    assert "M-3F2A91C0" in text.short
    assert "Hemsjukvården Falu kommun" in text.short
    assert "{" not in text.body
