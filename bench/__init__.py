"""Benchmarks: `make bench` (python -m bench) measures slogen against peers' rule shapes on this machine and
rewrites docs/benchmarks.md. Nothing here is a test; tests/bench/ proves the pieces the numbers rely on."""
