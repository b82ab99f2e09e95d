# Two commands set up a fresh machine: `make demo` and `make test` (see README.md).
# The first Python >= 3.11 that actually runs (a pyenv shim may exist for a version that is not installed).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest chromium postgres install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/hutong demo --host 127.0.0.1 --port 8000

chromium:
	@test -x /usr/bin/chromium || (echo "installing Debian's chromium" && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

postgres:
	@bash scripts/ensure-postgres.sh

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

# The suite runs in PYTEST_WORKERS processes (pytest-xdist), whole files to a worker so a module's
# fixtures are set up once; each worker has its own live server, browser, databases and temp dirs
# (docs/ARCHITECTURE.md, "Tests"). `make pytest PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= 2

# Bytecode is kept (__pycache__, ignored by git) even where the environment says not to write it
# (PYTHONDONTWRITEBYTECODE): a full run starts 64 Python processes (workers, servers, banks, CLIs), each
# compiled hutong's modules from source (importing the server: 2.4 s, 1.9 s cached), and every run
# rewrote each test module's asserts again (collecting the suite: 10.7 s, 5.1 s cached).
pytest: install chromium postgres
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

bench: install chromium
	$(BIN)/python bench/compile.py
	$(BIN)/python bench/runtime.py
	$(BIN)/python bench/login.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/pay.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
