"""argv and environment built from the options, and their redaction."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ccsdk import ClaudeSDKClient, Session
from ccsdk._options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk._redact import REDACTED, redact_argv, redact_env
from ccsdk.runtime._command import build_argv, build_env, mcp_wire_servers
from ccsdk.runtime._initialize import build_initialize
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
    # system_prompt, append_system_prompt and the MCP servers go in initialize.
    assert build_argv(options, "claude") == [
        *HEAD,
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
        "--await-initialize",  # the ext server goes in initialize too
        "--include-partial-messages",
        "--debug-to-stderr",
        "--foo=bar",
        *TAIL,
    ]


def test_every_agent_sdk_flag_snapshot(tmp_path: Path) -> None:
    options = ClaudeCodeOptions(
        system_prompt={"type": "file", "path": tmp_path / "prompt.txt"},
        tools=["Read", "Bash"],
        max_turns=2,
        max_budget_usd=0.25,
        model="claude-sonnet-4-5",
        fallback_model="claude-haiku-4-5",
        betas=["context-1m-2025-08-07"],
        thinking={"type": "enabled", "budget_tokens": 5000, "display": "summarized"},
        effort="high",
        resume="abc",
        session_id="0b5f3ad1-9d0e-4a53-8f2c-6a1d8c3e7b21",
        fork_session=True,
        persist_session=False,
        settings='{"model": "x"}',
        sandbox={"enabled": True, "excludedCommands": ["git"]},
        setting_sources=["user", "project"],
        strict_mcp_config=True,
        plugins=[
            {"type": "local", "path": "/p/one"},
            {"type": "local", "path": Path("/p/two"), "skip_mcp_discovery": True},
        ],
        include_hook_events=True,
        # initialize only: none of these reach argv
        agents={"r": {"description": "d", "prompt": "p"}},
        output_format={"type": "json_schema", "schema": {"type": "object"}},
        tool_aliases={"Shell": "Bash"},
        title="T",
    )
    assert build_argv(options, "claude") == [
        *HEAD,
        f"--system-prompt-file={tmp_path / 'prompt.txt'}",
        "--tools=Read,Bash",
        "--max-turns=2",
        "--max-budget-usd=0.25",
        "--model=claude-sonnet-4-5",
        "--fallback-model=claude-haiku-4-5",
        "--betas=context-1m-2025-08-07",
        "--max-thinking-tokens=5000",
        "--thinking-display=summarized",
        "--effort=high",
        "--resume=abc",
        "--session-id=0b5f3ad1-9d0e-4a53-8f2c-6a1d8c3e7b21",
        "--fork-session",
        "--no-session-persistence",
        # Settings as JSON go in initialize, merged with the sandbox.
        "--initialize-fields=settings",
        "--setting-sources=user,project",
        "--await-initialize",
        "--strict-mcp-config",
        "--plugin-dir=/p/one",
        "--plugin-dir-no-mcp=/p/two",
        "--include-hook-events",
        *TAIL,
    ]
    assert build_initialize(options, None)["settings"] == {
        "model": "x",
        "sandbox": {"enabled": True, "excludedCommands": ["git"], "failIfUnavailable": True},
    }


@pytest.mark.parametrize(
    ("kwargs", "args"),
    [
        ({"tools": []}, ["--tools="]),
        ({"tools": {"type": "preset", "preset": "claude_code"}}, ["--tools=default"]),
        ({"setting_sources": []}, ["--setting-sources="]),
        ({"thinking": {"type": "adaptive"}}, ["--thinking=adaptive"]),
        (
            {"thinking": {"type": "adaptive", "display": "omitted"}},
            ["--thinking=adaptive", "--thinking-display=omitted"],
        ),
        ({"thinking": {"type": "enabled"}}, ["--thinking=enabled"]),
        ({"thinking": {"type": "disabled"}}, ["--thinking=disabled"]),
        ({"max_budget_usd": 3}, ["--max-budget-usd=3"]),
        ({"effort": "max"}, ["--effort=max"]),
        ({"continue_conversation": True, "fork_session": True}, ["--continue", "--fork-session"]),
        (
            {"session_id": "0B5F3AD1-9D0E-4A53-8F2C-6A1D8C3E7B21"},
            ["--session-id=0B5F3AD1-9D0E-4A53-8F2C-6A1D8C3E7B21"],
        ),
        # Options whose default sends nothing.
        ({"persist_session": True, "strict_mcp_config": False, "betas": []}, []),
        # Sent in initialize, not on the command line.
        ({"system_prompt": "S", "append_system_prompt": "A"}, []),
        ({"system_prompt": {"type": "custom", "prompt": "S"}}, []),
        ({"system_prompt": {"type": "preset", "preset": "claude_code", "append": "A"}}, []),
        ({"title": "T", "tool_aliases": {"a": "b"}}, []),
        ({"mcp_servers": {"s": {"type": "sdk", "name": "s", "instance": None}}}, []),
    ],
)
def test_agent_sdk_option_flags(kwargs: dict[str, Any], args: list[str]) -> None:
    assert build_argv(ClaudeCodeOptions(**kwargs), "claude") == [*HEAD, *args, *TAIL]


def test_sandbox_is_merged_into_a_settings_file(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('{"model": "m", "sandbox": {"enabled": false}}')
    options = ClaudeCodeOptions(
        cwd=tmp_path, settings="s.json", sandbox={"enabled": True, "failIfUnavailable": False}
    )
    argv = build_argv(options, "claude")[len(HEAD) : -len(TAIL)]
    assert argv == ["--initialize-fields=settings", "--await-initialize"]
    # The CLI keeps only one settings layer, so there is one, with both.
    assert build_initialize(options, None)["settings"] == {
        "model": "m",
        "sandbox": {"enabled": True, "failIfUnavailable": False},  # the caller's choice kept
    }


def test_sandbox_alone_and_disabled() -> None:
    options = ClaudeCodeOptions(sandbox={"enabled": False})
    argv = build_argv(options, "claude")
    assert argv == [*HEAD, "--initialize-fields=settings", "--await-initialize", *TAIL]
    assert build_initialize(options, None)["settings"] == {"sandbox": {"enabled": False}}


@pytest.mark.parametrize(
    ("settings", "argv"),
    [
        ("s.json", ["--settings=s.json"]),  # a path: the caller's file, read by the CLI
        (
            '{"env": {"X_TOKEN": "t-123456789"}}',
            ["--initialize-fields=settings", "--await-initialize"],
        ),
        ("{not json", ["--settings={not json"]),  # for the CLI to refuse in its own words
        ("[1]", ["--settings=[1]"]),
    ],
)
def test_settings_as_json_never_go_on_the_command_line(settings: str, argv: list[str]) -> None:
    options = ClaudeCodeOptions(settings=settings)
    assert build_argv(options, "claude") == [*HEAD, *argv, *TAIL]
    sent = build_initialize(options, None).get("settings")
    assert sent == (json.loads(settings) if "X_TOKEN" in settings else None)


@pytest.mark.parametrize(
    ("settings", "text"),
    [
        ("missing.json", "missing.json"),
        ("bad.json", "not JSON"),
        ("list.json", "JSON object"),
        ("{not json", "not JSON"),
    ],
)
def test_sandbox_with_unreadable_settings(tmp_path: Path, settings: str, text: str) -> None:
    (tmp_path / "bad.json").write_text("{oops")
    (tmp_path / "list.json").write_text("[1]")
    options = ClaudeCodeOptions(cwd=tmp_path, settings=settings, sandbox={"enabled": True})
    with pytest.raises(ValueError, match=text):
        build_argv(options, "claude")


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"fork_session": True}, "fork_session needs resume"),
        (
            {"resume": "abc", "session_id": "0b5f3ad1-9d0e-4a53-8f2c-6a1d8c3e7b21"},
            "also needs fork_session",
        ),
        ({"model": "m", "fallback_model": "m"}, "fallback_model must differ"),
    ],
)
def test_combinations_assigned_later_are_caught_at_build(change: dict[str, Any], text: str) -> None:
    options = ClaudeCodeOptions()
    for name, value in change.items():
        setattr(options, name, value)  # each alone is valid: no error yet
    with pytest.raises(ValueError, match=text):
        build_argv(options, "claude")


def test_never_print() -> None:
    argv = build_argv(ClaudeCodeOptions(system_prompt="x", resume="y"), "claude")
    assert "--print" not in argv and "-p" not in argv


@pytest.mark.parametrize(
    ("kwargs", "arg"),
    [
        ({"resume": "--dangerous"}, "--resume=--dangerous"),
        ({"model": "-m evil"}, "--model=-m evil"),
        ({"fallback_model": "-x"}, "--fallback-model=-x"),
        ({"system_prompt": {"type": "file", "path": "-p"}}, "--system-prompt-file=-p"),
        ({"plugins": [{"type": "local", "path": "--x"}]}, "--plugin-dir=--x"),
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
    argv = build_argv(ClaudeCodeOptions(max_turns=0, tools=[]), "claude")
    assert argv == [*HEAD, "--tools=", "--max-turns=0", *TAIL]


def test_system_prompt_never_on_the_command_line() -> None:
    # None: the CLI's default prompt; a str: sent in initialize.
    for prompt in (None, "", "x"):
        argv = build_argv(ClaudeCodeOptions(system_prompt=prompt), "claude")
        assert not any(a.startswith("--system-prompt") for a in argv)


def test_permission_prompt_tool_name() -> None:
    argv = build_argv(ClaudeCodeOptions(permission_prompt_tool_name="mcp__p__ask"), "claude")
    assert argv == [*HEAD, "--permission-prompt-tool=mcp__p__ask", *TAIL]


def test_can_use_tool_with_permission_prompt_tool_name_is_an_error() -> None:
    options = ClaudeCodeOptions(can_use_tool=_allow)
    options.permission_prompt_tool_name = "mcp__p__ask"  # bypasses the construction check
    with pytest.raises(ValueError, match="cannot both be set"):
        build_argv(options, "claude")


def test_mcp_servers_never_go_on_the_command_line() -> None:
    class Server:
        pass

    servers: dict[str, Any] = {
        "tools": {"type": "sdk", "name": "my-tools", "instance": Server()},
        "web": {"type": "http", "url": "https://x?k=v", "headers": {"A": "bbbbbbbb"}},
    }
    text = json.dumps({"mcpServers": {"web": servers["web"]}})
    for given in (servers, text):
        argv = build_argv(ClaudeCodeOptions(mcp_servers=given), "claude")
        # Only the flag that has the CLI read them from the initialize request.
        assert argv == [*HEAD, "--await-initialize", *TAIL]
        assert mcp_wire_servers(given) == {"web": servers["web"]}
    # Only in-process servers: nothing for the CLI to read at launch.
    only_sdk = {"tools": servers["tools"]}
    assert build_argv(ClaudeCodeOptions(mcp_servers=only_sdk), "claude") == HEAD + TAIL
    assert mcp_wire_servers(only_sdk) is None


def test_mcp_config_path_and_empty() -> None:
    argv = build_argv(ClaudeCodeOptions(mcp_servers=Path("/etc/mcp.json")), "claude")
    assert argv == [*HEAD, "--mcp-config=/etc/mcp.json", *TAIL]
    assert build_argv(ClaudeCodeOptions(mcp_servers=""), "claude") == HEAD + TAIL
    assert mcp_wire_servers("/etc/mcp.json") is None


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


def test_file_checkpointing_env() -> None:
    env = build_env(ClaudeCodeOptions(enable_file_checkpointing=True), {})
    assert env["CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING"] == "true"
    assert "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING" not in build_env(ClaudeCodeOptions(), {})
    # options.env still wins.
    options = ClaudeCodeOptions(
        enable_file_checkpointing=True, env={"CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING": "0"}
    )
    assert build_env(options, {})["CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING"] == "0"


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


# ---- the two classes' defaults, and the options new in claude_agent_sdk 0.2.190 ----


def test_agent_options_without_a_system_prompt_send_an_empty_one() -> None:
    # claude_agent_sdk sends "--system-prompt=" when system_prompt is None:
    # the CLI then runs with an empty system prompt, not its own.
    assert build_argv(ClaudeAgentOptions(), "claude") == [*HEAD, "--system-prompt=", *TAIL]
    # claude_code_sdk sent nothing: the CLI's own prompt.
    assert build_argv(ClaudeCodeOptions(), "claude") == [*HEAD, *TAIL]


def test_without_options_the_defaults_are_claude_agent_sdks() -> None:
    # query(), ClaudeSDKClient and Session with no options: ClaudeAgentOptions(), as in
    # claude_agent_sdk (claude_code_sdk used its own class; ccsdk has one query()).
    assert type(ClaudeSDKClient().options) is ClaudeAgentOptions
    assert type(Session().options) is ClaudeAgentOptions


@pytest.mark.parametrize(
    "prompt",
    [
        "SP",
        {"type": "custom", "prompt": "SP"},
        {"type": "preset", "preset": "claude_code"},
        {"type": "preset", "preset": "claude_code", "append": "more"},
    ],
)
def test_agent_options_with_a_system_prompt_send_no_empty_one(prompt: Any) -> None:
    # These go in initialize (see test_initialize.py), as for ClaudeCodeOptions.
    argv = build_argv(ClaudeAgentOptions(system_prompt=prompt), "claude")
    assert not [a for a in argv if a.startswith("--system-prompt")]


def test_agent_options_with_a_prompt_file() -> None:
    argv = build_argv(ClaudeAgentOptions(system_prompt={"type": "file", "path": "p.md"}), "c")
    assert "--system-prompt-file=p.md" in argv and "--system-prompt=" not in argv


@pytest.mark.parametrize("cls", [ClaudeAgentOptions, ClaudeCodeOptions])
@pytest.mark.parametrize(
    ("kwargs", "args"),
    [
        ({"task_budget": {"total": 50000}}, ["--task-budget=50000"]),
        ({"resume": "s1", "resume_session_at": "u1"}, ["--resume=s1", "--resume-session-at=u1"]),
        (
            {"resume": "s1", "resume_session_at": "u1", "resume_drops_turn": "u2"},
            ["--resume=s1", "--resume-session-at=u1", "--resume-drops-turn=u2"],
        ),
        # Sent even when empty, as upstream: the CLI refuses it, not ccsdk silently.
        (
            {"resume": "s1", "resume_session_at": "u1", "resume_drops_turn": ""},
            ["--resume=s1", "--resume-session-at=u1", "--resume-drops-turn="],
        ),
        ({"max_thinking_tokens": 2048}, ["--max-thinking-tokens=2048"]),
        ({"max_thinking_tokens": 0}, ["--max-thinking-tokens=0"]),
        # thinking wins over the deprecated max_thinking_tokens.
        ({"max_thinking_tokens": 9, "thinking": {"type": "adaptive"}}, ["--thinking=adaptive"]),
        ({"skills": "all"}, ["--allowedTools=Skill", "--setting-sources=user,project"]),
        (
            {"skills": ["pdf", "plug:x"], "allowed_tools": ["Read", "Skill(pdf)"]},
            ["--allowedTools=Read,Skill(pdf),Skill(plug:x)", "--setting-sources=user,project"],
        ),
        ({"skills": [], "setting_sources": []}, ["--setting-sources="]),
        (
            {"skills": ["pdf"], "setting_sources": ["project"]},
            ["--allowedTools=Skill(pdf)", "--setting-sources=project"],
        ),
        # In initialize or on user messages, not flags.
        ({"forward_subagent_text": True, "verbatim_prompts": True}, []),
        ({"client_app": "app/1"}, []),
        ({"load_timeout_ms": 5, "session_store_flush": "eager"}, []),
    ],
)
def test_new_agent_sdk_option_flags(
    cls: type[ClaudeAgentOptions | ClaudeCodeOptions], kwargs: dict[str, Any], args: list[str]
) -> None:
    assert build_argv(cls(**kwargs, system_prompt="S"), "claude") == [*HEAD, *args, *TAIL]


def test_skills_do_not_change_the_options() -> None:
    options = ClaudeAgentOptions(allowed_tools=["Read"], skills="all")
    build_argv(options, "claude")
    assert options.allowed_tools == ["Read"] and options.setting_sources is None


def test_combinations_of_resume_points_assigned_later_are_caught_at_build() -> None:
    options = ClaudeAgentOptions(resume="s", resume_session_at="u")
    options.resume = None
    with pytest.raises(ValueError, match="resume_session_at needs resume"):
        build_argv(options, "claude")


def test_client_app_sets_its_variable_over_env_and_drops_a_derived_label() -> None:
    base = {"CLAUDE_AGENT_SDK_DERIVED_CLIENT_APP": "outer/1", "CLAUDE_AGENT_SDK_CLIENT_APP": "b"}
    options = ClaudeAgentOptions(client_app="mine/2", env={"CLAUDE_AGENT_SDK_CLIENT_APP": "e"})
    env = build_env(options, base)
    assert env["CLAUDE_AGENT_SDK_CLIENT_APP"] == "mine/2"
    assert "CLAUDE_AGENT_SDK_DERIVED_CLIENT_APP" not in env
    # Unset: the inherited or explicit value stays; "" sends no label.
    assert build_env(ClaudeCodeOptions(), base)["CLAUDE_AGENT_SDK_CLIENT_APP"] == "b"
    assert build_env(ClaudeCodeOptions(client_app=""), base)["CLAUDE_AGENT_SDK_CLIENT_APP"] == ""
