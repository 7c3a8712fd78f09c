"""The patient's *trygghet* questionnaire at discharge: the questions and the check of an
answer. Pure: no database, no web. The tablet page that asks them comes later; the API takes
the answers (``POST /api/v1/episodes/{id}/questionnaire``). A bad answer is a problem
(``questionnaire.unanswered``, ``.not_on_scale``, ``.unknown_question``) whose field is the
question.

Five statements, each answered 1 (does not agree at all) to 5 (agrees completely); only
``felt_safe`` is required, a question left out is "no answer". The first is the patient-
reported safety indicator (``patient_felt_safe_share``: 4 or 5; ``patient_safety_score_mean``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from samband.kit.errors import Problem, problem
from samband.kit.i18n import Msg, Source, msg

NAME = "trygghet-v1"
SCALE = (1, 5)


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # English; the Swedish catalogue translates it (problems_input.po)
    required: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question(
        "felt_safe",
        "I felt safe being cared for at home.",
        required=True,
    ),
    Question(
        "knew_whom_to_call",
        "I knew whom to call, day and night.",
    ),
    Question(
        "staff_came_as_agreed",
        "The staff came and called as we had agreed.",
    ),
    Question(
        "involved_in_plan",
        "My next of kin and I took part in planning the care.",
    ),
    Question(
        "would_choose_again",
        "I would choose care at home again.",
    ),
)
KEYS = tuple(q.key for q in QUESTIONS)


def question_name(key: str) -> Msg:
    """How a problem names a question: its key in English (the API's), "fråga 1" in Swedish."""
    return msg(f"questionnaire.key.{key}")


def answer_problems(answers: Mapping[str, object]) -> tuple[dict[str, int], list[Problem]]:
    """The answers as {key: 1..5} and every problem with them (the field is the question)."""
    problems: list[Problem] = []
    clean: dict[str, int] = {}
    low, high = SCALE
    for key, value in answers.items():
        if key not in KEYS:
            problems.append(
                problem(
                    "questionnaire.unknown_question",
                    field=key,
                    question=key,
                    questions=[question_name(k) for k in KEYS],
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            shown = value if isinstance(value, int) and not isinstance(value, bool) else repr(value)
            problems.append(
                problem(
                    "questionnaire.not_on_scale",
                    field=key,
                    question=question_name(key),
                    low=low,
                    high=high,
                    value=shown,
                )
            )
        else:
            clean[key] = value
    for q in QUESTIONS:
        if q.required and q.key not in answers:
            problems.append(
                problem(
                    "questionnaire.unanswered",
                    field=q.key,
                    question=question_name(q.key),
                    text=Source(q.text),
                )
            )
    return clean, problems
