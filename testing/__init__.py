"""Development-only code shared by tests/ and bench/: the SimCity simulator and the Prometheus/Alertmanager
process harness. It is not part of the slogen wheel (pyproject.toml packages only `generator*`), so nothing
under generator/ may import it; tests/test_packaging.py holds that line.
"""
