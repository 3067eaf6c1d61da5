"""HTTP interface of scheduling help: conflicts, free slots, the due list."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["scheduling"])
