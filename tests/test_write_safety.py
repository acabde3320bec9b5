"""generator/write.py under hostile conditions (issue 14): a symlinked output/, leftovers of killed runs, a kill
mid-swap, two runs at once, and output that must not depend on the working directory."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import write as writer
from generator.cli import main
from generator.write import OutputFile, render_tree, write

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"
SLOGEN = Path(sys.executable).parent / "slogen"
SERVICES = 12
RULES = OutputFile("prometheus/rules/a.rules.yml", {"groups": []}, ("specs/a.yaml",))
TESTS = OutputFile("prometheus/tests/a.test.yml", {"tests": []}, ("specs/a.yaml",))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def slogen(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    shutil.copy(FIXTURE, tmp_path / "specs" / "checkout.yaml")
    return tmp_path


# --- 1: output/ as a symlink -------------------------------------------------------------------------


def test_a_symlinked_output_is_written_through_and_stays_a_link(project):
    (project / "gitops" / "slo").mkdir(parents=True)
    (project / "gitops" / "slo" / "README.md").write_text("hand-written\n")
    (project / "out").symlink_to(project / "gitops" / "slo")
    for _ in range(3):  # later runs too
        result = slogen("generate", "specs", "--out", "out")
        assert result.exit_code == 0, result.output
        assert (project / "out").is_symlink()
        assert os.readlink(project / "out") == str(project / "gitops" / "slo")
        files = snapshot(project / "gitops" / "slo")
        assert "prometheus/rules/checkout.rules.yml" in files
        assert files["README.md"] == b"hand-written\n"
        assert slogen("check", "specs", "--out", "out").exit_code == 0
    # Beside the link's target, as the lock is, only the cache of what runs derived (generator/cache.py).
    assert sorted(p.name for p in (project / "gitops").iterdir() if p.name != ".slo.slogen-cache") == ["slo"]
    assert sorted(p.name for p in project.iterdir()) == ["gitops", "out", "specs"]


# --- 2: leftovers of killed runs ---------------------------------------------------------------------


def test_a_later_run_removes_leftovers_of_killed_runs_and_says_so(project):
    assert slogen("generate", "specs", "--out", "out").exit_code == 0
    staging = project / ".out.slogen-new-k1ll3d"
    (staging / "prometheus").mkdir(parents=True)
    (staging / "README.md").write_text("a copy of a user file\n")
    old = project / "out.slogen-old"
    old.mkdir()
    unrelated = project / ".out.other-tool-tmp"
    unrelated.mkdir()
    result = slogen("generate", "specs", "--out", "out")
    assert result.exit_code == 0, result.output
    assert not staging.exists() and not old.exists()
    assert unrelated.exists()  # not slogen's naming: not slogen's to remove
    lines = [line for line in result.stderr.splitlines() if "interrupted" in line]
    assert lines == [f"slogen: removed 2 leftover(s) of interrupted runs: {staging}, {old}"]


# --- 3: a kill mid-swap never leaves output/ missing -------------------------------------------------


def test_the_swap_exchanges_the_trees_so_output_never_goes_missing(tmp_path, monkeypatch):
    out = tmp_path / "output"
    write(out, render_tree([RULES]))
    calls = []
    original = writer._exchange
    monkeypatch.setattr(writer, "_exchange", lambda a, b: calls.append((a, b)) or original(a, b))
    monkeypatch.setattr(Path, "rename", lambda self, target: pytest.fail(f"rename {self} → {target}"))
    write(out, render_tree([RULES, TESTS]))
    assert len(calls) == 1
    assert sorted(snapshot(out)) == [".slogen-manifest", RULES.path, TESTS.path]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


KILLED = """
import os, sys
from pathlib import Path
from generator import write as writer
from generator.write import OutputFile, render_tree, write
writer._exchange = lambda a, b: False  # a filesystem without RENAME_EXCHANGE: the two-rename fallback
original = Path.rename
def rename(self, target):
    if ".slogen-new-" in self.name:
        os._exit(9)  # killed between `output → old` and `staging → output`
    return original(self, target)
Path.rename = rename
write(Path(sys.argv[1]), render_tree([OutputFile("b.yml", {"b": 1})]))
"""


def test_a_run_killed_between_the_two_renames_is_recovered_by_the_next(tmp_path):
    out = tmp_path / "output"
    write(out, render_tree([RULES]))
    (out / "README.md").write_text("hand-written\n")
    before = snapshot(out)
    killed = subprocess.run([sys.executable, "-c", KILLED, str(out)], timeout=60, check=False)
    assert killed.returncode == 9
    assert not out.exists()  # the fallback's window: what recovery is for
    assert writer.drift(out, render_tree([RULES])) == []  # check reads the previous tree meanwhile
    write(out, render_tree([RULES]))
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


# --- 4: two runs at once ------------------------------------------------------------------------------


def test_two_generates_at_once_both_finish_and_leave_one_whole_tree(project):
    for name in ("a", "b", "c"):  # enough services each that the runs' writes overlap
        (project / f"specs-{name}").mkdir()
        for number in range(SERVICES):
            spec = FIXTURE.read_text().replace("service: checkout", f"service: shop-{name}-{number}")
            (project / f"specs-{name}" / f"s{number}.yaml").write_text(spec)
    runs = [
        subprocess.Popen(
            [str(SLOGEN), "generate", f"specs-{name}", "--out", "out", "--prune"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b", "c")
    ]
    results = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    for code, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    rules = sorted(p.name for p in (project / "out/prometheus/rules").iterdir())
    runs_seen = {name.split("-")[1] for name in rules}
    assert len(runs_seen) == 1 and len(rules) == SERVICES  # one run's whole tree
    last = runs_seen.pop()
    assert slogen("check", f"specs-{last}", "--out", "out", "--prune").exit_code == 0
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) in ([], [".out.slogen-cache"])


def test_a_run_that_cannot_get_the_lock_in_time_refuses_clearly(project, monkeypatch):
    monkeypatch.setattr(writer, "LOCK_WAIT", 0.3)
    assert slogen("generate", "specs", "--out", "out").exit_code == 0
    before = snapshot(project / "out")
    spec = project / "specs/checkout.yaml"
    spec.write_text(spec.read_text().replace("objective: 99.9 ", "objective: 99.5 "))
    with writer.output_lock(project / "out"):
        started = time.monotonic()
        result = slogen("generate", "specs", "--out", "out")
        assert time.monotonic() - started < 10
        lock = project / ".out.slogen-lock"
        assert result.exit_code == 1
        assert result.stderr.splitlines()[-1] == (
            f"slogen: another slogen run holds {lock} (pid {os.getpid()}); try again when it has finished"
        )
        assert snapshot(project / "out") == before
        assert slogen("check", "specs", "--out", "out").exit_code == 1  # a reader waits for the writer too
    assert slogen("generate", "specs", "--out", "out").exit_code == 0


def test_readers_share_the_lock(tmp_path):
    out = tmp_path / "output"
    with writer.output_lock(out, shared=True), writer.output_lock(out, shared=True):
        pass
    assert list(tmp_path.iterdir()) == []


def test_check_of_a_read_only_checkout_reads_without_the_lock(project, monkeypatch):
    assert slogen("generate", "specs", "--out", "out").exit_code == 0
    original = os.open

    def read_only(path, *args, **kwargs):
        if str(path).endswith(".slogen-lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    result = slogen("check", "specs", "--out", "out")
    assert result.exit_code == 0, result.output


# --- 5: output does not depend on the working directory ---------------------------------------------


def test_output_is_byte_identical_from_any_working_directory(project, monkeypatch):
    assert slogen("generate", "specs", "--out", "out1").exit_code == 0
    monkeypatch.chdir("/")
    result = slogen("generate", "--specs", str(project / "specs"), "--out", str(project / "out2"))
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(project / "specs")
    assert slogen("generate", ".", "--out", "../out3").exit_code == 0
    first = snapshot(project / "out1")
    assert first == snapshot(project / "out2") == snapshot(project / "out3")
    header = first["prometheus/rules/checkout.rules.yml"].decode().splitlines()[0]
    assert header == "# generated by slogen from specs/checkout.yaml; do not edit"
    assert (
        "generated by slogen from specs/checkout.yaml; do not edit"
        in first["grafana/dashboards/checkout.json"].decode()
    )


def test_a_run_over_one_spec_from_elsewhere_still_owns_only_its_files(project, monkeypatch):
    shutil.copy(Path(__file__).parent / "fixtures" / "routing.yaml", project / "specs" / "shop.yaml")
    assert slogen("generate", "specs", "--out", "out").exit_code == 0
    before = snapshot(project / "out")
    monkeypatch.chdir("/")
    result = slogen("generate", str(project / "specs/checkout.yaml"), "--out", str(project / "out"))
    assert result.exit_code == 0, result.output
    assert "removed" not in result.stderr
    assert "(specs/shop.yaml)" in result.stderr  # the held files name the other spec as the manifest does
    assert snapshot(project / "out") == before
