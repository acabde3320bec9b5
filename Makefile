# Two commands on a fresh machine: `make generate` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate test validate check tools bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
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

test: $(STAMP) tools
	$(BIN)/pytest -q
	$(BIN)/slogen check --specs slo_specs --out output
	$(BIN)/slogen test --out output

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Measures on this machine and rewrites docs/benchmarks.md and its chart (about 12 minutes on 2 cores).
bench: $(BENCH_STAMP) tools
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
