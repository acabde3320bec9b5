"""The lint tests run in a fresh tmp_path: findings name files relative to the working directory."""

import pytest


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Findings name files relative to the working directory; run where the specs are."""
    monkeypatch.chdir(tmp_path)
