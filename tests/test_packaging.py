"""The wheel is the product only: SimCity and the Prometheus/Alertmanager harness live in the development
package `testing/`, which neither ships nor gets imported by anything that ships."""

import ast
import subprocess
import sys
import warnings
from pathlib import Path

from setuptools.config.pyprojecttoml import read_configuration

ROOT = Path(__file__).parents[1]
DEV_PACKAGE = "testing"


def _is_dev(module: str) -> bool:
    return module == DEV_PACKAGE or module.startswith(DEV_PACKAGE + ".")


def wheel_files() -> list[Path]:
    """What setuptools puts in the wheel: the .py files of the packages pyproject.toml finds, plus package data.

    Reading the configuration instead of building a wheel keeps this fast and leaves no build/ in the tree.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # setuptools calls its pyproject.toml support beta on some versions
        config = read_configuration(ROOT / "pyproject.toml", expand=True)["tool"]["setuptools"]
    files = []
    for package in config["packages"]:
        directory = ROOT.joinpath(*package.split("."))
        files += sorted(directory.glob("*.py"))
        for pattern in config.get("package-data", {}).get(package, []):
            files += sorted(directory.glob(pattern))
    return [path.relative_to(ROOT) for path in files]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }


def test_the_wheel_holds_the_generator_and_no_development_code():
    files = wheel_files()
    assert Path("generator/cli.py") in files and any(path.suffix == ".json" for path in files)
    assert not [path for path in files if path.parts[0] != "generator" or "simcity" in path.parts]


def test_nothing_in_the_wheel_imports_the_development_package():
    """Also catches a lazy import inside a function, which the sys.modules check below cannot see."""
    offenders = {
        str(path): sorted(filter(_is_dev, imported_modules(path))) for path in wheel_files() if path.suffix == ".py"
    }
    assert not {path: modules for path, modules in offenders.items() if modules}


def test_starting_the_cli_loads_no_development_code():
    # From the repo root, where `testing` is importable: an import of it would succeed and show up here.
    script = (
        f"import generator.cli, sys; loaded = [m for m in sys.modules if m == {DEV_PACKAGE!r} "
        f"or m.startswith({DEV_PACKAGE + '.'!r}) or 'simcity' in m]; assert not loaded, loaded"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_the_wheel_holds_the_docs_templates():
    """render/docs.py loads its jinja2 templates as package data; a wheel without them could not write docs/."""
    templates = sorted((ROOT / "generator" / "render" / "templates").glob("*.j2"))
    assert templates
    assert {path.relative_to(ROOT) for path in templates} <= set(wheel_files())
