"""Callbacks are isolated from the message stream, over the scripted fake CLI.

A running callback holds back no message, the interactive client serves the
CLI while nobody reads, a guard that crashes denies, an answer that cannot
be encoded becomes an error answer, open_session's inbox is bounded, and a
turn never ends silently.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from contextlib import AsyncExitStack, aclosing
from pathlib import Path
from typing import Any

import anyio
import pytest

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    CLIConnectionError,
    ControlTimeoutError,
    HookContext,
    HookMatcher,
    Message,
    PermissionResultAllow,
    ResultMessage,
    ToolPermissionContext,
    open_session,
    query,
)
from tests.conftest import Runner
from tests.fakecli import FakeCLI, assistant, state
from tests.procs import fake_cli


async def exchange(
    options: ClaudeCodeOptions, *frames: dict[str, Any], **info: Any
) -> list[dict[str, Any]]:
    """Handshake, then send ``frames`` and return the control responses they got,
    the turn played after them (the session goes on)."""
    replies: list[dict[str, Any]] = []
    got: list[Message] = []
    async with FakeCLI() as fake, anyio.create_task_group() as tg:

        async def cli() -> None:
            request = await fake.expect("control_request", "initialize")
            await fake.answer(request, {"claude_code_version": "2.1.331", "commands": [], **info})
            replies.append(request)
            await fake.expect("user")
            for frame in frames:
                await fake.send(frame)
                replies.append((await fake.expect("control_response"))["response"])
            await fake.turn()
            await fake.read_frame()
            await fake.close()

        tg.start_soon(cli)
        async for m in query(prompt="hi", options=options, transport=fake.transport):
            got.append(m)
    assert isinstance(got[-1], ResultMessage)
    return replies


HOLDERS = ["open_session", "client", "query"]


def hook_call(request_id: str = "h-1", event: str = "PreToolUse") -> dict[str, Any]:
    return {
        "type": "control_request",
        "request_id": request_id,
        "request": {
            "subtype": "hook_callback",
            "callback_id": "hook_0",
            "input": {"hook_event_name": event, "tool_name": "Bash", "tool_input": {}},
            "tool_use_id": "toolu_1",
        },
    }


def permission_call(request_id: str = "perm-1") -> dict[str, Any]:
    return {
        "type": "control_request",
        "request_id": request_id,
        "request": {
            "subtype": "can_use_tool",
            "tool_name": "Bash",
            "input": {"command": "ls"},
            "permission_suggestions": [],
            "tool_use_id": "toolu_1",
        },
    }


@pytest.mark.parametrize("holder", HOLDERS)
def test_messages_do_not_wait_behind_a_running_hook(run: Runner, holder: str) -> None:
    """A hook that has not returned holds back none of the messages read after its request."""

    async def main() -> tuple[float, list[dict[str, Any]]]:
        started = anyio.Event()
        release = anyio.Event()
        answers: list[dict[str, Any]] = []
        answered = anyio.Event()

        async def slow_hook(
            data: dict[str, Any], tool_use_id: str | None, ctx: HookContext
        ) -> dict[str, Any]:
            started.set()
            await release.wait()
            return {"systemMessage": "late"}

        options = ClaudeCodeOptions(hooks={"PreToolUse": [HookMatcher(hooks=[slow_hook])]})
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(hook_call())
                await fake.turn()
                answers.append((await fake.expect("control_response"))["response"])
                answered.set()
                while await fake.read_frame() is not None:
                    pass
                await fake.close()  # stdin closed: the CLI exits

            tg.start_soon(cli)
            got: list[Message] = []
            t0 = time.monotonic()
            if holder == "query":
                async with aclosing(
                    query(prompt="hi", options=options, transport=fake.transport)
                ) as messages:
                    with anyio.fail_after(3):
                        async for m in messages:
                            got.append(m)
                            if isinstance(m, ResultMessage):
                                break
                    elapsed = time.monotonic() - t0
                    assert started.is_set() and not answers  # the hook still runs
                    release.set()
                    async for m in messages:
                        got.append(m)
                await fake.close()
            else:
                if holder == "client":
                    client = ClaudeSDKClient(options, transport=fake.transport)
                    await client.connect()
                    session = client.session
                else:
                    session_cm = open_session(options, transport=fake.transport)
                    session = await session_cm.__aenter__()
                await session.send("hi")
                with anyio.fail_after(3):
                    async for m in session.receive_response():
                        got.append(m)
                elapsed = time.monotonic() - t0
                assert started.is_set() and not answers  # the hook still runs
                release.set()
                with anyio.fail_after(3):
                    await answered.wait()
                await fake.close()
                if holder == "client":
                    await client.disconnect()
                else:
                    await session_cm.__aexit__(None, None, None)
            assert isinstance(got[-1], ResultMessage) or any(
                isinstance(m, ResultMessage) for m in got
            )
        return elapsed, answers

    elapsed, answers = run(main)
    assert elapsed < 2
    assert answers[0]["subtype"] == "success"
    assert answers[0]["response"] == {"systemMessage": "late"}


def test_the_client_serves_a_permission_request_while_nobody_reads(run: Runner) -> None:
    """The CLI's can_use_tool is answered while the user's task only sleeps."""

    async def main() -> tuple[float, dict[str, Any], bool]:
        answer: dict[str, Any] = {}
        asked_at: list[float] = []

        async def allow(
            name: str, data: dict[str, Any], ctx: ToolPermissionContext
        ) -> PermissionResultAllow:
            asked_at.append(time.monotonic())
            return PermissionResultAllow()

        options = ClaudeCodeOptions(can_use_tool=allow)
        async with FakeCLI() as fake, anyio.create_task_group() as tg:
            sent = anyio.Event()
            answered = anyio.Event()

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(permission_call())
                sent.set()
                answer.update((await fake.expect("control_response"))["response"])
                answered.set()
                await fake.turn()
                while await fake.read_frame() is not None:
                    pass

            tg.start_soon(cli)
            client = ClaudeSDKClient(options, transport=fake.transport)
            await client.connect()
            await client.query("hi")
            await sent.wait()
            t0 = time.monotonic()
            with anyio.move_on_after(3):
                await answered.wait()  # nobody reads the client meanwhile
            elapsed = time.monotonic() - t0
            async for _ in client.receive_response():
                pass
            engine = client.session._engine  # pyright: ignore[reportPrivateUsage]
            background = engine._background  # pyright: ignore[reportPrivateUsage]
            done_before = background is not None and background._done.is_set()  # pyright: ignore[reportPrivateUsage]

            async def disconnect() -> None:  # from another task than connect()
                await client.disconnect()

            async with anyio.create_task_group() as other:
                other.start_soon(disconnect)
            await fake.close()
            assert background is not None and not done_before
            ended = background._done.is_set()  # pyright: ignore[reportPrivateUsage]
        return elapsed, answer, ended

    elapsed, answer, ended = run(main)
    assert elapsed < 1
    assert answer["subtype"] == "success"
    assert answer["response"]["behavior"] == "allow"
    assert ended  # disconnect() ended the background reader: nothing left running


def test_a_client_without_callbacks_stays_task_free(run: Runner) -> None:
    async def main() -> bool:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.turn()
                while await fake.read_frame() is not None:
                    pass

            tg.start_soon(cli)
            async with ClaudeSDKClient(ClaudeCodeOptions(), transport=fake.transport) as client:
                await client.query("hi")
                async for _ in client.receive_response():
                    pass
                engine = client.session._engine  # pyright: ignore[reportPrivateUsage]
                task_free = engine._background is None  # pyright: ignore[reportPrivateUsage]
            await fake.close()
        return task_free

    assert run(main)


# -- a guard that crashes denies ----------------------------------------------------


async def crashing_hook(
    data: dict[str, Any], tool_use_id: str | None, ctx: HookContext
) -> dict[str, Any]:
    raise RuntimeError("the guard's database is down")


async def crashing_permission(
    name: str, data: dict[str, Any], ctx: ToolPermissionContext
) -> PermissionResultAllow:
    raise RuntimeError("the guard's database is down")


def test_a_can_use_tool_that_raises_denies_with_the_reason(
    run: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    options = ClaudeCodeOptions(can_use_tool=crashing_permission)
    with caplog.at_level(logging.ERROR, logger="ccsdk"):
        _, reply = run(lambda: exchange(options, permission_call()))
    assert reply["subtype"] == "success"
    assert reply["response"]["behavior"] == "deny"
    assert "RuntimeError: the guard's database is down" in reply["response"]["message"]
    assert "the guard's database is down" in caplog.text


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            "PreToolUse",
            lambda out: (
                out["hookSpecificOutput"]["permissionDecision"] == "deny"
                and "database is down" in out["hookSpecificOutput"]["permissionDecisionReason"]
            ),
        ),
        (
            "PermissionRequest",
            lambda out: (
                out["hookSpecificOutput"]["decision"]["behavior"] == "deny"
                and "database is down" in out["hookSpecificOutput"]["decision"]["message"]
            ),
        ),
    ],
)
def test_a_guard_hook_that_raises_denies_with_the_reason(
    run: Runner, caplog: pytest.LogCaptureFixture, event: str, expected: Any
) -> None:
    options = ClaudeCodeOptions(hooks={event: [HookMatcher(hooks=[crashing_hook])]})  # type: ignore[dict-item]
    with caplog.at_level(logging.ERROR, logger="ccsdk"):
        _, reply = run(lambda: exchange(options, hook_call(event=event)))
    assert reply["subtype"] == "success", reply
    assert expected(reply["response"]), reply
    assert "the guard's database is down" in caplog.text


@pytest.mark.parametrize("on_failure", ["continue", "block"])
def test_on_failure_lets_the_cli_decide_instead(run: Runner, on_failure: str) -> None:
    matcher = HookMatcher(hooks=[crashing_hook], on_failure=on_failure)  # type: ignore[arg-type]
    options = ClaudeCodeOptions(hooks={"PreToolUse": [matcher]})
    _, reply = run(lambda: exchange(options, hook_call(), hook_on_failure_supported=True))
    assert reply["subtype"] == "error"
    assert "the guard's database is down" in reply["error"]


def test_a_hook_that_is_no_guard_still_gets_an_error_answer(run: Runner) -> None:
    options = ClaudeCodeOptions(hooks={"Stop": [HookMatcher(hooks=[crashing_hook])]})
    _, reply = run(lambda: exchange(options, hook_call(event="Stop")))
    assert reply["subtype"] == "error"
    assert "the guard's database is down" in reply["error"]


# -- an answer that cannot be encoded ------------------------------------------------


def test_a_permission_answer_that_cannot_be_encoded_is_answered_and_the_turn_goes_on(
    run: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    async def allow_with_an_object(
        name: str, data: dict[str, Any], ctx: ToolPermissionContext
    ) -> PermissionResultAllow:
        return PermissionResultAllow(updated_input={"command": object()})

    options = ClaudeCodeOptions(can_use_tool=allow_with_an_object)
    with caplog.at_level(logging.ERROR, logger="ccsdk"):
        replies = run(lambda: exchange(options, permission_call()))
    reply = replies[1]
    # The CLI got an answer (the tool denied, with why), and exchange() saw the
    # turn's result after it: the session was not torn down.
    assert reply["subtype"] == "success"
    assert reply["response"]["behavior"] == "deny"
    assert "cannot encode" in reply["response"]["message"]
    assert "cannot encode" in caplog.text


def test_a_hook_answer_that_cannot_be_encoded_gets_an_error_answer(run: Runner) -> None:
    async def odd_hook(
        data: dict[str, Any], tool_use_id: str | None, ctx: HookContext
    ) -> dict[str, Any]:
        return {"systemMessage": object()}

    options = ClaudeCodeOptions(hooks={"Stop": [HookMatcher(hooks=[odd_hook])]})
    _, reply = run(lambda: exchange(options, hook_call(event="Stop")))
    assert reply["subtype"] == "error"
    assert "cannot encode" in reply["error"]


# -- open_session's inbox is bounded ------------------------------------------------

_STREAMER = r"""
import json, os, sys
progress = sys.argv[1]
total = int(sys.argv[2])
def out(frame):
    sys.stdout.buffer.write((json.dumps(frame) + "\n").encode())
    sys.stdout.buffer.flush()
init = json.loads(sys.stdin.readline())
out({"type": "control_response", "response": {"subtype": "success",
     "request_id": init["request_id"], "response": {"claude_code_version": "2.1.331"}}})
for line in sys.stdin:
    frame = json.loads(line)
    if frame["type"] == "control_request":
        out({"type": "control_response", "response": {"subtype": "success",
             "request_id": frame["request_id"], "response": {}}})
        continue
    if frame["type"] != "user":
        continue
    pad = "x" * (64 * 1024)
    written = 0
    n = 0
    while written < total:
        data = (json.dumps({"type": "stream_event", "uuid": f"u{n}", "session_id": "s",
                "parent_tool_use_id": None, "event": {"type": "ping", "pad": pad}}) + "\n")
        sys.stdout.buffer.write(data.encode())
        sys.stdout.buffer.flush()
        written += len(data)
        n += 1
        with open(progress, "w") as f:
            f.write(f"{written} {n}")
    out({"type": "result", "subtype": "success", "is_error": False, "duration_ms": 1,
         "duration_api_ms": 1, "num_turns": 1, "result": "ok", "session_id": "s",
         "total_cost_usd": 0.0, "usage": {}})
"""


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.parametrize("holder", ["open_session", "client"])
def test_the_inbox_of_a_consumer_that_does_not_read_stays_bounded(
    run: Runner, tmp_path: Path, holder: str
) -> None:
    """A CLI streams 64 MB while the consumer sleeps: the reader stops at the
    bound (the pipe holds the CLI back), and goes on once the consumer reads."""
    total = 64 * 1024 * 1024
    bound = 4 * 1024 * 1024
    script = tmp_path / "streamer.py"
    script.write_text(_STREAMER)
    progress = tmp_path / "progress"
    cli = tmp_path / "claude"
    cli.write_text(f'#!/bin/sh\nexec {sys.executable} {script} {progress} {total} "$@"\n')
    cli.chmod(0o755)

    async def allow(
        name: str, data: dict[str, Any], ctx: ToolPermissionContext
    ) -> PermissionResultAllow:
        return PermissionResultAllow()

    async def main() -> tuple[int, int, int, int, int]:
        options = ClaudeCodeOptions(cli_path=str(cli), max_inbox_bytes=bound)
        if holder == "client":
            options.can_use_tool = allow  # the client reads in the background then
        gc.collect()
        rss_before = _rss()
        async with AsyncExitStack() as stack:
            if holder == "client":
                client = await stack.enter_async_context(ClaudeSDKClient(options))
                session = client.session
            else:
                session = await stack.enter_async_context(open_session(options))
            engine = session._engine  # pyright: ignore[reportPrivateUsage]
            await session.send("stream")
            peak_inbox = 0
            for _ in range(20):  # 2 s of not reading
                await anyio.sleep(0.1)
                peak_inbox = max(peak_inbox, getattr(engine, "_inbox_bytes", 0))
            written_while_asleep = int(progress.read_text().split()[0])
            rss_growth = _rss() - rss_before
            # A control request is answered past the unread messages.
            with anyio.fail_after(5):
                await session.request("mcp_status")
            count = 0
            with anyio.fail_after(60):
                async for m in session.receive_response():
                    count += 1
                    if isinstance(m, ResultMessage):
                        break
        return (
            peak_inbox,
            written_while_asleep,
            rss_growth,
            count,
            int(progress.read_text().split()[1]),
        )

    peak_inbox, written, rss_growth, count, lines = run(main)
    slack = 2 * 1024 * 1024  # one read past the bound, and a pipe's worth
    assert peak_inbox <= bound + slack, peak_inbox
    assert written <= bound + 2 * slack, written  # the CLI was held back
    assert rss_growth < bound * 3 + 24 * 1024 * 1024, rss_growth  # decoded copies and slack
    assert count == lines + 1  # then everything arrived, and the result


# -- a turn never ends silently -----------------------------------------------------


@pytest.mark.parametrize("holder", ["client", "open_session"])
def test_a_disconnect_mid_turn_ends_the_receive_loop_with_an_error(
    run: Runner, holder: str
) -> None:
    """The CLI freezes mid-turn; interrupt() times out; another task disconnects:
    the task iterating receive_response() gets CLIConnectionError, not a silent end."""

    async def main() -> tuple[list[Message], BaseException | None, float]:
        got: list[Message] = []
        error: list[BaseException] = []
        options = ClaudeCodeOptions(control_timeout=0.3, close_timeout=0.2)
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(state("running"), assistant("partial"))
                while await fake.read_frame() is not None:  # frozen: answers nothing
                    pass

            tg.start_soon(cli)
            async with AsyncExitStack() as stack:
                if holder == "client":
                    client = ClaudeSDKClient(options, transport=fake.transport)
                    await client.connect()
                    session = client.session
                else:
                    session = await stack.enter_async_context(
                        open_session(options, transport=fake.transport)
                    )
                await session.send("hi")
                first = anyio.Event()

                async def receive() -> None:
                    try:
                        async for m in session.receive_response():
                            got.append(m)
                            first.set()
                    except CLIConnectionError as exc:
                        error.append(exc)
                    ended.set()

                ended = anyio.Event()
                async with anyio.create_task_group() as inner:
                    inner.start_soon(receive)
                    await first.wait()
                    with pytest.raises(ControlTimeoutError):
                        await session.interrupt()
                    t0 = time.monotonic()
                    if holder == "client":
                        await client.disconnect()
                    else:
                        await session.aclose()
                    with anyio.fail_after(3):
                        await ended.wait()
                    elapsed = time.monotonic() - t0
            await fake.close()
        return got, error[0] if error else None, elapsed

    got, error, elapsed = run(main)
    assert [type(m).__name__ for m in got] == ["AssistantMessage"]
    assert isinstance(error, CLIConnectionError), "the receive loop ended silently"
    assert "closed" in str(error) and "middle of a turn" in str(error)
    assert elapsed < 2


def test_a_client_with_callbacks_dropped_without_disconnect_is_collected_and_warns(
    run: Runner, tmp_path: Path
) -> None:
    """Its background reader holds the engine, not the client's session: the
    session is garbage-collected as before (the CLI killed, a ResourceWarning),
    and the reader then ends with the CLI's output."""

    async def allow(
        name: str, data: dict[str, Any], ctx: ToolPermissionContext
    ) -> PermissionResultAllow:
        return PermissionResultAllow()

    async def main() -> bool:
        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "plain"), can_use_tool=allow)
        client = ClaudeSDKClient(options)
        await client.connect()
        engine = client.session._engine  # pyright: ignore[reportPrivateUsage]
        background = engine._background  # pyright: ignore[reportPrivateUsage]
        assert background is not None
        transport = engine.transport
        with pytest.warns(ResourceWarning, match="garbage-collected"):
            del client
            gc.collect()
        with anyio.fail_after(5):
            await background._done.wait()  # pyright: ignore[reportPrivateUsage]
        await transport.close()  # reap the killed child
        return True

    assert run(main)
