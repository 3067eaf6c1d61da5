"""Capacity settings are the whole server's: each of N workers takes its share."""

from __future__ import annotations

from kasane_shared.settings import Settings, usable_cores


def test_one_worker_keeps_every_setting():
    settings = Settings(max_concurrent_requests=8)
    assert settings.worker_share(1) is settings


def test_budgets_are_divided_rounded_up_never_below_one():
    settings = Settings(
        max_concurrent_requests=8,
        request_queue_limit=255,
        password_hash_concurrency=3,
        db_pool_size=11,
        db_max_overflow=4,
    )
    share = settings.worker_share(2)
    assert share.max_concurrent_requests == 4
    assert share.request_queue_limit == 128
    assert share.password_hash_concurrency == 2
    assert share.db_pool_size == 6
    assert share.db_max_overflow == 2
    assert settings.max_concurrent_requests == 8  # the server's own settings stay whole
    tiny = Settings(max_concurrent_requests=1, password_hash_concurrency=1, db_max_overflow=0)
    assert tiny.worker_share(4).max_concurrent_requests == 1
    assert tiny.worker_share(4).password_hash_concurrency == 1
    assert tiny.worker_share(4).db_max_overflow == 0


def test_default_workers_and_hashes_follow_the_usable_cores(monkeypatch):
    monkeypatch.delenv("KASANE_WORKERS", raising=False)
    monkeypatch.delenv("KASANE_PASSWORD_HASH_CONCURRENCY", raising=False)
    settings = Settings()
    assert settings.workers == settings.password_hash_concurrency == usable_cores()
    # One Argon2id hash at a time in each worker: the server's total stays one per core.
    assert settings.worker_share(settings.workers).password_hash_concurrency == 1
