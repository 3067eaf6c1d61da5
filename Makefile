# Kasane: two commands. `make run` starts the demo suite; `make test` runs every test.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: env run test bench lint clean train-redactor

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml suite/pyproject.toml
	$(UV) sync --locked
	touch $@

env: $(VENV)/.synced

run: env
	KASANE_DATA_DIR=$${KASANE_DATA_DIR:-./var} $(VENV)/bin/kasane serve --demo

# On SQLite always; on PostgreSQL as well when KASANE_TEST_DATABASE_URL names a server.
# Unit and service tests run on every core (pytest-xdist, a database per worker). The
# end-to-end and browser tests start real servers and time their answers, so they run after
# them, alone.
WORKERS ?= auto
SERIAL := tests/e2e tests/browser
PARALLEL := $(VENV)/bin/pytest -n $(WORKERS) $(addprefix --ignore=,$(SERIAL))
test: env
	$(PARALLEL) $(PYTEST_ARGS)
	$(VENV)/bin/pytest $(SERIAL) $(PYTEST_ARGS)
	@if [ -n "$$KASANE_TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL"; \
		export KASANE_TEST_BACKEND=postgres; \
		$(PARALLEL) $(PYTEST_ARGS) && $(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS); \
	fi

bench: env
	$(VENV)/bin/python -m bench $(BENCH)

# The tax tagger's model, rebuilt from data/redaction/train/ (deterministic: same corpus, same bytes).
train-redactor: env
	$(VENV)/bin/python -m kasane_shared.redaction.training

lint: env
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache
