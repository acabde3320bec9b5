"""One e2e stack (stack.py) per test module that asks for it."""

from collections.abc import Iterator

import pytest

from .stack import Stack, running_stack


@pytest.fixture(scope="module")
def slo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack
