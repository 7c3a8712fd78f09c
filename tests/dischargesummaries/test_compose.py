"""The pure parts of the discharge summary: composing the content from plain data, its words,
and the FHIR document (validated with fhir.resources, R4B = R4's Composition and Bundle)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fhir.resources.R4B.bundle import Bundle
from hypothesis import given
from hypothesis import strategies as st

from samband.dischargesummaries import compose, fhir, text

HOME = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
END = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)


def med(
    drug: str, *, at: datetime, status: str = "active", **fields: object
) -> compose.MedicationFact:
    return compose.MedicationFact(
        drug=drug,
        dose=str(fields.pop("dose", "1 g")),
        route=str(fields.pop("route", "oral")),
        schedule=str(fields.pop("schedule", "08:00")),
        status=status,
        created_at=at,
        **fields,  # type: ignore[arg-type]
    )


class TestMedications:
    def test_started_changed_stopped_unchanged(self) -> None:
        before = HOME - timedelta(hours=2)
        found = compose.medications(
            HOME,
            [
                med("A", at=before),
                med(
                    "B",
                    at=before,
                    changes=((HOME + timedelta(days=1), {"dose": ["1 g", "2 g"]}),),
                ),
                med("C", at=HOME + timedelta(days=1)),
                med(
                    "D",
                    at=before,
                    status="stopped",
                    stop_reason="biverkan",
                    updated_at=HOME + timedelta(days=2),
                ),
            ],
        )
        rows = {r["drug"]: r for r in found["at_discharge"]}
        assert rows["A"]["change"] == "unchanged"
        assert rows["B"]["change"] == "changed"
        assert rows["B"]["changes"] == {"dose": ["1 g", "2 g"]}
        assert rows["C"]["change"] == "started"
        assert [(s["drug"], s["reason"]) for s in found["stopped"]] == [("D", "biverkan")]
        assert (found["at_start"], found["started"], found["changed"]) == (3, 1, 1)

    def test_a_change_before_going_home_is_not_a_change(self) -> None:
        found = compose.medications(
            HOME,
            [
                med(
                    "B",
                    at=HOME - timedelta(days=1),
                    changes=((HOME - timedelta(hours=1), {"dose": ["1 g", "2 g"]}),),
                )
            ],
        )
        assert found["at_discharge"][0]["change"] == "unchanged"

    def test_changes_back_and_forth_cancel(self) -> None:
        found = compose.medications(
            HOME,
            [
                med(
                    "B",
                    at=HOME - timedelta(days=1),
                    changes=(
                        (HOME + timedelta(hours=1), {"dose": ["1 g", "2 g"]}),
                        (HOME + timedelta(hours=2), {"dose": ["2 g", "1 g"]}),
                    ),
                )
            ],
        )
        assert found["at_discharge"][0]["change"] == "unchanged"

    @given(st.lists(st.tuples(st.integers(-48, 96), st.booleans()), max_size=12))
    def test_every_medication_is_on_one_list(self, meds: list[tuple[int, bool]]) -> None:
        facts = [
            med(
                f"M{i}",
                at=HOME + timedelta(hours=hours),
                status="stopped" if stopped else "active",
                updated_at=HOME + timedelta(hours=max(hours, 0) + 1) if stopped else None,
            )
            for i, (hours, stopped) in enumerate(meds)
        ]
        found = compose.medications(HOME, facts)
        assert len(found["at_discharge"]) + len(found["stopped"]) == len(meds)
        assert found["at_start"] == sum(1 for hours, _ in meds if hours <= 0)


class TestCourse:
    def test_counts_and_timeline_in_time_order(self) -> None:
        episode = compose.EpisodeFacts(
            pathway="opat",
            type="early_supported_discharge",
            state="discharged",
            started_at=HOME,
            ended_at=END,
            reason="Erysipelas",
            end_reason="Kriterierna uppfyllda",
        )
        found = compose.course(
            episode,
            [
                compose.EventFact(at=END, kind="transition", to_state="discharged"),
                compose.EventFact(at=HOME, kind="transition", to_state="at_home"),
            ],
            [
                compose.VisitFact(date(2026, 3, 3), "IV", "done"),
                compose.VisitFact(date(2026, 3, 3), "IV", "done"),
                compose.VisitFact(date(2026, 3, 4), "IV", "missed"),
            ],
            [
                compose.AlertFact(
                    at=HOME + timedelta(days=1),
                    kind="news2",
                    severity="high",
                    reason="NEWS2 7",
                    status="closed",
                    action="phone_call",
                )
            ],
            [compose.RoundFact(at=HOME + timedelta(days=2), decision="discharge", assessment="ok")],
        )
        assert found["days_at_home"] == 5
        assert (found["visits_done"], found["visits_missed"], found["alerts"]) == (2, 1, 1)
        kinds = [item["kind"] for item in found["timeline"]]
        assert kinds == ["home", "visits", "alert", "round", "discharged"]
        assert found["timeline"][1]["count"] == 2


def data(**fields: object) -> compose.SummaryData:
    content = compose.compose(
        compose.EpisodeFacts(
            pathway="opat",
            type="early_supported_discharge",
            state="discharged",
            started_at=HOME,
            ended_at=END,
            reason="Erysipelas",
            end_reason=None,
        ),
        events=[],
        visits=[],
        alerts=[],
        rounds=[],
        meds=[med("Cefotaxim", at=HOME - timedelta(days=1), route="iv")],
        lab=[
            compose.ResultFact(
                at=HOME, code="1988-5", name="crp", value="84", unit="mg/L", high=5.0, numeric=84.0
            )
        ],
    )
    values: dict[str, object] = {
        "id": "3f2a91c0-0000-4000-8000-000000000001",
        "episode_id": "3f2a91c0-0000-4000-8000-000000000002",
        "version": 1,
        "status": "signed",
        "content": content,
        "composed_at": END,
        "created_at": END,
        "follow_up": [{"what": "CRP", "who": "VC", "when": "2 v"}],
        "assessment": "Bra <b>effekt</b>",
        "advice": None,
        "patient_id": "3f2a91c0-0000-4000-8000-000000000003",
        "patient_name": "Kim Sandberg",
        "personnummer": "196803149829",
        "identifier_kind": "personnummer",
        "organisation_id": "3f2a91c0-0000-4000-8000-000000000004",
        "organisation_code": "INF-FALUN",
        "organisation_name": "Infektionskliniken",
        "unit_name": "Avd 11",
        "author": compose.Person("3f2a91c0-0000-4000-8000-000000000005", "Bertil"),
        "signer": compose.Person("3f2a91c0-0000-4000-8000-000000000006", "Anna", "physician"),
        "signed_at": END,
    }
    values.update(fields)
    return compose.SummaryData(**values)  # type: ignore[arg-type]


class TestFhirDocument:
    def test_a_signed_summary_is_a_final_valid_document(self) -> None:
        bundle = fhir.document(data())
        Bundle.model_validate(bundle)
        composition = bundle["entry"][0]["resource"]
        assert composition["status"] == "final"
        assert composition["attester"][0]["mode"] == "legal"
        # the narrative escapes what people wrote
        assessment = composition["section"][4]["text"]["div"]
        assert "&lt;b&gt;effekt&lt;/b&gt;" in assessment
        observation = next(
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
        )
        assert observation["interpretation"][0]["coding"][0]["code"] == "H"
        assert observation["referenceRange"] == [
            {
                "high": {
                    "value": 5.0,
                    "unit": "mg/L",
                    "system": "http://unitsofmeasure.org",
                    "code": "mg/L",
                }
            }
        ]

    def test_the_same_summary_gives_the_same_document(self) -> None:
        assert fhir.document(data(), now=END) == fhir.document(data(), now=END)

    def test_a_draft_is_preliminary_without_attester(self) -> None:
        bundle = fhir.document(data(status="draft", signer=None, signed_at=None))
        Bundle.model_validate(bundle)
        composition = bundle["entry"][0]["resource"]
        assert composition["status"] == "preliminary"
        assert "attester" not in composition

    def test_results_unavailable_is_said_not_empty(self) -> None:
        summary = data()
        content = {**summary.content, "results": {"available": False, "items": []}}
        bundle = fhir.document(data(content=content))
        Bundle.model_validate(bundle)
        section = bundle["entry"][0]["resource"]["section"][2]
        assert "entry" not in section
        assert text.t("discharge_summary.results.unavailable", "sv") in section["text"]["div"]


class TestWords:
    def test_result_line_in_both_languages(self) -> None:
        row = {
            "name": "crp",
            "numeric": 8.5,
            "value": "8.5",
            "unit": "mg/L",
            "high": 5.0,
            "flag": "H",
        }
        assert text.result_line(row, "sv") == "CRP: 8,5 mg/L (≤ 5) (högt)"
        assert text.result_line(row, "en") == "CRP: 8.5 mg/L (≤ 5) (high)"

    def test_change_text(self) -> None:
        row = {"change": "changed", "changes": {"route": ["iv", "oral"]}}
        assert (
            text.change_text(row, "sv")
            == "Ändrad under vårdtiden: Administrationssätt intravenöst → via munnen"
        )
