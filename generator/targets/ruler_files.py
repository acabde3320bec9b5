"""What the Mimir and Thanos targets share: Prometheus rule groups with a few keys of the ruler's own, checked by
`promtool check rules` once those keys are set aside (promtool decodes strictly and knows none of them), and by a
check of those keys that promtool cannot make."""

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from .. import promtool
from ..testplan import Outcome, Step

Group = dict[str, Any]
# a file's document → the problems of the ruler's own keys in it, one line each, naming the group
FieldCheck = Callable[[dict[str, Any]], list[str]]


def rule_groups(rendered: dict[str, object]) -> list[Group]:
    groups = rendered["groups"]
    assert isinstance(groups, list)
    return groups


def steps(
    directory: Path, pattern: str, fields: tuple[str, ...], check: FieldCheck, max_groups: int | None = None
) -> list[Step]:
    """One promtool step over the target's files under `directory`; none when the target was not generated.
    `max_groups`: how many groups all the files may hold together (a Mimir tenant's limit)."""
    files = sorted(directory.glob(pattern)) if directory.is_dir() else []
    if not files:
        return []
    what = f"check rules: {len(files)} {directory.name} file(s), without {', '.join(fields)}"
    return [Step("promtool", what, partial(check_files, files, fields, check, max_groups))]


def check_files(
    files: list[Path], fields: tuple[str, ...], check: FieldCheck, max_groups: int | None = None
) -> Outcome:
    """The ruler's own keys checked here, the rest by `promtool check rules` on a copy without them."""
    promtool.version()
    problems: list[str] = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="slogen-rulers-") as tmp:
        plain: list[Path] = []
        for index, path in enumerate(files):
            document = yaml.safe_load(path.read_text())
            groups = document.get("groups") if isinstance(document, dict) else None
            if not isinstance(document, dict) or not isinstance(groups, list):
                problems.append(f"{path}: no `groups:` list")
                continue
            problems.extend(f"{path}: {problem}" for problem in check(document))
            total += len(groups)
            copy = Path(tmp) / f"{index}-{path.name}"
            copy.write_text(yaml.safe_dump({"groups": [_without(group, fields) for group in groups]}))
            plain.append(copy)
        passed, _problems, output = promtool.check_rules(plain) if plain else (True, [], "")
        for index, path in enumerate(files):  # name the user's files, not the copies
            output = output.replace(str(Path(tmp) / f"{index}-{path.name}"), str(path))
    if max_groups is not None and total > max_groups:
        problems.append(f"{total} rule groups in {len(files)} file(s), above the limit of {max_groups}")
    report = "".join(f"{problem}\n" for problem in problems) + ("" if passed else output)
    return Outcome(passed and not problems, len(files), report)


def _without(group: object, fields: tuple[str, ...]) -> object:
    return {k: v for k, v in group.items() if k not in fields} if isinstance(group, dict) else group
