# VectorOS: `make run` starts the platform, `make test` runs every test.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
export UV_LINK_MODE ?= copy

.PHONY: setup run test fuzz lint migrate seed screenshots bench secrets clean

$(UV):
	@echo "==> installing uv"
	@python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv

setup: $(UV)
	@echo "==> syncing the environment from uv.lock"
	@$(UV) sync --frozen --quiet

run: setup ## start Postgres, migrations, demo data, backend, AI core, worker and frontend
	@$(UV) run --frozen vectoros run

test: setup ## the whole suite against a real PostgreSQL
	@$(UV) run --frozen pytest -n auto --dist loadgroup $(PYTEST_ARGS)

fuzz: setup ## schemathesis over every operation against a served backend: fails on any 5xx
	@$(UV) run --frozen python -m tests.fuzz.run

lint: setup
	@$(UV) run --frozen ruff check . && $(UV) run --frozen ruff format --check .

migrate: setup
	@$(UV) run --frozen vectoros migrate

seed: setup
	@$(UV) run --frozen vectoros seed $(SEED_ARGS)

screenshots: setup ## desktop and phone screenshots of the main pages into screenshots/
	@$(UV) run --frozen python -m devtools.screenshots

bench: setup ## the API latency benchmark (see bench/README.md for the others)
	@$(UV) run --frozen python -m bench.api_latency

secrets: ## random JWT_SECRET, SERVICE_TOKEN, ENCRYPTION_KEYS, POSTGRES_PASSWORD into .env (keeps real ones)
	@python3 -m devtools.secrets

clean:
	rm -rf .data frontend/.web .pytest_cache
