"""The episode's state machine: which transitions exist, who may make them, and the guards.

Pure: the service gathers the facts into a ``Facts`` value, ``check`` answers with the
reasons a transition is not allowed now (an empty list means it is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from samband.episodes.states import OPEN_STATES, State

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
    guard: Callable[[Facts], list[str]]


def _assessment(f: Facts) -> list[str]:
    problems: list[str] = []
    missing = [key for key in f.criteria if key not in f.answers]
    unknown = [key for key in f.answers if key not in f.criteria]
    if missing:
        problems.append(f"answer every eligibility criterion; missing: {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown criteria for this pathway: {', '.join(unknown)}")
    if f.eligible is None:
        problems.append("say whether the patient is eligible ('eligible': true or false)")
    elif f.eligible:
        unmet = [k for k in f.required_criteria if f.answers.get(k) is False]
        if unmet:
            problems.append(
                f"required criteria not met: {', '.join(unmet)}; the patient cannot be "
                "assessed eligible"
            )
    elif not f.reason:
        problems.append("give the reason the patient is not eligible")
    return problems


def _consent(f: Facts) -> list[str]:
    problems = []
    if not f.patient_informed:
        problems.append("the patient must have been informed ('patient_informed': true)")
    if not f.patient_consents:
        problems.append("the patient's consent must be recorded ('patient_consents': true)")
    return problems


def _needs_reason(what: str) -> Callable[[Facts], list[str]]:
    def guard(f: Facts) -> list[str]:
        return [] if f.reason else [f"give the reason the episode is {what}"]

    return guard


def _plan(f: Facts) -> list[str]:
    problems = []
    if not f.has_care_plan:
        problems.append("make the documented agreement (care plan) first")
    elif not f.plan_has_discharge_criteria:
        problems.append("the care plan has no individual discharge criteria")
    if not f.has_care_contact:
        problems.append("name the care contact (fast vårdkontakt)")
    if not f.has_responsible_physician:
        problems.append("name the medically responsible physician")
    return problems


def _home(f: Facts) -> list[str]:
    problems = [f"checklist item '{label}' not done" for label in f.blocking_items_open]
    problems += [
        f"no accepted care request to {kind.replace('_', ' ')}" for kind in f.care_requests_missing
    ]
    if not f.plan_acknowledged_by_patient:
        problems.append("the patient (or next of kin) has not acknowledged the current care plan")
    return problems


def _discharge(_: Facts) -> list[str]:
    return []


def _readmit(f: Facts) -> list[str]:
    problems = _needs_reason("readmitted")(f)
    if not f.ward_unit_given:
        problems.append("say which ward unit admits the patient ('ward_unit_id')")
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
        _needs_reason("declined"),
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
        _needs_reason("ended by death"),
    ),
    Transition(
        _OPEN,
        State.WITHDRAWN,
        frozenset({PHYSICIAN, NURSE, COORDINATOR}),
        _needs_reason("withdrawn"),
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
    reasons: list[str]
    wrong_role: bool = False  # the transition exists, but not for this role (403, not 409)

    @property
    def allowed(self) -> bool:
        return not self.reasons


def check(target: State, facts: Facts) -> Verdict:
    """Whether moving to ``target`` is allowed now, and if not, every reason why."""
    transition = find(facts.state, target)
    if transition is None:
        allowed = ", ".join(allowed_targets(facts.state)) or "none (the episode is closed)"
        return Verdict(
            [f"an episode that is '{facts.state}' cannot go to '{target}'; allowed: {allowed}"]
        )
    if facts.actor_role not in transition.roles:
        roles = " or ".join(sorted(transition.roles))
        return Verdict([f"only a {roles} may move an episode to '{target}'"], wrong_role=True)
    return Verdict(transition.guard(facts))
