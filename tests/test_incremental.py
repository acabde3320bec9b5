"""Incremental generation (generator/cache.py): after one spec changes, a run re-renders only that spec's service
and writes the bytes a full run writes; a corrupt or stale cache is ignored, never trusted."""

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench import scale
from generator import cache, pipeline, write
from generator.cli import main
from generator.lint import runbook_priorities, slo_names
from generator.targets import RenderOptions, alertmanager, prometheus
from generator.write import SerialisedFile

SERVICES = 3


@pytest.fixture(autouse=True)
def secret_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this user's secret lives (cache.SECRET_FILE): a fresh home for each test."""
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    scale.write_fleet(specs, SERVICES * scale.SLOS_PER_SERVICE)
    return specs


class Recorded:
    """What a spy records, in the run's process or in a worker it forked (the services the cache misses are built
    in one: pipeline._incremental): lines appended to a file, which both see."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_text("", encoding="utf-8")

    def append(self, name: str) -> None:
        with self.path.open("a", encoding="utf-8") as file:  # one write(2) per line, with O_APPEND
            file.write(name + "\n")

    def extend(self, names: Iterable[str]) -> None:
        for name in names:
            self.append(name)

    def clear(self) -> None:
        self.path.write_text("", encoding="utf-8")

    def names(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __eq__(self, other: object) -> bool:
        return self.names() == other


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Recorded:
    """The services whose files a run renders (rather than takes from the cache)."""
    names = Recorded(tmp_path / "rendered.txt")
    render = prometheus.service_files

    def spy(service, options):
        names.append(service.name)
        return render(service, options)

    monkeypatch.setattr(prometheus, "service_files", spy)
    return names


def slogen(*args: str | Path, code: int = 0) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result.output


def generate(specs: Path, out: Path) -> None:
    slogen("generate", "--specs", specs, "--out", out)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def change_objective(spec: Path) -> None:
    spec.write_text(spec.read_text(encoding="utf-8").replace("objective: 99.9", "objective: 99.95"), encoding="utf-8")


def entries(out: Path, kind: str) -> list[Path]:
    return sorted((cache.directory_for(out) / kind).glob("*" + cache.ENTRY))


def test_after_one_spec_changes_only_its_service_is_rendered_and_the_bytes_are_a_full_runs(fleet, tmp_path, rendered):
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    generate(fleet, incremental)
    assert sorted(rendered) == [scale.service_name(i) for i in range(SERVICES)]
    change_objective(fleet / "svc-0001.yaml")
    rendered.clear()
    generate(fleet, incremental)
    assert rendered == ["svc-0001"]
    rendered.clear()
    generate(fleet, full)  # another output directory has a cache of its own: a full run
    assert len(rendered) == SERVICES
    assert snapshot(incremental) == snapshot(full)
    assert b"99.95" in (incremental / "prometheus/rules/svc-0001.rules.yml").read_bytes()


@pytest.fixture
def spanning(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each run that renders the files spanning services (the Alertmanager route tests among them)."""
    runs: list[str] = []
    render = alertmanager.project_files

    def spy(whole, options):
        runs.append(",".join(s.name for s in whole.services))
        return render(whole, options)

    monkeypatch.setattr(alertmanager, "project_files", spy)
    return runs


def test_the_files_spanning_services_are_rendered_again_only_when_what_they_read_changed(fleet, tmp_path, spanning):
    """An objective is in no service's summary (fleet.py): the route tests, the index and the overview are the ones
    output/ holds. A new alert label is: they are rendered again. Either way the bytes are a full run's."""
    out, full = tmp_path / "out", tmp_path / "full"
    generate(fleet, out)
    assert len(spanning) == 1
    change_objective(fleet / "svc-0001.yaml")
    generate(fleet, out)
    assert len(spanning) == 1
    spec = fleet / "svc-0002.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("team: team-2", "team: team-9", 1), encoding="utf-8")
    generate(fleet, out)
    assert len(spanning) == 2
    generate(fleet, full)
    assert snapshot(out) == snapshot(full)
    assert b"team-9" in (out / "alertmanager/routes.test.yml").read_bytes()
    assert "matches the specs" in slogen("check", "--specs", fleet, "--out", out)
    assert len(spanning) == 3  # the full run; check found the files spanning services unchanged


@pytest.fixture
def read_kinds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kind of each cache entry a run reads."""
    kinds: list[str] = []
    get = cache.Cache.get

    def spy(self, kind, key):
        kinds.append(kind)
        return get(self, kind, key)

    monkeypatch.setattr(cache.Cache, "get", spy)
    return kinds


def test_after_an_objective_changes_no_summary_is_read_and_no_rule_compares_services(
    fleet, tmp_path, read_kinds, monkeypatch
):
    """The summaries (the route tests' cases: most of what the cache holds) and the findings of the rules that
    compare services are needed only when a summary changed; the findings are the last run's, as the files are."""
    holder = fleet / "svc-0000.yaml"
    holder.write_text(holder.read_text(encoding="utf-8") + RUNBOOKS, encoding="utf-8")
    out = tmp_path / "out"

    def findings(into: Path) -> list[str]:
        lines = slogen("generate", "--specs", fleet, "--out", into).splitlines()
        return sorted(line for line in lines if ": " in line and not line.startswith("slogen: wrote"))

    assert any("no response times for P2" in f for f in findings(out))  # runbook-priorities compares services
    compared: list[int] = []
    check_fleet = runbook_priorities.check_fleet
    monkeypatch.setattr(runbook_priorities, "check_fleet", lambda whole: compared.append(1) or check_fleet(whole))
    for edit, reads in (
        (lambda text: text.replace("objective: 99.9", "objective: 99.95"), 0),
        (lambda text: text.replace("team: team-1", "team: team-9", 1), SERVICES - 1),  # svc-0001's: built this run
    ):
        spec = fleet / "svc-0001.yaml"
        spec.write_text(edit(spec.read_text(encoding="utf-8")), encoding="utf-8")
        compared.clear()
        read_kinds.clear()
        assert findings(out) == findings(tmp_path / f"full-{reads}")
        assert (read_kinds.count("summaries"), len(compared)) == (reads, 2 if reads else 1)


def test_a_lost_summary_is_built_again_when_a_run_needs_it(fleet, tmp_path, linted):
    out, full = tmp_path / "out", tmp_path / "full"
    generate(fleet, out)
    for path in entries(out, "summaries"):
        if b"svc-0001" in path.read_bytes():
            path.unlink()
    spec = fleet / "svc-0002.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("team: team-2", "team: team-9", 1), encoding="utf-8")
    linted.clear()
    generate(fleet, out)
    assert sorted(set(linted)) == ["svc-0001", "svc-0002"]
    generate(fleet, full)
    assert snapshot(out) == snapshot(full)
    spec.write_text(spec.read_text(encoding="utf-8").replace("team: team-9", "team: team-8", 1), encoding="utf-8")
    linted.clear()
    generate(fleet, out)
    assert sorted(set(linted)) == ["svc-0002"]  # svc-0001's summary was kept again


def test_the_cache_lives_beside_the_output_directory_and_holds_one_runs_entries(fleet, tmp_path):
    out = tmp_path / "out"
    generate(fleet, out)
    assert cache.directory_for(out) == tmp_path / ".out.slogen-cache"
    assert not any(".slogen-cache" in name for name in snapshot(out))
    assert len(entries(out, "services")) == SERVICES
    change_objective(fleet / "svc-0002.yaml")
    generate(fleet, out)
    assert len(entries(out, "services")) == SERVICES  # the entry of svc-0002's old spec is gone
    assert len(entries(out, "documents")) == SERVICES


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda body: body[: len(body) // 2], id="truncated"),
        pytest.param(lambda body: body.replace(b"svc-0000", b"svc-9999"), id="edited"),
        pytest.param(lambda body: b"", id="empty"),
    ],
)
def test_a_damaged_entry_is_ignored_and_written_again(fleet, tmp_path, rendered, damage):
    out, full = tmp_path / "out", tmp_path / "full"
    generate(fleet, out)
    for path in [p for kind in ("services", "documents", "units", "summaries", "outlines") for p in entries(out, kind)]:
        if b"svc-0000" in path.read_bytes():
            path.write_bytes(damage(path.read_bytes()))
    rendered.clear()
    generate(fleet, out)
    assert rendered == ["svc-0000"]
    generate(fleet, full)
    assert snapshot(out) == snapshot(full)
    rendered.clear()
    generate(fleet, out)
    assert rendered == []  # written again, whole


def test_an_entry_for_another_key_is_not_trusted_even_with_a_valid_checksum(fleet, tmp_path, rendered):
    out = tmp_path / "out"
    generate(fleet, out)
    first, second = entries(out, "services")[:2]
    body = second.read_bytes().partition(b"\n")[2]
    secret = cache.user_secret()
    assert secret is not None
    first.write_bytes(cache.seal(secret, body) + b"\n" + body)  # another service's files, sealed with our secret
    rendered.clear()
    generate(fleet, out)
    assert len(rendered) == 1
    assert json.loads(first.read_bytes().partition(b"\n")[2])["key"] == first.name.removesuffix(cache.ENTRY)


def test_another_slogen_version_invalidates_every_entry(fleet, tmp_path, rendered, monkeypatch):
    out = tmp_path / "out"
    generate(fleet, out)
    before = set(entries(out, "services"))
    monkeypatch.setattr(cache, "slogen_digest", lambda: "another slogen")
    rendered.clear()
    generate(fleet, out)
    assert len(rendered) == SERVICES
    assert before.isdisjoint(entries(out, "services"))  # the old version's entries are pruned


def test_the_package_digest_changes_with_any_file_of_the_package_or_the_version(tmp_path):
    (tmp_path / "render").mkdir()
    (tmp_path / "render" / "rules.py").write_text("X = 1\n")
    (tmp_path / "schema.json").write_text("{}")
    first = cache.package_digest(tmp_path, "0.1.0")
    assert cache.package_digest(tmp_path, "0.1.1") != first
    (tmp_path / "render" / "rules.py").write_text("X = 2\n")
    assert cache.package_digest(tmp_path, "0.1.0") != first


def test_check_reports_every_finding_of_a_cached_spec_each_run(fleet, tmp_path):
    out = tmp_path / "out"
    generate(fleet, out)
    spec = fleet / "svc-0001.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("objective: 99.9", "objectiv: 99.9", 1), encoding="utf-8")
    first = slogen("check", "--specs", fleet, "--out", out, code=1)
    assert "unknown field 'objectiv'" in first
    assert slogen("check", "--specs", fleet, "--out", out, code=1) == first  # the second from the cache


def test_a_lint_error_of_a_cached_service_is_reported_every_run(fleet, tmp_path, linted):
    """The run fails on slo-target's error whether the service's findings are found or read from the cache."""
    out = tmp_path / "out"
    generate(fleet, out)
    spec = fleet / "svc-0001.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("objective: 99.9", "objective: 100", 1), "utf-8")
    first = slogen("check", "--specs", fleet, "--out", out, code=1)
    assert "objective 100 leaves a zero error budget" in first
    linted.clear()
    assert slogen("check", "--specs", fleet, "--out", out, code=1) == first
    assert linted == []  # the second run's findings came from the cache


def test_check_after_an_incremental_generate_finds_no_drift_and_then_the_change(fleet, tmp_path):
    out = tmp_path / "out"
    generate(fleet, out)
    change_objective(fleet / "svc-0000.yaml")
    generate(fleet, out)
    assert "matches the specs" in slogen("check", "--specs", fleet, "--out", out)
    change_objective(fleet / "svc-0002.yaml")
    assert "svc-0002.rules.yml" in slogen("check", "--specs", fleet, "--out", out, code=1)


def test_the_docs_index_counts_each_services_alerts_as_its_pages_do(fleet):
    """The index is made from alert_count, which must agree with the pages service_alerts renders."""
    from generator import pipeline
    from generator.render.docs import alert_count, service_alerts

    specs = [fleet, Path(__file__).parent.parent / "slo_specs"]
    for given in specs:
        project = pipeline.check([given]).project
        assert project is not None and project.services
        assert [alert_count(s) for s in project.services] == [len(service_alerts(s)) for s in project.services]


def test_entries_sealed_with_another_users_secret_are_not_trusted(fleet, tmp_path, rendered, secret_home):
    """A cache that came with the repository (a pull request can add one) or from another machine."""
    out = tmp_path / "out"
    generate(fleet, out)
    secret_file = secret_home / cache.SECRET_FILE
    assert secret_file.stat().st_mode & 0o777 == 0o600
    secret_file.unlink()  # the next run makes a new secret, as another user or a CI job has
    rendered.clear()
    generate(fleet, out)
    assert len(rendered) == SERVICES
    full = tmp_path / "full"
    generate(fleet, full)
    assert snapshot(out) == snapshot(full)


def test_without_a_home_for_the_secret_a_run_has_no_cache(fleet, tmp_path, rendered, monkeypatch):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    out = tmp_path / "out"
    generate(fleet, out)
    generate(fleet, out)
    assert len(rendered) == 2 * SERVICES
    assert not cache.directory_for(out).exists()


def test_a_symlinked_output_has_its_cache_beside_the_link_target(tmp_path):
    (tmp_path / "gitops" / "slo").mkdir(parents=True)
    (tmp_path / "out").symlink_to(tmp_path / "gitops" / "slo")
    assert cache.directory_for(tmp_path / "out") == tmp_path / "gitops" / ".slo.slogen-cache"


# --- lint findings: each service's from the cache, the sections' and the fleet rules' found every run ------------

RUNBOOKS = """
runbooks:
  base_url: https://runbooks.example.com/
  priorities:
    P1: {title: High, response: 15m, escalation: 1h, recovery: 2h}
"""


# Every target whose files span services (generator/fleet.py) renders: the deploy targets too.
EVERY_TARGET = RenderOptions(
    targets=("prometheus", "mimir", "thanos", "vmalert", "prometheus-operator", "grafana-sidecar", "grafana-operator")
)


def run(specs: Path, out: Path | None = None) -> tuple[list[str], dict[str, bytes]]:
    """A run's findings and tree, with the cache beside `out` or without a cache."""
    cached = cache.for_output(out) if out else None
    outcome, tree = pipeline.generate_tree([specs], EVERY_TARGET, cached=cached)
    return sorted(f.text() for f in outcome.findings), tree


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Recorded:
    """The services a rule that reads one service at a time (slo-names) is run over."""
    names = Recorded(tmp_path / "linted.txt")
    run = slo_names.check

    def spy(project):
        names.extend(s.name for s in project.services)
        return run(project)

    monkeypatch.setattr(slo_names, "check", spy)
    return names


def test_a_cached_run_finds_and_writes_what_an_uncached_run_does_after_each_change(fleet, tmp_path, linted):
    """Runbook URLs that name no page slogen writes (runbook-page, one service at a time), a priority without
    response times (runbook-priorities, comparing services), routing's route tests, the runbook pages and the deploy
    targets' lists: cached and uncached runs agree, and only the changed service's model is built and linted."""
    holder = fleet / "svc-0000.yaml"  # the service that holds the routing section
    holder.write_text(holder.read_text(encoding="utf-8") + RUNBOOKS, encoding="utf-8")
    out = tmp_path / "out"
    expected = run(fleet)
    assert any("runbooks.example.com/svc-0001/availability is under runbooks.base_url" in f for f in expected[0])
    assert any("no response times for P2" in f for f in expected[0])
    assert (
        "alertmanager/routes.test.yml" in expected[1]
        and "kubernetes/prometheus-operator/kustomization.yaml" in expected[1]
    )
    assert run(fleet, out) == expected
    linted.clear()
    assert run(fleet, out) == expected
    assert linted == []
    spec = fleet / "svc-0002.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("svc-0002/latency", "svc-0002/Latency"), "utf-8")
    changed = run(fleet)
    linted.clear()
    assert run(fleet, out) == changed != expected
    assert sorted(set(linted)) == ["svc-0002"]
    change_objective(holder)  # a service of the file that holds the sections, not the sections
    changed = run(fleet)
    linted.clear()
    assert run(fleet, out) == changed
    assert sorted(set(linted)) == ["svc-0000"]
    holder.write_text(holder.read_text(encoding="utf-8").replace("  base_url: https://runbooks.example.com/\n", ""))
    changed = run(fleet)
    linted.clear()
    assert run(fleet, out) == changed != expected  # the sections changed: every service's findings again
    assert sorted(set(linted)) == [f"svc-{i:04d}" for i in range(SERVICES)]


def test_a_services_files_are_read_back_from_the_output_only_as_the_entry_has_them(tmp_path):
    out = tmp_path / "out"
    files = [SerialisedFile("prometheus/rules/a.rules.yml", b"x: 1\n", ("specs/a.yaml",)), SerialisedFile("e.md", b"")]
    entry = cache.files_entry(files)
    assert cache.files_from(entry, out) is None  # not written yet: the run that made the entry failed, or checked
    (out / "prometheus/rules").mkdir(parents=True)
    (out / "prometheus/rules/a.rules.yml").write_bytes(b"x: 1\n")
    (out / "e.md").write_bytes(b"")
    assert cache.files_from(entry, out) == files
    (out / "prometheus/rules/a.rules.yml").write_bytes(b"x: 2\n")  # edited by hand
    assert cache.files_from(entry, out) is None
    (out / "prometheus/rules/a.rules.yml").write_bytes(b"x: 1\n")
    (out / "e.md").unlink()
    os.mkfifo(out / "e.md")  # would block a plain read
    assert cache.files_from(entry, out) is None
    (out / "e.md").unlink()
    (tmp_path / "elsewhere.md").write_bytes(b"")
    (out / "e.md").symlink_to(tmp_path / "elsewhere.md")
    assert cache.files_from(entry, out) is None
    for misshapen in (None, [["e.md"]], [[1, 2, 3]], "e.md", [["e.md", "0" * 64, []]]):
        assert cache.files_from(misshapen, out) is None


def test_a_hand_edited_output_file_has_its_service_rendered_again(fleet, tmp_path, rendered):
    out = tmp_path / "out"
    generate(fleet, out)
    rules = out / "prometheus/rules/svc-0001.rules.yml"
    written = rules.read_bytes()
    rules.write_bytes(written.replace(b"svc-0001", b"svc-0009"))
    rendered.clear()
    generate(fleet, out)
    assert rendered == ["svc-0001"]
    assert rules.read_bytes() == written


def test_output_files_still_as_the_last_write_left_them_are_not_read_again(fleet, tmp_path, monkeypatch):
    """After a write, the cache keeps each file's identity (generator/cache.py): a later run takes a file that still
    has it as unchanged without reading it, and reads back only a service whose files changed since (one touched)."""
    out = tmp_path / "out"
    generate(fleet, out)
    read: list[str] = []
    held_files = write.held_files

    def spy(output: Path, paths: list[str]) -> list[bytes | None]:
        read.extend(paths)
        return held_files(output, paths)

    monkeypatch.setattr(write, "held_files", spy)
    change_objective(fleet / "svc-0001.yaml")
    generate(fleet, out)
    assert read == []
    touched = out / "prometheus/rules/svc-0002.rules.yml"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 1))
    generate(fleet, out)
    assert "prometheus/rules/svc-0002.rules.yml" in read
    assert not any("svc-0000" in path or "svc-0001" in path for path in read)
    slogen("check", "--specs", fleet, "--out", out)


def test_the_output_a_write_replaced_stays_in_the_cache_as_the_next_runs_staging_tree(fleet, tmp_path):
    out = tmp_path / "out"
    generate(fleet, out)
    spare = cache.directory_for(out) / cache.SPARE_TREE
    assert snapshot(spare) == snapshot(out)  # the two trees share their files' inodes, not copies
    rules = "prometheus/rules/svc-0000.rules.yml"
    assert (spare / rules).stat().st_ino == (out / rules).stat().st_ino
    change_objective(fleet / "svc-0000.yaml")
    generate(fleet, out)
    assert (spare / rules).read_bytes() != (out / rules).read_bytes()
    assert (spare / rules).exists()  # prune() leaves the spare tree alone


RENDERERS = ("grafanalib", "jinja2", "jsonschema", "generator.render.dashboards", "generator.targets.prometheus")


def renderers_imported(command: str, specs: Path, out: Path, home: Path) -> list[str]:
    """Which of RENDERERS the process of a `slogen <command>` run imported: a fresh interpreter's sys.modules."""
    script = (
        "import sys\nfrom generator.cli import main\n"
        f"try:\n    main([{command!r}, '--specs', {str(specs)!r}, '--out', {str(out)!r}])\nexcept SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        f"print(sorted(m for m in {RENDERERS!r} if m in sys.modules))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.splitlines()[-1])


def test_a_run_imports_the_renderers_only_where_it_renders(fleet, tmp_path, secret_home):
    """The run's own process renders the files spanning services, and the services the cache misses are rendered
    in a worker it forks (pipeline._incremental): after an objective changes, `generate` imports no renderer
    itself, nor jsonschema (the changed spec is valid: the schema predicate says so, generator/schema_predicate.py),
    and a `check` of what it wrote imports none of them."""
    out = tmp_path / "out"
    assert renderers_imported("generate", fleet, out, secret_home) == sorted(RENDERERS)
    change_objective(fleet / "svc-0001.yaml")
    assert renderers_imported("generate", fleet, out, secret_home) == []
    assert b"99.95" in (out / "prometheus/rules/svc-0001.rules.yml").read_bytes()
    assert renderers_imported("check", fleet, out, secret_home) == []
    generate(fleet, tmp_path / "full")
    assert snapshot(out) == snapshot(tmp_path / "full")
