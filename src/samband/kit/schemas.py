"""Shared Pydantic pieces."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from samband.kit.errors import Problem
from samband.kit.text import check_free_text, check_name

T = TypeVar("T")


def refused(found: Problem) -> PydanticCustomError:
    """A validation error that carries its problem (raise it in a validator): its code is the
    error's ``type``, the API answers its code and parameters and a page shows it in the
    reader's language (``ctx["problem"]``, read by app.py and web/base.parse_form)."""
    return PydanticCustomError(found.code, found.text("en"), {"problem": found})


# Free text (notes, reasons): tabs and new lines, no other control characters, no
# bidirectional overrides, not only invisible characters (kit/text.py).
FREE_TEXT = AfterValidator(check_free_text)
# Names, identifiers and other single-line texts: no control, bidirectional or zero-width
# characters at all (kit/text.py).
NAME = AfterValidator(check_name)

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), FREE_TEXT
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NAME
]
# A person's or an organisation's name.
Name = ShortText
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{5,20}$")]


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=1_000_000)]
