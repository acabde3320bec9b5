"""`python -m testing.simcity` (from the repo root): SimCity in the foreground for demos and by-hand checks.

It was `slogen simcity` until SimCity left the product package: a user's `pip install slogen` does not ship it.
"""

import signal
import sys
import time

import click

from . import SCENARIOS
from .server import ENDPOINTS, SimCityServer, serve


def _listen(host: str, port: int, seed: int, rps: float) -> SimCityServer:
    try:
        return serve(host=host, port=port, seed=seed, rps=rps)
    except OSError as err:
        click.echo(
            f"simcity: cannot listen on {host}:{port}: {err.strerror or err}; pick another --port (0 = any free port)",
            err=True,
        )
        sys.exit(1)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (only this one).")
@click.option("--port", type=click.IntRange(0, 65535), default=9464, show_default=True, help="0 picks a free port.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same traffic.")
@click.option("--rps", type=click.FloatRange(min=0), default=20.0, show_default=True, help="HTTP requests per second.")
@click.option("--scenario", type=click.Choice(sorted(SCENARIOS)), default="healthy", show_default=True)
def main(host: str, port: int, seed: int, rps: float, scenario: str) -> None:
    """Run the SimCity synthetic Bookiji traffic simulator in the foreground until Ctrl-C."""
    # A shell starts background jobs with SIGINT ignored, and Python then raises no KeyboardInterrupt: "Ctrl-C
    # stops it" (and the SIGINT that tests and scripts send) must hold however SimCity was started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with _listen(host, port, seed, rps) as server:
        # Ctrl-C may land while the banner prints, so the whole foreground part handles it.
        try:
            server.simulator.set_scenario(scenario)
            click.echo(
                f"SimCity at {server.url} (seed {seed}, {rps:g} requests/s, scenario {scenario}); Ctrl-C stops it"
            )
            for method, route, what in ENDPOINTS:
                click.echo(f"  {method:<4} {server.url}{route}  {what}")
            while not server.stopped:
                time.sleep(0.5)
        except KeyboardInterrupt:
            click.echo("SimCity stopped", err=True)


if __name__ == "__main__":
    main(prog_name="python -m testing.simcity")
