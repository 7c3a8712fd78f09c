"""The episode's state machine: which transitions exist, who may make them, and the guards.

Pure: the service gathers the facts into a ``Facts`` value, ``check`` answers with the
reasons a transition is not allowed now, each a problem with a code and its parameters (an
empty list means it is allowed). The catalogue words them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from samband.episodes.states import OPEN_STATES, State
from samband.kit.errors import Problem, problem
from samband.kit.i18n import Msg, Source, msg

PHYSICIAN = "physician"
NURSE = "registered_nurse"
COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Facts:
    """What the guards look at. The service fills it from the database and the request."""

    state: State
    actor_role: str
    # assessment
    criteria: tuple[str, ...] = ()  # the pathway's criterion keys
    criterion_texts: dict[str, str] = field(default_factory=dict)  # key -> English text
    required_criteria: tuple[str, ...] = ()
    answers: dict[str, bool] = field(default_factory=dict)
    eligible: bool | None = None
    # consent
    patient_informed: bool = False
    patient_consents: bool = False
    # plan
    has_care_plan: bool = False
    plan_has_discharge_criteria: bool = False
    has_care_contact: bool = False
    has_responsible_physician: bool = False
    # going home
    blocking_items_open: tuple[str, ...] = ()  # labels
    care_requests_missing: tuple[str, ...] = ()  # organisation kinds without an accepted one
    plan_acknowledged_by_patient: bool = False
    # readmission / death / withdrawal
    reason: str | None = None
    ward_unit_given: bool = False


@dataclass(frozen=True)
class Transition:
    source: frozenset[State]
    target: State
    roles: frozenset[str]
    guard: Callable[[Facts], list[Problem]]


def _criteria(f: Facts, keys: list[str]) -> list[Source]:
    return [Source(f.criterion_texts.get(key, key)) for key in keys]


def state(value: str) -> Msg:
    """A state as the catalogue words it."""
    return msg(f"state.{value}")


def _assessment(f: Facts) -> list[Problem]:
    problems: list[Problem] = []
    missing = [key for key in f.criteria if key not in f.answers]
    unknown = [key for key in f.answers if key not in f.criteria]
    if missing:
        problems.append(
            problem("assessment.criteria_missing", field="answers", missing=_criteria(f, missing))
        )
    if unknown:
        problems.append(problem("assessment.criteria_unknown", field="answers", unknown=unknown))
    if f.eligible is None:
        problems.append(problem("assessment.eligible_missing", field="eligible"))
    elif f.eligible:
        unmet = [k for k in f.required_criteria if f.answers.get(k) is False]
        if unmet:
            problems.append(
                problem("assessment.required_unmet", field="answers", unmet=_criteria(f, unmet))
            )
    elif not f.reason:
        problems.append(problem("assessment.reason_missing", field="reason"))
    return problems


def _consent(f: Facts) -> list[Problem]:
    problems = []
    if not f.patient_informed:
        problems.append(problem("consent.not_informed", field="patient_informed"))
    if not f.patient_consents:
        problems.append(problem("consent.not_given", field="patient_consents"))
    return problems


def _needs_reason(code: str) -> Callable[[Facts], list[Problem]]:
    def guard(f: Facts) -> list[Problem]:
        return [] if f.reason else [problem(code, field="reason")]

    return guard


def _plan(f: Facts) -> list[Problem]:
    problems = []
    if not f.has_care_plan:
        problems.append(problem("transition.no_care_plan"))
    elif not f.plan_has_discharge_criteria:
        problems.append(problem("transition.no_discharge_criteria"))
    if not f.has_care_contact:
        problems.append(problem("transition.no_care_contact", field="care_contact_id"))
    if not f.has_responsible_physician:
        problems.append(
            problem("transition.no_responsible_physician", field="responsible_physician_id")
        )
    return problems


def _home(f: Facts) -> list[Problem]:
    problems = [
        problem("checklist.item_not_done", item=Source(label)) for label in f.blocking_items_open
    ]
    problems += [
        problem("carerequest.none_accepted", kind=msg(f"kind.{kind}"))
        for kind in f.care_requests_missing
    ]
    if not f.plan_acknowledged_by_patient:
        problems.append(problem("transition.plan_not_acknowledged"))
    return problems


def _discharge(_: Facts) -> list[Problem]:
    return []


def _readmit(f: Facts) -> list[Problem]:
    problems = _needs_reason("transition.reason_readmitted")(f)
    if not f.ward_unit_given:
        problems.append(problem("transition.no_ward_unit", field="ward_unit_id"))
    return problems


_OPEN = frozenset(OPEN_STATES)
TRANSITIONS: tuple[Transition, ...] = (
    Transition(frozenset({State.CANDIDATE}), State.ASSESSED, frozenset({PHYSICIAN}), _assessment),
    Transition(
        frozenset({State.CANDIDATE}), State.NOT_ELIGIBLE, frozenset({PHYSICIAN}), _assessment
    ),
    Transition(
        frozenset({State.ASSESSED}), State.CONSENTED, frozenset({PHYSICIAN, NURSE}), _consent
    ),
    Transition(
        frozenset({State.ASSESSED}),
        State.DECLINED,
        frozenset({PHYSICIAN, NURSE}),
        _needs_reason("transition.reason_declined"),
    ),
    Transition(
        frozenset({State.CONSENTED}),
        State.PLANNED,
        frozenset({PHYSICIAN, NURSE, COORDINATOR}),
        _plan,
    ),
    Transition(frozenset({State.PLANNED}), State.AT_HOME, frozenset({PHYSICIAN, NURSE}), _home),
    Transition(frozenset({State.AT_HOME}), State.DISCHARGED, frozenset({PHYSICIAN}), _discharge),
    Transition(
        frozenset({State.AT_HOME}), State.READMITTED, frozenset({PHYSICIAN, NURSE}), _readmit
    ),
    Transition(
        frozenset({State.AT_HOME}),
        State.DECEASED,
        frozenset({PHYSICIAN, NURSE}),
        _needs_reason("transition.reason_deceased"),
    ),
    Transition(
        _OPEN,
        State.WITHDRAWN,
        frozenset({PHYSICIAN, NURSE, COORDINATOR}),
        _needs_reason("transition.reason_withdrawn"),
    ),
)


def allowed_targets(state: State) -> list[State]:
    return [t.target for t in TRANSITIONS if state in t.source]


def find(state: State, target: State) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.target == target and state in transition.source:
            return transition
    return None


@dataclass(frozen=True)
class Verdict:
    reasons: list[Problem]
    wrong_role: bool = False  # the transition exists, but not for this role (403, not 409)

    @property
    def allowed(self) -> bool:
        return not self.reasons


def check(target: State, facts: Facts) -> Verdict:
    """Whether moving to ``target`` is allowed now, and if not, every reason why."""
    transition = find(facts.state, target)
    if transition is None:
        allowed = allowed_targets(facts.state)
        if not allowed:
            return Verdict(
                [problem("transition.from_closed", state=state(facts.state), target=state(target))]
            )
        return Verdict(
            [
                problem(
                    "transition.not_allowed",
                    state=state(facts.state),
                    target=state(target),
                    allowed=[state(s) for s in allowed],
                )
            ]
        )
    if facts.actor_role not in transition.roles:
        roles = [msg(f"role.{role}") for role in sorted(transition.roles)]
        return Verdict(
            [problem("transition.wrong_role", roles=roles, target=state(target))],
            wrong_role=True,
        )
    return Verdict(transition.guard(facts))
