"""Renderers: the model → plain JSON-like data that write.py serialises."""

from typing import Any

# A rendered document or one of its objects. Its shape is the target system's (Prometheus, Alertmanager,
# Grafana), checked by that system's own tools rather than by types here.
JSON = dict[str, Any]

# The schemaVersion of the Grafana dashboards written unless --grafana-schema-version says otherwise (Grafana 10.4 /
# 11). Here rather than in grafana_compat, so the CLI can show it in --help without importing grafanalib.
DEFAULT_SCHEMA_VERSION = 39
