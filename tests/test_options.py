"""The two options classes: fields, defaults, validation; permission and hook types."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

from ccsdk import InMemorySessionStore
from ccsdk._options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES
from ccsdk.runtime._command import build_argv
from ccsdk.types import (
    HookContext,
    HookEvent,
    HookMatcher,
    PermissionResultAllow,
    PermissionResultDeny,
    PermissionRuleValue,
    PermissionUpdate,
    ToolPermissionContext,
)

CODE_FIELDS = [  # claude_code_sdk 0.0.25, in its order
    "allowed_tools",
    "system_prompt",
    "append_system_prompt",
    "mcp_servers",
    "permission_mode",
    "continue_conversation",
    "resume",
    "max_turns",
    "disallowed_tools",
    "model",
    "permission_prompt_tool_name",
    "cwd",
    "settings",
    "add_dirs",
    "env",
    "extra_args",
    "debug_stderr",
    "can_use_tool",
    "hooks",
    "user",
    "include_partial_messages",
]


#: claude_agent_sdk 0.2.190's fields, in its order, with its defaults.
AGENT_FIELDS: dict[str, Any] = {
    "tools": None,
    "allowed_tools": [],
    "system_prompt": None,
    "mcp_servers": {},
    "strict_mcp_config": False,
    "permission_mode": None,
    "continue_conversation": False,
    "resume": None,
    "session_id": None,
    "max_turns": None,
    "max_budget_usd": None,
    "disallowed_tools": [],
    "model": None,
    "fallback_model": None,
    "betas": [],
    "permission_prompt_tool_name": None,
    "cwd": None,
    "cli_path": None,
    "settings": None,
    "add_dirs": [],
    "env": {},
    "extra_args": {},
    "max_buffer_size": None,
    "debug_stderr": "<stderr>",
    "stderr": None,
    "can_use_tool": None,
    "hooks": None,
    "user": None,
    "include_partial_messages": False,
    "include_hook_events": False,
    "forward_subagent_text": False,
    "verbatim_prompts": False,
    "fork_session": False,
    "resume_session_at": None,
    "resume_drops_turn": None,
    "agents": None,
    "setting_sources": None,
    "skills": None,
    "sandbox": None,
    "plugins": [],
    "max_thinking_tokens": None,
    "thinking": None,
    "effort": None,
    "output_format": None,
    "enable_file_checkpointing": False,
    "session_store": None,
    "session_store_flush": "batched",
    "load_timeout_ms": 60_000,
    "task_budget": None,
    "client_app": None,
}

#: ccsdk's own fields, after the official ones on both classes.
CCSDK_FIELDS = [
    "on_elicitation",
    "on_user_dialog",
    "supported_dialog_kinds",
    "max_line_bytes",
    "initialize_timeout",
    "control_timeout",
    "close_timeout",
    "max_inbox_bytes",
    "spawn",
    "tool_aliases",
    "title",
    "persist_session",
]


async def _allow(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
    return PermissionResultAllow()


# ---- options ---------------------------------------------------------------


def test_code_options_start_with_the_official_fields_in_order() -> None:
    names = [f.name for f in dataclasses.fields(ClaudeCodeOptions)]
    assert names[: len(CODE_FIELDS)] == CODE_FIELDS
    assert set(names) == set(AGENT_FIELDS) | {"append_system_prompt", *CCSDK_FIELDS}
    assert len(names) == len(set(names))
    o = ClaudeCodeOptions()
    assert o.allowed_tools == [] and o.disallowed_tools == [] and o.add_dirs == []
    assert o.mcp_servers == {} and o.env == {} and o.extra_args == {}
    assert o.system_prompt is None and o.append_system_prompt is None
    assert o.permission_mode is None and o.resume is None and o.max_turns is None
    assert o.model is None and o.permission_prompt_tool_name is None and o.cwd is None
    assert o.settings is None and o.can_use_tool is None and o.hooks is None
    assert o.user is None
    assert o.continue_conversation is False and o.include_partial_messages is False
    assert repr(o.debug_stderr) == "<sys.stderr>"


def test_ccsdk_additions_defaults() -> None:
    o = ClaudeCodeOptions()
    assert o.cli_path is None and o.stderr is None
    assert o.max_line_bytes == DEFAULT_MAX_LINE_BYTES
    assert (o.initialize_timeout, o.control_timeout, o.close_timeout) == (60.0, 60.0, 5.0)


AGENT_SDK_FIELDS = {
    # claude_agent_sdk
    "tools": None,
    "setting_sources": None,
    "agents": None,
    "max_budget_usd": None,
    "fallback_model": None,
    "betas": [],
    "thinking": None,
    "effort": None,
    "output_format": None,
    "sandbox": None,
    "plugins": [],
    "session_id": None,
    "fork_session": False,
    "strict_mcp_config": False,
    "enable_file_checkpointing": False,
    "include_hook_events": False,
    # TypeScript SDK
    "tool_aliases": None,
    "title": None,
    "persist_session": True,
}


def test_agent_options_start_with_the_official_fields_in_order_with_their_defaults() -> None:
    fields = dataclasses.fields(ClaudeAgentOptions)
    names = [f.name for f in fields]
    assert names[: len(AGENT_FIELDS)] == list(AGENT_FIELDS)
    assert names[len(AGENT_FIELDS) :] == ["append_system_prompt", *CCSDK_FIELDS]
    o = ClaudeAgentOptions()
    got = {name: getattr(o, name) for name in AGENT_FIELDS}
    got["debug_stderr"] = "<stderr>"  # a stand-in for sys.stderr, see below
    assert got == AGENT_FIELDS
    assert o.system_prompt is None  # sent as an empty prompt: test_command.py


def test_code_options_have_the_agent_sdk_fields_with_the_same_defaults() -> None:
    agent, code = ClaudeAgentOptions(), ClaudeCodeOptions()
    for name in [*AGENT_FIELDS, *CCSDK_FIELDS, "append_system_prompt"]:
        assert getattr(agent, name) == getattr(code, name), name
    assert {name: getattr(code, name) for name in AGENT_SDK_FIELDS} == AGENT_SDK_FIELDS


def test_two_dataclasses_that_replace_fields_and_asdict_work_on() -> None:
    agent, code = ClaudeAgentOptions(model="m"), ClaudeCodeOptions(model="m")
    assert ClaudeAgentOptions is not ClaudeCodeOptions
    assert dataclasses.is_dataclass(agent) and dataclasses.is_dataclass(code)
    assert isinstance(agent, ClaudeAgentOptions) and not isinstance(agent, ClaudeCodeOptions)
    assert isinstance(code, ClaudeCodeOptions) and not isinstance(code, ClaudeAgentOptions)
    again = dataclasses.replace(agent, max_turns=2)
    assert type(again) is ClaudeAgentOptions and (again.model, again.max_turns) == ("m", 2)
    # The official default debug_stderr (sys.stderr) makes asdict fail there.
    assert dataclasses.asdict(agent)["model"] == "m" == dataclasses.asdict(code)["model"]
    assert agent == ClaudeAgentOptions(model="m") and agent != ClaudeAgentOptions()


def test_replace_checks_values_too() -> None:
    with pytest.raises(ValueError, match="max_turns"):
        dataclasses.replace(ClaudeAgentOptions(), max_turns=-1)
    with pytest.raises(ValueError, match="fork_session"):
        dataclasses.replace(ClaudeCodeOptions(), fork_session=True)


def test_debug_stderr_default_writes_to_the_current_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ClaudeAgentOptions().debug_stderr.write("to stderr\n")
    assert capsys.readouterr().err == "to stderr\n"
    assert ClaudeCodeOptions(debug_stderr=sys.stdout).debug_stderr is sys.stdout


def test_session_store_takes_a_store_and_refuses_anything_else() -> None:
    store = InMemorySessionStore()
    assert ClaudeAgentOptions(session_store=store).session_store is store
    o = ClaudeCodeOptions()
    o.session_store = store
    assert o.session_store is store
    with pytest.raises(TypeError, match="session_store must be a SessionStore"):
        ClaudeAgentOptions(session_store=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no load"):
        o.session_store = _AppendOnly()  # type: ignore[assignment]
    assert ClaudeAgentOptions(session_store_flush="eager").session_store_flush == "eager"
    argv = build_argv(ClaudeAgentOptions(session_store=store), "claude")
    assert "--session-mirror" in argv
    assert "--session-mirror" not in build_argv(ClaudeAgentOptions(), "claude")


class _AppendOnly:
    async def append(self, key: Any, entries: Any) -> None:
        pass


class _NoListing:
    async def append(self, key: Any, entries: Any) -> None:
        pass

    async def load(self, key: Any) -> None:
        return None


def test_session_store_combinations() -> None:
    with pytest.raises(ValueError, match="list_sessions"):
        ClaudeAgentOptions(session_store=_NoListing(), continue_conversation=True)  # type: ignore[arg-type]
    # With resume, continue never lists: a minimal store is enough.
    ClaudeAgentOptions(
        session_store=_NoListing(),  # type: ignore[arg-type]
        continue_conversation=True,
        resume="0b0b0b0b-0000-4000-8000-000000000000",
    )
    with pytest.raises(ValueError, match="enable_file_checkpointing"):
        ClaudeAgentOptions(session_store=InMemorySessionStore(), enable_file_checkpointing=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"skills": "pdf"}, TypeError, r"did you mean \['pdf'\]"),
        ({"skills": ["a,b"]}, ValueError, "skills entry 'a,b'"),
        ({"skills": ["*"]}, ValueError, "all"),
        ({"skills": ["/pdf"]}, ValueError, "slash"),
        ({"skills": [" pdf"]}, ValueError, "whitespace"),
        ({"skills": [1]}, TypeError, "skills entries must be str"),
        ({"task_budget": {"total": 0}}, ValueError, "task_budget"),
        ({"task_budget": {"total": "9"}}, TypeError, "task_budget"),
        ({"task_budget": {"total": 9, "x": 1}}, ValueError, "unknown key"),
        ({"task_budget": 9}, TypeError, "task_budget"),
        ({"client_app": "app\n"}, ValueError, "client_app"),
        ({"client_app": "app\u2603"}, ValueError, "U\\+00FF"),
        ({"client_app": 1}, TypeError, "client_app"),
        ({"forward_subagent_text": "yes"}, TypeError, "forward_subagent_text must be a bool"),
        ({"verbatim_prompts": 1}, TypeError, "verbatim_prompts"),
        ({"resume_session_at": "u1"}, ValueError, "resume_session_at needs resume"),
        ({"resume": "s", "resume_session_at": ""}, ValueError, "resume_session_at must not"),
        ({"resume": "s", "resume_drops_turn": "u"}, ValueError, "needs resume_session_at"),
        ({"max_thinking_tokens": -1}, ValueError, "max_thinking_tokens"),
        ({"load_timeout_ms": None}, TypeError, "load_timeout_ms"),
        ({"max_buffer_size": 10}, ValueError, "max_buffer_size must be >= 1024"),
        ({"session_store_flush": "later"}, ValueError, "session_store_flush"),
    ],
)
@pytest.mark.parametrize("cls", [ClaudeAgentOptions, ClaudeCodeOptions])
def test_bad_values_of_the_new_options_rejected(
    cls: type[ClaudeAgentOptions | ClaudeCodeOptions],
    kwargs: dict[str, Any],
    error: type[Exception],
    text: str,
) -> None:
    with pytest.raises(error, match=text):
        cls(**kwargs)


def test_good_values_of_the_new_options_accepted() -> None:
    o = ClaudeAgentOptions(
        skills=["pdf", "plugin:skill"],
        task_budget={"total": 1000},
        client_app="my-app/1.0.0",
        forward_subagent_text=True,
        verbatim_prompts=True,
        resume="s",
        resume_session_at="u1",
        resume_drops_turn="",
        max_thinking_tokens=0,
        load_timeout_ms=0,
        max_buffer_size=4096,
    )
    assert o.skills == ["pdf", "plugin:skill"] and o.resume_drops_turn == ""
    assert ClaudeCodeOptions(skills="all", client_app="").skills == "all"


def test_mutable_defaults_are_not_shared() -> None:
    a, b = ClaudeCodeOptions(), ClaudeCodeOptions()
    a.allowed_tools.append("Bash")
    a.env["X"] = "1"
    assert b.allowed_tools == [] and b.env == {}


def test_positional_as_upstream_and_mutable() -> None:
    # Each class takes its SDK's fields positionally, in its order.
    assert ClaudeCodeOptions(["Bash"]).allowed_tools == ["Bash"]
    assert ClaudeAgentOptions(["Bash"]).tools == ["Bash"]
    o = ClaudeCodeOptions(model="m")
    o.model = "n"
    assert o.model == "n"


@pytest.mark.parametrize(
    "mode", ["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto"]
)
def test_permission_modes_accepted(mode: str) -> None:
    assert ClaudeCodeOptions(permission_mode=mode).permission_mode == mode  # type: ignore[arg-type]


def test_unknown_permission_mode_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="acceptEdits, auto, bypassPermissions") as info:
        ClaudeCodeOptions(permission_mode="yolo")  # type: ignore[arg-type]
    assert "'yolo'" in str(info.value)


def test_validation_also_runs_on_assignment() -> None:
    o = ClaudeCodeOptions()
    with pytest.raises(ValueError, match="permission_mode"):
        o.permission_mode = "nope"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="max_turns"):
        o.max_turns = -1


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"max_turns": -1}, ValueError, "max_turns must be >= 0"),
        ({"max_turns": True}, TypeError, "max_turns"),
        ({"max_turns": "3"}, TypeError, "max_turns"),
        ({"max_line_bytes": 1023}, ValueError, "max_line_bytes must be >= 1024"),
        ({"max_line_bytes": 2.5}, TypeError, "max_line_bytes"),
        ({"initialize_timeout": 0}, ValueError, "initialize_timeout must be > 0"),
        ({"control_timeout": -1.0}, ValueError, "control_timeout"),
        ({"control_timeout": float("nan")}, ValueError, "control_timeout"),
        ({"close_timeout": -0.1}, ValueError, "close_timeout must be >= 0"),
        ({"initialize_timeout": "60"}, TypeError, "initialize_timeout"),
        ({"allowed_tools": "Bash"}, TypeError, "allowed_tools must be a list"),
        ({"disallowed_tools": "Bash"}, TypeError, "disallowed_tools"),
        ({"add_dirs": "/tmp"}, TypeError, "add_dirs"),
        ({"mcp_servers": 3}, TypeError, "mcp_servers"),
        ({"stderr": "yes"}, TypeError, "stderr must be callable"),
        ({"can_use_tool": 1}, TypeError, "can_use_tool"),
        ({"permission_mode": 1}, TypeError, "permission_mode"),
    ],
)
def test_bad_values_rejected(kwargs: dict[str, Any], error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        ClaudeCodeOptions(**kwargs)


SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
UUID = "0b5f3ad1-9d0e-4a53-8f2c-6a1d8c3e7b21"


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        # system_prompt
        ({"system_prompt": 3}, TypeError, "system_prompt must be a str"),
        ({"system_prompt": {"type": "magic"}}, ValueError, "system_prompt type 'magic'"),
        ({"system_prompt": {"prompt": "x"}}, ValueError, "system_prompt type None"),
        ({"system_prompt": {"type": "preset", "preset": "other"}}, ValueError, "'claude_code'"),
        (
            {"system_prompt": {"type": "preset", "preset": "claude_code", "append": 1}},
            TypeError,
            r"system_prompt\['append'\]",
        ),
        (
            {"system_prompt": {"type": "preset", "preset": "claude_code", "exclude": True}},
            ValueError,
            "unknown key.*'exclude'",
        ),
        (
            {"system_prompt": {"type": "preset", "preset": "claude_code", "snapshot": "no"}},
            TypeError,
            "snapshot",
        ),
        ({"system_prompt": {"type": "custom"}}, TypeError, "str 'prompt'"),
        ({"system_prompt": {"type": "file", "path": ""}}, ValueError, "must not be empty"),
        ({"system_prompt": {"type": "file", "path": 3}}, TypeError, "path"),
        # tools
        ({"tools": "Bash"}, TypeError, "tools must be a list"),
        ({"tools": ["Read,Bash"]}, ValueError, "no comma"),
        ({"tools": [""]}, ValueError, "tools entry ''"),
        ({"tools": {"type": "preset", "preset": "minimal"}}, ValueError, "tools preset"),
        # setting_sources
        ({"setting_sources": "user"}, TypeError, "setting_sources must be a list"),
        ({"setting_sources": ["user", "global"]}, ValueError, "'global' is not one of"),
        # agents
        ({"agents": ["reviewer"]}, TypeError, "agents must be a dict"),
        ({"agents": {"r": "You review"}}, TypeError, r"agents\['r'\] must be an Agent"),
        ({"agents": {"r": {"description": "d"}}}, TypeError, "needs a str 'prompt'"),
        ({"agents": {"r": {"description": "", "prompt": "p"}}}, ValueError, "description"),
        (
            {"agents": {"r": {"description": "d", "prompt": "p", "max_turns": 3}}},
            ValueError,
            "unknown key.*'max_turns'",
        ),
        (
            {"agents": {"r": {"description": "d", "prompt": "p", "maxTurns": 0}}},
            ValueError,
            r"\['maxTurns'\] must be >= 1",
        ),
        (
            {"agents": {"r": {"description": "d", "prompt": "p", "tools": "Read"}}},
            TypeError,
            "list of str",
        ),
        (
            {"agents": {"r": {"description": "d", "prompt": "p", "effort": "huge"}}},
            ValueError,
            "'huge' is not one of",
        ),
        (
            {"agents": {"r": {"description": "d", "prompt": "p", "permissionMode": "yolo"}}},
            ValueError,
            "permissionMode",
        ),
        (
            {"agents": {"r": {"description": "d", "prompt": "p", "memory": "global"}}},
            ValueError,
            "memory",
        ),
        (
            {"agents": {"r": {"description": "d", "prompt": "p", "background": 1}}},
            TypeError,
            "bool",
        ),
        ({"agents": {"": {"description": "d", "prompt": "p"}}}, TypeError, "non-empty str"),
        # max_budget_usd
        ({"max_budget_usd": 0}, ValueError, "max_budget_usd must be a finite amount > 0"),
        ({"max_budget_usd": float("inf")}, ValueError, "max_budget_usd"),
        ({"max_budget_usd": "1"}, TypeError, "max_budget_usd"),
        ({"max_budget_usd": True}, TypeError, "max_budget_usd"),
        # fallback_model, title
        ({"fallback_model": ""}, ValueError, "fallback_model must not be empty"),
        ({"fallback_model": 1}, TypeError, "fallback_model"),
        ({"model": "m", "fallback_model": "m"}, ValueError, "fallback_model must differ"),
        ({"title": 5}, TypeError, "title must be a str"),
        # betas
        ({"betas": "context-1m-2025-08-07"}, TypeError, "betas must be a list"),
        ({"betas": ["interleaved-thinking"]}, ValueError, "'interleaved-thinking' is not one"),
        # thinking
        ({"thinking": "adaptive"}, TypeError, "thinking must be a dict"),
        ({"thinking": {"type": "on"}}, ValueError, "thinking type 'on'"),
        ({"thinking": {"type": "enabled", "budget_tokens": 0}}, ValueError, ">= 1"),
        ({"thinking": {"type": "enabled", "budget_tokens": -5}}, ValueError, ">= 1"),
        ({"thinking": {"type": "enabled", "budget_tokens": 1.5}}, TypeError, "budget_tokens"),
        ({"thinking": {"type": "adaptive", "display": "full"}}, ValueError, "'full'"),
        ({"thinking": {"type": "adaptive", "budget_tokens": 9}}, ValueError, "unknown key"),
        ({"thinking": {"type": "disabled", "display": "omitted"}}, ValueError, "unknown key"),
        # effort
        ({"effort": "extreme"}, ValueError, "effort 'extreme' is not one of: low, medium"),
        ({"effort": 3}, TypeError, "effort must be a str"),
        # output_format
        ({"output_format": SCHEMA}, ValueError, "unknown key"),
        ({"output_format": {"type": "json", "schema": SCHEMA}}, ValueError, "'json_schema'"),
        ({"output_format": {"type": "json_schema"}}, TypeError, r"\['schema'\] must be a dict"),
        (
            {"output_format": {"type": "json_schema", "schema": {"type": "array"}}},
            ValueError,
            'must have "type": "object" at its root',
        ),
        (
            {
                "output_format": {
                    "type": "json_schema",
                    "schema": {"type": "object", "properties": {"n": {"type": "bogus"}}},
                }
            },
            ValueError,
            "not a valid JSON Schema",
        ),
        (
            {"output_format": {"type": "json_schema", "schema": {"type": "object", "x": {1}}}},
            TypeError,
            "JSON-serialisable",
        ),
        # sandbox
        ({"sandbox": True}, TypeError, "sandbox must be a SandboxSettings dict"),
        ({"sandbox": {"enabled": "yes"}}, TypeError, r"sandbox\['enabled'\] must be a bool"),
        ({"sandbox": {"excludedCommands": "git"}}, TypeError, "excludedCommands"),
        # plugins
        ({"plugins": "/p"}, TypeError, "plugins must be a list"),
        ({"plugins": ["/p"]}, TypeError, r"plugins\[0\] must be a dict"),
        ({"plugins": [{"type": "npm", "path": "x"}]}, ValueError, "only 'local'"),
        ({"plugins": [{"type": "local"}]}, TypeError, "path"),
        ({"plugins": [{"type": "local", "path": "p", "skip_mcp": True}]}, ValueError, "unknown"),
        # sessions
        ({"session_id": "my-session"}, ValueError, "session_id must be a UUID"),
        ({"session_id": 7}, TypeError, "session_id"),
        ({"fork_session": True}, ValueError, "fork_session needs resume"),
        ({"session_id": UUID, "resume": "x"}, ValueError, "also needs fork_session=True"),
        ({"session_id": UUID, "continue_conversation": True}, ValueError, "fork_session"),
        # bools
        ({"fork_session": "yes"}, TypeError, "fork_session must be a bool"),
        ({"strict_mcp_config": 1}, TypeError, "strict_mcp_config must be a bool"),
        ({"enable_file_checkpointing": None}, TypeError, "enable_file_checkpointing"),
        ({"include_hook_events": "false"}, TypeError, "include_hook_events"),
        ({"persist_session": 0}, TypeError, "persist_session"),
        # tool_aliases
        ({"tool_aliases": ["Shell"]}, TypeError, "tool_aliases must be a dict"),
        ({"tool_aliases": {"Shell": 1}}, TypeError, "tool_aliases must map str to str"),
        ({"tool_aliases": {"": "Bash"}}, ValueError, "must not be empty"),
        # two ways to append
        (
            {
                "system_prompt": {"type": "preset", "preset": "claude_code", "append": "a"},
                "append_system_prompt": "b",
            },
            ValueError,
            "both set",
        ),
    ],
)
def test_bad_agent_sdk_values_rejected(
    kwargs: dict[str, Any], error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text):
        ClaudeAgentOptions(**kwargs)


def test_good_agent_sdk_values_accepted(tmp_path: Path) -> None:
    o = ClaudeAgentOptions(
        system_prompt={"type": "file", "path": tmp_path / "p.md"},
        append_system_prompt="also",
        tools={"type": "preset", "preset": "claude_code"},
        setting_sources=[],
        agents={
            "r": {
                "description": "d",
                "prompt": "",
                "tools": None,
                "model": "sonnet",
                "mcpServers": ["calc", {"x": {"command": "y"}}],
                "effort": 3,
                "maxTurns": 1,
                "permissionMode": "plan",
                "memory": "project",
            }
        },
        max_budget_usd=0.01,
        fallback_model="haiku,sonnet",
        betas=["context-1m-2025-08-07"],
        thinking={"type": "enabled", "budget_tokens": 1, "display": "omitted"},
        effort="xhigh",
        output_format={"type": "json_schema", "schema": SCHEMA},
        sandbox={"enabled": True, "network": {"allowedDomains": ["example.com"]}},
        plugins=[{"type": "local", "path": tmp_path, "skip_mcp_discovery": False}],
        resume="abc",
        session_id=UUID.upper(),
        fork_session=True,
        tool_aliases={"Shell": "Bash"},
        title="t",
    )
    assert o.effort == "xhigh"
    o.tools = []
    o.system_prompt = {"type": "preset", "preset": "claude_code"}
    assert o.tools == []


def test_agent_sdk_validation_also_runs_on_assignment() -> None:
    o = ClaudeAgentOptions()
    with pytest.raises(ValueError, match="effort"):
        o.effort = "turbo"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="session_id"):
        o.session_id = "nope"
    assert o.effort is None and o.session_id is None


def test_boundary_values_accepted() -> None:
    o = ClaudeCodeOptions(
        max_turns=0,
        max_line_bytes=1024,
        close_timeout=0,
        mcp_servers=Path("mcp.json"),
        add_dirs=(Path("/a"), "/b"),  # type: ignore[arg-type]
    )
    assert o.max_turns == 0 and o.max_line_bytes == 1024


def test_can_use_tool_excludes_permission_prompt_tool_name() -> None:
    with pytest.raises(ValueError, match="cannot both be set"):
        ClaudeCodeOptions(can_use_tool=_allow, permission_prompt_tool_name="mcp__x__y")


def test_repr_hides_secret_env_values() -> None:
    o = ClaudeCodeOptions(env={"ANTHROPIC_API_KEY": "sk-live-123", "DEBUG": "1"})
    assert "sk-live-123" not in repr(o)
    assert "'DEBUG': '1'" in repr(o)
    assert o.env["ANTHROPIC_API_KEY"] == "sk-live-123"


# ---- permission types ------------------------------------------------------


@pytest.mark.parametrize(
    ("update", "wire"),
    [
        (
            PermissionUpdate(
                "addRules",
                rules=[PermissionRuleValue("Bash", "npm test:*"), PermissionRuleValue("Read")],
                behavior="allow",
                destination="session",
            ),
            {
                "type": "addRules",
                "destination": "session",
                "rules": [{"toolName": "Bash", "ruleContent": "npm test:*"}, {"toolName": "Read"}],
                "behavior": "allow",
            },
        ),
        (
            PermissionUpdate("replaceRules", rules=[], behavior="deny"),
            {"type": "replaceRules", "rules": [], "behavior": "deny"},
        ),
        (
            PermissionUpdate("removeRules", rules=[PermissionRuleValue("Write")], behavior="ask"),
            {"type": "removeRules", "rules": [{"toolName": "Write"}], "behavior": "ask"},
        ),
        (
            PermissionUpdate("setMode", mode="acceptEdits", destination="session"),
            {"type": "setMode", "mode": "acceptEdits", "destination": "session"},
        ),
        (
            PermissionUpdate("addDirectories", directories=["/tmp/x"], destination="localSettings"),
            {"type": "addDirectories", "directories": ["/tmp/x"], "destination": "localSettings"},
        ),
        (
            PermissionUpdate("removeDirectories", directories=["/a"]),
            {"type": "removeDirectories", "directories": ["/a"]},
        ),
    ],
)
def test_permission_update_wire_round_trip(update: PermissionUpdate, wire: dict[str, Any]) -> None:
    assert update.to_wire() == wire
    assert PermissionUpdate.from_wire(wire) == update


def test_permission_update_to_wire_ignores_fields_of_other_types() -> None:
    update = PermissionUpdate("setMode", mode="plan", directories=["/x"], behavior="allow")
    assert update.to_wire() == {"type": "setMode", "mode": "plan"}


@pytest.mark.parametrize(
    ("update", "missing"),
    [
        (PermissionUpdate("addRules", behavior="allow"), "'rules'"),
        (PermissionUpdate("addRules", rules=[PermissionRuleValue("Bash")]), "'behavior'"),
        (PermissionUpdate("setMode"), "'mode'"),
        (PermissionUpdate("addDirectories"), "'directories'"),
        (PermissionUpdate("removeDirectories", destination="session"), "'directories'"),
    ],
)
def test_permission_update_missing_field(update: PermissionUpdate, missing: str) -> None:
    with pytest.raises(ValueError, match=missing):
        update.to_wire()


def test_permission_update_rejects_unknown_type_when_written() -> None:
    update = PermissionUpdate("grantEverything")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grantEverything"):
        update.to_wire()
    with pytest.raises(ValueError, match="grantEverything"):
        update.to_dict()


def test_permission_update_to_dict_and_from_dict_as_upstream() -> None:
    update = PermissionUpdate("addRules", [PermissionRuleValue("Bash")], "allow")
    wire = {"type": "addRules", "destination": "session", "rules": [{"toolName": "Bash"}]}
    wire["behavior"] = "allow"
    assert update.to_dict() == wire  # a missing destination is sent as "session"
    assert PermissionUpdate.from_dict(wire) == dataclasses.replace(update, destination="session")


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "grantEverything"},
        {"mode": "plan"},
        {"type": "addRules", "rules": "Bash", "behavior": "allow"},
        {"type": "addRules", "rules": [{"ruleContent": "x"}], "behavior": "allow"},
        ["setMode"],
    ],
)
def test_permission_update_from_wire_rejects_bad_shapes(bad: Any) -> None:
    with pytest.raises(ValueError):
        PermissionUpdate.from_wire(bad)


def test_permission_update_from_wire_keeps_new_values() -> None:
    # A mode or destination newer than this SDK is kept, not refused.
    update = PermissionUpdate.from_wire(
        {"type": "setMode", "mode": "future", "destination": "cloud"}
    )
    assert (update.mode, update.destination) == ("future", "cloud")
    assert update.to_wire() == {"type": "setMode", "mode": "future", "destination": "cloud"}


def test_permission_results() -> None:
    allow = PermissionResultAllow(updated_input={"a": 1})
    deny = PermissionResultDeny(message="no", interrupt=True)
    assert allow.behavior == "allow" and allow.updated_permissions is None
    assert deny.behavior == "deny" and deny.message == "no" and deny.interrupt
    assert PermissionResultDeny().message == "" and PermissionResultDeny().interrupt is False
    # Plain mutable dataclasses, as upstream.
    deny.message = "x"
    assert dataclasses.asdict(deny) == {"behavior": "deny", "message": "x", "interrupt": True}


def test_tool_permission_context_defaults() -> None:
    names = [f.name for f in dataclasses.fields(ToolPermissionContext)]
    assert names == [
        "signal",
        "suggestions",
        "tool_use_id",
        "agent_id",
        "blocked_path",
        "decision_reason",
        "title",
        "display_name",
        "description",
    ]
    ctx = ToolPermissionContext()
    assert ctx.suggestions == [] and ctx.signal is None and ctx.tool_use_id is None
    ctx = ToolPermissionContext(
        suggestions=[PermissionUpdate("setMode", mode="acceptEdits")],
        tool_use_id="toolu_1",
        blocked_path="/etc",
        decision_reason="r",
        title="t",
        display_name="Write",
        description="d",
        agent_id="a",
    )
    assert ctx.display_name == "Write"


# ---- hooks -----------------------------------------------------------------


def test_hook_event_has_the_official_ten_first_then_the_clis() -> None:
    events = HookEvent.__args__  # type: ignore[attr-defined]
    assert len(events) == 35 == len(set(events))
    assert events[:10] == (
        "PreToolUse",
        "PostToolUse",
        "PostToolUseFailure",
        "UserPromptSubmit",
        "Stop",
        "SubagentStop",
        "PreCompact",
        "Notification",
        "SubagentStart",
        "PermissionRequest",
    )
    assert events[-2:] == ("PreSkillShellCommand", "Interrupt")


def test_hook_matcher() -> None:
    async def hook(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> Any:
        return {}

    a, b = HookMatcher(), HookMatcher(matcher="Bash", hooks=[hook], timeout=5)
    assert [f.name for f in dataclasses.fields(HookMatcher)] == [
        "matcher",
        "hooks",
        "timeout",
        "on_failure",
    ]
    assert a.matcher is None and a.hooks == [] and a.timeout is None and a.on_failure is None
    a.hooks.append(hook)
    assert HookMatcher().hooks == []
    assert b.hooks == [hook] and b.timeout == 5
    assert HookContext(signal=None) == {"signal": None}


def test_typed_dicts_know_their_optional_keys_at_run_time() -> None:
    # As in claude_agent_sdk: NotRequired is honoured (a module with
    # ``from __future__ import annotations`` would make every key required).
    from ccsdk.types import (
        McpServerStatus,
        McpStdioServerConfig,
        SDKControlInitializeRequest,
        SystemPromptPreset,
        ThinkingConfigEnabled,
    )

    assert McpStdioServerConfig.__required_keys__ == {"command"}
    assert SystemPromptPreset.__required_keys__ == {"type", "preset"}
    assert ThinkingConfigEnabled.__required_keys__ == {"type", "budget_tokens"}
    assert McpServerStatus.__required_keys__ == {"name", "status"}
    assert SDKControlInitializeRequest.__required_keys__ == {"subtype", "hooks"}


@pytest.mark.parametrize("cls", [ClaudeAgentOptions, ClaudeCodeOptions])
def test_field_types_are_real_types_as_upstream(
    cls: type[ClaudeAgentOptions | ClaudeCodeOptions],
) -> None:
    import typing

    hints = typing.get_type_hints(cls)
    assert len(hints) == len(dataclasses.fields(cls))
    assert not any(isinstance(f.type, str) for f in dataclasses.fields(cls))
