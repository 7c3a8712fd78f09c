"""The patient's *trygghet* questionnaire at discharge: the questions and the check of an
answer. Pure: no database, no web. The tablet page that asks them comes later; the API takes
the answers (``POST /api/v1/episodes/{id}/questionnaire``).

Five statements, each answered 1 (does not agree at all) to 5 (agrees completely); only
``felt_safe`` is required, a question left out is "no answer". The first is the patient-
reported safety indicator (``patient_felt_safe_share``: 4 or 5; ``patient_safety_score_mean``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

NAME = "trygghet-v1"
SCALE = (1, 5)


@dataclass(frozen=True)
class Question:
    key: str
    text_sv: str
    text_en: str
    required: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question(
        "felt_safe",
        "Jag kände mig trygg med att vårdas hemma.",
        "I felt safe being cared for at home.",
        required=True,
    ),
    Question(
        "knew_whom_to_call",
        "Jag visste vem jag skulle ringa, dygnet runt.",
        "I knew whom to call, day and night.",
    ),
    Question(
        "staff_came_as_agreed",
        "Personalen kom och hörde av sig som vi kommit överens om.",
        "The staff came and called as we had agreed.",
    ),
    Question(
        "involved_in_plan",
        "Jag och mina närstående var delaktiga i planeringen av vården.",
        "My next of kin and I took part in planning the care.",
    ),
    Question(
        "would_choose_again",
        "Jag skulle välja vård i hemmet igen.",
        "I would choose care at home again.",
    ),
)
KEYS = tuple(q.key for q in QUESTIONS)


def check(answers: Mapping[str, object]) -> tuple[dict[str, int], list[str]]:
    """The answers as {key: 1..5} and every problem with them."""
    problems: list[str] = []
    clean: dict[str, int] = {}
    low, high = SCALE
    for key, value in answers.items():
        if key not in KEYS:
            problems.append(f"unknown question '{key}'; the questions are: {', '.join(KEYS)}")
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(f"{key}: answer with a whole number {low}-{high}, not {value!r}")
        else:
            clean[key] = value
    for q in QUESTIONS:
        if q.required and q.key not in answers:
            problems.append(f"{q.key} must be answered ('{q.text_en}')")
    return clean, problems
