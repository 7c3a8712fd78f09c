"""What each role sees in the navigation, and where it lands after logging in: only the
pages it can use, so no role meets a dead link.

- clinical roles (they read patient data): the overview and the clinical pages, as before;
- an auditor: the access log (Åtkomstlogg), and lands there;
- an analyst: the outcomes (Uppföljning), and lands there;
- an administrator: the users of their care provider (Användare), and lands there;
- a municipal home health care nurse or assistant nurse: lands on *Mina besök idag*
  (/my-visits), her own visits of the day, after login; the overview stays in reach;
- municipal home care (social services, SoL): its patients and the care requests sent to it,
  and lands on those requests; it reads no medical record, so the overview, alerts, rounds
  and outcomes would only say "none" where there is data (docs/decisions/0010).
"""

from __future__ import annotations

from samband.security.context import Actor
from samband.security.roles import OrganisationKind, Permission, Role

CLINICAL = (
    ("/", "nav.overview"),
    ("/alerts", "nav.alerts"),
    ("/patients", "nav.patients"),
    ("/day-plans", "nav.day_plan"),
    ("/rounds", "nav.round"),
    ("/care-requests", "nav.requests"),
    ("/outcomes", "nav.outcomes"),
)
AUDIT = "/audit"
USERS = "/admin/users"
OUTCOMES = "/outcomes"
REQUESTS = "/care-requests"
ON_CALL = "/on-call"
NOTIFICATIONS = "/notifications"
MESSAGES = "/messages"  # Meddelanden: the threads naming the user (issue 13)
MY_VISITS = "/my-visits"  # Mina besök idag: the municipal nurse's own visits (issue 12)
MORNING_LIST = "/morning-list"  # Morgonlistan: a physician's patients, last 24 h (issue 13)
# Läkarkontakter: physician requests, the physician's inbox and the nurse's sent (issue 13)
PHYSICIAN_REQUESTS = "/physician-requests"
# Läkartider: a centre's bookable physician visit slots and their bookings (decision 0019)
PHYSICIAN_SLOTS = "/physician-slots"
SLOT_OFFERING = (OrganisationKind.PRIMARY_CARE_CENTRE, OrganisationKind.MOBILE_TEAM)
MUNICIPAL_VISITING = (Role.REGISTERED_NURSE, Role.ASSISTANT_NURSE)
SOCIAL_SERVICES = (
    ("/patients", "nav.patients"),
    ("/care-requests", "nav.requests"),
)


def nav_links(actor: Actor | None) -> list[tuple[str, str]]:
    """(path, text key) of the links the actor's role can use, in order."""
    if actor is None:
        return []
    links: list[tuple[str, str]] = []
    if actor.is_social_services and actor.can(Permission.PATIENT_READ):
        links.extend(SOCIAL_SERVICES)
    elif actor.can(Permission.PATIENT_READ):
        links.extend(CLINICAL)
        if actor.can(Permission.VISIT_UPDATE):  # staff who make home visits: their own
            links.insert(1, (MY_VISITS, "nav.my_visits"))
    elif actor.role == Role.ANALYST:
        links.append((OUTCOMES, "nav.outcomes"))
        # the deviations' counts per pathway, organisation and category (no patient data)
        links.append(("/deviations/summary", "nav.deviation_summary"))
    if actor.role == Role.PHYSICIAN and actor.can(Permission.PATIENT_READ):
        links.append((MORNING_LIST, "nav.morning_list"))
    asks = actor.can(Permission.PHYSICIAN_REQUEST_SEND)
    if not actor.is_social_services and (asks or actor.can(Permission.PHYSICIAN_REQUEST_ANSWER)):
        # with the number open and overdue next to the link (base.html)
        links.append((PHYSICIAN_REQUESTS, "nav.physician_requests"))
    if actor.can(Permission.PHYSICIAN_SLOT_MANAGE) and actor.organisation_kind in SLOT_OFFERING:
        links.append((PHYSICIAN_SLOTS, "nav.physician_slots"))
    if actor.can(Permission.DEVIATION_REPORT):  # Avvikelser (issue 14)
        links.append(("/deviations", "nav.deviations"))
    if actor.can(Permission.ONCALL_READ):
        links.append((ON_CALL, "nav.on_call"))
    if actor.can(Permission.AUDIT_READ):
        links.append((AUDIT, "nav.audit"))
    if actor.can(Permission.USER_ADMIN):
        links.append((USERS, "nav.users"))
    if actor.can(Permission.PATIENT_READ):
        # messages between organisations (issue 13): the threads naming the user, with the
        # number unread shown next to the link (base.html)
        links.append((MESSAGES, "nav.messages"))
        links.append((NOTIFICATIONS, "nav.notifications"))  # the staff alerts reach
    return links


# Pages under no link of their own, and the link they belong to: an episode's pages are the
# patients', a pilot's figures the outcomes', the live overview's parts the overview.
BELONGS_TO = {
    "/episodes": "/patients",
    "/pilots": "/outcomes",
    "/overview": "/",
    "/threads": "/messages",
}


def current_link(links: list[tuple[str, str]], path: str) -> str | None:
    """The link of ``links`` (nav_links) that the page at ``path`` is under, to mark it with
    aria-current="page": the link's own page or one below it (/patients/… under /patients),
    the longest such link; the overview (/) only itself."""
    first = "/" + path.strip("/").split("/", 1)[0]
    candidates = (path, BELONGS_TO.get(first, path))
    best: str | None = None
    for href, _key in links:
        for here in candidates:
            hit = here == href or (href != "/" and here.startswith(href.rstrip("/") + "/"))
            if hit and (best is None or len(href) > len(best)):
                best = href
    return best


def home_path(actor: Actor) -> str | None:
    """Where a role without the overview lands (None: the overview, `/`)."""
    if actor.is_social_services:
        return REQUESTS
    if actor.can(Permission.PATIENT_READ):
        return None
    if actor.can(Permission.AUDIT_READ):
        return AUDIT
    if actor.can(Permission.USER_ADMIN):
        return USERS
    if actor.role == Role.ANALYST:
        return OUTCOMES
    return None


def landing_path(actor: Actor) -> str:
    """Where the actor lands after logging in: the municipal home health care nurse or
    assistant nurse on her own visits of the day, every other role on its first page."""
    if (
        actor.organisation_kind == OrganisationKind.MUNICIPAL_HOME_HEALTH_CARE
        and actor.role in MUNICIPAL_VISITING
    ):
        return MY_VISITS
    return home_path(actor) or "/"
