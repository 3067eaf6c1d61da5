"""Shapes every agenda domain shares: strict input, warnings, labels, codes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=64)]
KIND_LABELS = {"shien": "支援会議", "jusou": "重層的支援会議"}
PURPOSES = {
    "shien": ("info_sharing", "policy", "emergency"),
    "jusou": ("plan_creation", "plan_change", "termination", "suspension"),
}
PURPOSE_LABELS = {
    "info_sharing": "気になる事例の情報提供・共有",
    "policy": "支援方針の決定と共有・見守り",
    "emergency": "緊急性がある事案への対応",
    "plan_creation": "プラン策定時",
    "plan_change": "プラン変更時",
    "termination": "支援終結の判断時",
    "suspension": "支援中断の決定時",
}


class StrictIn(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


class Warning(BaseModel):  # noqa: A001 - the API's word
    """Something the coordinator should know; the request still succeeded."""

    code: str
    message: str
    message_en: str
    member_id: str | None = None
    organization_id: str | None = None
