"""Organization shapes on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OrganizationKind = Literal[
    "municipal", "tax", "council", "consultation", "community", "school", "medical", "other"
]


class OrganizationCreate(BaseModel):
    """A new organization."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    kind: OrganizationKind


class OrganizationUpdate(BaseModel):
    """Changes to an organization."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: OrganizationKind | None = None


class OrganizationOut(BaseModel):
    """An organization as every signed-in user may see it."""

    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    kind: OrganizationKind
    is_tax_division: bool
