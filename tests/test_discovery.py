"""Finding the CLI (order, errors) and the version check."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ccsdk._errors import CLINotFoundError, CLIVersionError
from ccsdk.runtime._discovery import (
    MINIMUM_CLI_VERSION,
    check_version,
    find_cli,
    parse_version,
)


def _exe(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME and a PATH with one empty directory; no CCSDK_CLI_PATH."""
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.delenv("CCSDK_CLI_PATH", raising=False)
    # /usr/local/bin/claude is one of the usual places; on a machine that has
    # it, the "nothing found" tests cannot run.
    if Path("/usr/local/bin/claude").exists():
        pytest.skip("a real /usr/local/bin/claude exists")
    return tmp_path


def test_order_explicit_env_path_usual(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = world / "home"
    usual_late = _exe(home / ".claude/local/claude")
    assert find_cli(None) == str(usual_late)

    usual_early = _exe(home / ".npm-global/bin/claude")
    assert find_cli(None) == str(usual_early)

    on_path = _exe(world / "bin/claude")
    assert find_cli(None) == str(on_path)

    from_env = _exe(world / "env/claude")
    monkeypatch.setenv("CCSDK_CLI_PATH", str(from_env))
    assert find_cli(None) == str(from_env)

    explicit = _exe(world / "explicit/claude")
    assert find_cli(explicit) == str(explicit)
    assert find_cli(str(explicit)) == str(explicit)


@pytest.mark.parametrize(
    "relative",
    [
        ".npm-global/bin/claude",
        ".local/bin/claude",
        "node_modules/.bin/claude",
        ".yarn/bin/claude",
        ".claude/local/claude",
    ],
)
def test_each_usual_place(world: Path, relative: str) -> None:
    path = _exe(world / "home" / relative)
    assert find_cli(None) == str(path)


def test_non_executable_usual_place_is_skipped(world: Path) -> None:
    path = world / "home/.local/bin/claude"
    path.parent.mkdir(parents=True)
    path.write_text("")
    with pytest.raises(CLINotFoundError):
        find_cli(None)


def test_not_found_message(world: Path) -> None:
    with pytest.raises(CLINotFoundError) as info:
        find_cli(None)
    text = str(info.value)
    assert "npm install -g @anthropic-ai/claude-code" in text
    assert "cli_path=" in text
    assert "CCSDK_CLI_PATH" in text
    assert info.value.cli_path is None


def test_explicit_missing_path(world: Path) -> None:
    _exe(world / "bin/claude")  # would be found on PATH, but an explicit path wins
    missing = world / "nope/claude"
    with pytest.raises(CLINotFoundError, match="does not exist") as info:
        find_cli(missing)
    assert info.value.cli_path == str(missing)


def test_explicit_not_executable(world: Path) -> None:
    plain = world / "plain"
    plain.write_text("")
    with pytest.raises(CLINotFoundError, match="not executable"):
        find_cli(plain)
    with pytest.raises(CLINotFoundError, match="not executable"):
        find_cli(world)  # a directory


def test_env_var_bad_path_is_an_error(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _exe(world / "bin/claude")
    monkeypatch.setenv("CCSDK_CLI_PATH", str(world / "missing"))
    with pytest.raises(CLINotFoundError, match="CCSDK_CLI_PATH"):
        find_cli(None)


def test_empty_env_var_is_ignored(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = _exe(world / "bin/claude")
    monkeypatch.setenv("CCSDK_CLI_PATH", "")
    assert find_cli(None) == str(on_path)


def test_explicit_bare_name_uses_path(world: Path) -> None:
    beta = _exe(world / "bin/claude-beta")
    assert find_cli("claude-beta") == str(beta)


def test_explicit_tilde_is_expanded(world: Path) -> None:
    path = _exe(world / "home/tools/claude")
    assert find_cli("~/tools/claude") == str(path)
    assert os.path.isabs(find_cli("~/tools/claude"))


# ---- versions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.1.331", (2, 1, 331)),
        ("2.1.331 (Claude Code)", (2, 1, 331)),
        (" v2.1.197\n", (2, 1, 197)),
        ("10.0.0-beta.1", (10, 0, 0)),
        ("2.1", None),
        ("Claude Code", None),
        ("", None),
    ],
)
def test_parse_version(text: str, expected: tuple[int, int, int] | None) -> None:
    assert parse_version(text) == expected


def test_minimum() -> None:
    assert MINIMUM_CLI_VERSION == "2.1.197"


@pytest.mark.parametrize(
    "found", ["2.1.197", "2.1.198", "2.1.331 (Claude Code)", "2.2.0", "3.0.0", None, "", "dev"]
)
def test_check_version_accepts(found: str | None) -> None:
    check_version(found)


@pytest.mark.parametrize("found", ["2.1.196", "2.0.999", "1.9.500", "0.2.1 (Claude Code)"])
def test_check_version_rejects_older(found: str) -> None:
    with pytest.raises(CLIVersionError) as info:
        check_version(found)
    assert info.value.found == found
    assert info.value.minimum == MINIMUM_CLI_VERSION
    assert "npm install -g @anthropic-ai/claude-code" in str(info.value)
