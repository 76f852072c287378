"""The Agent SDK options end to end: the real CLI against the FakeModel.

Each test sets an option and checks its effect where a user would see it:
in what the model was sent (the FakeModel records every request), in the
messages ccsdk yields, or in the files the CLI writes under its HOME.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    HookContext,
    HookMatcher,
    InitInfo,
    Message,
    ProcessError,
    ResultError,
    ResultMessage,
    SystemMessage,
    TextBlock,
    UserMessage,
    create_sdk_mcp_server,
    open_session,
    query,
    tool,
)
from ccsdk.testing import FakeModel, RecordedRequest, Turn, text, tool_use
from ccsdk.types import AgentDefinition
from tests.conftest import Runner

pytestmark = pytest.mark.e2e

Options = Callable[..., ClaudeCodeOptions]

#: Text that only the CLI's own default system prompt contains.
DEFAULT_PROMPT_MARK = "You are an agent working with the user toward their goals"


def system_text(body: dict[str, Any]) -> str:
    """The system prompt the model was sent, blocks joined."""
    system = body.get("system")
    if isinstance(system, str):
        return system
    return "\n".join(block.get("text", "") for block in system or [])


def tool_names(body: dict[str, Any]) -> set[str]:
    return {t["name"] for t in body.get("tools", [])}


def turns(model: FakeModel) -> list[RecordedRequest]:
    return [r for r in model.requests if r.turn_index is not None]


def tool_result_texts(messages: list[Message]) -> list[str]:
    out = []
    for m in messages:
        if isinstance(m, UserMessage) and isinstance(m.content, list):
            for block in m.content:
                content = getattr(block, "content", None)
                if isinstance(content, str):
                    out.append(content)
                elif isinstance(content, list):
                    out.extend(c.get("text", "") for c in content)
    return out


async def run_query(options: ClaudeCodeOptions, prompt: str = "go") -> list[Message]:
    return [m async for m in query(prompt=prompt, options=options)]


def last_result(messages: list[Message]) -> ResultMessage:
    result = messages[-1]
    assert isinstance(result, ResultMessage), messages
    return result


# ---- system prompt ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("system_prompt", "ours", "default_kept"),
    [
        (None, None, True),  # the seed's meaning: the CLI's own prompt
        ("You are TERSE-BOT.", "You are TERSE-BOT.", False),
        ({"type": "custom", "prompt": "You are CUSTOM-BOT."}, "You are CUSTOM-BOT.", False),
        (
            {"type": "preset", "preset": "claude_code", "append": "Also: APPENDED-RULE."},
            "Also: APPENDED-RULE.",
            True,
        ),
        ("", None, False),  # an empty prompt, asked for explicitly
    ],
)
def test_system_prompt_forms_reach_the_model(
    run: Runner,
    fake_model: FakeModel,
    e2e_options: Options,
    system_prompt: Any,
    ours: str | None,
    default_kept: bool,
) -> None:
    fake_model.add_turns(Turn([text("ok")]))
    messages = run(lambda: run_query(e2e_options(system_prompt=system_prompt)))
    assert last_result(messages).result == "ok"
    system = system_text(turns(fake_model)[0].body)
    assert (DEFAULT_PROMPT_MARK in system) is default_kept
    if ours is not None:
        assert system.rstrip().endswith(ours)


def test_system_prompt_file_and_append(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    prompt_file = tmp_path / "prompt.md"
    prompt_file.write_text("You are FILE-BOT.", encoding="utf-8")
    fake_model.add_turns(Turn([text("ok")]))
    options = e2e_options(
        system_prompt={"type": "file", "path": prompt_file}, append_system_prompt="AND-MORE."
    )
    run(lambda: run_query(options))
    system = system_text(turns(fake_model)[0].body)
    assert DEFAULT_PROMPT_MARK not in system
    assert "You are FILE-BOT." in system and system.rstrip().endswith("AND-MORE.")


def test_missing_system_prompt_file_is_the_clis_error(
    run: Runner, e2e_options: Options, tmp_path: Path
) -> None:
    options = e2e_options(system_prompt={"type": "file", "path": tmp_path / "absent.md"})
    with pytest.raises(ProcessError) as info:
        run(lambda: run_query(options))
    assert "System prompt file not found" in (info.value.stderr or "")


# ---- structured output --------------------------------------------------------------

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


def test_structured_output(run: Runner, fake_model: FakeModel, e2e_options: Options) -> None:
    fake_model.add_turns(
        # A first answer that does not match: the CLI tells the model so.
        Turn([tool_use("StructuredOutput", {"name": "Ada", "age": "old"})]),
        Turn([tool_use("StructuredOutput", {"name": "Ada", "age": 36})]),
    )
    options = e2e_options(output_format={"type": "json_schema", "schema": PERSON})
    messages = run(lambda: run_query(options, "Who wrote the first program?"))
    result = last_result(messages)
    assert not result.is_error
    assert result.structured_output == {"name": "Ada", "age": 36}
    first, second = turns(fake_model)
    (offered,) = [t for t in first.body["tools"] if t["name"] == "StructuredOutput"]
    assert offered["input_schema"] == PERSON
    # The model was told why its first answer was refused.
    assert "does not match required schema" in json.dumps(second.body["messages"][-1])


# ---- agents -----------------------------------------------------------------------------


def test_agent_defined_in_code_runs_with_its_prompt_and_tools(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    reviewer = AgentDefinition(
        description="Reviews code for bugs",
        prompt="You are REVIEWER-7, a careful code reviewer.",
        tools=["Read", "Grep"],
        model=None,  # dropped, not sent
    )
    fake_model.add_turns(
        Turn(
            [
                tool_use(
                    "Agent",
                    {
                        "subagent_type": "reviewer",
                        "description": "review the diff",
                        "prompt": "Review SUBTASK-42 please.",
                        "run_in_background": False,
                    },
                )
            ]
        ),
        Turn([text("No bugs found.")]),  # the subagent's answer
        Turn([text("The reviewer found no bugs.")]),  # the main agent's
    )
    options = e2e_options(agents={"reviewer": reviewer})

    async def main() -> tuple[dict[str, Any] | None, list[Message]]:
        async with ClaudeSDKClient(options) as client:
            info = await client.get_server_info()
            await client.query("Review my change")
            return info, [m async for m in client.receive_response()]

    info, messages = run(main)
    assert info is not None
    assert "reviewer" in [a["name"] for a in info["agents"]]
    init = next(
        i for m in messages if isinstance(m, SystemMessage) and isinstance(i := m.info, InitInfo)
    )
    assert "reviewer" in init.agents
    main_turn, sub_turn, last_turn = turns(fake_model)
    assert "REVIEWER-7" not in system_text(main_turn.body)
    assert "You are REVIEWER-7, a careful code reviewer." in system_text(sub_turn.body)
    assert sub_turn.last_user_text == "Review SUBTASK-42 please."
    assert tool_names(sub_turn.body) <= {"Read", "Grep"}
    # The main agent got the subagent's answer as the Agent tool's result.
    assert "No bugs found." in json.dumps(last_turn.body["messages"][-1])
    assert last_result(messages).result == "The reviewer found no bugs."


# ---- limits and models ---------------------------------------------------------------------


def test_max_budget_usd_stops_the_run(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    expensive = {"input_tokens": 200_000, "output_tokens": 10_000}
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": "echo 1", "description": "one"})], usage=expensive),
        Turn([text("never reached")]),
    )
    options = e2e_options(max_budget_usd=0.01, allowed_tools=["Bash"])
    seen: list[Message] = []

    async def main() -> None:
        async for message in query(prompt="spend", options=options):
            seen.append(message)

    with pytest.raises(ResultError) as info:
        run(main)
    assert info.value.subtype == "error_max_budget_usd"
    assert info.value.errors == ["Reached maximum budget ($0.01)"]
    result = info.value.result_message
    assert result is not None
    assert result.subtype == "error_max_budget_usd" and result.is_error
    assert result.errors == ["Reached maximum budget ($0.01)"]
    assert result.terminal_reason == "budget_exhausted"
    assert seen[-1] is result
    assert len(turns(fake_model)) == 1  # the second model call never happened


def test_fallback_model_takes_over_when_overloaded(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    overloaded = Turn.http_error(529, "overloaded")
    fake_model.add_turns(overloaded, overloaded, overloaded, Turn([text("from the fallback")]))
    options = e2e_options(fallback_model="claude-sonnet-4-5", env={"CLAUDE_CODE_MAX_RETRIES": "3"})
    messages = run(lambda: run_query(options))
    assert last_result(messages).result == "from the fallback"
    models = [r.body["model"] for r in turns(fake_model)]
    assert models[-1] == "claude-sonnet-4-5" and models[0] != "claude-sonnet-4-5"
    assert "model_fallback" in [m.subtype for m in messages if isinstance(m, SystemMessage)]


def test_thinking_budget_and_betas_reach_the_api(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("ok")]))
    options = e2e_options(
        model="claude-sonnet-4-5",
        thinking={"type": "enabled", "budget_tokens": 5000},
        betas=["context-1m-2025-08-07"],
    )
    run(lambda: run_query(options))
    (request,) = turns(fake_model)
    assert request.body["thinking"]["budget_tokens"] == 5000
    assert "context-1m-2025-08-07" in request.headers["anthropic-beta"].split(",")


def test_thinking_disabled_reaches_the_api(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("ok")]))
    options = e2e_options(model="claude-sonnet-4-5", thinking={"type": "disabled"})
    run(lambda: run_query(options))
    assert turns(fake_model)[0].body["thinking"] == {"type": "disabled"}


def test_effort_and_thinking_display_reach_the_api(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("ok")]))
    options = e2e_options(effort="low", thinking={"type": "adaptive", "display": "summarized"})
    run(lambda: run_query(options))
    body = turns(fake_model)[0].body
    assert body["output_config"]["effort"] == "low"
    assert body["thinking"] == {"type": "adaptive", "display": "summarized"}


# ---- tools -------------------------------------------------------------------------------


def test_tools_limit_the_built_in_tools(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("ok")]), Turn([text("ok")]))
    run(lambda: run_query(e2e_options(tools=["Read"])))
    run(lambda: run_query(e2e_options(tools=[])))
    only_read, none = turns(fake_model)
    assert "Read" in tool_names(only_read.body)
    assert not tool_names(only_read.body) & {"Bash", "Write", "Edit", "Agent"}
    assert tool_names(none.body) == set()


def test_tool_aliases(run: Runner, fake_model: FakeModel, e2e_options: Options) -> None:
    fake_model.add_turns(
        Turn([tool_use("Shell", {"command": "echo aliased-ran", "description": "echo"})]),
        Turn([text("done")]),
    )
    options = e2e_options(tool_aliases={"Shell": "Bash"}, allowed_tools=["Bash"])
    messages = run(lambda: run_query(options))
    assert [t.strip() for t in tool_result_texts(messages)] == ["aliased-ran"]


def test_strict_mcp_config_keeps_only_our_servers(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    # A server in the user's config (the e2e HOME), which strict mode must ignore.
    (tmp_path / "home" / ".claude.json").write_text(
        json.dumps({"mcpServers": {"from-user-config": {"command": "/bin/false"}}})
    )

    @tool("add", "Add two numbers", {"a": int, "b": int})
    async def add(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": [{"type": "text", "text": str(args["a"] + args["b"])}]}

    calc = create_sdk_mcp_server("calc", tools=[add])
    fake_model.add_turns(
        Turn([text("plain")]),
        Turn([tool_use("mcp__calc__add", {"a": 2, "b": 40})]),
        Turn([text("done")]),
    )

    def init_servers(messages: list[Message]) -> dict[str, str]:
        init = next(
            i
            for m in messages
            if isinstance(m, SystemMessage) and isinstance(i := m.info, InitInfo)
        )
        return {s["name"]: s["status"] for s in init.mcp_servers}

    plain = run(lambda: run_query(e2e_options(mcp_servers={"calc": calc})))
    strict = run(
        lambda: run_query(
            e2e_options(
                mcp_servers={"calc": calc},
                strict_mcp_config=True,
                allowed_tools=["mcp__calc__add"],
            )
        )
    )
    assert set(init_servers(plain)) == {"calc", "from-user-config"}
    # The in-process server, named in initialize, survives strict mode and works.
    assert init_servers(strict) == {"calc": "connected"}
    assert tool_result_texts(strict) == ["42"]


# ---- settings, sandbox, plugins ---------------------------------------------------------------


def test_setting_sources(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    project = tmp_path / "work" / ".claude"
    project.mkdir(parents=True)
    (project / "settings.json").write_text(json.dumps({"model": "claude-sonnet-4-5"}))
    fake_model.add_turns(Turn([text("ok")]), Turn([text("ok")]))
    run(lambda: run_query(e2e_options()))
    run(lambda: run_query(e2e_options(setting_sources=["user"])))
    with_project, user_only = (r.body["model"] for r in turns(fake_model))
    assert with_project == "claude-sonnet-4-5"
    assert user_only != "claude-sonnet-4-5"


def test_include_hook_events(run: Runner, fake_model: FakeModel, e2e_options: Options) -> None:
    # Hook frames report hooks that run a command (from settings), not SDK callbacks.
    settings = {
        "hooks": {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "echo hook-ran"}]}
            ]
        }
    }
    bash = Turn([tool_use("Bash", {"command": "echo hi", "description": "echo"})])
    fake_model.add_turns(bash, Turn([text("done")]), bash, Turn([text("done")]))

    def hook_frames(include: bool) -> list[SystemMessage]:
        options = e2e_options(
            settings=json.dumps(settings), allowed_tools=["Bash"], include_hook_events=include
        )
        messages = run(lambda: run_query(options))
        return [
            m
            for m in messages
            if isinstance(m, SystemMessage) and m.subtype in ("hook_started", "hook_response")
        ]

    started, response = hook_frames(True)
    assert (started.subtype, response.subtype) == ("hook_started", "hook_response")
    assert started.data["hook_event"] == "PreToolUse"
    assert started.data["hook_id"] == response.data["hook_id"]
    assert response.data["stdout"] == "hook-ran\n" and response.data["outcome"] == "success"
    assert hook_frames(False) == []


@pytest.mark.skipif(
    shutil.which("bwrap") is not None and shutil.which("socat") is not None,
    reason="the sandbox can start here; this checks the refusal when it cannot",
)
def test_sandbox_that_cannot_start_fails_closed(run: Runner, e2e_options: Options) -> None:
    # ccsdk adds failIfUnavailable: without it the CLI would run commands unsandboxed.
    options = e2e_options(sandbox={"enabled": True})
    with pytest.raises(ProcessError) as info:
        run(lambda: run_query(options))
    assert info.value.exit_code == 1
    assert "sandbox required but unavailable" in (info.value.stderr or "")


def test_local_plugin_is_loaded(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    plugin = tmp_path / "demo-plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / "agents").mkdir()
    (plugin / ".claude-plugin" / "plugin.json").write_text(
        json.dumps({"name": "demo-plugin", "version": "1.0.0", "description": "a demo"})
    )
    (plugin / "agents" / "helper.md").write_text(
        "---\nname: helper\ndescription: Helps\n---\nYou are the plugin's helper.\n"
    )
    fake_model.add_turns(Turn([text("ok")]))
    messages = run(lambda: run_query(e2e_options(plugins=[{"type": "local", "path": plugin}])))
    init = next(
        i for m in messages if isinstance(m, SystemMessage) and isinstance(i := m.info, InitInfo)
    )
    assert "demo-plugin" in [p["name"] for p in init.plugins]
    assert "demo-plugin:helper" in init.agents


# ---- sessions ---------------------------------------------------------------------------------


def transcripts(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "home" / ".claude" / "projects").glob("*/*.jsonl"))


def test_session_id_fork_session_and_title(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    first_id = str(uuid.uuid4())
    forked_id = str(uuid.uuid4())
    fake_model.add_turns(Turn([text("the answer is 7")]), Turn([text("still 7")]))
    first = run(lambda: run_query(e2e_options(session_id=first_id, title="Numbers"), "pick"))
    second = run(
        lambda: run_query(
            e2e_options(resume=first_id, fork_session=True, session_id=forked_id), "again?"
        )
    )
    assert last_result(first).session_id == first_id
    assert last_result(second).session_id == forked_id
    # The fork carries the first conversation: the model saw its answer.
    history = turns(fake_model)[1].body["messages"]
    assert any(
        m["role"] == "assistant" and "the answer is 7" in json.dumps(m["content"]) for m in history
    )
    # Two transcripts (the fork is a copy); the title is recorded in the first.
    files = {p.stem: p for p in transcripts(tmp_path)}
    assert set(files) == {first_id, forked_id}
    lines = [json.loads(line) for line in files[first_id].read_text().splitlines()]
    assert {"type": "custom-title", "customTitle": "Numbers", "sessionId": first_id} in lines


def test_persist_session_false_writes_no_transcript(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    fake_model.add_turns(Turn([text("ok")]), Turn([text("ok")]))
    run(lambda: run_query(e2e_options(persist_session=False)))
    assert transcripts(tmp_path) == []
    run(lambda: run_query(e2e_options()))
    assert len(transcripts(tmp_path)) == 1


def test_enable_file_checkpointing(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    async def rewind_answer(enabled: bool) -> dict[str, Any]:
        options = e2e_options(enable_file_checkpointing=enabled)
        async with open_session(options) as session:
            return await session.request(
                "rewind_files", user_message_id=str(uuid.UUID(int=0)), dry_run=True
            )

    assert run(lambda: rewind_answer(False)) == {
        "canRewind": False,
        "error": "File rewinding is not enabled.",
    }
    # Enabled: the request is considered, and fails only for want of a checkpoint.
    assert run(lambda: rewind_answer(True)) == {
        "canRewind": False,
        "error": "No file checkpoint found for this message.",
    }


def test_claude_agent_options_name(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("same class")]))
    options = e2e_options(ClaudeAgentOptions, system_prompt="Be brief.")
    assert isinstance(options, ClaudeAgentOptions)
    messages = run(lambda: run_query(options))
    assert [b.text for m in messages if isinstance(m, AssistantMessage) for b in m.content] == [
        "same class"
    ]


# ---- the two classes' defaults, and the options new in claude_agent_sdk 0.2.190 ----------


def test_agent_options_default_to_an_empty_system_prompt(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("agent")]), Turn([text("code")]))
    run(lambda: run_query(e2e_options(ClaudeAgentOptions)))
    run(lambda: run_query(e2e_options(ClaudeCodeOptions)))
    agent, code = (system_text(r.body) for r in turns(fake_model))
    # claude_agent_sdk's default: the CLI's prompt is replaced by an empty
    # one (the CLI still adds its billing header and SDK identity line).
    assert DEFAULT_PROMPT_MARK not in agent and len(agent) < 200
    # claude_code_sdk's: the CLI's own prompt.
    assert DEFAULT_PROMPT_MARK in code


def test_task_budget_and_client_app_reach_the_api(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("ok")]))
    options = e2e_options(
        ClaudeAgentOptions, task_budget={"total": 40_000}, client_app="my-app/1.2.3"
    )
    run(lambda: run_query(options))
    (request,) = turns(fake_model)
    assert request.body["output_config"]["task_budget"] == {"type": "tokens", "total": 40_000}
    assert "task-budgets-2026-03-13" in request.headers["anthropic-beta"].split(",")
    assert "client-app/my-app/1.2.3" in request.headers["user-agent"]


SUBAGENT = tool_use(
    "Agent",
    {
        "subagent_type": "general-purpose",
        "description": "sub",
        "prompt": "do it",
        "run_in_background": False,
    },
)


@pytest.mark.parametrize("forward", [True, False])
def test_forward_subagent_text(
    run: Runner, fake_model: FakeModel, e2e_options: Options, forward: bool
) -> None:
    fake_model.add_turns(Turn([SUBAGENT]), Turn([text("sub says hi")]), Turn([text("done")]))
    messages = run(lambda: run_query(e2e_options(forward_subagent_text=forward)))
    nested = [
        block.text
        for m in messages
        if isinstance(m, AssistantMessage) and m.parent_tool_use_id is not None
        for block in m.content
        if isinstance(block, TextBlock)
    ]
    assert nested == (["sub says hi"] if forward else [])
    assert last_result(messages).result == "done"


@pytest.mark.parametrize("verbatim", [True, False])
def test_verbatim_prompts_keep_a_path_mention_unexpanded(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path, verbatim: bool
) -> None:
    (tmp_path / "work" / "notes.txt").write_text("SECRET-NOTES")
    fake_model.add_turns(Turn([text("ok")]))
    options = e2e_options(verbatim_prompts=verbatim)

    async def streamed() -> AsyncIterator[dict[str, Any]]:
        # A streamed message's own client_composed: False is overridden.
        message = {"role": "user", "content": "read @notes.txt"}
        yield {"type": "user", "message": message, "client_composed": False}

    run(lambda: run_query(options, "read @notes.txt"))
    fake_model.add_turns(Turn([text("ok")]))
    run(lambda: run_query_stream(options, streamed()))
    for request in turns(fake_model):
        assert request.last_user_text == "read @notes.txt"
        assert ("SECRET-NOTES" in json.dumps(request.body["messages"])) is not verbatim


async def run_query_stream(
    options: ClaudeCodeOptions, prompt: AsyncIterator[dict[str, Any]]
) -> list[Message]:
    return [m async for m in query(prompt=prompt, options=options)]


def test_skills_list_only_the_named_skills(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    for name in ("alpha-skill", "beta-skill"):
        folder = tmp_path / "home" / ".claude" / "skills" / name
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: The {name.upper()} helper\n---\nDo {name}.\n"
        )
    fake_model.add_turns(Turn([text("ok")]), Turn([text("ok")]))
    run(lambda: run_query(e2e_options(skills=["alpha-skill"])))
    run(lambda: run_query(e2e_options()))
    only_alpha, both = (json.dumps(r.body) for r in turns(fake_model))
    assert "ALPHA-SKILL helper" in only_alpha and "BETA-SKILL helper" not in only_alpha
    assert "ALPHA-SKILL helper" in both and "BETA-SKILL helper" in both


def test_resume_session_at_and_resume_drops_turn(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    second_prompt = str(uuid.uuid4())
    fake_model.add_turns(
        Turn([text("ANSWER-ONE")]), Turn([text("ANSWER-TWO")]), Turn([text("branched")])
    )

    async def second() -> AsyncIterator[dict[str, Any]]:
        message = {"role": "user", "content": "PROMPT-TWO"}
        yield {"type": "user", "message": message, "uuid": second_prompt}

    async def two_turns() -> list[Message]:
        async with ClaudeSDKClient(e2e_options()) as client:
            await client.query("PROMPT-ONE")
            out = [m async for m in client.receive_response()]
            await client.query(second())
            return out + [m async for m in client.receive_response()]

    messages = run(two_turns)
    session = last_result(messages).session_id
    first_answer = next(m for m in messages if isinstance(m, AssistantMessage)).uuid
    assert first_answer is not None

    # A wrong turn declared: the CLI refuses the truncating resume.
    refused = e2e_options(
        resume=session,
        resume_session_at=first_answer,
        resume_drops_turn=str(uuid.uuid4()),
        fork_session=True,
    )
    with pytest.raises(ProcessError, match="Resume rejected by --resume-drops-turn"):
        run(lambda: run_query(refused, "PROMPT-THREE"))

    # The right one: the branch holds the first turn and not the second.
    options = dataclasses.replace(refused, resume_drops_turn=second_prompt)
    assert last_result(run(lambda: run_query(options, "PROMPT-THREE"))).result == "branched"
    history = json.dumps(turns(fake_model)[-1].body["messages"])
    assert "ANSWER-ONE" in history and "PROMPT-TWO" not in history


def test_a_failing_hook_set_to_block_blocks_the_tool(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    async def broken(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> Any:
        raise RuntimeError("the policy service is down")

    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": "echo RAN > ran.txt"})]), Turn([text("done")])
    )
    hooks: Any = {"PreToolUse": [HookMatcher("Bash", [broken], on_failure="block")]}
    options = e2e_options(allowed_tools=["Bash"], hooks=hooks)
    messages = run(lambda: run_query(options))
    assert last_result(messages).result == "done"
    assert not (tmp_path / "work" / "ran.txt").exists()
    assert 'blocking because onFailure is \\"block\\"' in json.dumps(
        turns(fake_model)[-1].body["messages"][-1]
    )


def test_hook_events_newer_than_the_cli_are_registered_harmlessly(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    async def hook(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> Any:
        return {}

    fake_model.add_turns(Turn([text("done")]))
    hooks: Any = {
        "PreSkillShellCommand": [HookMatcher(hooks=[hook])],
        "Interrupt": [HookMatcher(hooks=[hook])],
    }
    assert last_result(run(lambda: run_query(e2e_options(hooks=hooks)))).result == "done"
