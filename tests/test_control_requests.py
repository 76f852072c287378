"""Control requests, the typed initialize answer, elicitations and dialogs: the fake CLI.

Each test checks what reaches the CLI (the exact request fields CLI 2.1.331
reads) and what the caller gets back; the real CLI's answers are checked in
tests/test_e2e_control.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import mcp.types as types
import pytest
from mcp.server.lowlevel.server import Server

from ccsdk import (
    AccountInfo,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ControlRequestError,
    ElicitationRequest,
    ElicitationResult,
    HookContext,
    HookMatcher,
    McpSetServersResult,
    MessageParseError,
    ModelInfo,
    RewindFilesResult,
    ServerInfo,
    Session,
    SlashCommand,
    UserDialogCancelled,
    UserDialogCompleted,
    UserDialogRequest,
    create_sdk_mcp_server,
    open_session,
    tool,
)
from ccsdk.runtime._mcp_bridge import SdkMcpBridge
from tests.conftest import Runner
from tests.fakecli import FakeCLI

#: What the fake CLI answers, by subtype: a payload, or ("error", text) to refuse.
Answers = dict[str, Any]


async def answering(fake: FakeCLI, answers: Answers) -> None:
    """Play a CLI that answers our control requests from ``answers`` until stdin closes."""
    while (frame := await fake.read_frame()) is not None:
        if frame["type"] != "control_request":
            continue
        answer = answers.get(frame["request"]["subtype"], {})
        if isinstance(answer, tuple):
            await fake.send(
                {
                    "type": "control_response",
                    "response": {
                        "subtype": "error",
                        "request_id": frame["request_id"],
                        "error": answer[1],
                    },
                }
            )
        else:
            await fake.answer(frame, answer)


def sent(fake: FakeCLI) -> list[dict[str, Any]]:
    """The control requests ccsdk wrote, initialize left out."""
    return [
        f["request"]
        for f in fake.received
        if f["type"] == "control_request" and f["request"]["subtype"] != "initialize"
    ]


async def session_over(
    fake: FakeCLI,
    body: Callable[[Session], Awaitable[Any]],
    options: ClaudeCodeOptions | None = None,
    answers: Answers | None = None,
    info: dict[str, Any] | None = None,
) -> Any:
    """Run ``body`` on an open_session whose CLI is ``fake`` answering ``answers``."""
    async with anyio.create_task_group() as tg:

        async def cli() -> None:
            await fake.handshake(**(info or {}))
            await answering(fake, answers or {})

        tg.start_soon(cli)
        with anyio.fail_after(10):  # a bound on a hang, not a timing
            async with open_session(options, transport=fake.transport) as session:
                return await body(session)


# -- what reaches the CLI ---------------------------------------------------------------


@pytest.mark.parametrize("holder", ["session", "client"])
def test_each_request_reaches_the_cli_with_the_fields_it_reads(run: Runner, holder: str) -> None:
    async def calls(target: Session | ClaudeSDKClient) -> None:
        await target.reconnect_mcp_server("ext")
        await target.toggle_mcp_server("ext", False)
        await target.toggle_mcp_server("ext", True)
        await target.stop_task("b3j8svnx2")
        await target.set_max_thinking_tokens(2048, "omitted")
        await target.set_max_thinking_tokens(None)
        await target.rewind_files("u-1", dry_run=True)
        await target.rewind_files("u-2")

    async def main() -> list[dict[str, Any]]:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await answering(fake, {"rewind_files": {"canRewind": True}})

            tg.start_soon(cli)
            with anyio.fail_after(10):
                if holder == "client":
                    async with ClaudeSDKClient(transport=fake.transport) as client:
                        await calls(client)
                else:
                    async with open_session(transport=fake.transport) as session:
                        await calls(session)
        return sent(fake)

    assert run(main) == [
        {"subtype": "mcp_reconnect", "serverName": "ext"},
        {"subtype": "mcp_toggle", "serverName": "ext", "enabled": False},
        {"subtype": "mcp_toggle", "serverName": "ext", "enabled": True},
        {"subtype": "stop_task", "task_id": "b3j8svnx2"},
        {
            "subtype": "set_max_thinking_tokens",
            "max_thinking_tokens": 2048,
            "thinking_display": "omitted",
        },
        {"subtype": "set_max_thinking_tokens", "max_thinking_tokens": None},
        {"subtype": "rewind_files", "user_message_id": "u-1", "dry_run": True},
        {"subtype": "rewind_files", "user_message_id": "u-2", "dry_run": False},
    ]


def test_rewind_files_returns_the_clis_answer_typed(run: Runner) -> None:
    answer = {
        "canRewind": True,
        "filesChanged": ["/w/notes.txt"],
        "insertions": 1,
        "deletions": 2,
    }

    async def body(session: Session) -> RewindFilesResult:
        return await session.rewind_files("u-1", dry_run=True)

    async def main() -> RewindFilesResult:
        async with FakeCLI() as fake:
            result: RewindFilesResult = await session_over(
                fake, body, answers={"rewind_files": answer}
            )
            return result

    result = run(main)
    assert (result.can_rewind, result.files_changed, result.insertions, result.deletions) == (
        True,
        ["/w/notes.txt"],
        1,
        2,
    )
    assert result.error is None and result.raw == answer


def test_a_refused_request_raises_with_the_clis_text(run: Runner) -> None:
    async def body(session: Session) -> ControlRequestError:
        with pytest.raises(ControlRequestError) as info:
            await session.rewind_files("u-1")
        return info.value

    async def main() -> ControlRequestError:
        async with FakeCLI() as fake:
            error: ControlRequestError = await session_over(
                fake, body, answers={"rewind_files": ("error", "File rewinding is not enabled.")}
            )
            return error

    error = run(main)
    assert error.subtype == "rewind_files" and error.error == "File rewinding is not enabled."


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.rewind_files(""), ValueError),
        (lambda s: s.rewind_files(None), TypeError),
        (lambda s: s.rewind_files("u", dry_run="yes"), TypeError),
        (lambda s: s.toggle_mcp_server("ext", "false"), TypeError),
        (lambda s: s.reconnect_mcp_server(3), TypeError),
        (lambda s: s.stop_task(""), ValueError),
        (lambda s: s.set_max_thinking_tokens(-1), ValueError),
        (lambda s: s.set_max_thinking_tokens(True), TypeError),
        (lambda s: s.set_max_thinking_tokens(1.5), TypeError),
        (lambda s: s.set_max_thinking_tokens(10, "loud"), ValueError),
        (lambda s: s.set_mcp_servers(["calc"]), TypeError),
        (lambda s: s.set_mcp_servers({"calc": "stdio"}), TypeError),
        (lambda s: s.send_mcp_notification("nope", "notifications/tools/list_changed"), ValueError),
    ],
)
def test_bad_arguments_fail_before_anything_is_sent(
    run: Runner, call: Callable[[Session], Awaitable[Any]], error: type[Exception]
) -> None:
    async def body(session: Session) -> None:
        with pytest.raises(error):
            await call(session)

    async def main() -> list[dict[str, Any]]:
        async with FakeCLI() as fake:
            await session_over(fake, body)
            return sent(fake)

    assert run(main) == []


def test_set_mcp_servers_keeps_the_server_object_here_and_serves_it(run: Runner) -> None:
    @tool("add", "Add two numbers", {"a": int, "b": int})
    async def add(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": [{"type": "text", "text": str(args["a"] + args["b"])}]}

    calc = create_sdk_mcp_server("calc", tools=[add])
    ext = {"type": "stdio", "command": "ext-server", "args": ["--x"]}

    async def main() -> tuple[McpSetServersResult, list[dict[str, Any]], dict[str, Any]]:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:
            call_answer: dict[str, Any] = {}

            async def cli() -> None:
                await fake.handshake()
                request = await fake.expect("control_request", "mcp_set_servers")
                # As the real CLI does: drive the new in-process server at once.
                for n, message in enumerate([INITIALIZE, INITIALIZED, CALL]):
                    await fake.send(mcp_message(f"m{n}", "calc", message))
                    call_answer.update((await fake.expect("control_response"))["response"])
                await fake.answer(request, {"added": ["calc", "ext"], "removed": ["old"]})
                await answering(fake, {})

            tg.start_soon(cli)
            with anyio.fail_after(10):
                async with open_session(transport=fake.transport) as session:
                    result = await session.set_mcp_servers({"calc": calc, "ext": ext})  # type: ignore[dict-item]
        return result, sent(fake), call_answer

    result, requests, call_answer = run(main)
    assert requests == [
        {
            "subtype": "mcp_set_servers",
            "servers": {"calc": {"type": "sdk", "name": "calc"}, "ext": ext},
        }
    ]
    assert result == McpSetServersResult(added=["calc", "ext"], removed=["old"], errors={})
    content = call_answer["response"]["mcp_response"]["result"]["content"]
    assert content == [{"type": "text", "text": "42"}]


CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {"name": "add", "arguments": {"a": 2, "b": 40}},
}


def mcp_message(request_id: str, server: str, message: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "control_request",
        "request_id": request_id,
        "request": {"subtype": "mcp_message", "server_name": server, "message": message},
    }


# -- reinitialize and the typed initialize answer ---------------------------------------

INFO = {
    "commands": [
        {"name": "compact", "description": "Compact", "argumentHint": "<what>", "builtin": True},
        {"name": "review", "description": "Review", "argumentHint": "", "aliases": ["r"]},
    ],
    "models": [
        {
            "value": "default",
            "resolvedModel": "claude-opus-5-5",
            "displayName": "Default (recommended)",
            "description": "Use the default model",
            "supportsEffort": True,
            "supportedEffortLevels": ["low", "high"],
            "supportsAdaptiveThinking": True,
            "supportsThinkingOff": False,
        }
    ],
    "agents": [{"name": "Explore", "description": "Search code", "model": "haiku"}],
    "account": {"tokenSource": "none", "apiKeySource": "ANTHROPIC_API_KEY"},
    "output_style": "default",
    "available_output_styles": ["default", "Concise"],
    "pid": 4242,
    "hooks_applied": True,
    "capabilities": ["reload_plugins_refuse_if_busy_v1"],
    "fast_mode_state": "off",
}


def test_the_initialize_answer_is_typed_and_the_dict_is_kept(run: Runner) -> None:
    async def main() -> tuple[ServerInfo, list[Any], dict[str, Any] | None]:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake(**INFO)
                await answering(fake, {})

            tg.start_soon(cli)
            with anyio.fail_after(10):
                async with ClaudeSDKClient(transport=fake.transport) as client:
                    info = await client.initialization_result()
                    parts = [
                        await client.supported_commands(),
                        await client.supported_models(),
                        await client.supported_agents(),
                        await client.account_info(),
                    ]
                    return info, parts, await client.get_server_info()

    info, (commands, models, agents, account), as_dict = run(main)
    assert [c.name for c in commands] == ["compact", "review"]
    assert commands[0] == SlashCommand(
        "compact", "Compact", "<what>", [], True, raw=commands[0].raw
    )
    assert commands[1].aliases == ["r"] and commands[1].builtin is None
    model = models[0]
    assert isinstance(model, ModelInfo)
    assert (model.value, model.resolved_model, model.supported_effort_levels) == (
        "default",
        "claude-opus-5-5",
        ["low", "high"],
    )
    assert model.raw["supportsThinkingOff"] is False  # a field not modelled is kept
    assert [(a.name, a.model) for a in agents] == [("Explore", "haiku")]
    assert account == AccountInfo(
        token_source="none", api_key_source="ANTHROPIC_API_KEY", raw=INFO["account"]
    )
    assert (info.output_style, info.pid, info.hooks_applied, info.claude_code_version) == (
        "default",
        4242,
        True,
        "2.1.331",
    )
    assert info.capabilities == ["reload_plugins_refuse_if_busy_v1"]
    assert info.raw["fast_mode_state"] == "off"
    assert as_dict == info.raw  # get_server_info() is still the seed's dict


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"commands": "compact"}, "commands must be an array"),
        ({"commands": [{"description": "no name"}]}, r"commands\[0\]\.name is missing"),
        ({"models": [{"value": 5}]}, r"models\[0\]\.value must be a string"),
        ({"pid": True}, "pid must be an integer"),
        ({"account": ["x"]}, "account must be an object"),
        ({"capabilities": [1]}, r"capabilities\[0\] must be a string"),
        (
            {"models": [{"value": "v", "supportedEffortLevels": "low"}]},
            r"models\[0\]\.supportedEffortLevels must be an array",
        ),
    ],
)
def test_a_malformed_initialize_answer_is_a_parse_error_naming_the_field(
    answer: dict[str, Any], words: str
) -> None:
    with pytest.raises(MessageParseError, match=words) as info:
        ServerInfo.from_wire(answer)
    assert info.value.data == answer


def test_an_empty_initialize_answer_reads_as_nothing_offered() -> None:
    info = ServerInfo.from_wire({})
    assert (info.commands, info.models, info.agents, info.account) == ([], [], [], AccountInfo())


def test_reinitialize_sends_the_first_initialize_again_and_refreshes_the_info(
    run: Runner,
) -> None:
    async def hook(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> None:
        return None

    options = ClaudeCodeOptions(hooks={"Stop": [HookMatcher(hooks=[hook])]})

    async def main() -> tuple[list[dict[str, Any]], ServerInfo, list[SlashCommand], Any]:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake(commands=[{"name": "old"}])
                again = await fake.expect("control_request", "initialize")
                await fake.answer(
                    again, {"claude_code_version": "2.1.331", "commands": [{"name": "new"}]}
                )
                await answering(fake, {})

            tg.start_soon(cli)
            with anyio.fail_after(10):
                async with open_session(options, transport=fake.transport) as session:
                    fresh = await session.reinitialize()
                    commands = await session.supported_commands()
                    as_dict = session.server_info
        inits = [f["request"] for f in fake.received if f["type"] == "control_request"]
        return inits, fresh, commands, as_dict

    inits, fresh, commands, as_dict = run(main)
    assert len(inits) == 2 and inits[0] == inits[1]
    assert inits[1]["hooks"] == {"Stop": [{"matcher": None, "hookCallbackIds": ["hook_0"]}]}
    assert [c.name for c in fresh.commands] == ["new"] == [c.name for c in commands]
    assert as_dict is not None and as_dict["commands"] == [{"name": "new"}]


def test_the_typed_answer_needs_a_connection() -> None:
    async def main() -> None:
        with pytest.raises(Exception, match="Not connected"):
            await ClaudeSDKClient().supported_models()
        with pytest.raises(Exception, match="Not connected"):
            await Session().initialization_result()

    anyio.run(main)


# -- elicitations -----------------------------------------------------------------------

ELICITATION = {
    "subtype": "elicitation",
    "mcp_server_name": "asker",
    "message": "What is your name?",
    "requested_schema": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    },
    "property_order": ["name", "age"],
    "title": "Sign-up",
}


async def served(options: ClaudeCodeOptions, *requests: dict[str, Any]) -> list[dict[str, Any]]:
    """Send the CLI's ``requests`` to an open session; return the answers, in order."""
    replies: list[dict[str, Any]] = []
    done = anyio.Event()
    async with FakeCLI() as fake, anyio.create_task_group() as tg:

        async def cli() -> None:
            replies.append((await fake.handshake())["request"])
            for n, request in enumerate(requests):
                frame = {"type": "control_request", "request_id": f"r{n}", "request": request}
                await fake.send(frame)
                replies.append((await fake.expect("control_response"))["response"])
            done.set()
            await answering(fake, {})

        tg.start_soon(cli)
        with anyio.fail_after(10):
            async with open_session(options, transport=fake.transport):
                await done.wait()  # served by the session's reader: nobody receives
    return replies


def test_on_elicitation_gets_the_request_typed_and_its_answer_reaches_the_cli(
    run: Runner,
) -> None:
    seen: list[ElicitationRequest] = []

    async def on_elicitation(request: ElicitationRequest) -> ElicitationResult:
        seen.append(request)
        return ElicitationResult("accept", {"name": "Ada", "age": 36})

    options = ClaudeCodeOptions(on_elicitation=on_elicitation)
    _, reply = run(lambda: served(options, ELICITATION))
    assert reply == {
        "subtype": "success",
        "request_id": "r0",
        "response": {"action": "accept", "content": {"name": "Ada", "age": 36}},
    }
    (request,) = seen
    assert (request.server_name, request.message, request.title) == (
        "asker",
        "What is your name?",
        "Sign-up",
    )
    assert request.requested_schema == ELICITATION["requested_schema"]
    assert request.property_order == ["name", "age"] and request.mode is None
    assert request.request_id == "r0" and request.raw == ELICITATION


def test_without_on_elicitation_the_server_is_told_decline(run: Runner) -> None:
    _, reply = run(lambda: served(ClaudeCodeOptions(), ELICITATION))
    assert reply["subtype"] == "success" and reply["response"] == {"action": "decline"}


def test_a_dict_answer_is_accepted_and_a_bad_one_is_an_error_reply(run: Runner) -> None:
    answers = iter([{"action": "cancel"}, {"action": "maybe"}, "yes"])

    async def on_elicitation(request: ElicitationRequest) -> Any:
        return next(answers)

    options = ClaudeCodeOptions(on_elicitation=on_elicitation)
    _, good, bad_action, bad_type = run(
        lambda: served(options, ELICITATION, ELICITATION, ELICITATION)
    )
    assert good["response"] == {"action": "cancel"}
    assert bad_action["subtype"] == "error" and "accept, decline, cancel" in bad_action["error"]
    assert bad_type["subtype"] == "error" and "not str" in bad_type["error"]


def test_an_elicitation_the_cli_withdraws_cancels_the_callback(run: Runner) -> None:
    cancelled: list[str] = []
    done = anyio.Event()

    async def on_elicitation(request: ElicitationRequest) -> ElicitationResult:
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.append(request.request_id)
            done.set()
        raise AssertionError("unreachable")

    async def main() -> list[dict[str, Any]]:
        options = ClaudeCodeOptions(on_elicitation=on_elicitation)
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.send(
                    {"type": "control_request", "request_id": "e1", "request": ELICITATION}
                )
                await anyio.sleep(0.2)
                await fake.send({"type": "control_cancel_request", "request_id": "e1"})
                await answering(fake, {})

            tg.start_soon(cli)
            with anyio.fail_after(10):
                async with open_session(options, transport=fake.transport):
                    await done.wait()
        return [f for f in fake.received if f["type"] == "control_response"]

    assert run(main) == []  # no answer to a withdrawn request
    assert cancelled == ["e1"]


def test_elicitation_result_checks_its_values() -> None:
    with pytest.raises(ValueError, match="accept, decline, cancel"):
        ElicitationResult("ok")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dict or None"):
        ElicitationResult("accept", ["Ada"])  # type: ignore[arg-type]


# -- dialogs ----------------------------------------------------------------------------

DIALOG = {
    "subtype": "request_user_dialog",
    "dialog_kind": "refusal_fallback_prompt",
    "payload": {"originalModel": "claude-opus-5-5"},
    "tool_use_id": "toolu_1",
}


def test_dialog_kinds_are_declared_and_on_user_dialog_answers(run: Runner) -> None:
    seen: list[UserDialogRequest] = []

    async def on_user_dialog(request: UserDialogRequest) -> UserDialogCompleted:
        seen.append(request)
        return UserDialogCompleted("retry")

    options = ClaudeCodeOptions(
        on_user_dialog=on_user_dialog, supported_dialog_kinds=["refusal_fallback_prompt"]
    )
    init, reply = run(lambda: served(options, DIALOG))
    assert init["supportedDialogKinds"] == ["refusal_fallback_prompt"]
    assert reply["response"] == {"behavior": "completed", "result": "retry"}
    (request,) = seen
    assert (request.dialog_kind, request.payload, request.tool_use_id) == (
        "refusal_fallback_prompt",
        {"originalModel": "claude-opus-5-5"},
        "toolu_1",
    )


def test_a_cancelled_dialog_and_no_callback_both_answer_cancelled(
    run: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    async def on_user_dialog(request: UserDialogRequest) -> UserDialogCancelled:
        return UserDialogCancelled()

    with_callback = ClaudeCodeOptions(on_user_dialog=on_user_dialog)
    init, reply = run(lambda: served(with_callback, DIALOG))
    assert "supportedDialogKinds" not in init  # nothing declared, nothing sent
    assert reply["response"] == {"behavior": "cancelled"}
    with caplog.at_level(logging.WARNING, logger="ccsdk"):
        _, reply = run(lambda: served(ClaudeCodeOptions(), DIALOG))
    assert reply["response"] == {"behavior": "cancelled"}
    assert "no on_user_dialog" in caplog.text


def test_dialog_kinds_without_a_callback_are_refused_by_the_options() -> None:
    with pytest.raises(ValueError, match="needs on_user_dialog"):
        ClaudeCodeOptions(supported_dialog_kinds=["refusal_fallback_prompt"])
    with pytest.raises(TypeError, match="must be a list"):
        ClaudeCodeOptions(supported_dialog_kinds="refusal_fallback_prompt")  # type: ignore[arg-type]


# -- MCP notifications from in-process servers --------------------------------------------


def dynamic_server(names: list[str], listed: list[list[str]]) -> Server[Any]:
    """A server whose tool ``grow`` adds a tool and says so; ``listed`` records tools/list."""
    schema = {"type": "object", "properties": {}}

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        listed.append(list(names))
        tools = [types.Tool(name=n, description=n, input_schema=schema) for n in names]
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: Any) -> types.CallToolResult:
        names.append(f"tool{len(names)}")
        await ctx.session.send_tool_list_changed()
        await ctx.session.report_progress(1, 2, "half")
        return types.CallToolResult(content=[types.TextContent(type="text", text="grown")])

    return Server("dyn", on_list_tools=list_tools, on_call_tool=call_tool)


def test_a_tool_handlers_notifications_reach_the_cli_during_the_call(run: Runner) -> None:
    server = dynamic_server(["grow"], [])
    options = ClaudeCodeOptions(
        mcp_servers={"dyn": {"type": "sdk", "name": "dyn", "instance": server}}
    )
    call = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/call",
        "params": {"name": "grow", "arguments": {}, "_meta": {"progressToken": 7}},
    }

    async def main() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        notes: list[dict[str, Any]] = []
        answered = anyio.Event()
        async with FakeCLI() as fake, anyio.create_task_group() as tg:
            answer: dict[str, Any] = {}

            async def cli() -> None:
                await fake.handshake()
                await fake.send(mcp_message("c1", "dyn", INITIALIZE))
                await fake.expect("control_response")
                await fake.send(mcp_message("c2", "dyn", INITIALIZED))
                await fake.expect("control_response")
                await fake.send(mcp_message("c3", "dyn", call))
                while True:  # the notifications come before the call's answer
                    frame = await fake.read_frame()
                    assert frame is not None
                    if frame["type"] == "control_response":
                        answer.update(frame["response"])
                        answered.set()
                        break
                    assert frame["request"]["subtype"] == "mcp_message", frame
                    notes.append(frame["request"])
                    await fake.answer(frame)  # the CLI's empty acknowledgement
                await answering(fake, {})

            tg.start_soon(cli)
            with anyio.fail_after(10):
                async with open_session(options, transport=fake.transport):
                    await answered.wait()
        return notes, answer

    notes, answer = run(main)
    assert notes == [
        {
            "subtype": "mcp_message",
            "server_name": "dyn",
            "message": {"jsonrpc": "2.0", "method": "notifications/tools/list_changed"},
        },
        {
            "subtype": "mcp_message",
            "server_name": "dyn",
            "message": {
                "jsonrpc": "2.0",
                "method": "notifications/progress",
                "params": {"progressToken": 7, "progress": 1, "total": 2, "message": "half"},
            },
        },
    ]
    assert answer["response"]["mcp_response"]["result"]["content"][0]["text"] == "grown"


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "claude-code", "version": "2.1.331"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def test_a_notification_the_cli_refuses_does_not_fail_the_tool(
    run: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    sent_notes: list[dict[str, Any]] = []

    async def refuse(server_name: str, message: dict[str, Any]) -> None:
        sent_notes.append(message)
        raise ControlRequestError("mcp_message", "no such server")

    async def main() -> dict[str, Any]:
        server = dynamic_server(["grow"], [])
        async with SdkMcpBridge({"dyn": server}, notify=refuse) as bridge:
            await bridge.handle("dyn", INITIALIZE)
            await bridge.handle("dyn", INITIALIZED)
            call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "grow"}}
            return await bridge.handle("dyn", call)

    with caplog.at_level(logging.WARNING, logger="ccsdk"):
        answer = run(main)
    assert answer["result"]["content"][0]["text"] == "grown"
    # No progress token was asked for, so only the list change was attempted.
    assert [m["method"] for m in sent_notes] == ["notifications/tools/list_changed"]
    assert "could not pass the in-process MCP server 'dyn'" in caplog.text


def test_the_bridge_announces_list_changed_so_the_cli_listens() -> None:
    async def main() -> dict[str, Any]:
        async with SdkMcpBridge({"dyn": dynamic_server([], [])}) as bridge:
            return await bridge.handle("dyn", INITIALIZE)

    answer = anyio.run(main)
    assert answer["result"]["capabilities"]["tools"] == {"listChanged": True}


def test_send_mcp_notification_speaks_for_an_in_process_server(run: Runner) -> None:
    server = dynamic_server([], [])
    options = ClaudeCodeOptions(
        mcp_servers={"dyn": {"type": "sdk", "name": "dyn", "instance": server}}
    )

    async def body(session: Session) -> None:
        await session.send_mcp_notification("dyn", "notifications/tools/list_changed")
        await session.send_mcp_notification(
            "dyn", "notifications/message", {"level": "info", "data": "x"}
        )

    async def main() -> list[dict[str, Any]]:
        async with FakeCLI() as fake:
            await session_over(fake, body, options)
            return sent(fake)

    assert run(main) == [
        {
            "subtype": "mcp_message",
            "server_name": "dyn",
            "message": {"jsonrpc": "2.0", "method": "notifications/tools/list_changed"},
        },
        {
            "subtype": "mcp_message",
            "server_name": "dyn",
            "message": {
                "jsonrpc": "2.0",
                "method": "notifications/message",
                "params": {"level": "info", "data": "x"},
            },
        },
    ]


# -- control requests from inside a callback -----------------------------------------------


@pytest.mark.parametrize("holder", ["session", "client"])
def test_a_hook_can_make_control_requests_of_its_own(run: Runner, holder: str) -> None:
    # The hook's own request used to wait for every handler to finish,
    # itself included: a deadlock until control_timeout.
    results: list[dict[str, Any]] = []
    target: list[Session | ClaudeSDKClient] = []

    async def hook(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> None:
        holder_ = target[0]
        session = holder_.session if isinstance(holder_, ClaudeSDKClient) else holder_
        results.append(await session.get_context_usage())

    options = ClaudeCodeOptions(hooks={"Stop": [HookMatcher(hooks=[hook])]})
    hook_call = {
        "type": "control_request",
        "request_id": "h1",
        "request": {"subtype": "hook_callback", "callback_id": "hook_0", "input": {}},
    }

    async def main() -> dict[str, Any]:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:
            reply: dict[str, Any] = {}

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(hook_call)
                usage = await fake.expect("control_request", "get_context_usage")
                await fake.answer(usage, {"totalTokens": 12})
                reply.update((await fake.expect("control_response"))["response"])
                await fake.turn()
                await answering(fake, {})

            tg.start_soon(cli)
            with anyio.fail_after(10):  # control_timeout is 60 s: a deadlock fails here
                if holder == "client":
                    async with ClaudeSDKClient(options, transport=fake.transport) as client:
                        target.append(client)
                        await client.query("hi")
                        [m async for m in client.receive_response()]
                else:
                    async with open_session(options, transport=fake.transport) as session:
                        target.append(session)
                        await session.send("hi")
                        [m async for m in session.receive_response()]
        return reply

    reply = run(main)
    assert reply == {"subtype": "success", "request_id": "h1", "response": {}}
    assert results == [{"totalTokens": 12}]
