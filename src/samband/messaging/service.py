"""Messages between the organisations taking part in a patient's care (issue 13, decision 0018).

- A patient has one thread of their own, and one per care request and per physician request;
  a thread is made with its first message (one per patient, topic and topic id: the unique
  constraint decides between two first messages sent at once).
- Messages are part of the record's access control: reading or writing a thread needs the
  patient's care relationship, checked and logged as for any other patient data (an outsider
  gets 404, and the attempt is in the access log). A care request's thread is read like the
  care request itself (its episode's record; the sending and receiving organisations, also
  municipal home care when the request is its own); a physician request's thread also by
  those the request is routed to (``physicianrequests.service.can_see``). Never a thread
  membership alone.
- Reading a thread is an access-log read, and gives the reader a read receipt for each
  message they had not read (the first read only; their own messages need none).
- Named recipients are notified (``notifications.notify``, kind ``message``: no patient
  identity, a link to the thread). A recipient must be an active member of staff who may
  read the thread: of an organisation with the patient's care relationship (the thread's
  rule), in a role that reads patient data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from samband.config import get_settings
from samband.episodes.access import not_found
from samband.kit.errors import InvalidInput, Problem, not_visible, problem
from samband.kit.i18n import msg
from samband.kit.time import utcnow
from samband.messaging import repository
from samband.messaging.schemas import (
    InboxItem,
    MessageCreate,
    MessageKind,
    MessageWrite,
    Person,
    ReadReceipt,
    ThreadRead,
    ThreadSummary,
    Topic,
    TopicDetail,
)
from samband.messaging.schemas import MessageRead as MessageView
from samband.models import (
    CareRequest,
    Message,
    MessageThread,
    Organisation,
    PhysicianRequest,
    User,
)
from samband.notifications import service as notifications
from samband.security import repository as access
from samband.security.context import Context
from samband.security.roles import OrganisationKind, Permission, permissions_of
from samband.security.service import (
    care_provider_of,
    log_listed,
    require_patient_access,
    visibility,
)

THREAD = "message_thread"
MESSAGE = "message"
NOTIFICATION_KIND = "message"


@dataclass(frozen=True)
class Subject:
    """What a thread is about, resolved: the patient and, for a request's thread, the
    request (a care request's episode and its two organisations)."""

    patient_id: uuid.UUID
    topic: Topic
    topic_id: uuid.UUID
    care_request: CareRequest | None = None
    physician_request: PhysicianRequest | None = None

    @property
    def episode_id(self) -> uuid.UUID | None:
        return self.care_request.episode_id if self.care_request else None

    @property
    def own_organisations(self) -> frozenset[uuid.UUID]:
        """A care request's sending and receiving organisations."""
        request = self.care_request
        if request is None:
            return frozenset()
        return frozenset({request.from_organisation_id, request.to_organisation_id})

    @property
    def routed_people(self) -> frozenset[uuid.UUID]:
        """Those a physician request names: who asked, who has it, answered or got it
        forwarded."""
        request = self.physician_request
        if request is None:
            return frozenset()
        named = (
            request.asked_by_id,
            request.routed_to_user_id,
            request.answered_by_id,
            request.forwarded_to_id,
        )
        return frozenset(n for n in named if n is not None)


# -- reading ------------------------------------------------------------------------------------


def list_threads(ctx: Context, patient_id: uuid.UUID) -> list[ThreadSummary]:
    """The patient's threads the caller may read: the patient's own (even before its first
    message), and one per care request and per physician request of the patient (those not
    started have no id and no messages), each with its number of messages, those unread by
    the caller and the time of the last."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="list",
        resource_type=THREAD,
        # municipal home care (social services) reads the threads of its own care requests
        record=False,
    )
    actor = ctx.actor
    social = actor.is_social_services
    session = ctx.session
    started = {(t.topic, t.topic_id): t for t in repository.threads_of_patient(session, patient_id)}
    care_requests = repository.care_requests_of_patient(session, patient_id)
    # as carerequests.service.get: a request to or from social services is theirs to read
    readable = repository.visible_episode_ids(
        session, visibility(ctx), {r.episode_id for r in care_requests}, record=False
    )
    subjects: list[tuple[Subject, TopicDetail | None]] = []
    if not social:
        subjects.append((Subject(patient_id, Topic.PATIENT, patient_id), None))
    for request in care_requests:
        own = actor.organisation_id in (request.from_organisation_id, request.to_organisation_id)
        if request.episode_id in readable and (own or not social):
            subject = Subject(patient_id, Topic.CARE_REQUEST, request.id, care_request=request)
            subjects.append((subject, _detail(subject)))
    if not social:
        for found in repository.physician_requests_of_patient(session, patient_id):
            subject = Subject(
                patient_id, Topic.PHYSICIAN_REQUEST, found.id, physician_request=found
            )
            subjects.append((subject, _detail(subject)))
    tally = repository.counts(session, [t.id for t in started.values()], actor.user_id)
    summaries = []
    for subject, detail in subjects:
        thread = started.get((subject.topic.value, subject.topic_id))
        counted = tally.get(thread.id) if thread else None
        summaries.append(
            ThreadSummary(
                id=thread.id if thread else None,
                patient_id=patient_id,
                topic=subject.topic,
                topic_id=subject.topic_id,
                topic_detail=detail,
                messages=counted.messages if counted else 0,
                unread=counted.unread if counted else 0,
                last_message_at=thread.last_message_at if thread else None,
                created_at=thread.created_at if thread else None,
            )
        )
    own_thread = [s for s in summaries if s.topic == Topic.PATIENT]
    others = [s for s in summaries if s.topic != Topic.PATIENT]
    others.sort(
        key=lambda s: (
            s.last_message_at is None,
            -(s.last_message_at.timestamp() if s.last_message_at else 0.0),
            -(s.topic_detail.created_at.timestamp() if s.topic_detail else 0.0),
        )
    )
    return own_thread + others


def get_thread(ctx: Context, thread_id: uuid.UUID, *, now: datetime | None = None) -> ThreadRead:
    """A thread's messages, oldest first, with their read receipts. Reading it is logged, and
    gives the caller a receipt for each message they had not read."""
    thread = repository.get_thread(ctx.session, thread_id)
    if thread is None:
        raise not_found(ctx, "message thread", thread_id, action="read", resource_type=THREAD)
    subject = _subject_of(ctx, thread)
    _require(
        ctx,
        subject,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=THREAD,
        resource_id=thread.id,
        what=f"message thread {thread_id}",
    )
    return _view(ctx, subject, thread, now or utcnow())


def thread_about(
    ctx: Context,
    patient_id: uuid.UUID,
    topic: Topic = Topic.PATIENT,
    topic_id: uuid.UUID | None = None,
    *,
    now: datetime | None = None,
) -> ThreadRead:
    """The patient's thread about the topic, read as ``get_thread`` reads it; one not started
    yet has no id and no messages (it is made with its first message)."""
    subject = _resolve(ctx, patient_id, topic, topic_id)
    if isinstance(subject, Subject):
        _require(
            ctx,
            subject,
            permission=Permission.PATIENT_READ,
            action="read",
            resource_type=THREAD,
            resource_id=None,
            what=f"message thread about {topic.value} {topic_id or patient_id}",
        )
        thread = repository.find_thread(ctx.session, patient_id, topic.value, subject.topic_id)
        return _view(ctx, subject, thread, now or utcnow())
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=THREAD,
        record=False,
    )
    raise not_visible(f"message thread about {topic.value} {topic_id}", field="topic_id")


def inbox(ctx: Context, *, limit: int = 100) -> list[InboxItem]:
    """The threads in which a message names the caller, those with messages the caller has
    not read first, then the latest first. Only of patients the caller may still see."""
    ctx.actor.require(Permission.PATIENT_READ)
    items = _inbox(ctx)[:limit]
    log_listed(ctx, [i.patient_id for i in items], resource_type=THREAD)
    return items


def unread_threads(ctx: Context) -> int:
    """How many threads of the caller's inbox have messages the caller has not read (the
    navigation's count: no patient data, nothing to log)."""
    if not ctx.actor.can(Permission.PATIENT_READ):
        return 0
    return sum(1 for item in _inbox(ctx) if item.unread)


def _inbox(ctx: Context) -> list[InboxItem]:
    actor = ctx.actor
    topics = {Topic.CARE_REQUEST.value} if actor.is_social_services else None
    rows = repository.inbox(ctx.session, visibility(ctx), actor.user_id, topics=topics)
    tally = repository.counts(ctx.session, [t.id for t, _, _ in rows], actor.user_id)
    items = []
    for thread, given, family in rows:
        counted = tally.get(thread.id, repository.Counts(0, 0, 0))
        items.append(
            InboxItem(
                id=thread.id,
                patient_id=thread.patient_id,
                patient_name=f"{given} {family}",
                topic=Topic(thread.topic),
                topic_id=thread.topic_id,
                messages=counted.messages,
                unread=counted.unread,
                named=counted.named,
                last_message_at=thread.last_message_at,
                created_at=thread.created_at,
            )
        )
    items.sort(
        key=lambda i: (
            i.unread == 0,
            -(i.last_message_at.timestamp() if i.last_message_at else 0.0),
        )
    )
    return items


# -- writing ------------------------------------------------------------------------------------


def post_about_patient(
    ctx: Context, patient_id: uuid.UUID, data: MessageCreate, *, now: datetime | None = None
) -> MessageView:
    """A message in the patient's thread about the topic; the thread is made with its first
    message."""
    now = now or utcnow()
    message_id = uuid.uuid4()
    subject = _resolve(ctx, patient_id, data.topic, data.topic_id)
    if not isinstance(subject, Subject):
        # an attempt on the patient is logged (an outsider gets 404) before the topic is
        # judged; the topic's answer is the same whether it exists or is another patient's
        require_patient_access(
            ctx,
            patient_id,
            permission=Permission.MESSAGE_WRITE,
            action="create",
            resource_type=MESSAGE,
            resource_id=message_id,
            record=False,
        )
        raise InvalidInput(subject)
    _require(
        ctx,
        subject,
        permission=Permission.MESSAGE_WRITE,
        action="create",
        resource_type=MESSAGE,
        resource_id=message_id,
        what=f"patient {patient_id}",
    )
    thread = _thread_for(ctx, subject, now)
    return _write(ctx, subject, thread, data, message_id, now)


def post_in_thread(
    ctx: Context, thread_id: uuid.UUID, data: MessageWrite, *, now: datetime | None = None
) -> MessageView:
    now = now or utcnow()
    message_id = uuid.uuid4()
    thread = repository.get_thread(ctx.session, thread_id)
    if thread is None:
        raise not_found(
            ctx,
            "message thread",
            thread_id,
            action="create",
            resource_type=MESSAGE,
            resource_id=message_id,
        )
    subject = _subject_of(ctx, thread)
    _require(
        ctx,
        subject,
        permission=Permission.MESSAGE_WRITE,
        action="create",
        resource_type=MESSAGE,
        resource_id=message_id,
        what=f"message thread {thread_id}",
    )
    return _write(ctx, subject, thread, data, message_id, now)


def _thread_for(ctx: Context, subject: Subject, now: datetime) -> MessageThread:
    """The subject's thread, made now if it does not exist (two at once: one is made, both
    messages go into it)."""
    session = ctx.session
    key = (subject.patient_id, subject.topic.value, subject.topic_id)
    thread = repository.find_thread(session, *key)
    if thread is None:
        repository.insert_thread_once(
            session,
            patient_id=subject.patient_id,
            topic=subject.topic.value,
            topic_id=subject.topic_id,
            created_by_id=ctx.actor.user_id,
            now=now,
        )
        thread = repository.find_thread(session, *key)
    if thread is None:  # pragma: no cover - inserted, or another request's row is there
        raise RuntimeError("the message thread was neither made nor found")
    return thread


def _write(
    ctx: Context,
    subject: Subject,
    thread: MessageThread,
    data: MessageWrite,
    message_id: uuid.UUID,
    now: datetime,
) -> MessageView:
    actor = ctx.actor
    named = _recipients(ctx, subject, [r for r in data.recipients if r != actor.user_id], now)
    message = Message(
        id=message_id,
        thread_id=thread.id,
        author_id=actor.user_id,
        author_organisation_id=actor.organisation_id,
        kind=data.kind.value,
        body=data.body,
        recipients=[str(u.id) for u in named],
        created_at=now,
    )
    repository.add(ctx.session, message)
    thread.last_message_at = now
    ctx.session.flush()
    if named:
        organisation = repository.organisations(ctx.session, [actor.organisation_id])
        notifications.notify(
            ctx.session,
            user_ids=[u.id for u in named],
            kind=NOTIFICATION_KIND,
            severity="info",
            reference=reference(thread.id),
            link=f"/threads/{thread.id}",
            # no patient identity: who wrote (the organisation) and the reference
            params={
                "organisation": organisation[actor.organisation_id].name,
                "message_kind": data.kind.value,
            },
            now=now,
        )
    people = _people(ctx, [actor.user_id, *(u.id for u in named)])
    return _message_view(message, people, [], ctx.actor.user_id, set())


def reference(thread_id: uuid.UUID) -> str:
    """A notification's reference to a thread, without patient identity: M-3F2A91C0."""
    return f"M-{thread_id.hex[:8].upper()}"


# -- who may be named ---------------------------------------------------------------------------


def _recipients(
    ctx: Context, subject: Subject, wanted: list[uuid.UUID], now: datetime
) -> list[User]:
    """The named recipients, each an active member of staff who may read the thread; the
    first who may not is a 422 naming them."""
    if not wanted:
        return []
    found = repository.users(ctx.session, wanted)
    readers = _reading_organisations(ctx, subject, now)
    organisations = repository.organisations(
        ctx.session, {u.organisation_id for u in found.values()}
    )
    for user_id in wanted:
        user = found.get(user_id)
        if user is None:
            raise InvalidInput(
                problem("messaging.recipient_unknown", field="recipients", recipient=str(user_id))
            )
        if not user.active:
            raise InvalidInput(
                problem(
                    "messaging.recipient_inactive", field="recipients", recipient=user.full_name
                )
            )
        if Permission.PATIENT_READ not in permissions_of(user.role):
            raise InvalidInput(
                problem(
                    "messaging.recipient_may_not_read",
                    field="recipients",
                    recipient=user.full_name,
                    role=msg(f"role.{user.role}"),
                )
            )
        if user.organisation_id not in readers and user.id not in subject.routed_people:
            organisation = organisations.get(user.organisation_id)
            raise InvalidInput(
                problem(
                    "messaging.recipient_not_taking_part",
                    field="recipients",
                    recipient=user.full_name,
                    organisation=organisation.name if organisation else "",
                )
            )
    return [found[u] for u in wanted]


def _reading_organisations(ctx: Context, subject: Subject, now: datetime) -> set[uuid.UUID]:
    """The organisations whose staff may read the subject's thread: those with the patient's
    care relationship; municipal home care (social services) only in the thread of a care
    request of its own; a care request's thread only for those that may read its episode's
    record (decision 0010: consent, blocks)."""
    session = ctx.session
    settings = get_settings()
    candidates = repository.candidate_organisations(session, subject.patient_id)
    providers = {o.id: care_provider_of(o) for o in candidates}
    related = repository.related_organisations(
        session,
        subject.patient_id,
        candidates,
        care_providers=providers,
        now=now,
        days_after_end=settings.care_relationship_days_after_end,
    )
    readers = set()
    for organisation in candidates:
        if organisation.id not in related:
            continue
        social = organisation.kind == OrganisationKind.MUNICIPAL_HOME_CARE
        if subject.topic != Topic.CARE_REQUEST:
            if not social:
                readers.add(organisation.id)
            continue
        if social and organisation.id not in subject.own_organisations:
            continue
        episode_id = subject.episode_id
        assert episode_id is not None  # noqa: S101 - a care request's subject has its episode
        reach = access.access_to_episode(
            session,
            episode_id,
            organisation_id=organisation.id,
            care_provider=providers[organisation.id],
            user_id=ctx.actor.user_id,
            now=now,
            days_after_end=settings.care_relationship_days_after_end,
        )
        if reach.related and not reach.blocked:
            readers.add(organisation.id)
    return readers


def _choices(ctx: Context, subject: Subject, now: datetime) -> list[Person]:
    """The staff the caller may name in the subject's thread (not the caller)."""
    readers = _reading_organisations(ctx, subject, now)
    organisations = repository.organisations(ctx.session, readers)
    return [
        Person(
            user_id=user.id,
            name=user.full_name,
            organisation_id=user.organisation_id,
            organisation=organisations[user.organisation_id].name,
        )
        for user in repository.staff_of(ctx.session, readers)
        if user.id != ctx.actor.user_id and Permission.PATIENT_READ in permissions_of(user.role)
    ]


# -- access -------------------------------------------------------------------------------------


_TOPIC = {  # what a problem calls the topic
    Topic.PATIENT: msg("messaging.topic_term.patient"),
    Topic.CARE_REQUEST: msg("messaging.topic_term.care_request"),
    Topic.PHYSICIAN_REQUEST: msg("messaging.topic_term.physician_request"),
}


def _resolve(
    ctx: Context, patient_id: uuid.UUID, topic: Topic, topic_id: uuid.UUID | None
) -> Subject | Problem:
    """The subject a message about the patient names, or the problem with it (a topic that
    does not exist and another patient's answer alike)."""
    session = ctx.session
    if topic == Topic.PATIENT:
        if topic_id is not None and topic_id != patient_id:
            return problem("messaging.topic_not_the_patient", field="topic_id")
        return Subject(patient_id, topic, patient_id)
    if topic_id is None:
        return problem("messaging.topic_id_missing", field="topic_id", topic=_TOPIC[topic])
    unknown = problem(
        "messaging.topic_unknown", field="topic_id", topic=_TOPIC[topic], topic_id=topic_id
    )
    if topic == Topic.CARE_REQUEST:
        found = repository.care_request_of(session, topic_id)
        if found is None or found[1] != patient_id:
            return unknown
        return Subject(patient_id, topic, topic_id, care_request=found[0])
    request = repository.physician_request(session, topic_id)
    if request is None or request.patient_id != patient_id:
        return unknown
    return Subject(patient_id, topic, topic_id, physician_request=request)


def _subject_of(ctx: Context, thread: MessageThread) -> Subject:
    """The subject of a thread that exists (a request gone since: the patient's rule)."""
    topic = Topic(thread.topic)
    subject = _resolve(ctx, thread.patient_id, topic, thread.topic_id)
    if isinstance(subject, Subject):
        return subject
    return Subject(thread.patient_id, topic, thread.topic_id)  # pragma: no cover


def _require(
    ctx: Context,
    subject: Subject,
    *,
    permission: Permission,
    action: str,
    resource_type: str,
    resource_id: object,
    what: str,
) -> None:
    """Let the caller read or write the subject's thread, or raise (logged either way)."""
    actor = ctx.actor
    if subject.care_request is not None:
        # as the care request itself is read (carerequests.service.get): its episode's record;
        # a request to or from the caller's own organisation also for municipal home care
        own = actor.organisation_id in subject.own_organisations
        require_patient_access(
            ctx,
            subject.patient_id,
            permission=permission,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            subject=what,
            episode_id=subject.episode_id,
            record=not own,
        )
        return
    request = subject.physician_request
    if (
        request is not None
        and actor.can(permission)
        and _routed_to_caller(ctx, request)
        and not _related(ctx, subject.patient_id)
    ):
        # seen only because the request is routed to the caller (``can_see`` also says yes
        # for a care relationship or emergency access: those are checked and logged below,
        # emergency access flagged, as for any patient data)
        ctx.log.record(
            patient_id=subject.patient_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id if resource_id is not None else request.id,
            allowed=True,
            reason="the physician request is routed to the caller",
        )
        return
    require_patient_access(
        ctx,
        subject.patient_id,
        permission=permission,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        subject=what,
    )


def _related(ctx: Context, patient_id: uuid.UUID) -> bool:
    """A care relationship with the patient, or the user's emergency access (checks only)."""
    actor = ctx.actor
    _exists, related, emergency = access.access_to_patient(
        ctx.session,
        patient_id,
        organisation_id=actor.organisation_id,
        care_provider=actor.care_provider,
        user_id=actor.user_id,
        now=utcnow(),
        days_after_end=get_settings().care_relationship_days_after_end,
    )
    return related or emergency


def _routed_to_caller(ctx: Context, request: PhysicianRequest) -> bool:
    """The caller may see the physician request (``physicianrequests.service.can_see``: it is
    or was routed to them, or a care relationship; imported when needed, as that domain may
    import this one). Without that domain, the care relationship alone decides."""
    try:
        from samband.physicianrequests.service import can_see
    except ImportError:  # pragma: no cover - the physician requests' domain is not there
        return False
    return bool(can_see(ctx, request))


# -- views --------------------------------------------------------------------------------------


def _view(
    ctx: Context, subject: Subject, thread: MessageThread | None, now: datetime
) -> ThreadRead:
    me = ctx.actor.user_id
    messages = repository.messages_of(ctx.session, thread.id) if thread else []
    ids = [m.id for m in messages]
    reads = repository.reads_of(ctx.session, ids)
    seen = {r.message_id for r in reads if r.user_id == me}
    new = {m.id for m in messages if m.author_id != me and m.id not in seen}
    if new:
        repository.mark_read(ctx.session, new, me, now)
        reads = repository.reads_of(ctx.session, ids)
    wanted: list[uuid.UUID] = []
    for message in messages:
        wanted.append(message.author_id)
        wanted.extend(uuid.UUID(r) for r in message.recipients)
    wanted.extend(r.user_id for r in reads)
    people = _people(ctx, wanted)
    by_message: dict[uuid.UUID, list[Any]] = {}
    for receipt in reads:
        by_message.setdefault(receipt.message_id, []).append(receipt)
    return ThreadRead(
        id=thread.id if thread else None,
        patient_id=subject.patient_id,
        topic=subject.topic,
        topic_id=subject.topic_id,
        topic_detail=_detail(subject),
        created_at=thread.created_at if thread else None,
        last_message_at=thread.last_message_at if thread else None,
        messages=[_message_view(m, people, by_message.get(m.id, []), me, new) for m in messages],
        recipient_choices=_choices(ctx, subject, now),
    )


def _people(ctx: Context, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
    found = repository.users(ctx.session, set(user_ids))
    organisations: dict[uuid.UUID, Organisation] = repository.organisations(
        ctx.session, {u.organisation_id for u in found.values()}
    )
    return {
        u.id: Person(
            user_id=u.id,
            name=u.full_name,
            organisation_id=u.organisation_id,
            organisation=organisations[u.organisation_id].name,
        )
        for u in found.values()
    }


def _person(people: dict[uuid.UUID, Person], user_id: uuid.UUID) -> Person:
    return people.get(user_id) or Person(user_id=user_id, name="")


def _message_view(
    message: Message,
    people: dict[uuid.UUID, Person],
    reads: list[Any],
    me: uuid.UUID,
    new: set[uuid.UUID],
) -> MessageView:
    return MessageView(
        id=message.id,
        thread_id=message.thread_id,
        kind=MessageKind(message.kind),
        body=message.body,
        created_at=message.created_at,
        author=_person(people, message.author_id),
        recipients=[_person(people, uuid.UUID(r)) for r in message.recipients],
        read_by=[
            ReadReceipt(**_person(people, r.user_id).model_dump(), read_at=r.read_at)
            for r in reads
            if r.user_id != message.author_id
        ],
        new=message.id in new and message.author_id != me,
    )


def _detail(subject: Subject) -> TopicDetail | None:
    if subject.care_request is not None:
        request = subject.care_request
        return TopicDetail(
            kind=request.kind,
            state=request.state,
            created_at=request.created_at,
            from_organisation_id=request.from_organisation_id,
            to_organisation_id=request.to_organisation_id,
        )
    if subject.physician_request is not None:
        asked = subject.physician_request
        return TopicDetail(
            kind=asked.urgency,
            state=asked.status,
            created_at=asked.created_at,
            from_organisation_id=asked.asking_organisation_id,
            to_organisation_id=asked.physician_organisation_id,
        )
    return None
