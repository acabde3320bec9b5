# Two commands on a fresh machine: `make generate` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate test unit validate check lint tools bench fuzz demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

# Cheap when everything is present; installs promtool/amtool with apt-get when missing and root.
tools:
	bash .ci/install-tools.sh

generate: $(STAMP) tools
	$(BIN)/slogen validate slo_specs
	$(BIN)/slogen generate --specs slo_specs --out output

validate: $(STAMP) tools
	$(BIN)/slogen validate slo_specs

check: $(STAMP) tools
	$(BIN)/slogen check --specs slo_specs --out output

# Everything: unit, slow promtool scenarios and e2e tests, then drift and `slogen test` on output/.
# One pytest worker per core; --dist loadfile keeps each module (and its e2e stack) on one worker. The `alone`
# tests (vmalert against Prometheus, both evaluating every second) run afterwards without a second worker's load.
test: $(STAMP) tools
	$(BIN)/pytest -q -n auto --dist loadfile --durations=15 -m "not alone"
	$(BIN)/pytest -q -m alone
	$(BIN)/slogen check --specs slo_specs --out output
	$(BIN)/slogen test --out output

# The fast loop (under a minute on 2 cores): no `slow` promtool scenarios, no e2e servers.
unit: $(STAMP) tools
	$(BIN)/pytest -q -n auto -m "not slow and not e2e"

# Python sources ruff covers; wildcard keeps the list valid while a package is being added or removed.
LINT_PATHS := $(wildcard generator tests bench testing)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy generator

# The spec fuzzer's long profile (tests/fuzz, docs/security.md): 10,000 mutated specs through the pipeline,
# promtool and amtool; repros of each failure under build/fuzz/. FUZZ_SEED picks another reproducible run.
FUZZ_CASES ?= 10000
FUZZ_SEED ?= 1

fuzz: $(STAMP) tools
	$(BIN)/python -m tests.fuzz --cases $(FUZZ_CASES) --seed $(FUZZ_SEED) --out build/fuzz

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Measures on this machine and rewrites docs/benchmarks.md and its chart (about 12 minutes on 2 cores).
bench: $(BENCH_STAMP) tools
	$(BIN)/python -m bench

# A real Prometheus with the generated rules, SimCity in DEMO_SCENARIO and `slogen serve` at
# http://127.0.0.1:$(DEMO_PORT)/status, all on 127.0.0.1; Ctrl-C stops everything (docs/serve.md).
DEMO_SCENARIO ?= healthy
DEMO_PORT ?= 8080

demo: $(STAMP) tools
	$(BIN)/python -m tests.e2e.demo --scenario $(DEMO_SCENARIO) --port $(DEMO_PORT)

clean:
	rm -rf $(VENV) .pytest_cache
