"""Errors a page can meet while calling the services, and their mapping onto form fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SessionEnded(Exception):
    """The sign-in is gone (logged out, idle time-out, expired): go back to the sign-in page."""

    def __init__(self, reason: str = "expired") -> None:
        super().__init__(reason)
        self.reason = reason


class PasswordChangeRequired(Exception):
    """The person signed in with an initial password: only the change-password page is open."""


class CsrfRefused(Exception):
    """A form arrived without the token this browser's session was given."""


@dataclass
class ApiError(Exception):
    """A service refused the request with an RFC 9457 problem."""

    status: int
    problem: dict[str, Any]

    @property
    def detail(self) -> str:
        """The service's message in the reader's language."""
        return str(self.problem.get("detail") or self.problem.get("title") or "")

    @property
    def code(self) -> str:
        """The machine-readable problem code."""
        return str(self.problem.get("code") or "")

    def __str__(self) -> str:
        return f"{self.status} {self.code}"


@dataclass
class FormErrors:
    """Messages per form field, and those that belong to no field (shown at the top)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        """Attach a message to a field."""
        self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    @classmethod
    def from_api(cls, error: ApiError, known: dict[str, str] | None = None) -> FormErrors:
        """Map a problem's ``errors[]`` to form fields; ``known`` maps API names to form names."""
        errors = cls()
        names = known or {}
        items = error.problem.get("errors") or []
        for item in items:
            api_field, message = str(item.get("field", "")), str(item.get("message", ""))
            form_field = names.get(api_field) or names.get(api_field.split(".")[0])
            if form_field:
                errors.add(form_field, message)
            else:
                errors.general.append(message)
        if not items:
            errors.general.append(error.detail)
        return errors
