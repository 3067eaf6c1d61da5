#!/bin/sh
# Container entrypoint: `kasane-entrypoint identity|agenda|minutes` migrates that service's
# database (replicas wait on a lock, see `kasane db upgrade`), then serves it with uvicorn;
# `kasane-entrypoint web` serves the pages (no database of their own);
# `kasane-entrypoint healthcheck SERVICE` is the container health check.
set -eu

usage() { echo "usage: kasane-entrypoint identity|agenda|minutes|web | healthcheck SERVICE" >&2; exit 2; }

service="${1:-}"
case "$service" in
  identity|agenda|minutes) ;;
  web)
    # The pages live at / and call the services through the gateway.
    exec uvicorn web.main:app --host 0.0.0.0 --port 8000 --proxy-headers --forwarded-allow-ips '*' --no-access-log
    ;;
  healthcheck)
    [ -n "${2:-}" ] || usage
    exec python -c 'import sys, urllib.request; sys.exit(0 if urllib.request.urlopen("http://127.0.0.1:8000/healthz", timeout=3).status == 200 else 1)' "$2"
    ;;
  *) usage ;;
esac

# Migrations run before the service takes traffic.
kasane db upgrade "$service"

# The gateway strips /<service>; --root-path puts it back for routes, docs and links.
exec uvicorn "${service}.main:app" \
  --host 0.0.0.0 --port 8000 \
  --root-path "/${service}" \
  --proxy-headers --forwarded-allow-ips '*' \
  --no-access-log
