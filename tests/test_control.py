"""The control protocol's typed models (:mod:`ccsdk.protocol.control`) on the wire.

Every frame we write is a model handed to ``Connection.send``; each encodes
(in one place, ``codec.encode_control``) to the JSON the CLI 2.1.331 takes,
and the converter unstructures it the same way. The old ``send_*`` methods
give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ccsdk.protocol import (
    CanUseToolAllow,
    CanUseToolDeny,
    Connection,
    ControlError,
    ControlRequest,
    ControlSuccess,
    ElicitationAnswer,
    GetContextUsage,
    HookOutput,
    Initialize,
    Interrupt,
    LocalProtocolError,
    McpMessage,
    McpReconnect,
    McpResponse,
    McpSetServers,
    McpStatus,
    McpToggle,
    OtherRequest,
    RewindFiles,
    SetMaxThinkingTokens,
    SetModel,
    SetPermissionMode,
    StopTask,
    UserDialogAnswer,
    UserInput,
    encode_control,
)

REQUESTS: list[tuple[Any, dict[str, Any]]] = [
    (Interrupt(), {"subtype": "interrupt"}),
    (SetPermissionMode("plan"), {"subtype": "set_permission_mode", "mode": "plan"}),
    (SetModel(), {"subtype": "set_model", "model": None}),
    (SetModel("opus"), {"subtype": "set_model", "model": "opus"}),
    (McpStatus(), {"subtype": "mcp_status"}),
    (GetContextUsage(), {"subtype": "get_context_usage"}),
    (
        RewindFiles("u1", dry_run=True),
        {"subtype": "rewind_files", "user_message_id": "u1", "dry_run": True},
    ),
    (McpReconnect("calc"), {"subtype": "mcp_reconnect", "serverName": "calc"}),
    (
        McpToggle("calc", enabled=False),
        {"subtype": "mcp_toggle", "serverName": "calc", "enabled": False},
    ),
    (
        McpSetServers({"a": {"type": "sdk"}}),
        {"subtype": "mcp_set_servers", "servers": {"a": {"type": "sdk"}}},
    ),
    (StopTask("t1"), {"subtype": "stop_task", "task_id": "t1"}),
    (
        SetMaxThinkingTokens(None),
        {"subtype": "set_max_thinking_tokens", "max_thinking_tokens": None},
    ),
    (
        SetMaxThinkingTokens(10, "omitted"),
        {
            "subtype": "set_max_thinking_tokens",
            "max_thinking_tokens": 10,
            "thinking_display": "omitted",
        },
    ),
    (
        McpMessage("calc", {"jsonrpc": "2.0", "method": "m"}),
        {
            "subtype": "mcp_message",
            "server_name": "calc",
            "message": {"jsonrpc": "2.0", "method": "m"},
        },
    ),
    (OtherRequest("new_thing", {"x": 1}), {"subtype": "new_thing", "x": 1}),
    (Initialize(), {"subtype": "initialize", "hooks": None}),
    (
        Initialize(
            hooks={"Stop": []},
            system_prompt=["be brief"],
            agents={},
            skills=[],
            forward_subagent_text=True,
            sdk_mcp_servers=["calc"],
            json_schema={"type": "object"},
            tool_aliases={"a": "b"},
            title="t",
            supported_dialog_kinds=["k"],
        ),
        {
            "subtype": "initialize",
            "hooks": {"Stop": []},
            "systemPrompt": ["be brief"],
            "agents": {},
            "skills": [],
            "forwardSubagentText": True,
            "sdkMcpServers": ["calc"],
            "jsonSchema": {"type": "object"},
            "toolAliases": {"a": "b"},
            "title": "t",
            "supportedDialogKinds": ["k"],
        },
    ),
]

ANSWERS: list[tuple[Any, dict[str, Any]]] = [
    (CanUseToolAllow({"a": 1}), {"behavior": "allow", "updatedInput": {"a": 1}}),
    (
        CanUseToolAllow({}, [{"type": "setMode", "mode": "plan", "destination": "session"}]),
        {
            "behavior": "allow",
            "updatedInput": {},
            "updatedPermissions": [{"type": "setMode", "mode": "plan", "destination": "session"}],
        },
    ),
    (CanUseToolDeny("no"), {"behavior": "deny", "message": "no"}),
    (CanUseToolDeny("no", interrupt=False), {"behavior": "deny", "message": "no"}),
    (
        CanUseToolDeny("no", interrupt=True),
        {"behavior": "deny", "message": "no", "interrupt": True},
    ),
    (
        HookOutput({"continue_": False, "async_": True, "x": 1}),
        {"continue": False, "async": True, "x": 1},
    ),
    (ElicitationAnswer("decline"), {"action": "decline"}),
    (ElicitationAnswer("accept", {"n": 1}), {"action": "accept", "content": {"n": 1}}),
    (UserDialogAnswer("cancelled"), {"behavior": "cancelled"}),
    (UserDialogAnswer("completed"), {"behavior": "completed", "result": None}),
    (UserDialogAnswer("completed", "yes"), {"behavior": "completed", "result": "yes"}),
    (McpResponse({"jsonrpc": "2.0", "id": 1}), {"mcp_response": {"jsonrpc": "2.0", "id": 1}}),
]


@pytest.mark.parametrize(("model", "wire"), REQUESTS + ANSWERS)
def test_each_model_encodes_to_its_wire_dict(model: Any, wire: dict[str, Any]) -> None:
    assert encode_control(model) == wire
    assert next(iter(encode_control(model))) == next(iter(wire))  # the tag first


@pytest.mark.parametrize(("model", "wire"), REQUESTS + ANSWERS)
def test_the_converter_unstructures_them_the_same_way(model: Any, wire: dict[str, Any]) -> None:
    from ccsdk.protocol import converter

    assert converter.unstructure(model) == wire


@pytest.mark.parametrize(("model", "wire"), REQUESTS)
def test_send_a_request_model_or_its_dict(model: Any, wire: dict[str, Any]) -> None:
    by_model, by_dict = Connection(), Connection()
    data = by_model.send(ControlRequest("r1", model))
    assert json.loads(data) == {"type": "control_request", "request_id": "r1", "request": wire}
    assert data == by_dict.send_request("r1", wire) == Connection().send_request("r1", model)
    assert by_model.pending_requests == {"r1"}


def _asked(conn: Connection) -> None:
    request: dict[str, Any] = {"subtype": "hook_callback", "callback_id": "h", "input": {}}
    frame: dict[str, Any] = {"type": "control_request", "request_id": "q", "request": request}
    conn.receive_data(json.dumps(frame).encode() + b"\n")
    conn.next_event()


@pytest.mark.parametrize(("model", "wire"), ANSWERS)
def test_send_an_answer(model: Any, wire: dict[str, Any]) -> None:
    conn, old = Connection(), Connection()
    _asked(conn)
    _asked(old)
    data = conn.send(ControlSuccess("q", model))
    assert json.loads(data) == {
        "type": "control_response",
        "response": {"subtype": "success", "request_id": "q", "response": wire},
    }
    assert old.send_response("q", model) == data
    assert conn.send(ControlSuccess("q", model)) == b""  # answered already


def test_send_an_error_and_a_user_message() -> None:
    conn = Connection()
    _asked(conn)
    old = Connection()
    _asked(old)
    data = conn.send(ControlError("q", "boom"))
    assert data == old.send_error("q", "boom")
    assert json.loads(data) == {
        "type": "control_response",
        "response": {"subtype": "error", "request_id": "q", "error": "boom"},
    }
    user = Connection().send(UserInput("hi", client_composed=True))
    assert user == Connection().send_user("hi", client_composed=True)
    assert json.loads(user) == {
        "type": "user",
        "message": {"role": "user", "content": "hi"},
        "parent_tool_use_id": None,
        "session_id": "default",
        "client_composed": True,
    }


def test_a_request_that_is_neither_a_dict_nor_a_model_is_refused() -> None:
    with pytest.raises(LocalProtocolError, match="request model"):
        Connection().send(ControlRequest("r", ["interrupt"]))  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError, match="string 'subtype'"):
        Connection().send(ControlRequest("r", {"subtype": 1}))
