"""What every `slogen import` format shares: the registry the loader consults, the bounded read, and specs
written all or none."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli, write
from generator.inputs import importers
from generator.inputs.importers import sources

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def run(*args: str | Path):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


@pytest.mark.parametrize(
    ("fixture", "fmt"),
    [
        ("sloth/no-alerts.yml", "sloth"),
        ("sloth/k8s-getting-started.yml", "sloth"),
        ("openslo/examples/sloth-openslo-getting-started.yml", "openslo"),
        ("pyrra/examples/kubernetes/slos/apiserver-request-errors.yaml", "pyrra"),
    ],
)
def test_each_tools_file_is_recognised_by_its_importer_alone(fixture, fmt):
    from generator.inputs.yaml_spec import load_all

    path = FIXTURES / fixture
    document = load_all(str(path), path.read_text(encoding="utf-8"))[0]
    assert [name for name, importer in importers.IMPORTERS.items() if importer.recognises(document.data)] == [fmt]
    assert importers.recognise({"apiVersion": "slogen/v1", "service": "x"}) is None


@pytest.mark.parametrize(
    ("fixture", "command"),
    [
        ("openslo/examples/sloth-openslo-getting-started.yml", "slogen import openslo"),
        ("pyrra/examples/kubernetes/slos/apiserver-request-errors.yaml", "slogen import pyrra"),
    ],
)
def test_generate_refuses_another_tools_file_with_the_command_that_converts_it(fixture, command, tmp_path):
    result = run("generate", "--specs", FIXTURES / fixture, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert ":1:1: (document): this is " in result.output and f"convert it with `{command} " in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_an_oversized_file_is_refused_in_one_line_before_parsing(tmp_path):
    big = tmp_path / "fleet.yml"
    big.write_text("# padding\n" * (sources.MAX_IMPORT_BYTES // 10 + 1))
    result = run("import", "sloth", big, "--out", tmp_path / "specs")
    assert result.exit_code == 1
    assert "fleet.yml:1:1: (document): the file is 4096 KiB, above the 4096 KiB limit slogen reads" in result.output
    assert not (tmp_path / "specs").exists()


def test_a_failing_rename_leaves_no_half_file_and_no_temporary(tmp_path, monkeypatch):
    real_replace = write.os.replace
    calls = []

    def fail_second(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(write.os, "replace", fail_second)
    with pytest.raises(OSError):
        write.write_files(tmp_path, {"a.yaml": "a: 1\n", "b.yaml": "b: 2\n", "c.yaml": "c: 3\n"})
    # the first rename happened; no half-written file and no temporary is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]
    assert (tmp_path / "a.yaml").read_text() == "a: 1\n"


def test_a_write_that_fails_before_any_rename_leaves_nothing(tmp_path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "replace", no_space)
    with pytest.raises(OSError):
        write.write_files(tmp_path / "specs", {"a.yaml": "a: 1\n", "b.yaml": "b: 2\n"})
    assert list((tmp_path / "specs").iterdir()) == []


def test_export_writes_through_the_same_writer(tmp_path):
    result = run("export", "openslo", Path(__file__).parent / "fixtures" / "checkout.yaml", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["checkout.openslo.yaml"]
