"""argv and environment built from the options, and their redaction."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ccsdk.options import ClaudeCodeOptions
from ccsdk.runtime.command import REDACTED, build_argv, build_env, redact_argv, redact_env
from ccsdk.types import PermissionResultAllow, ToolPermissionContext

HEAD = ["claude", "--output-format", "stream-json", "--verbose"]
TAIL = ["--input-format", "stream-json"]


async def _allow(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
    return PermissionResultAllow()


def test_minimal_argv() -> None:
    assert build_argv(ClaudeCodeOptions(), "claude") == HEAD + TAIL


def test_full_option_argv_snapshot() -> None:
    options = ClaudeCodeOptions(
        system_prompt="SP",
        append_system_prompt="AP",
        allowed_tools=["Read", "Bash"],
        max_turns=3,
        disallowed_tools=["Write"],
        model="m",
        can_use_tool=_allow,
        permission_mode="acceptEdits",
        continue_conversation=True,
        resume="abc",
        settings="s.json",
        add_dirs=["/a", Path("/b")],
        mcp_servers={
            "s": {"type": "sdk", "name": "s", "instance": object()},
            "ext": {"command": "x"},
        },
        include_partial_messages=True,
        extra_args={"debug-to-stderr": None, "foo": "bar"},
        cwd="/work",
        user="nobody",
    )
    assert build_argv(options, "claude") == [
        *HEAD,
        "--system-prompt=SP",
        "--append-system-prompt=AP",
        "--allowedTools=Read,Bash",
        "--max-turns=3",
        "--disallowedTools=Write",
        "--model=m",
        "--permission-prompt-tool=stdio",
        "--permission-mode=acceptEdits",
        "--continue",
        "--resume=abc",
        "--settings=s.json",
        "--add-dir=/a",
        "--add-dir=/b",
        '--mcp-config={"mcpServers":{"s":{"type":"sdk","name":"s"},"ext":{"command":"x"}}}',
        "--include-partial-messages",
        "--debug-to-stderr",
        "--foo=bar",
        *TAIL,
    ]


def test_never_print() -> None:
    argv = build_argv(ClaudeCodeOptions(system_prompt="x", resume="y"), "claude")
    assert "--print" not in argv and "-p" not in argv


@pytest.mark.parametrize(
    ("kwargs", "arg"),
    [
        ({"resume": "--dangerous"}, "--resume=--dangerous"),
        ({"model": "-m evil"}, "--model=-m evil"),
        (
            {"system_prompt": "--dangerously-skip-permissions"},
            "--system-prompt=--dangerously-skip-permissions",
        ),
        ({"settings": "-x"}, "--settings=-x"),
        ({"add_dirs": ["--foo"]}, "--add-dir=--foo"),
        ({"extra_args": {"k": "--bar"}}, "--k=--bar"),
        ({"mcp_servers": "--x"}, "--mcp-config=--x"),
    ],
)
def test_values_cannot_inject_flags(kwargs: dict[str, Any], arg: str) -> None:
    argv = build_argv(ClaudeCodeOptions(**kwargs), "claude")
    assert argv == [*HEAD, arg, *TAIL]


def test_zero_and_empty_values_are_sent() -> None:
    argv = build_argv(ClaudeCodeOptions(max_turns=0, system_prompt=""), "claude")
    assert argv == [*HEAD, "--system-prompt=", "--max-turns=0", *TAIL]


def test_system_prompt_none_sends_no_flag() -> None:
    argv = build_argv(ClaudeCodeOptions(), "claude")
    assert not any(a.startswith("--system-prompt") for a in argv)


def test_permission_prompt_tool_name() -> None:
    argv = build_argv(ClaudeCodeOptions(permission_prompt_tool_name="mcp__p__ask"), "claude")
    assert argv == [*HEAD, "--permission-prompt-tool=mcp__p__ask", *TAIL]


def test_can_use_tool_with_permission_prompt_tool_name_is_an_error() -> None:
    options = ClaudeCodeOptions(can_use_tool=_allow)
    options.permission_prompt_tool_name = "mcp__p__ask"  # bypasses the construction check
    with pytest.raises(ValueError, match="cannot both be set"):
        build_argv(options, "claude")


def test_mcp_config_never_serialises_the_instance() -> None:
    class Server:
        pass

    options = ClaudeCodeOptions(
        mcp_servers={
            "tools": {"type": "sdk", "name": "my-tools", "instance": Server()},
            "web": {"type": "http", "url": "https://x", "headers": {"A": "b"}},
        }
    )
    (arg,) = build_argv(options, "claude")[len(HEAD) : -len(TAIL)]
    assert arg.startswith("--mcp-config=")
    assert json.loads(arg.removeprefix("--mcp-config=")) == {
        "mcpServers": {
            "tools": {"type": "sdk", "name": "my-tools"},
            "web": {"type": "http", "url": "https://x", "headers": {"A": "b"}},
        }
    }


def test_mcp_config_path_and_empty() -> None:
    argv = build_argv(ClaudeCodeOptions(mcp_servers=Path("/etc/mcp.json")), "claude")
    assert argv == [*HEAD, "--mcp-config=/etc/mcp.json", *TAIL]
    assert build_argv(ClaudeCodeOptions(mcp_servers=""), "claude") == HEAD + TAIL


@pytest.mark.parametrize("name", ["", "-x", "--foo"])
def test_bad_extra_arg_names(name: str) -> None:
    with pytest.raises(ValueError, match="extra_args"):
        build_argv(ClaudeCodeOptions(extra_args={name: None}), "claude")


# ---- environment -------------------------------------------------------------


def test_env_rules() -> None:
    base = {"PATH": "/bin", "CLAUDECODE": "1", "CLAUDE_CODE_ENTRYPOINT": "cli", "HOME": "/h"}
    env = build_env(ClaudeCodeOptions(env={"HOME": "/other", "X": "y"}), base)
    assert env == {
        "PATH": "/bin",
        "HOME": "/other",
        "X": "y",
        "CLAUDE_CODE_ENTRYPOINT": "sdk-py",
        "CLAUDE_CODE_SDK_READS_SESSION_STATE": "1",
    }
    assert base["CLAUDECODE"] == "1"  # the base is not modified


def test_user_env_wins_over_sdk_values() -> None:
    options = ClaudeCodeOptions(
        cwd="/w",
        env={
            "CLAUDE_CODE_ENTRYPOINT": "mine",
            "CLAUDE_CODE_SDK_READS_SESSION_STATE": "0",
            "PWD": "/p",
        },
    )
    env = build_env(options, {})
    assert env["CLAUDE_CODE_ENTRYPOINT"] == "mine"
    assert env["CLAUDE_CODE_SDK_READS_SESSION_STATE"] == "0"
    assert env["PWD"] == "/p"


def test_pwd_is_the_absolute_cwd() -> None:
    assert build_env(ClaudeCodeOptions(cwd=Path("/w/x")), {})["PWD"] == "/w/x"
    assert build_env(ClaudeCodeOptions(cwd="rel"), {})["PWD"] == os.path.abspath("rel")
    assert "PWD" not in build_env(ClaudeCodeOptions(), {})


def test_non_str_env_value_is_an_error() -> None:
    with pytest.raises(TypeError, match="'N'"):
        build_env(ClaudeCodeOptions(env={"N": 1}), {})  # type: ignore[dict-item]


# ---- redaction -------------------------------------------------------------


def test_redact_env() -> None:
    env = {
        "ANTHROPIC_API_KEY": "sk-1",
        "CLAUDE_CODE_OAUTH_TOKEN": "t",
        "aws_secret_access_key": "s",
        "DB_PASSWORD": "p",
        "AUTHORIZATION": "Bearer x",
        "PATH": "/bin",
    }
    assert redact_env(env) == {
        "ANTHROPIC_API_KEY": REDACTED,
        "CLAUDE_CODE_OAUTH_TOKEN": REDACTED,
        "aws_secret_access_key": REDACTED,
        "DB_PASSWORD": REDACTED,
        "AUTHORIZATION": REDACTED,
        "PATH": "/bin",
    }


def test_redact_argv() -> None:
    mcp = {
        "mcpServers": {
            "gh": {"command": "gh-mcp", "env": {"GITHUB_TOKEN": "ghp_1"}},
            "web": {"type": "http", "url": "u", "headers": {"Authorization": "Bearer z"}},
        }
    }
    argv = [
        "claude",
        "--api-key=sk-2",
        "--auth-token",
        "tok",
        "--model=m",
        "--mcp-config=" + json.dumps(mcp),
        "--session-token",
        "--verbose",
    ]
    redacted = redact_argv(argv)
    text = " ".join(redacted)
    for secret in ("sk-2", "tok ", "ghp_1", "Bearer z"):
        assert secret not in text
    assert redacted[:5] == [
        "claude",
        f"--api-key={REDACTED}",
        "--auth-token",
        REDACTED,
        "--model=m",
    ]
    config = json.loads(redacted[5].removeprefix("--mcp-config="))
    assert config["mcpServers"]["gh"] == {"command": "gh-mcp", "env": {"GITHUB_TOKEN": REDACTED}}
    assert config["mcpServers"]["web"]["headers"] == {"Authorization": REDACTED}
    # A valueless flag does not swallow the next flag.
    assert redacted[6:] == ["--session-token", "--verbose"]
    assert argv[1] == "--api-key=sk-2"  # the input is not modified


def test_redact_argv_leaves_ordinary_values() -> None:
    argv = build_argv(ClaudeCodeOptions(resume="abc", mcp_servers="{not json"), "claude")
    assert redact_argv(argv) == argv
