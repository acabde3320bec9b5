"""`slogen serve` at fleet scale: the 10,000-SLO fleet of bench/scale.py loaded into the app, then the server time of
the catalog page (the first page, and a text search over every SLO) and of the status page, with the number of PromQL
queries each status page sends. Prometheus is a stand-in that answers every recorded series of every SLO from
memory, so the times are slogen's own: the index, the filters, the status arithmetic and the templates.
"""

import statistics
import time
from pathlib import Path

from starlette.testclient import TestClient

from generator import naming, pipeline
from generator.model import Project
from generator.serve import status
from generator.serve.app import Settings, create_app
from generator.serve.prometheus import Sample, Series

from . import scale

TITLE = "slogen serve at fleet scale"
SLOS = 10_000
REPEATS = 5
GOAL_SECONDS = 1.0
ROOT = Path(__file__).resolve().parent.parent


class Recorded:
    """Every SLO's recorded series at a healthy value; counts the queries it answers."""

    def __init__(self, project: Project):
        self.answers: dict[str, list[Sample]] = {expr: [] for expr in status.QUERIES.values()}
        for slo in project.slos():
            labels = {"service": slo.service, "slo": slo.name}
            ratio = float(slo.error_budget) / 10
            self.answers[status.QUERIES["info"]].append(({"__name__": naming.INFO, **labels}, 1.0))
            self.answers[status.QUERIES["period_ratio"]].append(({"__name__": naming.PERIOD_RATIO, **labels}, ratio))
            self.answers[status.QUERIES["remaining"]].append(({"__name__": naming.BUDGET_REMAINING, **labels}, 0.9))
            self.answers[status.QUERIES["ratios"]].extend(
                ({"__name__": naming.error_ratio(w), **labels}, ratio) for w in slo.ratio_windows
            )
        self.queries = 0

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        self.queries += 1
        return self.answers.get(expr, [])

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        self.queries += 1
        return []


def _median_seconds(client: TestClient, path: str) -> float:
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - began)
        assert answer.status_code == 200, f"{path}: {answer.status_code}"
    return statistics.median(times)


def _queries(project: Project) -> int:
    fake = Recorded(project)
    TestClient(create_app(project, Settings(fake))).get("/status")
    return fake.queries


def run(work: Path, slos: int = SLOS) -> dict:
    scale.write_fleet(work / "specs", slos)
    began = time.perf_counter()
    outcome = pipeline.check([work / "specs"])
    checked = time.perf_counter() - began
    assert outcome.ok and outcome.project is not None, [f.text() for f in outcome.findings[:5]]
    project = outcome.project
    began = time.perf_counter()
    client = TestClient(create_app(project, Settings(Recorded(project))))
    started = time.perf_counter() - began
    bookiji = pipeline.check([ROOT / "slo_specs"]).project
    assert bookiji is not None
    return {
        "slos": slos,
        "check_seconds": round(checked, 2),
        "startup_seconds": round(started, 2),
        "catalog_seconds": round(_median_seconds(client, "/"), 3),
        "search_seconds": round(_median_seconds(client, "/?q=svc-00042"), 3),
        "status_seconds": round(_median_seconds(client, "/status"), 3),
        "status_queries": _queries(project),
        "status_queries_bookiji": _queries(bookiji),
        "bookiji_slos": len(list(bookiji.slos())),
    }


def summary(result: dict) -> list[tuple[str, str, bool]]:
    return [
        (
            f"`slogen serve` catalog page at {result['slos']:,} SLOs ≤ {GOAL_SECONDS:g} s server time",
            f"{result['catalog_seconds']:.3f} s",
            result["catalog_seconds"] <= GOAL_SECONDS,
        ),
        (
            "`slogen serve` status page: PromQL queries independent of the number of SLOs",
            f"{result['status_queries']} at {result['slos']:,}, {result['status_queries_bookiji']} at "
            f"{result['bookiji_slos']}",
            result["status_queries"] == result["status_queries_bookiji"],
        ),
    ]


def markdown(result: dict) -> str:
    rows = [
        ("read, validate, model and lint the specs (pipeline.check)", f"{result['check_seconds']} s"),
        ("build the catalog (once, at start-up)", f"{result['startup_seconds']} s"),
        ("catalog page, first 200 SLOs", f"{result['catalog_seconds']} s"),
        ("catalog search over every SLO (`?q=`)", f"{result['search_seconds']} s"),
        ("status page, every SLO's status sorted worst first, first 200 rows", f"{result['status_seconds']} s"),
        ("PromQL queries per status page", str(result["status_queries"])),
        (f"… for the {result['bookiji_slos']} Bookiji SLOs", str(result["status_queries_bookiji"])),
    ]
    lines = [
        f"The {result['slos']:,}-SLO fleet of the fleet-scale section above, served in-process (Starlette's "
        f"TestClient); each page time is the median of {REPEATS} requests. Prometheus is a stand-in answering every "
        "recorded series from memory, so the status time is slogen's share of a page; a real Prometheus adds its own "
        "query time.",
        "",
        f"| {result['slos']:,} SLOs | measured |",
        "|---|---:|",
        *(f"| {what} | {value} |" for what, value in rows),
    ]
    return "\n".join(lines) + "\n"
