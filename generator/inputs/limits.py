"""How big and how deep a spec may be, in any format: a real spec has a few thousand values, nested
fewer than 15 levels. The limits stop hostile input (alias bombs, 500-level nesting) with a finding
instead of a RecursionError or minutes of parsing."""

from typing import Any

from ..document import LoadError, Position

# Alias expansion is where a "billion laughs" document explodes; a real spec has a few thousand nodes.
MAX_NODES = 100_000
# Python's recursion limit (1000 frames) is reached near 500 levels in PyYAML's composer and in every
# walk over the data; 100 leaves room for both and is still far above any real spec.
MAX_DEPTH = 100


def too_deep(position: Position) -> LoadError:
    return LoadError(
        f"the document is nested more than {MAX_DEPTH} levels deep; a spec needs fewer than 15, so flatten it",
        *position,
    )


def too_many(position: Position) -> LoadError:
    return LoadError(
        f"the document has more than {MAX_NODES} values (alias bomb?); a spec has a few thousand, so "
        "split it into several files and write it out without nested aliases",
        *position,
    )


def check_shape(data: Any, position: Position = (1, 1)) -> None:
    """The same limits for data that arrives already parsed (Jsonnet output), walked without recursion."""
    stack = [(data, 1)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise too_many(position)
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        if children and depth > MAX_DEPTH:
            raise too_deep(position)
        stack.extend((child, depth + 1) for child in children)
