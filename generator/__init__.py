"""slogen: SLOs as code → Prometheus rules, promtool tests, Grafana dashboards and Alertmanager routing."""

__version__ = "0.1.0"
