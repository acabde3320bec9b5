"""`make demo`: the e2e stack (SimCity, real Prometheus with the generated rules evaluated every second, Alertmanager)
and `slogen serve` on it, all on 127.0.0.1, until Ctrl-C stops everything.

Pick the incident with DEMO_SCENARIO (`make demo DEMO_SCENARIO=outage`), or switch while it runs:
`curl -X POST <SimCity>/api/simcity/scenario/outage` (the banner prints the URL). A fresh Prometheus holds minutes
of data, so an outage fills every window at once: the pages fire within seconds and the budget burns in minutes.
"""

import argparse
import contextlib
import tempfile
from pathlib import Path

from generator import pipeline
from generator.serve import app, prometheus, server
from testing.simcity import SCENARIOS

from .stack import running_stack

ROOT = Path(__file__).parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="healthy")
    parser.add_argument("--port", type=int, default=8080, help="slogen serve's port (default 8080; 0: any free one)")
    args = parser.parse_args()
    outcome = pipeline.check([ROOT / "slo_specs"])
    assert outcome.ok and outcome.project is not None, "slo_specs/ does not validate: run `make validate`"
    try:
        sock = server.bind("127.0.0.1", args.port)
    except server.BindError as err:
        raise SystemExit(f"demo: {err} (make demo DEMO_PORT=...)") from None
    with (
        contextlib.suppress(KeyboardInterrupt),
        tempfile.TemporaryDirectory(prefix="slogen-demo-") as tmp,
        running_stack(Path(tmp)) as stack,
    ):
        stack.scenario(args.scenario)
        source = prometheus.HTTPPrometheus(stack.prometheus.url)
        asgi = app.create_app(outcome.project, app.Settings(source))
        simcity = stack.simulator.url  # type: ignore[attr-defined]
        print(
            f"slogen serve  {server.url_of(sock)}/status\n"
            f"Prometheus    {stack.prometheus.url}/alerts\n"
            f"SimCity       {simcity}/api/simcity/status  (scenario {args.scenario})\n"
            f"switch:       curl -X POST {simcity}/api/simcity/scenario/<{'|'.join(sorted(SCENARIOS))}>\n"
            "Ctrl-C stops everything",
            flush=True,
        )
        server.run(asgi, sock)


if __name__ == "__main__":
    main()
