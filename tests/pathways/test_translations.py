"""Every text of a pathway a person reads has Swedish: the shipped pathway YAMLs are written in
English and the Swedish catalogue (locale/sv/LC_MESSAGES/pathways.po) translates them by
their English text (kit/i18n.source)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from samband.kit import i18n
from samband.pathways.definition import SHIPPED, Pathway, load_all, load_file, pathway_name

FILES = sorted(SHIPPED.glob("*.yaml"))


def _walk(node: object, path: str = "") -> list[tuple[str, str]]:
    """Every (where, text) of a YAML tree."""
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _walk(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [pair for n, value in enumerate(node) for pair in _walk(value, f"{path}[{n}]")]
    return [(path, node)] if isinstance(node, str) else []


# the fields of a pathway YAML a person reads (the rest are keys, kinds, roles, schedules in
# their machine form, times)
PERSON_VISIBLE = (
    ".title",
    ".short_title",
    ".description",
    ".text",
    ".goals",
    ".what",
    ".when",
    ".who",
    ".if_worse",
    ".discharge_criteria",
    ".note",
    ".label",
)


def visible(path: str) -> bool:
    field = path.rsplit("[", 1)[0] if path.endswith("]") else path
    return any(field.endswith(name) for name in PERSON_VISIBLE)


class TestEveryTextHasSwedish:
    @pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
    def test_every_person_visible_text_of_the_yaml_is_translated(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts = [(where, " ".join(text.split())) for where, text in _walk(data) if visible(where)]
        assert len(texts) > 20  # the walk found the texts, or this test proves nothing

        missing = [(where, text) for where, text in texts if not i18n.has(text, "sv")]

        assert not missing, f"add to locale/sv/LC_MESSAGES/pathways.po: {missing}"

    @pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
    def test_the_model_lists_the_same_texts(self, path: Path) -> None:
        # Pathway.texts() (what the pages show) and the YAML walk agree
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        walked = {" ".join(text.split()) for where, text in _walk(data) if visible(where)}
        assert set(load_file(path).texts()) == walked

    def test_no_swedish_field_is_left_in_the_yaml(self) -> None:
        for path in FILES:
            keys = {
                where.rsplit(".", 1)[-1] for where, _ in _walk(yaml.safe_load(path.read_text()))
            }
            assert not {k for k in keys if k.endswith("_sv")}, path.name

    def test_an_untranslated_text_is_caught(self) -> None:
        assert not i18n.has("Bring the patient a cake", "sv")


class TestNames:
    @pytest.mark.parametrize("key", sorted(load_all()))
    def test_short_names_in_both_languages_never_the_key(self, key: str) -> None:
        for lang in i18n.LANGUAGES:
            assert pathway_name(key, lang) != key

    def test_swedish_names(self) -> None:
        pathways = load_all()
        assert pathway_name("copd", "sv") == "KOL"
        assert pathway_name("heart-failure", "sv") == "Hjärtsvikt"
        assert pathway_name("heart-failure", "en") == "Heart failure"
        assert pathways["opat"].name("sv").startswith("OPAT — intravenös antibiotika")

    def test_checklist_items_and_criteria_in_swedish(self) -> None:
        opat: Pathway = load_all()["opat"]
        labels = {e.key: i18n.source(e.label, "sv") for e in opat.checklist}
        assert labels["reserved_bed_secured"] == "Trygghetsplats säkrad"
        criteria = {c.key: i18n.source(c.text, "sv") for c in opat.eligibility}
        assert criteria["within_area"] == "Bor inom teamets område (hemsjukvården når hemmet)"
        assert i18n.source(opat.plan_template.if_worse[2], "en") == opat.plan_template.if_worse[2]

    def test_a_key_no_pathway_has_is_shown_as_it_is(self) -> None:
        assert pathway_name("hip-fracture", "sv") == "hip-fracture"
