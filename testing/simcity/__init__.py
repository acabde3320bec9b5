"""SimCity: synthetic Bookiji traffic for demos and failure-mode tests (slo_specs/README.md §2 contract).

Simulator      deterministic metrics of every contract family under a scenario (model.py)
SCENARIOS      scenario name → what it stages (scenarios.py)
serve          the HTTP daemon with /metrics, /probe/metrics and the /api/simcity controls (server.py)
write_history  OpenMetrics backfill files with exact ground truth (history.py); truth_until, the truth at a sample
"""

from .history import truth_until, write_history
from .model import Simulator
from .scenarios import SCENARIOS
from .server import SimCityServer, serve

__all__ = ["SCENARIOS", "SimCityServer", "Simulator", "serve", "truth_until", "write_history"]
