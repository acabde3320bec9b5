"""The long profile: `python -m tests.fuzz --cases 10000 --seed 1` (`make fuzz`)."""

import argparse
import sys
from pathlib import Path

from tests.fuzz import fuzz
from tests.fuzz.run import DEFAULT_TIMEOUT


def _progress(done: int) -> None:
    if done % 1000 == 0:
        print(f"  {done} cases run", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per case before a hang")
    parser.add_argument("--out", type=Path, default=Path("build/fuzz"), help="where repro files go")
    args = parser.parse_args()
    summary = fuzz(args.seed, args.cases, args.workers, args.timeout, args.out, progress=_progress)
    print(summary.text())
    return 1 if summary.unknown() else 0  # known failures (tests/fuzz/known.py) are listed, not fatal


if __name__ == "__main__":
    sys.exit(main())
