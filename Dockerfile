# One image for the three services; the command picks one: identity, agenda or minutes.
# Build: docker build -t kasane .   Secrets are never copied in (see .dockerignore).

FROM python:3.11-slim-bookworm AS build
ENV UV_PROJECT_ENVIRONMENT=/opt/kasane \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY shared/ shared/
COPY services/ services/
COPY suite/ suite/
RUN uv sync --locked --no-dev --no-editable

FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 kasane \
 && useradd --system --uid 10001 --gid kasane --home-dir /var/lib/kasane --create-home kasane
COPY --from=build /opt/kasane /opt/kasane
COPY deploy/entrypoint.sh /usr/local/bin/kasane-entrypoint
# One server process per container: compose scales a service by replicas (each with its own
# health check and restart), and a container's CPU quota is not what the affinity mask
# shows, so the `kasane serve` default (one worker per usable core) would count the host's
# cores. Raise it only for `kasane serve` on a host or VM of its own.
ENV PATH=/opt/kasane/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    KASANE_DATA_DIR=/var/lib/kasane \
    KASANE_WORKERS=1
WORKDIR /var/lib/kasane
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["kasane-entrypoint"]
CMD ["identity"]
