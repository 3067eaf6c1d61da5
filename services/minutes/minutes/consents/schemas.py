"""Shapes of the narrowing agenda sends when a case's consent is withdrawn or narrowed."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=64)]


class ItemAccess(BaseModel):
    """Who may still read an agenda item's content and its tax data, as agenda decides now."""

    model_config = ConfigDict(extra="forbid")
    agenda_item_id: Id
    content_member_ids: list[Id] = Field(default_factory=list, max_length=500)
    tax_member_ids: list[Id] = Field(default_factory=list, max_length=500)


class ConsentWithdrawal(BaseModel):
    """A case's consent was withdrawn or narrowed: the access that remains, per agenda item."""

    model_config = ConfigDict(extra="forbid")
    consent_id: Id
    items: list[ItemAccess] = Field(default_factory=list, max_length=2000)


class Warning(BaseModel):
    """Something the coordinator should know (Japanese first)."""

    code: str
    message: str
    message_en: str


class WithdrawalOut(BaseModel):
    """What was taken back: wraps removed, records re-sealed, records that could not be."""

    records: int
    removed: int
    resealed: int
    not_resealed: int
    warnings: list[Warning] = Field(default_factory=list)
