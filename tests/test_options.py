"""ClaudeCodeOptions defaults and validation; permission and hook types."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from ccsdk.options import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES
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

OFFICIAL_FIELDS = [
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


async def _allow(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
    return PermissionResultAllow()


# ---- options ---------------------------------------------------------------


def test_has_every_official_field_with_official_defaults() -> None:
    names = [f.name for f in attrs.fields(ClaudeCodeOptions)]
    assert names[: len(OFFICIAL_FIELDS)] == OFFICIAL_FIELDS
    o = ClaudeCodeOptions()
    assert o.allowed_tools == [] and o.disallowed_tools == [] and o.add_dirs == []
    assert o.mcp_servers == {} and o.env == {} and o.extra_args == {}
    assert o.system_prompt is None and o.append_system_prompt is None
    assert o.permission_mode is None and o.resume is None and o.max_turns is None
    assert o.model is None and o.permission_prompt_tool_name is None and o.cwd is None
    assert o.settings is None and o.can_use_tool is None and o.hooks is None
    assert o.user is None
    assert o.continue_conversation is False and o.include_partial_messages is False
    assert o.debug_stderr is sys.stderr


def test_ccsdk_additions_defaults() -> None:
    o = ClaudeCodeOptions()
    assert o.cli_path is None and o.stderr is None
    assert o.max_line_bytes == DEFAULT_MAX_LINE_BYTES
    assert (o.initialize_timeout, o.control_timeout, o.close_timeout) == (60.0, 60.0, 5.0)


def test_mutable_defaults_are_not_shared() -> None:
    a, b = ClaudeCodeOptions(), ClaudeCodeOptions()
    a.allowed_tools.append("Bash")
    a.env["X"] = "1"
    assert b.allowed_tools == [] and b.env == {}


def test_keyword_only_and_mutable() -> None:
    with pytest.raises(TypeError):
        ClaudeCodeOptions(["Bash"])  # type: ignore[call-arg]
    o = ClaudeCodeOptions(model="m")
    o.model = "n"
    assert o.model == "n"


def test_alias() -> None:
    assert ClaudeAgentOptions is ClaudeCodeOptions


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


def test_permission_update_rejects_unknown_type() -> None:
    with pytest.raises(ValueError):
        PermissionUpdate("grantEverything")  # type: ignore[arg-type]


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
    with pytest.raises(ValueError):
        PermissionResultAllow("deny")  # type: ignore[arg-type]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        deny.message = "x"  # type: ignore[misc]


def test_tool_permission_context_defaults() -> None:
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


def test_hook_event_has_the_33_events() -> None:
    events = HookEvent.__args__  # type: ignore[attr-defined]
    assert len(events) == 33 == len(set(events))
    assert {"PreToolUse", "PostToolUse", "Stop", "SubagentStop", "PreCompact"} <= set(events)


def test_hook_matcher() -> None:
    async def hook(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> Any:
        return {}

    a, b = HookMatcher(), HookMatcher(matcher="Bash", hooks=[hook], timeout=5)
    assert a.matcher is None and a.hooks == [] and a.timeout is None
    a.hooks.append(hook)
    assert HookMatcher().hooks == []
    assert b.hooks == [hook] and b.timeout == 5
    assert HookContext().signal is None
