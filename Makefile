# Duban: `make run` runs the whole system on embedded defaults, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-long lint worker api clean browser screenshots bench

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) run.py

# The browser tests drive Debian's Chromium (never a browser Playwright downloads). Installed here when it is
# missing and we can (root with apt-get); otherwise they skip, unless DUBAN_REQUIRE_BROWSER=1 (CI).
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
			|| echo "could not install chromium: the browser tests will skip (apt-get install chromium)"; \
	else echo "chromium is missing and cannot be installed here: the browser tests will skip (apt-get install chromium)"; fi

# The suite on PYTEST_WORKERS processes (pytest-xdist), a test file to a worker (each worker its own dev server,
# database templates and free ports); PYTEST_WORKERS=0 runs it in this process. The tests marked `long` (the long
# fuzz run, the bench smoke test, the rest of the uncached re-run and of the permission matrix through the API)
# are deselected here (pyproject's addopts) and run by `make test-long`.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

test: $(STAMP) browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(PY) -m pytest -q -p no:logging $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-long: $(STAMP) browser
	$(PY) -m pytest -q -p no:logging -m long $(PYTEST_PARALLEL) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

# Benchmarks (bench/suite.py) into bench/RESULTS.md; sizes by DUBAN_BENCH_{INTAKE,ACTION,TIMERS,SCALE,REPLAY,RUNS}.
bench: $(STAMP)
	$(PY) bench/suite.py --write

screenshots: $(STAMP) browser
	$(PY) scripts/screenshots.py

worker: $(STAMP)
	$(PY) worker.py

clean:
	rm -rf $(VENV) build *.egg-info
