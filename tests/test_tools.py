"""generator/tools.py: how slogen finds and runs promtool/amtool."""

import stat

import pytest

from generator.tools import Tool, ToolError, ToolMissing


def fake_tool(tmp_path, script: str, timeout: int = 5) -> Tool:
    path = tmp_path / "faketool"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return Tool("faketool", "SLOGEN_TEST_FAKETOOL", "install it with apt-get", (2, 37), timeout)


def test_missing_tool_says_how_to_install(monkeypatch):
    monkeypatch.delenv("SLOGEN_TEST_FAKETOOL", raising=False)
    tool = Tool("slogen-no-such-tool", "SLOGEN_TEST_FAKETOOL", "install it with apt-get", (1, 0), 5)
    with pytest.raises(ToolMissing, match="slogen-no-such-tool not found; install it with apt-get"):
        tool.executable()


def test_env_variable_overrides_path_and_version_is_parsed(tmp_path, monkeypatch):
    tool = fake_tool(tmp_path, 'echo "faketool, version 2.42.0 (branch: x)"\n')
    monkeypatch.setenv("SLOGEN_TEST_FAKETOOL", str(tmp_path / "faketool"))
    assert tool.version() == (2, 42, 0)


def test_too_old_a_version_counts_as_missing(tmp_path, monkeypatch):
    tool = fake_tool(tmp_path, 'echo "faketool, version 2.30.1"\n')
    monkeypatch.setenv("SLOGEN_TEST_FAKETOOL", str(tmp_path / "faketool"))
    with pytest.raises(ToolMissing, match=r"2\.30\.1 is older than 2\.37"):
        tool.version()


def test_unreadable_version_is_an_error(tmp_path, monkeypatch):
    tool = fake_tool(tmp_path, 'echo "something else"\n')
    monkeypatch.setenv("SLOGEN_TEST_FAKETOOL", str(tmp_path / "faketool"))
    with pytest.raises(ToolError, match="cannot read faketool's version"):
        tool.version()


def test_a_hung_tool_is_stopped_at_its_timeout(tmp_path, monkeypatch):
    tool = fake_tool(tmp_path, "exec sleep 30\n", timeout=1)
    monkeypatch.setenv("SLOGEN_TEST_FAKETOOL", str(tmp_path / "faketool"))
    with pytest.raises(ToolError, match="did not finish within 1s"):
        tool.run(["check"])
