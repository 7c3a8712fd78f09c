# Shortcuts; the scripts do the work (and create .venv when it is missing).
.PHONY: demo test ci lint format upgrade check serve clean

demo:      ## create .venv, load the demo data, serve on http://127.0.0.1:8000
	./scripts/demo

test:      ## ruff, migration check, import contracts, pytest
	./scripts/test

ci:        ## what CI runs: the suite on SQLite, then on PostgreSQL
	./.ci/run

lint:      ## ruff check and format check, import contracts
	.venv/bin/ruff check src tests
	.venv/bin/ruff format --check src tests
	.venv/bin/lint-imports --no-logo

format:    ## ruff format and the safe fixes
	.venv/bin/ruff format src tests
	.venv/bin/ruff check --fix src tests

upgrade:   ## apply migrations to SAMBAND_DATABASE_URL (default var/samband.db)
	.venv/bin/samband db upgrade

check:     ## models vs migrations on SAMBAND_DATABASE_URL
	.venv/bin/samband db check

serve:     ## serve without loading demo data
	.venv/bin/samband serve

clean:     ## remove the demo database and caches (not .venv)
	rm -rf var .pytest_cache .ruff_cache .mypy_cache .hypothesis
