"""The translation catalogues (kit/i18n.py): every message the code and the templates use has a
text in Swedish and in English, and the two agree on their parameters.

The messages are extracted with Babel, as ``pybabel extract -F babel.cfg`` does: the keys
given to ``t()``, ``_()``, ``gettext()``, ``ngettext()``, ``nt()``, ``translate()``,
``problem()`` and ``msg()`` in the Python code and the templates.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from samband.kit import i18n

SRC = Path(i18n.__file__).resolve().parents[1]
KEY = re.compile(r"^[a-z0-9_]+(\.[a-zA-Z0-9_-]+)+$")
KEYWORDS = {
    "t": (1,),
    "_": (1,),
    "gettext": (1,),
    "ngettext": (1, 2),
    "nt": (1,),
    "translate": (1,),
    "ntranslate": (1,),
    "problem": (1,),
    "msg": (1,),
    "Msg": (1,),
    "Problem": (1,),
}
METHODS = [
    ("web/templates/*.html", "jinja2"),
    ("**.py", "python"),
]


def extracted() -> dict[str, list[str]]:
    """Each literal message key the code uses, with where it is used."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SRC),
        METHODS,
        keywords=KEYWORDS,
        options_map={"web/templates/*.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids[:1]:
            if msgid and KEY.match(msgid):
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class TestCatalogues:
    def test_the_catalogues_load_without_a_message_defined_twice(self) -> None:
        i18n.catalogue.cache_clear()
        for lang in i18n.LANGUAGES:
            assert len(i18n.catalogue(lang)) > 1000

    def test_extraction_finds_the_messages(self) -> None:
        # the extraction itself must work, or the next test proves nothing
        used = extracted()
        assert "overview.at_home" in used
        assert "common.not_visible" in used
        assert len(used) > 500

    @pytest.mark.parametrize("lang", i18n.LANGUAGES)
    def test_every_message_used_has_a_text(self, lang: str) -> None:
        missing = {key: where[0] for key, where in extracted().items() if not i18n.has(key, lang)}
        assert not missing, f"add to samband/locale/{lang}/LC_MESSAGES/*.po: {missing}"

    def test_every_key_has_both_languages_and_the_same_parameters(self) -> None:
        sv, en = i18n.catalogue("sv"), i18n.catalogue("en")
        sv_keys = {key for key in sv if KEY.match(key)}
        en_keys = {key for key in en if KEY.match(key)}
        assert not sv_keys - en_keys, f"no English: {sorted(sv_keys - en_keys)}"
        assert not en_keys - sv_keys, f"no Swedish: {sorted(en_keys - sv_keys)}"
        differ = {
            key
            for key in sv_keys
            if key != "common.not_visible" and fields(sv[key].text) != fields(en[key].text)
        }
        assert not differ, f"the languages name different parameters: {sorted(differ)}"

    def test_a_missing_parameter_shows_the_text_not_an_error(self) -> None:
        assert i18n.translate("common.not_visible", "en").startswith("{what}")
        assert i18n.translate("common.not_visible", "en", what="episode 1").startswith(
            "episode 1 was not found"
        )


class TestFormatting:
    def test_numbers_have_a_decimal_comma_in_swedish(self) -> None:
        assert i18n.number(37.5, "sv") == "37,5"
        assert i18n.number(37.5, "en") == "37.5"
        assert i18n.number(1234.5, "sv", digits=1) == "1\xa0234,5"
        assert i18n.number(70.066, "en", digits=2) == "70.07"

    def test_a_message_can_hold_a_message(self) -> None:
        text = i18n.translate("common.not_visible", "en", what=i18n.msg("nav.patients"))
        assert text.startswith("Patients was not found")

    def test_an_impossible_number_is_still_shown(self) -> None:
        # a typing mistake such as 1e25 must give an error message, not a 500
        assert i18n.number(1e25, "sv") == "1e+25"
        assert i18n.number(2.5e20, "sv") == "2,5e+20"
        assert i18n.number(float("inf"), "en") == "inf"
