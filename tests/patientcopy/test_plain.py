"""The plain words of the patient's copy: schedules, activities, contacts, medicines."""

from __future__ import annotations

from datetime import date

import pytest

from samband.pathways.definition import registry
from samband.patientcopy import plain

NURSE = ("registered_nurse", "municipal_home_health_care")


class TestWhenText:
    @pytest.mark.parametrize(
        ("schedule", "sv", "en"),
        [
            ("daily 08:00", "Varje dag kl. 08.00", "Every day at 08:00"),
            ("daily 08:00 20:00", "Varje dag kl. 08.00 och 20.00", "Every day at 08:00 and 20:00"),
            ("daily", "Varje dag", "Every day"),
            ("3 times a day", "3 gånger om dagen", "3 times a day"),
            ("1 times a day", "En gång om dagen", "Once a day"),
            ("every 8 hours", "Var 8:e timme", "Every 8 hours"),
            ("every 2 hours", "Var 2:a timme", "Every 2 hours"),
            ("every 12 hours", "Var 12:e timme", "Every 12 hours"),
            ("every 1 hours", "Varje timme", "Every hour"),
            ("day 3", "Dag 3", "On day 3"),
            ("day 1,3,5", "Dag 1, 3 och 5", "On days 1, 3 and 5"),
            ("weekdays 10:00", "Vardagar kl. 10.00", "On weekdays at 10:00"),
            ("weekdays", "Vardagar", "On weekdays"),
            ("once", "En gång", "Once"),
            ("as needed", "Vid behov", "When needed"),
            (
                "08:00 16:00 24:00",
                "Varje dag kl. 08.00, 16.00 och 24.00",
                "Every day at 08:00, 16:00 and 24:00",
            ),  # fmt: skip
            ("efter maten", "efter maten", "efter maten"),
        ],
    )
    def test_schedule_in_plain_words(self, schedule: str, sv: str, en: str) -> None:
        assert plain.when_text(schedule, "sv") == sv
        assert plain.when_text(schedule, "en") == en

    def test_an_unknown_language_is_swedish(self) -> None:
        assert plain.when_text("day 3", "ar") == "Dag 3"


class TestActivitySentence:
    @pytest.mark.parametrize(
        ("schedule", "what", "role", "kind", "setting", "sv", "en"),
        [
            (
                "3 times a day", "Give IV antibiotics", *NURSE, "home",
                "3 gånger om dagen kommer en sjuksköterska från hemsjukvården och ger "
                "antibiotika i PICC-linjen.",
                "3 times a day, a nurse from home health care comes and gives you antibiotics "
                "through the PICC line.",
            ),
            (
                "day 3", "Take blood samples (CRP, blood count, creatinine)", *NURSE, "home",
                "Dag 3 kommer en sjuksköterska från hemsjukvården och tar blodprov.",
                "On day 3, a nurse from home health care comes and takes blood samples.",
            ),
            (
                "daily 08:00", "Byta förband", "assistant_nurse", "municipal_home_care", "home",
                "Varje dag kl. 08.00 kommer en undersköterska från hemtjänsten: Byta förband.",
                "Every day at 08:00, an assistant nurse from the home care service visits you: "
                "Byta förband.",
            ),
            (
                "weekdays 10:00", "Daily digital round with the infection clinic", "physician",
                "hospital_clinic", "digital",
                "Vardagar kl. 10.00 har du kontakt med en läkare från sjukhuset via video eller "
                "telefon: digital rond där vi går igenom hur det går för dig.",
                "On weekdays at 10:00, a doctor from the hospital talks with you by video or "
                "phone: a digital round where we go through how you are doing.",
            ),
            (
                "every 8 hours", "Check the pump", "registered_nurse", "mobile_team", "home",
                "Var 8:e timme kommer en sjuksköterska från det mobila teamet: Check the pump.",
                "Every 8 hours, a nurse from the mobile team visits you: Check the pump.",
            ),
            (
                "daily 08:00", "Weigh yourself every morning and report it", "patient",
                "hospital_clinic", "home",
                "Varje dag kl. 08.00: väg dig på morgonen och rapportera vikten "
                "(det gör du själv).",
                "Every day at 08:00: weigh yourself in the morning and report your weight "
                "(you do this yourself).",
            ),
            (
                "as needed", "Help with shopping", "next_of_kin", "municipal_home_care", "home",
                "Vid behov: Help with shopping (det gör din närstående).",
                "When needed: Help with shopping (your next of kin does this).",
            ),
            (
                "once", "Remove the PICC line", "physician", "hospital_ward", "home",
                "En gång kommer en läkare från avdelningen på sjukhuset: Remove the PICC line.",
                "Once, a doctor from the hospital ward visits you: Remove the PICC line.",
            ),
        ],
    )  # fmt: skip
    def test_sentence(
        self, schedule: str, what: str, role: str, kind: str, setting: str, sv: str, en: str
    ) -> None:
        assert plain.activity_sentence(schedule, what, role, kind, setting=setting) == sv
        assert plain.activity_sentence(schedule, what, role, kind, setting=setting, lang="en") == en

    def test_every_shipped_template_activity_reads_without_clinical_english_in_swedish(
        self,
    ) -> None:
        for pathway in registry().values():
            for activity in pathway.plan_template.activities:
                assert plain.has_plain(activity.what), (pathway.key, activity.what)
                sentence = plain.activity_sentence(
                    activity.schedule,
                    activity.what,
                    activity.role,
                    activity.organisation_kind,
                    setting=activity.setting,
                )
                assert activity.what not in sentence

    def test_every_shipped_template_line_has_plain_words(self) -> None:
        for pathway in registry().values():
            template = pathway.plan_template
            for line in [*template.goals, *template.if_worse, *template.discharge_criteria]:
                assert plain.has_plain(line), (pathway.key, line)
            for contact in template.contacts:
                assert plain.has_plain(contact.who), (pathway.key, contact.who)
                assert plain.contact_when(contact.when) != contact.when, contact.when


class TestOccursOn:
    @pytest.mark.parametrize(
        ("schedule", "day", "weekday", "expected"),
        [
            ("3 times a day", 1, 0, True),
            ("3 times a day", 0, 0, False),  # not home yet
            ("daily 08:00", 5, 6, True),
            ("every 8 hours", 2, 3, True),
            ("day 3", 3, 2, True),
            ("day 3", 2, 2, False),
            ("day 1,3,5", 5, 2, True),
            ("day 1,3,5", 4, 2, False),
            ("weekdays 10:00", 2, 4, True),  # Friday
            ("weekdays 10:00", 2, 5, False),  # Saturday
            ("once", 1, 0, True),
            ("once", 2, 0, False),
            ("as needed", 4, 6, True),
        ],
    )
    def test_day(self, schedule: str, day: int, weekday: int, expected: bool) -> None:
        assert plain.occurs_on(schedule, day, weekday) is expected


class TestContactsAndMedicines:
    @pytest.mark.parametrize(
        ("when", "sv", "en"),
        [
            ("weekdays 07-16", "Vardagar kl. 07–16", "Weekdays 07–16"),
            ("every day 07-21", "Alla dagar kl. 07–21", "Every day 07–21"),
            ("other times", "Alla andra tider", "All other times"),
            ("24/7", "Dygnet runt", "Day and night"),
            ("måndag och torsdag", "måndag och torsdag", "måndag och torsdag"),
        ],
    )
    def test_contact_hours(self, when: str, sv: str, en: str) -> None:
        assert plain.contact_when(when, "sv") == sv
        assert plain.contact_when(when, "en") == en

    def test_dates_have_swedish_names(self) -> None:
        assert plain.format_date(date(2025, 5, 14), "sv", weekday=True) == "onsdag 14 maj 2025"
        assert plain.format_date(date(2025, 5, 14), "en", weekday=True) == "Wednesday, 14 May 2025"

    def test_medicine_words(self) -> None:
        assert plain.route_text("iv", "sv").startswith("dropp i blodet")
        assert plain.route_text("oral", "en") == "by mouth"
        assert (
            plain.given_by_text("registered_nurse", "municipal_home_health_care", "sv")
            == "En sjuksköterska från hemsjukvården"
        )
        assert plain.given_by_text("patient", "municipal_home_health_care", "sv") == "Du själv"
        assert (
            plain.duration_text(7, date(2025, 5, 20), "sv") == "7 dagar (till och med 20 maj 2025)"
        )
        assert plain.duration_text(1, None, "en") == "1 day"
        assert plain.duration_text(None, None, "sv") == "Tills vidare"
