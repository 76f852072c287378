"""Control requests end to end: what the real CLI 2.1.331 does with each.

The CLI runs against the FakeModel; where a request changes what the model
is sent (its tool list, its thinking budget), the FakeModel's record of the
next request is the evidence.
"""

from __future__ import annotations

import json
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import mcp.types as types
import pytest
from mcp.server.lowlevel.server import Server

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ControlRequestError,
    ElicitationRequest,
    ElicitationResult,
    HookContext,
    HookMatcher,
    Message,
    ResultMessage,
    Session,
    SystemMessage,
    create_sdk_mcp_server,
    open_session,
    tool,
)
from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.conftest import Runner

pytestmark = pytest.mark.e2e

Options = Callable[..., ClaudeCodeOptions]

#: MCP tools in the model's ``tools`` (2.1.331 defers them to ToolSearch otherwise).
NO_TOOL_SEARCH = {"ENABLE_TOOL_SEARCH": "false"}


def mcp_tools(body: dict[str, Any]) -> list[str]:
    """The MCP tools the model was offered in one request."""
    return sorted(t["name"] for t in body["tools"] if t["name"].startswith("mcp__"))


def tool_result_text(body: dict[str, Any], tool_use_id: str) -> str:
    for message in body["messages"]:
        if message["role"] != "user" or isinstance(message["content"], str):
            continue
        for block in message["content"]:
            if block.get("type") == "tool_result" and block["tool_use_id"] == tool_use_id:
                content = block["content"]
                if isinstance(content, str):
                    return content
                return "".join(c.get("text", "") for c in content)
    raise AssertionError(f"no tool_result for {tool_use_id}")


async def turn(session: Session, prompt: str | dict[str, Any]) -> list[Message]:
    """Send a prompt (a string or one user-line dict) and read its turn."""
    if isinstance(prompt, str):
        await session.send(prompt)
    else:

        async def one() -> AsyncIterator[dict[str, Any]]:
            yield prompt

        await session.send(one())
    return [m async for m in session.receive_response()]


# -- MCP tool list changes ----------------------------------------------------------------


def dynamic_server(names: list[str], relisted: anyio.Event) -> Server[Any]:
    """Tool ``grow`` adds a tool and says so; ``relisted`` is set by a second tools/list."""
    schema = {"type": "object", "properties": {}}
    lists = []

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        lists.append(list(names))
        if len(lists) >= 2:
            relisted.set()
        tools = [types.Tool(name=n, description=f"tool {n}", input_schema=schema) for n in names]
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: Any) -> types.CallToolResult:
        names.append("grown")
        await ctx.session.send_tool_list_changed()
        return types.CallToolResult(content=[types.TextContent(type="text", text="added one")])

    return Server("dyn", on_list_tools=list_tools, on_call_tool=call_tool)


def test_a_tool_list_change_inside_a_call_reaches_the_model(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(
        Turn([tool_use("mcp__dyn__grow", {}, id="toolu_grow")]),
        Turn([text("grown")]),
        Turn([text("and again")]),
    )

    async def main() -> None:
        relisted = anyio.Event()
        server = dynamic_server(["grow"], relisted)
        options = e2e_options(
            mcp_servers={"dyn": {"type": "sdk", "name": "dyn", "instance": server}},
            allowed_tools=["mcp__dyn__grow"],
            env=NO_TOOL_SEARCH,
        )
        async with open_session(options) as session:
            await turn(session, "grow a tool")
            with anyio.fail_after(20):
                await relisted.wait()  # the CLI asked for the list again
            await turn(session, "what now?")

    run(main)
    requests = fake_model.turn_requests
    assert mcp_tools(requests[0]) == ["mcp__dyn__grow"]
    assert mcp_tools(requests[2]) == ["mcp__dyn__grow", "mcp__dyn__grown"]


def test_send_mcp_notification_between_turns_changes_the_next_tool_list(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("one")]), Turn([text("two")]))

    async def main() -> None:
        relisted = anyio.Event()
        names = ["grow"]
        server = dynamic_server(names, relisted)
        options = e2e_options(
            mcp_servers={"dyn": {"type": "sdk", "name": "dyn", "instance": server}},
            env=NO_TOOL_SEARCH,
        )
        async with open_session(options) as session:
            await turn(session, "first")
            names.append("later")
            await session.send_mcp_notification("dyn", "notifications/tools/list_changed")
            with anyio.fail_after(20):
                await relisted.wait()  # the session's reader serves the CLI's tools/list
            await turn(session, "second")

    run(main)
    assert mcp_tools(fake_model.turn_requests[0]) == ["mcp__dyn__grow"]
    assert mcp_tools(fake_model.turn_requests[1]) == ["mcp__dyn__grow", "mcp__dyn__later"]


# -- toggling, reconnecting and replacing MCP servers -------------------------------------


@tool("add", "Add two numbers", {"a": int, "b": int})
async def add(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": str(args["a"] + args["b"])}]}


def test_toggling_an_in_process_server_takes_its_tools_away_and_back(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("off")]), Turn([text("on")]))

    async def main() -> list[Any]:
        options = e2e_options(
            mcp_servers={"calc": create_sdk_mcp_server("calc", tools=[add])}, env=NO_TOOL_SEARCH
        )
        seen: list[Any] = []
        async with open_session(options) as session:
            await session.toggle_mcp_server("calc", False)
            statuses = (await session.mcp_status())["mcpServers"]
            seen.append({s["name"]: s["status"] for s in statuses})
            with pytest.raises(ControlRequestError) as disabled:
                await session.reconnect_mcp_server("calc")
            seen.append(disabled.value.error)
            await turn(session, "no tools?")
            await session.toggle_mcp_server("calc", True)
            with pytest.raises(ControlRequestError) as in_process:
                await session.reconnect_mcp_server("calc")
            seen.append(in_process.value.error)
            with pytest.raises(ControlRequestError) as unknown:
                await session.toggle_mcp_server("nope", True)
            seen.append(unknown.value.error)
            await turn(session, "tools again?")
        return seen

    status, disabled, in_process, unknown = run(main)
    assert status == {"calc": "disabled"}
    assert disabled == "MCP server calc is disabled — enable it (mcp_toggle) before reconnecting"
    assert in_process == "SDK servers should be handled in print.ts"
    assert unknown == "Server not found: nope"
    assert mcp_tools(fake_model.turn_requests[0]) == []
    assert mcp_tools(fake_model.turn_requests[1]) == ["mcp__calc__add"]


STDIO_SERVER = """
import json, os, sys

with open(sys.argv[1], "a") as starts:
    starts.write(f"{os.getpid()}\\n")
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("method") == "initialize":
        result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                  "serverInfo": {"name": "ext", "version": "0.1"}}
    elif msg.get("method") == "tools/list":
        result = {"tools": []}
    elif "id" in msg and "method" in msg:
        result = {}
    else:
        continue
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\\n")
    sys.stdout.flush()
"""


def test_reconnecting_an_external_server_restarts_it(
    run: Runner, e2e_options: Options, tmp_path: Path
) -> None:
    script = tmp_path / "ext_server.py"
    script.write_text(textwrap.dedent(STDIO_SERVER))
    starts = tmp_path / "starts.txt"

    async def main() -> str:
        config = {"type": "stdio", "command": sys.executable, "args": [str(script), str(starts)]}
        async with open_session(e2e_options(mcp_servers={"ext": config})) as session:
            with anyio.fail_after(20):
                while not starts.exists():  # noqa: ASYNC110 (another process writes it)
                    await anyio.sleep(0.05)
            await session.reconnect_mcp_server("ext")
            statuses = (await session.mcp_status())["mcpServers"]
            return next(s["status"] for s in statuses if s["name"] == "ext")

    assert run(main) == "connected"
    pids = starts.read_text().split()
    assert len(pids) == 2 and pids[0] != pids[1]


def test_set_mcp_servers_adds_an_in_process_server_whose_tool_then_runs(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(
        Turn([tool_use("mcp__calc__add", {"a": 2, "b": 40}, id="toolu_add")]),
        Turn([text("42 it is")]),
    )

    async def main() -> tuple[Any, Any]:
        options = e2e_options(allowed_tools=["mcp__calc__add"])
        async with open_session(options) as session:
            added = await session.set_mcp_servers(
                {
                    "calc": create_sdk_mcp_server("calc", tools=[add]),
                    "broken": {"type": "stdio", "command": "/nonexistent/server"},
                }
            )
            await turn(session, "add them")
            removed = await session.set_mcp_servers({})
        return added, removed

    added, removed = run(main)
    assert sorted(added.added) == ["broken", "calc"] and added.removed == []
    assert list(added.errors) == ["broken"]  # the CLI's reason, verbatim
    assert sorted(removed.removed) == ["broken", "calc"]
    assert tool_result_text(fake_model.turn_requests[1], "toolu_add") == "42"


# -- files, tasks, thinking ---------------------------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_rewind_files_reports_then_restores_what_a_turn_wrote(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path, enabled: bool
) -> None:
    work = tmp_path / "work"
    notes = work / "notes.txt"
    notes.write_text("original\n")
    fake_model.add_turns(
        Turn([tool_use("Write", {"file_path": str(notes), "content": "new\nlines\n"})]),
        Turn([text("written")]),
    )
    message_id = str(uuid.uuid4())
    env = {"CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING": "true"} if enabled else {}

    async def main() -> tuple[Any, str, Any]:
        options = e2e_options(permission_mode="acceptEdits", env=env)
        user_line = {
            "type": "user",
            "message": {"role": "user", "content": "write the notes"},
            "parent_tool_use_id": None,
            "uuid": message_id,  # the id rewind_files takes
        }
        async with open_session(options) as session:
            await turn(session, user_line)
            preview = await session.rewind_files(message_id, dry_run=True)
            after_preview = notes.read_text()
            try:
                done: Any = await session.rewind_files(message_id)
            except ControlRequestError as exc:
                done = exc
        return preview, after_preview, done

    preview, after_preview, done = run(main)
    assert after_preview == "new\nlines\n"  # a dry run changes nothing
    if enabled:
        assert preview.can_rewind and preview.files_changed == [str(notes)]
        assert (preview.insertions, preview.deletions) == (1, 2)
        assert done.can_rewind and notes.read_text() == "original\n"
    else:
        assert not preview.can_rewind and preview.error == "File rewinding is not enabled."
        assert isinstance(done, ControlRequestError)
        assert done.error == "File rewinding is not enabled."
        assert notes.read_text() == "new\nlines\n"


def test_stop_task_stops_a_background_command(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    sleep = {"command": "sleep 60", "run_in_background": True, "description": "nap"}
    fake_model.add_turns(
        Turn([tool_use("Bash", sleep, id="toolu_bg")]),
        Turn([text("started")]),
        Turn([text("noted")]),  # the CLI tells the model the task ended
    )

    async def main() -> list[SystemMessage]:
        async with open_session(e2e_options(allowed_tools=["Bash"])) as session:
            started = [m for m in await turn(session, "nap") if isinstance(m, SystemMessage)]
            task_id = next(m.data["task_id"] for m in started if m.subtype == "task_started")
            await session.stop_task(task_id)
            await session.stop_task("no-such-task")  # answered with success too
            later: list[SystemMessage] = []
            with anyio.fail_after(20):
                async for message in session.receive_messages():
                    if (
                        isinstance(message, SystemMessage)
                        and message.data.get("task_id") == task_id
                    ):
                        later.append(message)
                        if message.subtype == "task_notification":
                            return later
        raise AssertionError("no task_notification")

    later = run(main)
    assert later[-1].data["status"] == "stopped"


def test_set_max_thinking_tokens_sets_the_next_requests_budget(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("one")]), Turn([text("two")]))

    async def main() -> None:
        async with open_session(e2e_options()) as session:
            await session.set_model("claude-sonnet-4-5")  # a model with a thinking budget
            await turn(session, "default budget")
            await session.set_max_thinking_tokens(3000)
            await turn(session, "smaller budget")

    run(main)
    before, after = fake_model.turn_requests
    assert after["thinking"]["type"] == "enabled" and after["thinking"]["budget_tokens"] == 3000
    assert before["thinking"].get("budget_tokens") != 3000


# -- initialize, again and typed ------------------------------------------------------------


def test_the_typed_initialize_answer_of_the_real_cli(run: Runner, e2e_options: Options) -> None:
    async def main() -> Any:
        async with ClaudeSDKClient(e2e_options()) as client:
            return await client.initialization_result(), await client.get_server_info()

    info, as_dict = run(main)
    assert info.claude_code_version == "2.1.331" and info.raw == as_dict
    assert "default" in [m.value for m in info.models]
    assert all(c.name for c in info.commands) and len(info.commands) == len(as_dict["commands"])
    assert "Explore" in [a.name for a in info.agents]
    assert info.account.api_key_source == "ANTHROPIC_API_KEY"
    assert info.current_permission_mode == "default"


def test_reinitialize_answers_afresh_and_the_hooks_stay(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("one")]), Turn([text("two")]))
    prompts: list[str] = []

    async def on_prompt(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> None:
        prompts.append(data["prompt"])

    async def main() -> Any:
        options = e2e_options(hooks={"UserPromptSubmit": [HookMatcher(hooks=[on_prompt])]})
        async with open_session(options) as session:
            await turn(session, "before")
            info = await session.reinitialize()
            await turn(session, "after")
            return info

    info = run(main)
    assert info.claude_code_version == "2.1.331" and info.models
    assert prompts == ["before", "after"]


# -- elicitation from an MCP server the CLI runs ----------------------------------------------

ASKING_SERVER = """
import json, sys

def send(obj):
    sys.stdout.write(json.dumps(obj) + "\\n")
    sys.stdout.flush()

call_id = None
for line in sys.stdin:
    msg = json.loads(line)
    method = msg.get("method")
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {
            "protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
            "serverInfo": {"name": "asker", "version": "0.1"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"tools": [
            {"name": "ask", "description": "Ask the user", "inputSchema": {"type": "object"}}]}})
    elif method == "tools/call":
        call_id = msg["id"]
        send({"jsonrpc": "2.0", "id": "q1", "method": "elicitation/create", "params": {
            "message": "What is your name?",
            "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}},
                                "required": ["name"]}}})
    elif msg.get("id") == "q1":
        answer = json.dumps(msg.get("result", msg.get("error")), sort_keys=True)
        send({"jsonrpc": "2.0", "id": call_id, "result": {
            "content": [{"type": "text", "text": "the user said " + answer}]}})
    elif "id" in msg and method:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
"""


@pytest.mark.parametrize("answer", ["accept", "none", "raises"])
def test_an_mcp_servers_question_is_answered_by_on_elicitation(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path, answer: str
) -> None:
    script = tmp_path / "asker.py"
    script.write_text(textwrap.dedent(ASKING_SERVER))
    fake_model.add_turns(
        Turn([tool_use("mcp__asker__ask", {}, id="toolu_ask")]), Turn([text("ok")])
    )
    asked: list[ElicitationRequest] = []

    async def on_elicitation(request: ElicitationRequest) -> ElicitationResult:
        asked.append(request)
        if answer == "raises":
            raise RuntimeError("no screen to ask on")
        return ElicitationResult("accept", {"name": "Ada"})

    async def main() -> None:
        options = e2e_options(
            mcp_servers={
                "asker": {"type": "stdio", "command": sys.executable, "args": [str(script)]}
            },
            allowed_tools=["mcp__asker__ask"],
            on_elicitation=None if answer == "none" else on_elicitation,
        )
        async with open_session(options) as session:
            result = (await turn(session, "ask me"))[-1]
            assert isinstance(result, ResultMessage) and not result.is_error

    run(main)
    told = tool_result_text(fake_model.turn_requests[1], "toolu_ask")
    expected = {
        "accept": {"action": "accept", "content": {"name": "Ada"}},
        "none": {"action": "decline"},
        "raises": {"action": "cancel"},  # the CLI's reading of an error reply
    }[answer]
    assert told == "the user said " + json.dumps(expected, sort_keys=True)
    if answer != "none":
        (request,) = asked
        assert (request.server_name, request.message) == ("asker", "What is your name?")
        assert request.requested_schema is not None
        assert request.requested_schema["properties"] == {"name": {"type": "string"}}
