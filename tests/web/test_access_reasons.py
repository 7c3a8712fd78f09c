"""The reasons the access log keeps, on the access-log pages in the reader's language: the
system's own wording through the catalogue, a person's reason as written."""

from __future__ import annotations

import pytest

from samband.security.context import role_refusal
from samband.security.roles import Permission
from samband.web.access_reasons import access_reason


class TestAccessReason:
    @pytest.mark.parametrize(
        ("stored", "swedish", "english"),
        [
            (
                "role auditor lacks patient:read",
                "rollen granskare saknar behörigheten patient:read",
                "role auditor lacks patient:read",
            ),
            ("blocked by the patient (spärr)", "spärrad av patienten", "blocked by the patient"),
            (
                "emergency access overrides the patient's block (spärr)",
                "nödåtkomst bryter patientens spärr",
                "emergency access overrides the patient's block",
            ),
            (
                "request failed (403); nothing was changed",
                "anropet nekades (403); inget ändrades",
                "request failed (403); nothing was changed",
            ),
            (
                "marked reviewed (sample)",
                "markerad granskad (stickprov)",
                "marked reviewed (sample)",
            ),
            ("no such audit event", "ingen sådan loggrad", "no such audit event"),
        ],
    )
    def test_the_systems_reasons_in_either_language(
        self, stored: str, swedish: str, english: str
    ) -> None:
        assert access_reason(stored, "sv") == swedish
        assert access_reason(stored, "en").lower() == english.lower()

    def test_a_refusals_english_text_is_shown_in_swedish(self) -> None:
        kept = role_refusal("analyst", Permission.PATIENT_READ).message

        shown = access_reason(kept, "sv")

        assert shown.startswith("Rollen analytiker får inte göra detta")
        assert "patient:read" in shown

    @pytest.mark.parametrize("written", ["Akut försämring, jouren ringde", "yes", "sample"])
    def test_a_persons_reason_is_shown_as_written(self, written: str) -> None:
        assert access_reason(written, "sv") == written
        assert access_reason(written, "en") == written
