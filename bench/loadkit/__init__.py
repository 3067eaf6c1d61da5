"""Load testing on this machine only (127.0.0.1): a real server process and closed-loop clients.

Used by ``make bench BENCH=load`` and by the bounded CI load test (tests/e2e/test_load.py).
"""
