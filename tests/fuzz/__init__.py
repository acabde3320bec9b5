"""The spec fuzzer (issue 14): mutated fixture specs through the whole pipeline, output checked downstream.

`fuzz()` runs the cases of one seed and returns a Summary; `python -m tests.fuzz` is the long profile
(`make fuzz`), `tests/fuzz/test_fuzz.py` the fast one. See docs/security.md for what it is for.
"""

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.fuzz.known import KNOWN, known_reason
from tests.fuzz.mutate import Case
from tests.fuzz.run import DEFAULT_TIMEOUT, FAILURES, Pool, Result, check_downstream

__all__ = ["KNOWN", "Summary", "fuzz", "known_reason"]

MINIMISE_ATTEMPTS = 150  # per distinct failure: greedy line removal, each attempt one pipeline run


@dataclass
class Summary:
    seed: int
    cases: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    failures: dict[str, list[Result]] = field(default_factory=dict)  # signature → every case that hit it
    repros: dict[str, Path] = field(default_factory=dict)  # signature → minimal repro file
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)

    def unknown(self) -> dict[str, list[Result]]:
        return {s: r for s, r in self.failures.items() if not known_reason(s)}

    def text(self) -> str:
        lines = [
            f"slogen fuzz: seed {self.seed}, {self.cases} cases in {self.seconds:.1f} s",
            "  " + ", ".join(f"{o} {self.count(o)}" for o in ("refused", "generated", *FAILURES)),
        ]
        for signature, results in sorted(self.failures.items()):
            first = results[0]
            reason = known_reason(signature)
            lines.append(f"- {signature}: {len(results)} case(s){f' [known: {reason}]' if reason else ''}")
            lines.append(f"    first: {first.case.label}")
            if signature in self.repros:
                lines.append(f"    repro: {self.repros[signature]}")
            lines.append("    " + first.detail.strip().splitlines()[-1][:300] if first.detail.strip() else "")
        return "\n".join(lines)


def fuzz(
    seed: int,
    cases: int,
    workers: int = 0,
    timeout: float = DEFAULT_TIMEOUT,
    out: Path | None = None,
    minimise: Callable[[str], bool] = lambda signature: True,
    progress: Callable[[int], None] = lambda done: None,
) -> Summary:
    """Run `cases` cases of `seed`; write each distinct failure's (minimised) repro under `out`."""
    started = time.monotonic()
    workers = workers or os.cpu_count() or 1
    summary = Summary(seed)
    results: list[Result] = []
    pool = Pool(workers, timeout)
    try:

        def done(result: Result) -> None:
            results.append(result)
            progress(len(results))

        pool.run(((seed, index) for index in range(cases)), done)
        check_downstream(results, workers)
        for result in results:
            summary.counts[result.outcome] = summary.count(result.outcome) + 1
            if result.outcome in FAILURES:
                summary.failures.setdefault(result.signature, []).append(result)
        summary.cases = len(results)
        if out is not None:
            for signature, hits in summary.failures.items():
                first = hits[0]
                text = _minimise(pool, first, workers) if minimise(signature) and first.outcome != "hang" else None
                summary.repros[signature] = _write_repro(out, first, text or first.case.text)
    finally:
        pool.close()
    summary.seconds = time.monotonic() - started
    return summary


def _reproduces(pool: Pool, case: Case, signature: str, workers: int) -> bool:
    found: list[Result] = []
    pool.run([case], found.append)
    if found[0].outcome == "generated":
        check_downstream(found, workers)
    return found[0].signature == signature


def _minimise(pool: Pool, failure: Result, workers: int) -> str:
    """Greedy line removal (halves, then quarters, … then single lines) while the same failure reproduces."""
    lines = failure.case.text.split("\n")
    attempts = 0
    chunk = max(1, len(lines) // 2)
    while chunk >= 1 and attempts < MINIMISE_ATTEMPTS:
        start = 0
        while start < len(lines) and attempts < MINIMISE_ATTEMPTS:
            candidate = lines[:start] + lines[start + chunk :]
            attempts += 1
            case = replace(failure.case, text="\n".join(candidate))
            if candidate and _reproduces(pool, case, failure.signature, workers):
                lines = candidate
            else:
                start += chunk
        chunk //= 2
    return "\n".join(lines)


def _write_repro(out: Path, failure: Result, text: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", failure.signature).strip("-")[:80]
    name = f"{failure.case.seed}-{failure.case.index}-{slug}"
    repro = out / f"{name}{failure.case.suffix}"
    repro.write_text(text, encoding="utf-8", errors="surrogatepass")
    (out / f"{name}.txt").write_text(
        f"{failure.case.label}\n{failure.signature}\nrepro: {repro}\n"
        f"run it: slogen generate {repro} --out /tmp/out\n\n{failure.detail}\n",
        encoding="utf-8",
        errors="backslashreplace",
    )
    return repro
