"""The access log's words in Swedish and English: what was done (the action) and to what (the
resource type), and the extract's labels. Pure: shared by the extract PDF (audit/pdf.py) and
the pages. The words are the catalogue's (``audit.action.*``, ``audit.resource.*``,
``audit.extract.*``)."""

from __future__ import annotations

from samband.kit.i18n import has, translate

# the extract's labels: keys audit.extract.<name>
EXTRACT = (
    "title",
    "intro",
    "care_provider",
    "personnummer",
    "generated",
    "organisations",
    "organisation",
    "unit",
    "accesses",
    "first",
    "last",
    "entries",
    "time",
    "action",
    "resource",
    "emergency",
    "none",
    "yes",
    "page",
)


def action_text(action: str, lang: str) -> str:
    """An action in the language (as it is stored when it is not a known one)."""
    key = f"audit.action.{action}"
    return translate(key, lang) if has(key, lang) else action


def resource_text(resource_type: str, lang: str) -> str:
    key = f"audit.resource.{resource_type}"
    return translate(key, lang) if has(key, lang) else resource_type.replace("_", " ")


def extract_labels(lang: str) -> dict[str, str]:
    return {key: translate(f"audit.extract.{key}", lang) for key in EXTRACT}
