"""The pages' words: the catalogues of ``kit/i18n.py`` (``samband/locale/<lang>/LC_MESSAGES``),
Swedish by default, English selectable."""

from __future__ import annotations

from samband.kit.i18n import DEFAULT, LANGUAGES, catalogue, has, source, translate

__all__ = ["DEFAULT", "LANGUAGES", "activity_text", "keys", "skill_text", "translate"]


def activity_text(what: str, lang: str) -> str:
    """A visit's activity in the page's language (as written when it is not a known one)."""
    return source(what, lang)


def skill_text(name: str, lang: str) -> str:
    """A skill or a role ('iv_therapy', 'registered_nurse') in the page's language."""
    for key in (f"skill.{name}", f"role.{name}"):
        if has(key, lang):
            return translate(key, lang)
    return name


def keys(prefix: str) -> list[str]:
    """The catalogue's keys that begin with ``prefix`` (the skills an administrator can give)."""
    return sorted(key for key in catalogue(DEFAULT) if key.startswith(prefix))
