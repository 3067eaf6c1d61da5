"""Draft shapes on the wire: a form's path and its fields as (name, value) pairs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The POST path of a page form: ids and slashes only (never a query, never text).
FORM_PATTERN = r"^/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+){0,7}$"
FieldName = Annotated[str, Field(min_length=1, max_length=100)]
FieldValue = Annotated[str, Field(max_length=20000)]
MAX_TOTAL_CHARS = 200_000


class DraftRef(BaseModel):
    """Which form's draft."""

    model_config = ConfigDict(extra="forbid")
    form: str = Field(max_length=200, pattern=FORM_PATTERN)


class DraftIn(DraftRef):
    """The fields to keep (everything the form would have sent, minus its CSRF token)."""

    fields: list[tuple[FieldName, FieldValue]] = Field(max_length=400)

    @field_validator("fields")
    @classmethod
    def _bounded(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        if sum(len(name) + len(text) for name, text in value) > MAX_TOTAL_CHARS:
            raise ValueError("下書きが長すぎます。")
        return value


class DraftKept(BaseModel):
    """Where a kept draft stands (no content)."""

    form: str
    kept_at: datetime
    expires_at: datetime


class DraftOut(DraftKept):
    """A draft opened for its own writer."""

    fields: list[tuple[str, str]]


class IdleStatus(BaseModel):
    """How long the session named by the cookie stays open without activity."""

    seconds_left: int
    warning_seconds: int
