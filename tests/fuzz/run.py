"""Run fuzz cases through generator.pipeline in worker processes, classify each outcome, and check what was
generated with the real promtool and amtool, many cases per call.

Outcomes:
- refused: error findings, each one well-formed line `file:line:col: path: message`;
- generated: every output accepted downstream (promtool check rules, amtool check-config, strict JSON);
- crash: an exception escaped the pipeline (or the writer's serialiser);
- hang: a case took longer than the timeout (its worker is killed and replaced);
- malformed: a finding that is not one clean line, or one that echoes a secret;
- rejected: generated output that promtool, amtool or strict JSON refuses, or that holds a secret.
"""

import contextlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from tests.fuzz.mutate import SECRETS, Case, make_case, seeds

Job = Case | tuple[int, int]  # a case, or the (seed, index) a worker builds it from

FAILURES = ("crash", "hang", "malformed", "rejected")
DEFAULT_TIMEOUT = 10.0
BATCH = 200  # rule files per promtool call, configs per amtool call
_FINDING = re.compile(r"^(?P<file>[^\n]+?):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): (?P<path>[^\n]+?): (?P<message>.+)$")


@dataclass
class Result:
    case: Case
    outcome: str  # "refused", "generated" or one of FAILURES
    detail: str = ""  # the traceback, the bad finding or the downstream tool's complaint
    signature: str = ""  # what makes two failures the same bug
    seconds: float = 0.0
    rules: list[tuple[str, str]] = field(default_factory=list)  # (output path, text) to check downstream
    configs: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- in the worker


def classify(case: Case, directory: Path) -> Result:
    """One case, in-process. Never raises: every escape is the `crash` outcome."""
    from generator import pipeline, secrets, write  # imported in the worker, after the fork or spawn

    spec = directory / f"spec{case.suffix}"
    spec.write_text(case.text, encoding="utf-8", errors="surrogatepass")
    started = time.monotonic()
    try:
        outcome = pipeline.generate([spec])
        texts = [(file.path, write.serialise(file)) for file in outcome.files] if outcome.ok else []
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt):
            raise
        return Result(case, "crash", traceback.format_exc(), _crash_signature(err), time.monotonic() - started)
    seconds = time.monotonic() - started
    for finding in outcome.findings:
        problem = _finding_problem(finding.text(), secrets.looks_secret)
        if problem:
            return Result(case, "malformed", f"{problem}: {finding.text()!r}", f"malformed {problem} [{finding.rule}]")
    if not outcome.ok:
        return Result(case, "refused", seconds=seconds)
    result = Result(case, "generated", seconds=seconds)
    for path, data in texts:
        text = data.decode("utf-8")
        if secrets.looks_secret(text):
            return Result(case, "rejected", f"{path} holds a secret", f"rejected secret in {_kind(path)}", seconds)
        if path.endswith(".json"):
            problem = _strict_json_problem(text)
            if problem:
                return Result(case, "rejected", f"{path}: {problem}", f"rejected dashboard {problem[:40]}", seconds)
        elif path.startswith("prometheus/rules/"):
            result.rules.append((path, text))
        elif path == "alertmanager/alertmanager.yml":
            result.configs.append((path, text))
    return result


def _kind(path: str) -> str:
    return path.split("/")[0]


def _crash_signature(err: BaseException) -> str:
    """The exception type and the innermost frame in generator/: one bug, however many cases hit it."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "/generator/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "outside generator/"
    return f"crash {type(err).__name__} at {where}"


def _finding_problem(text: str, looks_secret: Callable[[str], bool]) -> str:
    if len(text.splitlines()) != 1 or "\n" in text or "\r" in text:
        return "not one line"
    if not _FINDING.match(text):
        return "not file:line:col: path: message"
    controls = {c for c in text if unicodedata.category(c) == "Cc" and c != "\t"}
    if controls:
        return "control character " + ",".join(sorted(f"U+{ord(c):04X}" for c in controls))
    if looks_secret(text) and any(secret in text for secret in SECRETS):  # a redacted prefix is fine
        return "echoes a secret"
    return ""


def _raise(constant: str) -> None:
    raise ValueError(f"non-standard JSON constant {constant}")


def _strict_json_problem(text: str) -> str:
    try:
        json.loads(text, parse_constant=_raise)
    except ValueError as err:
        return str(err)
    return ""


def _worker(conn: Connection) -> None:
    directory = Path(tempfile.mkdtemp(prefix="slogen-fuzz-"))
    all_seeds = seeds()
    try:
        while True:
            job = conn.recv()
            if job is None:
                return
            case = job if isinstance(job, Case) else make_case(*job, all_seeds)
            work = directory / str(case.index)
            work.mkdir(exist_ok=True)
            conn.send(classify(case, work))
            shutil.rmtree(work, ignore_errors=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------------------------------- the pool


class Pool:
    """Worker processes that each run one case at a time; a case over the timeout costs its worker."""

    def __init__(self, workers: int, timeout: float):
        self.context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        self.timeout = timeout
        self.workers = [self._start() for _ in range(workers)]
        self.seeds = seeds()

    def _start(self) -> tuple[Any, Connection]:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(child,), daemon=True)
        process.start()
        child.close()
        return process, parent

    def run(self, jobs: Iterable[Job], done: Callable[[Result], None]) -> None:
        pending = iter(jobs)
        busy: dict[int, tuple[Job, float]] = {}  # worker slot → its job and deadline
        exhausted = False
        while True:
            for slot in range(len(self.workers)):
                if slot not in busy and not exhausted:
                    job = next(pending, None)
                    if job is None:
                        exhausted = True
                        break
                    self.workers[slot][1].send(job)
                    busy[slot] = (job, time.monotonic() + self.timeout)
            if not busy:
                return
            now = time.monotonic()
            ready = wait([self.workers[s][1] for s in busy], timeout=max(0.0, min(d for _c, d in busy.values()) - now))
            for slot in list(busy):
                process, conn = self.workers[slot]
                job, deadline = busy[slot]
                if conn in ready:
                    try:
                        done(conn.recv())
                    except EOFError:  # the worker died: a segfault or an abort in a C extension
                        done(
                            Result(
                                self._case(job), "crash", f"worker exited with {process.exitcode}", "crash worker died"
                            )
                        )
                        self._replace(slot)
                    del busy[slot]
                elif time.monotonic() > deadline:
                    case = self._case(job)
                    done(
                        Result(
                            case, "hang", f"no result within {self.timeout:g} s", f"hang {case.suffix}", self.timeout
                        )
                    )
                    self._replace(slot)
                    del busy[slot]

    def _case(self, job: Job) -> Case:
        return job if isinstance(job, Case) else make_case(*job, self.seeds)

    def _replace(self, slot: int) -> None:
        process, conn = self.workers[slot]
        process.kill()
        process.join()
        conn.close()
        self.workers[slot] = self._start()

    def close(self) -> None:
        for process, conn in self.workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                conn.send(None)
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
            conn.close()


# ------------------------------------------------------------------------------------------- downstream


def _sections(output: str, marker: re.Pattern[str]) -> dict[str, str]:
    """promtool and amtool print `Checking <file>` before each file's verdict: each file's part of the output."""
    parts: dict[str, str] = {}
    current = None
    for line in output.splitlines():
        match = marker.match(line)
        if match:
            current = match["file"]
            parts[current] = line[match.end() :] + "\n"
        elif current is not None:
            parts[current] += line + "\n"
    return parts


_PROMTOOL_MARK = re.compile(r"^Checking (?P<file>\S+)")
_AMTOOL_MARK = re.compile(r"^Checking '(?P<file>[^']+)'")


def _check_batch(
    items: list[tuple[Result, str, str]], tool: list[str], marker: re.Pattern[str], directory: Path
) -> list[tuple[Result, str]]:
    """(result, output path, text) → the results whose file the tool refused, with the tool's words."""
    files: dict[str, tuple[Result, str]] = {}
    for number, (result, path, text) in enumerate(items):
        file = directory / f"{result.case.index}-{number}-{Path(path).name}"
        file.write_text(text, encoding="utf-8")
        files[str(file)] = (result, path)
    run = subprocess.run([*tool, *files], capture_output=True, text=True, timeout=600)
    sections = _sections(run.stdout, marker)
    # promtool names each file on stdout but prints why it failed on stderr, one FAILED block per failing file in
    # the same order; amtool prints both on stdout.
    reasons = iter(run.stderr.split("FAILED:")[1:])
    refused = []
    for file, (result, path) in files.items():
        section = sections.get(file, "")
        if "SUCCESS" not in section:
            reason = section.replace("FAILED:", "").strip() or next(reasons, run.stderr).strip()
            refused.append((result, f"{path}: {reason.replace(file, path)}"))
    if not refused and run.returncode != 0:
        raise RuntimeError(f"{tool[0]} failed without naming a file: {run.stdout + run.stderr}")
    return refused


def check_downstream(results: list[Result], workers: int) -> None:
    """Rules through `promtool check rules`, Alertmanager configs through `amtool check-config`, in batches."""
    promtool = os.environ.get("PROMTOOL") or shutil.which("promtool")
    amtool = os.environ.get("AMTOOL") or shutil.which("amtool")
    if not promtool or not amtool:
        raise RuntimeError("the fuzzer checks generated output with promtool and amtool; run `make tools`")
    rules = [(r, p, t) for r in results for p, t in r.rules]
    configs = [(r, p, t) for r in results for p, t in r.configs]
    jobs = [
        ([promtool, "check", "rules"], _PROMTOOL_MARK, rules[i : i + BATCH]) for i in range(0, len(rules), BATCH)
    ] + [([amtool, "check-config"], _AMTOOL_MARK, configs[i : i + BATCH]) for i in range(0, len(configs), BATCH)]
    from concurrent.futures import ThreadPoolExecutor

    with tempfile.TemporaryDirectory(prefix="slogen-fuzz-out-") as tmp, ThreadPoolExecutor(workers) as pool:
        batches = []
        for number, (tool, marker, items) in enumerate(jobs):
            directory = Path(tmp, str(number))
            directory.mkdir()
            batches.append(pool.submit(_check_batch, items, tool, marker, directory))
        for batch in batches:
            for result, message in batch.result():
                if result.outcome == "generated":
                    tool = "promtool" if "prometheus/" in message.split(":")[0] else "amtool"
                    result.outcome, result.detail = "rejected", message
                    result.signature = f"rejected by {tool}: {_first_error(message)}"
    for result in results:
        result.rules, result.configs = [], []


def _first_error(message: str) -> str:
    """A stable summary of a tool's complaint: numbers and quoted values blanked."""
    text = message.split(": ", 1)[-1].strip().split("\n")[0]
    text = re.sub(r"^\S+: ", "", text)
    text = re.sub(r'"[^"]*"|\'[^\']*\'', '"…"', text)
    return re.sub(r"\d+", "N", text)[:120]
