"""Renderers: the model → plain JSON-like data that write.py serialises."""

from typing import Any

# A rendered document or one of its objects. Its shape is the target system's (Prometheus, Alertmanager,
# Grafana), checked by that system's own tools rather than by types here.
JSON = dict[str, Any]
