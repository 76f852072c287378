"""The newer message types end to end: the real CLI provokes each, against the FakeModel.

Each test makes CLI 2.1.331 send one family of frames (background tasks,
hook runs, tool progress, tool-use summaries, prompt suggestions, auth
status, conversation resets, rate limits, server-tool blocks) and checks
what the user gets: the typed message with the values the run implies.
docs/message-types-newer.md says when the CLI sends each of them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest

from ccsdk import (
    TERMINAL_TASK_STATUSES,
    AssistantMessage,
    AuthStatusMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ConversationResetMessage,
    HookEventMessage,
    HookProgressInfo,
    HookResponseInfo,
    HookStartedInfo,
    InitInfo,
    Message,
    PromptSuggestionMessage,
    RateLimitEvent,
    ResultMessage,
    ServerToolResultBlock,
    ServerToolUseBlock,
    SystemMessage,
    TaskNotificationMessage,
    TaskProgressMessage,
    TaskStartedMessage,
    TaskUpdatedMessage,
    TextBlock,
    ToolProgressMessage,
    ToolUseBlock,
    ToolUseSummaryMessage,
    UnknownMessage,
    query,
)
from ccsdk.testing import FakeModel, Turn, gateway_env, raw_block, text, tool_use
from tests.conftest import Runner

pytestmark = pytest.mark.e2e

Options = Callable[..., ClaudeCodeOptions]
M = TypeVar("M")
V = TypeVar("V")
# A frame of these subtypes that does not fit gives a plain SystemMessage
# (task_*, hook_started, hook_response) or one whose .info is None.
SUBTYPES_WITH_A_CLASS_OR_VIEW = {
    "task_started",
    "task_progress",
    "task_updated",
    "task_notification",
    "hook_started",
    "hook_progress",
    "hook_response",
    "init",
    "status",
    "api_retry",
    "session_state_changed",
    "permission_denied",
}


def of(kind: type[M], messages: list[Message]) -> list[M]:
    return [m for m in messages if isinstance(m, kind)]


def views(kind: type[V], messages: list[Message]) -> list[V]:
    """The ``SystemMessage.info`` views of type ``kind``."""
    return [i for m in messages if isinstance(m, SystemMessage) and isinstance(i := m.info, kind)]


async def collect(options: ClaudeCodeOptions, prompt: str = "go") -> list[Message]:
    with anyio.fail_after(90):
        return [m async for m in query(prompt=prompt, options=options)]


INFO_TYPES = {
    "rate_limit_event",
    "tool_progress",
    "tool_use_summary",
    "prompt_suggestion",
    "auth_status",
    "conversation_reset",
}


def no_unknown_frames(messages: list[Message]) -> None:
    """No frame of a typed kind fell back to its untyped form (it would not fit its class)."""
    untyped = [m.data for m in of(UnknownMessage, messages) if m.type in INFO_TYPES]
    untyped += [
        m.data
        for m in messages
        if type(m) is SystemMessage
        and (m.subtype.startswith(("task_", "hook_started", "hook_response")) or m.info is None)
        and m.subtype in SUBTYPES_WITH_A_CLASS_OR_VIEW
    ]
    assert untyped == []


# --------------------------------------------------------------------------
# Background tasks: subagents and long Bash commands
# --------------------------------------------------------------------------


def test_a_foreground_subagent_reports_start_progress_update_and_end(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    """run_in_background false: the Task call waits, so the script's order is fixed."""
    task_call = {
        "description": "look around",
        "prompt": "Say hi",
        "subagent_type": "general-purpose",
        "run_in_background": False,
    }
    fake_model.add_turns(
        Turn([tool_use("Task", task_call, id="toolu_task")]),  # main: start the subagent
        Turn([tool_use("Bash", {"command": "echo from-sub"}, id="toolu_sub")]),  # subagent
        Turn([text("sub says hi")]),  # subagent: its report
        Turn([text("main done")]),  # main again
    )

    messages = run(lambda: collect(e2e_options(allowed_tools=["Task", "Bash"])))
    no_unknown_frames(messages)
    (started,) = of(TaskStartedMessage, messages)
    assert started.task_type == "local_agent"
    assert (started.subagent_type, started.prompt, started.description) == (
        "general-purpose",
        "Say hi",
        "look around",
    )
    assert started.tool_use_id == "toolu_task"
    assert started.is_backgrounded is False
    assert started.spawn_depth == 1

    progress = of(TaskProgressMessage, messages)
    assert progress, "a task_progress after the subagent's Bash call"
    assert progress[-1].task_id == started.task_id
    assert progress[-1].last_tool_name == "Bash"
    assert progress[-1].usage["tool_uses"] == 1

    updated = [u for u in of(TaskUpdatedMessage, messages) if u.task_id == started.task_id]
    assert "completed" in [u.status for u in updated]

    (done,) = of(TaskNotificationMessage, messages)
    assert done.task_id == started.task_id
    assert done.status == "completed" and done.status in TERMINAL_TASK_STATUSES
    assert done.summary == "sub says hi"
    assert done.usage is not None and done.usage["tool_uses"] == 1
    assert done.output_file.endswith(f"{started.task_id}.output")

    # The subagent's tool calls come through, naming the Task call as their parent.
    sub = [m for m in of(AssistantMessage, messages) if m.parent_tool_use_id == "toolu_task"]
    assert [b.id for m in sub for b in m.content if isinstance(b, ToolUseBlock)] == ["toolu_sub"]
    result = messages[-1]
    assert isinstance(result, ResultMessage) and result.result == "main done"


def test_a_background_subagent_ends_with_a_notification(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    """The default: the Task call returns at once; the end comes as a notification.

    The main thread and the subagent then ask the model concurrently, so
    every scripted answer is the same text.
    """
    fake_model.add_turns(
        Turn([tool_use("Task", {"description": "bg", "prompt": "Say hi"}, id="toolu_bg")]),
        *[Turn([text("done")]) for _ in range(5)],
    )

    messages = run(lambda: collect(e2e_options(allowed_tools=["Task"])))
    no_unknown_frames(messages)
    (started,) = of(TaskStartedMessage, messages)
    assert (started.tool_use_id, started.is_backgrounded) == ("toolu_bg", True)
    (done,) = of(TaskNotificationMessage, messages)
    assert (done.task_id, done.status, done.summary) == (started.task_id, "completed", "done")
    assert isinstance(messages[-1], ResultMessage)


# The CLI refuses a plain ``sleep`` that long (it suggests its Monitor tool).
WAIT_31_S = "timeout 31 tail -f /dev/null; echo woke"


def test_a_bash_command_over_30_s_is_a_task_with_tool_progress_heartbeats(
    cli_path: Path, tmp_path: Path
) -> None:
    """Run on trio only: the frames do not depend on the loop, and this waits 31 s."""
    slow = Turn([tool_use("Bash", {"command": WAIT_31_S, "timeout": 60000}, id="toolu_slow")])
    with FakeModel([slow, Turn([text("slept")])]) as model:
        options = ClaudeCodeOptions(
            cli_path=str(cli_path),
            env=model.env(home=str(tmp_path)),
            cwd=str(tmp_path),
            allowed_tools=["Bash"],
        )
        began = time.monotonic()
        messages = anyio.run(collect, options, backend="trio")
    no_unknown_frames(messages)
    (heartbeat, *_) = of(ToolProgressMessage, messages)
    assert heartbeat.heartbeat is True
    assert heartbeat.tool_name == "Bash"
    assert heartbeat.parent_tool_use_id == "toolu_slow"
    assert heartbeat.tool_use_id.startswith("toolu_slow-heartbeat-")
    assert 30 <= heartbeat.elapsed_time_seconds <= time.monotonic() - began
    (started,) = of(TaskStartedMessage, messages)
    assert (started.task_type, started.tool_use_id) == ("local_bash", "toolu_slow")
    assert started.description == WAIT_31_S
    (done,) = of(TaskNotificationMessage, messages)
    assert (done.task_id, done.status) == (started.task_id, "completed")
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "slept"


# --------------------------------------------------------------------------
# Hook runs (--include-hook-events)
# --------------------------------------------------------------------------


def test_hook_runs_are_reported_started_progress_response(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    settings = {
        "hooks": {
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [{"type": "command", "command": "echo first; sleep 2.5; echo second"}],
                }
            ],
            "PostToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [{"type": "command", "command": "echo bad >&2; exit 1"}],
                }
            ],
        }
    }
    fake_model.add_turns(Turn([tool_use("Bash", {"command": "echo hi"})]), Turn([text("ok")]))
    options = e2e_options(
        allowed_tools=["Bash"],
        settings=json.dumps(settings),
        extra_args={"include-hook-events": None},
    )

    messages = run(lambda: collect(options))
    no_unknown_frames(messages)
    # As claude_agent_sdk: started and response frames are HookEventMessage,
    # progress frames plain SystemMessage; SystemMessage.info reads all three.
    events = of(HookEventMessage, messages)
    assert {m.subtype for m in events} == {"hook_started", "hook_response"}
    assert {m.hook_event_name for m in events} == {"PreToolUse", "PostToolUse"}
    hooks = views(HookStartedInfo | HookProgressInfo | HookResponseInfo, messages)  # type: ignore[arg-type]
    pre = [h for h in hooks if h.hook_event == "PreToolUse"]
    post = [h for h in hooks if h.hook_event == "PostToolUse"]
    assert isinstance(pre[0], HookStartedInfo) and isinstance(pre[-1], HookResponseInfo)
    assert {h.hook_id for h in pre} == {pre[0].hook_id}
    assert pre[0].hook_name == "PreToolUse:Bash"
    progress = [h for h in pre if isinstance(h, HookProgressInfo)]
    assert progress and progress[0].stdout == "first\n"
    assert all(
        type(m) is SystemMessage for m in messages if getattr(m, "subtype", "") == "hook_progress"
    )
    final = pre[-1]
    assert isinstance(final, HookResponseInfo)
    assert (final.outcome, final.exit_code, final.stdout) == ("success", 0, "first\nsecond\n")
    failed = post[-1]
    assert isinstance(failed, HookResponseInfo)
    assert (failed.outcome, failed.exit_code, failed.stderr) == ("error", 1, "bad\n")


# --------------------------------------------------------------------------
# tool_use_summary, prompt_suggestion, auth_status, conversation_reset
# --------------------------------------------------------------------------


def test_tool_use_summaries(run: Runner, fake_model: FakeModel, e2e_options: Options) -> None:
    fake_model.summary_text = "Echoed a greeting"
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": "echo hi"}, id="toolu_echo")]), Turn([text("ok")])
    )
    options = e2e_options(allowed_tools=["Bash"], env={"CLAUDE_CODE_EMIT_TOOL_USE_SUMMARIES": "1"})

    messages = run(lambda: collect(options))
    no_unknown_frames(messages)
    (summary,) = of(ToolUseSummaryMessage, messages)
    assert summary.summary == "Echoed a greeting"
    assert summary.preceding_tool_use_ids == ["toolu_echo"]
    # The label came from a side request, which took no scripted turn.
    assert [r.kind for r in fake_model.requests].count("summary") == 1
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "ok"


def test_a_prompt_suggestion_follows_the_result(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    """Sent after the turn's result (and idle): read on with receive_messages()."""
    fake_model.suggestion_text = "now run the tests"
    # The CLI suggests from the second model response on, with the cache warm.
    warm = {"cache_read_input_tokens": 5000, "cache_creation_input_tokens": 100}
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": "echo hi"})], usage=warm),
        Turn([text("all done")], usage=warm),
    )
    options = e2e_options(allowed_tools=["Bash"], extra_args={"prompt-suggestions": None})

    async def main() -> tuple[list[Message], list[Message]]:
        async with ClaudeSDKClient(options) as client:
            await client.query("go")
            turn = [m async for m in client.receive_response()]
            after: list[Message] = []
            with anyio.fail_after(30):
                async for m in client.receive_messages():
                    after.append(m)
                    if isinstance(m, PromptSuggestionMessage):
                        break
            return turn, after

    turn, after = run(main)
    assert isinstance(turn[-1], ResultMessage)
    suggestion = after[-1]
    assert isinstance(suggestion, PromptSuggestionMessage)
    assert suggestion.suggestion == "now run the tests"
    assert suggestion.session_id == turn[-1].session_id
    assert [r.kind for r in fake_model.requests].count("suggestion") == 1


def test_auth_status_while_an_api_key_helper_fails(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    fake_model.add_turns(Turn([text("hello")]))
    options = e2e_options(
        settings=json.dumps({"apiKeyHelper": "echo oops >&2; exit 3"}),
        env={"ANTHROPIC_API_KEY": ""},  # so that the helper is asked
        extra_args={"enable-auth-status": None},
    )

    messages = run(lambda: collect(options))
    no_unknown_frames(messages)
    statuses = of(AuthStatusMessage, messages)
    # Settings given as JSON go in initialize: the CLI may report its state
    # once at launch, before it reads them; then the helper runs and fails.
    running = [s for s in statuses if s.is_authenticating]
    assert running and running[0].error is None
    assert statuses.index(running[0]) <= 1
    assert statuses[-1].is_authenticating is False
    errors = {s.error for s in statuses if s.error is not None}
    assert errors == {"apiKeyHelper failed: exited 3: oops"}
    assert all(s.output == [] for s in statuses)


def test_clear_resets_the_conversation(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    messages = run(lambda: collect(e2e_options(), prompt="/clear"))
    no_unknown_frames(messages)
    (reset,) = of(ConversationResetMessage, messages)
    assert reset.trigger == "clear"
    assert reset.new_conversation_id and reset.user_message_uuid
    # What follows belongs to a new session.
    after = messages[messages.index(reset) + 1 :]
    (init,) = views(InitInfo, after)
    assert reset.session_id is not None and init.session_id != reset.session_id
    assert fake_model.turn_requests == []  # /clear asks the model nothing


# --------------------------------------------------------------------------
# Rate limits (read from the API's headers, for a gateway) and server tools
# --------------------------------------------------------------------------


def rate_limit_headers(status: str, resets_at: int, utilization: str) -> dict[str, str]:
    return {
        "anthropic-ratelimit-unified-status": status,
        "anthropic-ratelimit-unified-reset": str(resets_at),
        "anthropic-ratelimit-unified-representative-claim": "five_hour",
        "anthropic-ratelimit-unified-5h-utilization": utilization,
        "anthropic-ratelimit-unified-5h-reset": str(resets_at),
    }


def test_a_rate_limit_event_from_the_response_headers(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    resets_at = int(time.time()) + 3600
    fake_model.add_turns(
        Turn([text("hello")], headers=rate_limit_headers("allowed_warning", resets_at, "0.91"))
    )

    messages = run(lambda: collect(e2e_options(env=gateway_env())))
    no_unknown_frames(messages)
    (event,) = of(RateLimitEvent, messages)
    info = event.rate_limit_info
    assert (info.status, info.rate_limit_type, info.resets_at) == (
        "allowed",
        "five_hour",
        resets_at,
    )
    assert info.is_using_overage is False
    assert info.raw["unifiedWindows"]["five_hour"] == {"utilization": 0.91, "resetsAt": resets_at}
    assert event.session_id == messages[-1].session_id  # type: ignore[union-attr]


def test_no_rate_limit_event_for_an_api_key(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    """The CLI ignores the headers when it uses an API key (FakeModel.env's default)."""
    resets_at = int(time.time()) + 3600
    fake_model.add_turns(
        Turn([text("hello")], headers=rate_limit_headers("allowed_warning", resets_at, "0.91"))
    )
    messages = run(lambda: collect(e2e_options()))
    assert of(RateLimitEvent, messages) == []
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "hello"


def test_server_tool_blocks_reach_the_user(
    run: Runner, fake_model: FakeModel, e2e_options: Options
) -> None:
    search = {"query": "trio structured concurrency"}
    results: list[dict[str, Any]] = [
        {
            "type": "web_search_result",
            "url": "https://trio.readthedocs.io/",
            "title": "Trio",
            "encrypted_content": "ZmFrZQ==",
            "page_age": None,
        }
    ]
    fake_model.add_turns(
        Turn(
            [
                raw_block(
                    {
                        "type": "server_tool_use",
                        "id": "srvtoolu_1",
                        "name": "web_search",
                        "input": search,
                    }
                ),
                raw_block(
                    {
                        "type": "web_search_tool_result",
                        "tool_use_id": "srvtoolu_1",
                        "content": results,
                    }
                ),
                text("Trio is a library."),
            ]
        )
    )

    messages = run(lambda: collect(e2e_options()))
    blocks = [b for m in of(AssistantMessage, messages) for b in m.content]
    assert blocks == [
        ServerToolUseBlock(id="srvtoolu_1", name="web_search", input=search),
        ServerToolResultBlock(tool_use_id="srvtoolu_1", content=results),
        TextBlock("Trio is a library."),
    ]
    assert isinstance(blocks[1], ServerToolResultBlock)
    assert blocks[1].type == "web_search_tool_result"
    assert not any(isinstance(b, ToolUseBlock) for b in blocks)
    assert len(fake_model.turn_requests) == 1  # a server tool needs no round trip
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "Trio is a library."
