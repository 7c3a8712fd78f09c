"""The discharge summary's content in words (Swedish or English, from the catalogue): shared by
the page, the PDF and the FHIR document's narratives. Pure: no database, no web."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from samband.kit.i18n import has, number, source, translate
from samband.kit.stored import as_problem
from samband.kit.time import STOCKHOLM, as_utc
from samband.pathways.definition import pathway_name


def t(key: str, lang: str, /, **params: Any) -> str:
    return translate(key, lang, **params)


def when(value: str | None, lang: str, *, clock: bool = True) -> str:
    """An ISO date or time as the reader's local date (and clock)."""
    if not value:
        return "–"
    if len(value) == 10:
        return date.fromisoformat(value).isoformat()
    at = as_utc(datetime.fromisoformat(value)).astimezone(STOCKHOLM)
    return at.strftime("%Y-%m-%d %H:%M" if clock else "%Y-%m-%d")


def local(at: datetime | None) -> str:
    return as_utc(at).astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") if at else "–"


def status(value: str, lang: str) -> str:
    return t(f"discharge_summary.status.{value}", lang)


def pathway(key: str, lang: str) -> str:
    return pathway_name(key, lang, short=False)


def episode_type(value: str, lang: str) -> str:
    key = f"type.{value}"
    return translate(key, lang) if has(key, lang) else value.replace("_", " ")


def course_lines(course: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value) of the course's head."""
    lines = [
        (
            t("discharge_summary.course.pathway", lang),
            pathway(str(course.get("pathway", "")), lang),
        ),
        (t("discharge_summary.course.type", lang), episode_type(str(course.get("type", "")), lang)),
        (
            t("discharge_summary.course.at_home", lang),
            t(
                "discharge_summary.course.dates",
                lang,
                start=when(course.get("home_from"), lang),
                end=when(course.get("home_to"), lang) if course.get("home_to") else "",
            ),
        ),
    ]
    if course.get("days_at_home") is not None:
        lines.append((t("discharge_summary.course.days", lang), str(course["days_at_home"])))
    if course.get("reason"):
        lines.append((t("discharge_summary.course.reason", lang), str(course["reason"])))
    lines.append(
        (
            t("discharge_summary.course.counts", lang),
            t(
                "discharge_summary.course.counts_text",
                lang,
                done=course.get("visits_done", 0),
                missed=course.get("visits_missed", 0),
                alerts=course.get("alerts", 0),
                rounds=course.get("rounds", 0),
                readmissions=course.get("readmissions", 0),
            ),
        )
    )
    if course.get("end_reason"):
        lines.append((t("discharge_summary.course.end_reason", lang), str(course["end_reason"])))
    return lines


def timeline_parts(item: dict[str, Any], lang: str) -> tuple[str, str | None]:
    """A timeline line in two parts: what Samband words (in ``lang``) and what a person wrote
    (a note, a reason: as written, in the record's language), or None."""
    kind = item.get("kind")
    if kind == "visits":
        whats = ", ".join(source(str(w), lang) for w in item.get("what", []))
        return t(
            "discharge_summary.timeline.visits", lang, count=item.get("count", 0), what=whats
        ), None
    if kind == "alert":
        severity = translate(f"severity.{item.get('severity')}", lang)
        found = as_problem(item.get("reason_code"), item.get("reason_params"))
        reason = found.text(lang) if found is not None else str(item.get("text") or "")
        worded = t("discharge_summary.timeline.alert", lang, severity=severity, reason=reason)
        action = item.get("action")
        if action:
            key = f"alert_action.{action}"
            done = translate(key, lang) if has(key, lang) else str(action).replace("_", " ")
            worded += " " + t("discharge_summary.timeline.alert_action", lang, action=done)
        return worded, (item.get("action_note") or None) if action else None
    if kind == "round":
        decision = translate(f"round.decision.{item.get('decision')}", lang)
        return t("discharge_summary.timeline.round", lang, decision=decision), item.get(
            "note"
        ) or None
    if kind in ("home", "readmission", "discharged", "deceased"):
        return t(f"discharge_summary.timeline.{kind}", lang), item.get("text") or None
    return str(kind), None


def timeline_text(item: dict[str, Any], lang: str) -> str:
    worded, written = timeline_parts(item, lang)
    return f"{worded}: {written}" if written else worded


def route(value: Any, lang: str) -> str:
    key = f"route.{value}"
    return translate(key, lang) if has(key, lang) else str(value)


def medication_line(row: dict[str, Any], lang: str) -> str:
    return f"{row['drug']} {row['dose']} · {route(row['route'], lang)} · {row['schedule']}"


def change_text(row: dict[str, Any], lang: str) -> str:
    change = row.get("change", "unchanged")
    if change == "changed":
        parts = [
            t(
                "discharge_summary.med.changed_field",
                lang,
                field=translate(f"med.{name}", lang),
                before=route(v[0], lang) if name == "route" else v[0],
                after=route(v[1], lang) if name == "route" else v[1],
            )
            for name, v in (row.get("changes") or {}).items()
        ]
        return t("discharge_summary.med.changed", lang) + (": " + "; ".join(parts) if parts else "")
    if change == "stopped":
        text = t("discharge_summary.med.stopped", lang)
        if row.get("reason"):
            text += ": " + str(row["reason"])
        return text
    if change == "started":
        return t(
            "discharge_summary.med.started", lang, date=when(row.get("since"), lang, clock=False)
        )
    return t("discharge_summary.med.unchanged", lang)


def result_line(row: dict[str, Any], lang: str) -> str:
    shown = number(row["numeric"], lang) if row.get("numeric") is not None else row.get("value")
    value = f"{shown or ''} {row.get('unit') or ''}".strip()
    text = f"{result_name(row, lang)}: {value}"
    low, high = row.get("low"), row.get("high")
    if low is not None and high is not None:
        text += f" ({number(low, lang)}–{number(high, lang)})"
    elif high is not None:
        text += f" (≤ {number(high, lang)})"
    elif low is not None:
        text += f" (≥ {number(low, lang)})"
    if row.get("flag") in ("H", "L"):
        text += " " + t(f"discharge_summary.result.flag.{row['flag']}", lang)
    return text


def result_name(row: dict[str, Any], lang: str) -> str:
    """A test's name: the lab results' words for its key (crp → CRP), else as received."""
    key = f"labresults.test.{row.get('name')}"
    return translate(key, lang) if has(key, lang) else str(row.get("name"))


def follow_up_line(item: dict[str, Any], lang: str) -> str:
    text = str(item.get("what", ""))
    if item.get("who"):
        text += " · " + t("discharge_summary.follow_up.who_is", lang, who=item["who"])
    if item.get("when"):
        text += " · " + t("discharge_summary.follow_up.when_is", lang, when=item["when"])
    return text
