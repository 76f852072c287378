"""Hook and permission callbacks on the wire, over the scripted fake CLI."""

from __future__ import annotations

import logging
import warnings
from typing import Any

import anyio
import pytest

from ccsdk import (
    ClaudeCodeOptions,
    HookContext,
    HookMatcher,
    PermissionResultAllow,
    PermissionResultDeny,
    PermissionRuleValue,
    PermissionUpdate,
    ToolPermissionContext,
    query,
)
from ccsdk.protocol.events import HookCallbackRequest
from ccsdk.runtime._callbacks import Callbacks
from ccsdk.types import CanUseToolShadowedWarning
from tests.conftest import Runner
from tests.fakecli import FakeCLI


async def noop(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> dict[str, Any]:
    return {"continue_": True, "async_": False, "systemMessage": "hi"}


def can_use(request: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "control_request",
        "request_id": "perm-1",
        "request": {
            "subtype": "can_use_tool",
            "tool_name": "Bash",
            "input": {"command": "ls"},
            "permission_suggestions": [
                {
                    "type": "addRules",
                    "rules": [{"toolName": "Bash", "ruleContent": "ls"}],
                    "behavior": "allow",
                    "destination": "localSettings",
                },
                {"type": "fromTheFuture", "x": 1},
            ],
            "blocked_path": "/etc",
            "tool_use_id": "toolu_1",
            **request,
        },
    }


async def exchange(options: ClaudeCodeOptions, *frames: dict[str, Any]) -> list[dict[str, Any]]:
    """Handshake, then send ``frames`` and return the control responses they got."""
    replies: list[dict[str, Any]] = []
    async with FakeCLI() as fake, anyio.create_task_group() as tg:

        async def cli() -> None:
            init = await fake.handshake()
            replies.append(init)
            await fake.expect("user")
            for frame in frames:
                await fake.send(frame)
                replies.append((await fake.expect("control_response"))["response"])
            await fake.turn()
            await fake.read_frame()
            await fake.close()

        tg.start_soon(cli)
        async for _ in query(prompt="hi", options=options, transport=fake.transport):
            pass
    return replies


def test_hooks_are_registered_in_initialize_and_answered_with_renamed_keys(
    run: Runner,
) -> None:
    options = ClaudeCodeOptions(
        hooks={
            "PreToolUse": [HookMatcher(matcher="Bash", hooks=[noop], timeout=5)],
            "Stop": [HookMatcher(hooks=[noop, noop])],
        }
    )
    call = {
        "type": "control_request",
        "request_id": "h-1",
        "request": {
            "subtype": "hook_callback",
            "callback_id": "hook_2",
            "input": {"hook_event_name": "Stop"},
            "tool_use_id": None,
        },
    }
    init, reply = run(lambda: exchange(options, call))
    assert init["request"]["hooks"] == {
        "PreToolUse": [{"matcher": "Bash", "hookCallbackIds": ["hook_0"], "timeout": 5}],
        "Stop": [{"matcher": None, "hookCallbackIds": ["hook_1", "hook_2"]}],
    }
    assert reply == {
        "subtype": "success",
        "request_id": "h-1",
        "response": {"continue": True, "async": False, "systemMessage": "hi"},
    }


def test_an_unknown_hook_id_is_an_error_reply(run: Runner) -> None:
    call = {
        "type": "control_request",
        "request_id": "h-9",
        "request": {"subtype": "hook_callback", "callback_id": "hook_77", "input": {}},
    }
    _, reply = run(lambda: exchange(ClaudeCodeOptions(), call))
    assert reply["subtype"] == "error" and "hook_77" in reply["error"]


def test_allow_sends_the_current_wire_shape_with_permissions(run: Runner) -> None:
    contexts: list[ToolPermissionContext] = []

    async def allow(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
        contexts.append(ctx)
        return PermissionResultAllow(
            updated_permissions=[
                PermissionUpdate(
                    type="addRules",
                    rules=[PermissionRuleValue("Bash", "ls")],
                    behavior="allow",
                    destination="session",
                )
            ]
        )

    _, reply = run(lambda: exchange(ClaudeCodeOptions(can_use_tool=allow), can_use({})))
    assert reply["response"] == {
        "behavior": "allow",
        "updatedInput": {"command": "ls"},
        "updatedPermissions": [
            {
                "type": "addRules",
                "destination": "session",
                "rules": [{"toolName": "Bash", "ruleContent": "ls"}],
                "behavior": "allow",
            }
        ],
    }
    (ctx,) = contexts
    assert ctx.tool_use_id == "toolu_1" and ctx.blocked_path == "/etc"
    # The suggestion this version cannot read is skipped, the other one kept.
    assert [s.type for s in ctx.suggestions] == ["addRules"]


def test_deny_with_interrupt(run: Runner) -> None:
    async def deny(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
        return PermissionResultDeny(message="no", interrupt=True)

    _, reply = run(lambda: exchange(ClaudeCodeOptions(can_use_tool=deny), can_use({})))
    assert reply["response"] == {"behavior": "deny", "message": "no", "interrupt": True}


def test_a_wrong_return_type_denies_with_the_reason(run: Runner) -> None:
    async def wrong(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
        return True

    _, reply = run(lambda: exchange(ClaudeCodeOptions(can_use_tool=wrong), can_use({})))
    # A guard that fails denies (see test_callback_isolation.py).
    assert reply["subtype"] == "success"
    assert reply["response"]["behavior"] == "deny"
    assert "PermissionResultAllow or PermissionResultDeny" in reply["response"]["message"]


def test_can_use_tool_sets_the_stdio_prompt_tool() -> None:
    from ccsdk.runtime._command import build_argv

    async def allow(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
        return PermissionResultAllow()

    argv = build_argv(ClaudeCodeOptions(can_use_tool=allow), "claude")
    assert "--permission-prompt-tool=stdio" in argv


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"permission_mode": "bypassPermissions"}, "never be called"),
        ({"allowed_tools": ["Read", "Bash"]}, "not be asked about Read, Bash"),
    ],
)
def test_options_that_silence_can_use_tool_are_warned_about(
    run: Runner, caplog: pytest.LogCaptureFixture, extra: dict[str, Any], expected: str
) -> None:
    async def allow(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
        return PermissionResultAllow()

    caplog.set_level(logging.WARNING, logger="ccsdk")
    with pytest.warns(CanUseToolShadowedWarning, match=expected):
        run(lambda: exchange(ClaudeCodeOptions(can_use_tool=allow, **extra)))
    assert any(expected in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("allowed", [["Read(/tmp/*)"], ["Bash(npm test:*)", "mcp__x__y("]])
def test_rules_narrower_than_a_whole_tool_are_not_warned_about(
    run: Runner, allowed: list[str]
) -> None:
    async def allow(name: str, data: dict[str, Any], ctx: ToolPermissionContext) -> Any:
        return PermissionResultAllow()

    with warnings.catch_warnings():
        warnings.simplefilter("error", CanUseToolShadowedWarning)
        run(lambda: exchange(ClaudeCodeOptions(can_use_tool=allow, allowed_tools=allowed)))


def test_a_hook_context_is_the_official_dict_and_answers_signal_too(run: Runner) -> None:
    seen: list[Any] = []

    async def hook(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> Any:
        seen.append(ctx)
        return {}

    options = ClaudeCodeOptions(hooks={"PreToolUse": [HookMatcher(hooks=[hook])]})
    callbacks = Callbacks(options)
    callbacks.hooks_for_initialize()
    request = HookCallbackRequest("r1", "hook_0", {"hook_event_name": "PreToolUse"}, None, {})
    run(lambda: callbacks.hook(request))
    (ctx,) = seen
    assert ctx == {"signal": None} and ctx["signal"] is None
    assert ctx.signal is None  # type: ignore[attr-defined]
