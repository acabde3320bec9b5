"""Issue 14: hostile or pathological input is a finding with a position, never a traceback, a hang or a leak."""

import json
import os
import time
from pathlib import Path

import pytest

from generator import pipeline
from generator.document import LoadError
from generator.inputs import jsonnet_spec, yaml_spec
from generator.load import MAX_SPEC_BYTES, load
from generator.secrets import looks_secret, redact

WEBHOOK = "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx"


def load_error(tmp_path: Path, text: str, name: str = "spec.yaml") -> LoadError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(path, name, tmp_path)
    return caught.value


# --- 1. control characters -------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x0c", "\x01", "\x7f", "\x00", "\ufffe"])
def test_a_control_character_is_a_load_error_at_its_position(tmp_path, char):
    error = load_error(tmp_path, f'apiVersion: slogen/v1\nservice: "chec{char}kout"\n')
    assert (error.line, error.column) == (2, 15)
    assert str(error) == (
        f"control character U+{ord(char):04X} is not allowed in YAML; "
        "remove it or write it as an escape in a double-quoted string"
    )


def test_a_control_character_is_a_finding_from_the_pipeline(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text("a: 1\nb: x\x01\n", encoding="utf-8")
    outcome = pipeline.check([Path("spec.yaml")])
    assert [f.text() for f in outcome.findings] == [
        "spec.yaml:2:5: (document): control character U+0001 is not allowed in YAML; "
        "remove it or write it as an escape in a double-quoted string"
    ]


# --- 2. nesting depth ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "slos: " + "[" * 500 + "]" * 500 + "\n",
        "slos: " + "{a: " * 500 + "1" + "}" * 500 + "\n",
        "slos: " + "[" * 50_000 + "\n",
        "".join("  " * i + "a:\n" for i in range(500)) + "  " * 500 + "b: 1\n",
    ],
    ids=["flow-lists", "flow-mappings", "unclosed-50000", "block-mappings"],
)
def test_deep_yaml_nesting_is_refused_at_the_depth_limit(tmp_path, text):
    error = load_error(tmp_path, text)
    assert f"nested more than {yaml_spec.MAX_DEPTH} levels deep" in str(error)
    assert error.line >= 1 and error.column >= 1


def test_nesting_within_the_limit_loads(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("a: " + "[" * 50 + "]" * 50 + "\n", encoding="utf-8")
    assert load(path, "spec.yaml", tmp_path).data["a"] == json.loads("[" * 50 + "]" * 50)


@pytest.mark.parametrize("depth", [150, 200])  # Jsonnet's own 500-frame stack stops deeper output
def test_deep_jsonnet_output_is_refused_at_the_depth_limit(tmp_path, depth):
    spec = tmp_path / "deep.jsonnet"
    spec.write_text(
        f"{{ apiVersion: 'slogen/v1', slos: std.foldl(function(acc, i) [acc], std.range(1, {depth}), []) }}\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match=f"nested more than {yaml_spec.MAX_DEPTH} levels deep"):
        load(spec, "deep.jsonnet", tmp_path)


# --- 3. size limits --------------------------------------------------------------------------------


def test_a_spec_file_above_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: [" + "1, " * (MAX_SPEC_BYTES // 3 + 10) + "1]\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(LoadError) as caught:
        load(path, "big.yaml", tmp_path)
    assert time.monotonic() - started < 1
    assert str(caught.value).startswith("spec file is 512 KiB, above the 512 KiB limit slogen reads")


def test_the_node_limit_is_checked_while_composing_not_after(tmp_path):
    # The syntax error at the end is never reached: composition stops at the node limit first.
    error = load_error(tmp_path, "a: [" + "1, " * (yaml_spec.MAX_NODES + 10) + "1]\nb: c: d\n")
    assert f"more than {yaml_spec.MAX_NODES} values" in str(error)
    assert error.line == 1


# --- 4. Jsonnet time and memory --------------------------------------------------------------------


def test_jsonnet_memory_is_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonnet_spec, "MEMORY_LIMIT_BYTES", 512 * 2**20)
    # Filling 512 MiB takes about a second here, and several under the full suite's load: the time limit, which
    # its own test proves, must not be what stops this one.
    monkeypatch.setattr(jsonnet_spec, "TIMEOUT_SECONDS", 60)
    spec = tmp_path / "huge.jsonnet"
    spec.write_text("{ apiVersion: 'slogen/v1', slos: std.range(0, 1e8) }\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(spec, "huge.jsonnet", tmp_path)
    assert str(caught.value).startswith("Jsonnet evaluation of huge.jsonnet stopped at the 512 MiB memory limit")


def test_jsonnet_time_is_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonnet_spec, "TIMEOUT_SECONDS", 1)
    spec = tmp_path / "slow.jsonnet"
    spec.write_text(
        "local loop(n) = if n == 0 then 0 else loop(n - 1) tailstrict;\n{ apiVersion: 'slogen/v1', x: loop(1e12) }\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    with pytest.raises(LoadError) as caught:
        load(spec, "slow.jsonnet", tmp_path)
    assert time.monotonic() - started < 10
    assert str(caught.value).startswith("Jsonnet evaluation of slow.jsonnet took longer than 1 s")


# --- 5. symlinks out of the specs directory --------------------------------------------------------


def test_a_spec_that_links_outside_the_specs_directory_is_not_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nhunter2\n", encoding="utf-8")
    (tmp_path / "specs").mkdir()
    os.symlink(secret, tmp_path / "specs" / "evil.yaml")
    outcome = pipeline.check([Path("specs")])
    assert [f.text() for f in outcome.findings] == [
        "specs/evil.yaml:1:1: (document): specs/evil.yaml is a link to a file outside the specs directory; "
        "slogen reads only files inside it"
    ]


def test_a_link_inside_the_specs_directory_is_read(tmp_path):
    (tmp_path / "real.yaml").write_text("a: 1\n", encoding="utf-8")
    os.symlink(tmp_path / "real.yaml", tmp_path / "link.yaml")
    assert load(tmp_path / "link.yaml", "link.yaml", tmp_path).data == {"a": 1}


def test_a_file_that_is_one_long_string_is_not_echoed_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = [f"user{i}:x:{i}:{i}::/home/user{i}:/bin/sh" for i in range(40)]
    (tmp_path / "spec.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = pipeline.check([Path("spec.yaml")])
    assert outcome.findings
    assert all("user39" not in f.message and len(f.message) < 400 for f in outcome.findings)


# --- 6. the secret detector is linear --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["a" * 1_000_000, "a:" * 500_000, "ab://" + "a" * 1_000_000, "x://a:" + "b" * 1_000_000, "?token" * 200_000],
    ids=["letters", "colons", "scheme", "userinfo", "params"],
)
def test_a_megabyte_string_is_checked_for_secrets_quickly(text):
    started = time.monotonic()
    looks_secret(text)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "text",
    [
        WEBHOOK,
        "https://discord.com/api/webhooks/123/abc",
        "xoxb-1234-abcd",
        "https://user:hunter2@example.com/x",
        "https://example.com/hook?token=abc123",
        "see HTTP://u:p@h/ here",
    ],
)
def test_secrets_are_still_found(text):
    assert looks_secret(text)


@pytest.mark.parametrize("text", ["https://example.com/x", "a://b", "?tokens", "user:pass without a scheme@host"])
def test_plain_text_is_not_a_secret(text):
    assert not looks_secret(text)


# --- 7. secrets are never echoed, and are found in schema-invalid documents ------------------------


def test_redact_keeps_only_the_start_of_the_secret():
    assert redact(f'"{WEBHOOK}" is not valid') == '"https://hooks.slack.com/services/T0…(redacted)" is not valid'
    assert "hunter2" not in redact("https://user:hunter2@example.com/x")
    assert redact("nothing secret here") == "nothing secret here"


ROUTING_WITH_URL = f"""\
apiVersion: slogen/v1
routing:
  default_receiver: ops
  receivers:
    - name: ops
      type: slack
      url_file: "{WEBHOOK}"
"""


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_webhook_url_in_url_file_is_never_echoed(tmp_path, monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "routing.yaml").write_text(ROUTING_WITH_URL, encoding="utf-8")
    outcome = pipeline.check([Path("routing.yaml")])
    printed = "\n".join(f.text() if output == "text" else f.as_json() for f in outcome.findings)
    assert "abcdefghijklmnopqrstuvwx" not in printed
    assert "B0456EFGH" not in printed
    assert "(redacted)" in printed


def test_the_inline_secret_rule_runs_on_schema_invalid_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "routing.yaml").write_text(ROUTING_WITH_URL, encoding="utf-8")
    outcome = pipeline.check([Path("routing.yaml")])
    assert [f.path for f in outcome.findings if f.rule == "inline-secret"] == ["routing.receivers[0].url_file"]


def test_a_long_value_in_a_yaml_error_is_cut_short(tmp_path):
    error = load_error(tmp_path, "a: !!int " + "x" * 5000 + "\n")
    assert str(error).startswith("'xxx") and len(str(error)) < 200
