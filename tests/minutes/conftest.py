"""Minutes tests reuse the agenda fixtures: people, tokens, API helpers."""

from tests.agenda.conftest import api, coordinator, people, tokens  # noqa: F401
