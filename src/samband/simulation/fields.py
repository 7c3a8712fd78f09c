"""Reading a YAML file into checked values, with errors that name the field.

Shared by the scenario (``scenario.py``) and potential (``potential.py``) formats. Each
``Fields`` raises the error class it was made with, so a caller catches ``ScenarioError``
or ``PotentialError`` and never a bare ``KeyError`` or ``TypeError``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

import yaml


class Fields:
    """Checked access to decoded YAML; every error names ``where`` (e.g. ``pathways[0].role``)."""

    def __init__(self, error: type[ValueError]) -> None:
        self.error = error

    def fail(self, message: str) -> ValueError:
        return self.error(message)

    def load_yaml(self, text: str | bytes, what: str) -> Any:
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise self.fail(f"the {what} is not UTF-8 text") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or "cannot be read"
            at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
            raise self.fail(f"the {what} is not valid YAML: {problem}{at}") from None

    def mapping(
        self, value: object, where: str, allowed: Sequence[str] | None = None
    ) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            got = "nothing" if value is None else type(value).__name__
            raise self.fail(f"{where}: expected a mapping of fields, got {got}")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise self.fail(
                        f"{where}: unknown field {key!r}{hint} (allowed: {', '.join(allowed)})"
                    )
        return value

    def required(self, obj: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in obj or obj[key] is None:
            raise self.fail(f"{where}: missing field {key!r}")
        return obj[key]

    def number(
        self,
        value: object,
        where: str,
        *,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
    ) -> float:
        """A finite number, ``>= minimum``, ``> above`` and ``<= maximum`` where given."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(f"{where}: expected a number, got {value!r}")
        if above is not None and value <= above:
            raise self.fail(f"{where}: must be greater than {above:g}, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(f"{where}: must be at least {minimum:g}, got {value!r}")
        if maximum is not None and value > maximum:
            raise self.fail(f"{where}: must be at most {maximum:g}, got {value!r}")
        return float(value)

    def integer(self, value: object, where: str, lo: int, hi: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}: expected a whole number, got {value!r}")
        if value < lo or (hi is not None and value > hi):
            allowed = f"{lo}..{hi}" if hi is not None else f">= {lo}"
            raise self.fail(f"{where}: {value} is out of range ({allowed})")
        return value

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}: expected a non-empty text, got {value!r}")
        return value.strip()

    def items(self, value: object, where: str, *, empty: bool = False) -> Sequence[Any]:
        if not isinstance(value, list):
            got = "nothing" if value is None else type(value).__name__
            raise self.fail(f"{where}: expected a list, got {got}")
        if not value and not empty:
            raise self.fail(f"{where}: the list is empty")
        return value

    def span(
        self,
        value: object,
        where: str,
        *,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
    ) -> tuple[float, float]:
        """A number ``x`` (read as ``[x, x]``) or a range ``[low, high]`` with low <= high."""
        if isinstance(value, list):
            if len(value) != 2:
                raise self.fail(f"{where}: expected a number or [low, high], got {value!r}")
            bounds = {"minimum": minimum, "above": above, "maximum": maximum}
            low = self.number(value[0], f"{where}[0]", **bounds)
            high = self.number(value[1], f"{where}[1]", **bounds)
            if low > high:
                raise self.fail(f"{where}: low {low:g} is above high {high:g}")
            return low, high
        x = self.number(value, where, minimum=minimum, above=above, maximum=maximum)
        return x, x
