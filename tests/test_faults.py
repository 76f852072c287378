"""Fault injection: whatever breaks, the user gets one typed error and nothing is left.

Each test makes one thing go wrong (the CLI killed, silent, writing garbage,
closing a pipe; a user callback that raises or hangs) and then checks what a
user would see: the exception's type and message, the messages that arrived
before it, and that no process and no task of the session is left. The CLI
is ``tests/fake_claude.py`` (a real process, scripted through its
environment) or the in-memory :class:`~tests.fakecli.FakeCLI`; the real CLI
shows the one fault only it can, a Bash tool outliving a killed CLI.

``docs/reliability.md`` tabulates these faults and their outcomes.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    CLIConnectionError,
    CLIJSONDecodeError,
    ConnectionClosedError,
    ControlTimeoutError,
    HookContext,
    HookMatcher,
    LineTooLongError,
    Message,
    PermissionResultAllow,
    ProcessError,
    ResultMessage,
    SubprocessCLITransport,
    SystemMessage,
    ToolPermissionContext,
    query,
)
from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.conftest import Runner
from tests.fakecli import FakeCLI
from tests.procs import fake_cli, group_alive, living_tasks, process_dead, wait_gone


def pids(pidfile: Path) -> list[int]:
    return [int(line) for line in pidfile.read_text().split()] if pidfile.exists() else []


async def assert_nothing_left(transport: SubprocessCLITransport, tasks_before: int) -> None:
    """The CLI is reaped, its group is empty, and no task of ours lives on."""
    assert transport.pid is not None
    await wait_gone(transport.pid, timeout=0.1)  # already gone: disconnect waited for it
    assert not group_alive(transport.pid)
    assert living_tasks() == tasks_before


# -- the CLI dies, goes silent, or exits early ---------------------------------------------


def test_a_cli_killed_mid_turn_is_a_process_error_and_its_children_go_too(
    run: Runner, tmp_path: Path
) -> None:
    """SIGKILL from outside (the OOM killer, say): the child it had started dies too."""
    pidfile = tmp_path / "pids"

    def on_stderr(line: str) -> None:
        if line == "grandchild started":
            os.kill(pids(pidfile)[0], signal.SIGKILL)

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "grandchild", FAKE_CLAUDE_PIDFILE=str(pidfile)),
            stderr=on_stderr,
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        seen: list[Message] = []
        with pytest.raises(ProcessError) as info:
            async for message in query(prompt="hi", options=options, transport=transport):
                seen.append(message)
        assert info.value.exit_code == -signal.SIGKILL
        assert "killed by signal 9 (SIGKILL)" in str(info.value)
        assert [type(m) for m in seen] == [SystemMessage, AssistantMessage]
        cli, grandchild = pids(pidfile)
        assert cli == transport.pid
        assert process_dead(grandchild)
        await assert_nothing_left(transport, before)

    run(main)


def test_a_cli_that_exits_with_our_request_pending_fails_it_at_once(
    run: Runner, tmp_path: Path
) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "exit_on_request"), control_timeout=600
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        async with ClaudeSDKClient(options, transport=transport) as client:
            await client.query("hi")
            assert isinstance([m async for m in client.receive_response()][-1], ResultMessage)
            with anyio.fail_after(10):  # at once, not after control_timeout
                with pytest.raises(ConnectionClosedError, match=r"'interrupt'.*closed its output"):
                    await client.interrupt()
            with pytest.raises(CLIConnectionError, match="the CLI has exited"):
                await client.interrupt()  # and the session says so from then on
        await assert_nothing_left(transport, before)

    run(main)


def test_disconnect_from_another_task_while_one_reads_stops_the_reader_first(
    run: Runner, tmp_path: Path
) -> None:
    # The reader is reading in its own task with no task group (output was
    # flowing); teardown must stop it before it drains the pipes itself, or two
    # readers meet on stdout.
    async def main() -> None:
        # The stand-in hangs mid-turn and reads nothing: it is signalled.
        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "hang"), close_timeout=0.5)
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        seen: list[Message] = []
        client = ClaudeSDKClient(options, transport=transport)
        await client.connect()
        await client.query("hi")
        partial = anyio.Event()

        async def reader() -> None:
            # Closed mid-turn: the loop ends with an error, never silently.
            with pytest.raises(CLIConnectionError, match="middle of a turn"):
                async for message in client.receive_response():
                    seen.append(message)
                    if isinstance(message, AssistantMessage):
                        partial.set()

        with anyio.fail_after(10):  # a bound on a hang, not a timing
            async with anyio.create_task_group() as tg:
                tg.start_soon(reader)
                await partial.wait()
                await client.disconnect()  # at once: the reader is mid-read
        assert [type(m) for m in seen] == [SystemMessage, AssistantMessage]
        await assert_nothing_left(transport, before)

    run(main)


def test_a_cli_silent_at_initialize_times_out_after_initialize_timeout(
    run: Runner, tmp_path: Path
) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "silent"), initialize_timeout=0.3, close_timeout=0.2
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        with pytest.raises(ControlTimeoutError) as info:
            async for _ in query(prompt="hi", options=options, transport=transport):
                pass
        assert str(info.value) == "the CLI did not answer initialize within 0.3 s"
        assert isinstance(info.value, TimeoutError)
        assert isinstance(info.value, CLIConnectionError)
        await assert_nothing_left(transport, before)

    run(main)


def test_a_control_request_the_cli_ignores_times_out_and_the_session_goes_on(
    run: Runner, tmp_path: Path
) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "ignore_requests"), control_timeout=0.3
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        async with ClaudeSDKClient(options, transport=transport) as client:
            with pytest.raises(ControlTimeoutError, match=r"set_model within 0\.3 s"):
                await client.set_model("other")
            await client.query("still there?")
            assert isinstance([m async for m in client.receive_response()][-1], ResultMessage)
        await assert_nothing_left(transport, before)

    run(main)


# -- bad output -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "options", "error", "match"),
    [
        ("non_json", {}, CLIJSONDecodeError, r"\[SandboxDebug\] this is not JSON"),
        ("bad_utf8", {}, CLIJSONDecodeError, "can't decode byte 0xff"),
        ("partial_eof", {}, CLIJSONDecodeError, r"\"con'"),
        ("long_line", {"max_line_bytes": 1 << 20}, LineTooLongError, "over the bound of 1048576"),
        ("close_stdout", {}, CLIConnectionError, "output ended in the middle of a turn"),
    ],
)
def test_bad_output_is_one_typed_error_after_the_messages_before_it(
    run: Runner,
    tmp_path: Path,
    scenario: str,
    options: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    async def main() -> None:
        opts = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, scenario), close_timeout=0.3, **options
        )
        transport = SubprocessCLITransport(opts)
        before = living_tasks()
        seen: list[Message] = []
        with pytest.raises(error, match=match):
            async for message in query(prompt="hi", options=opts, transport=transport):
                seen.append(message)
        assert [type(m) for m in seen] == [SystemMessage, AssistantMessage]
        await assert_nothing_left(transport, before)

    run(main)


def test_a_cli_that_closes_its_stdin_makes_the_next_send_fail(run: Runner, tmp_path: Path) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "close_stdin"), close_timeout=0.3)
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        async with ClaudeSDKClient(options, transport=transport) as client:
            with pytest.raises(CLIConnectionError, match="input is broken"):
                await client.query("hi")
        await assert_nothing_left(transport, before)

    run(main)


def test_a_cli_that_exits_while_an_orphan_holds_its_stdout_still_ends_the_output(
    run: Runner, tmp_path: Path
) -> None:
    """The CLI exits mid-turn, leaving a child of its group with its stdout open:
    the exit is seen, the group killed, so the output ends and the error arrives."""
    pidfile = tmp_path / "orphan"
    failing = fake_cli(tmp_path, "exit_mid_turn")
    cli = tmp_path / "claude-with-orphan"
    cli.write_text(f'#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nexec {failing} "$@"\n')
    cli.chmod(0o755)

    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=str(cli))
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        with anyio.fail_after(20):  # a hang fails here, not at the suite's timeout
            with pytest.raises(ProcessError) as info:
                async for _ in query(prompt="hi", options=options, transport=transport):
                    pass
        assert info.value.exit_code == 3
        await wait_gone(int(pidfile.read_text()), timeout=5)
        await assert_nothing_left(transport, before)

    run(main)


# -- user callbacks that raise or hang ------------------------------------------------------


def test_a_stderr_callback_that_raises_is_logged_and_the_error_still_arrives(
    run: Runner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(line: str) -> None:
        raise RuntimeError("callback bug")

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "exit_mid_turn"),
            stderr=broken,
            env={"ANTHROPIC_API_KEY": "sk-secret-123456"},
        )
        with pytest.raises(ProcessError) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        assert "fatal: the model connection broke" in (info.value.stderr or "")

    run(main)
    assert "the stderr callback raised" in caplog.text
    assert "sk-secret-123456" not in caplog.text


def test_a_stderr_line_over_its_bound_is_dropped_and_the_lines_after_it_arrive(
    run: Runner, tmp_path: Path
) -> None:
    """stderr is diagnostics: a 2 MB line (over the 1 MiB bound) is replaced by a
    note, and reading goes on with the next line."""
    plain = fake_cli(tmp_path, "plain")
    cli = tmp_path / "claude-long-stderr"
    cli.write_text(
        "#!/bin/sh\n"
        f"{sys.executable} -c \"import sys; sys.stderr.write('x' * 2000000 + "
        "'\\\\nafter the long line\\\\n')\"\n"
        f'exec {plain} "$@"\n'
    )
    cli.chmod(0o755)
    lines: list[str] = []

    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=str(cli), stderr=lines.append)
        messages = [m async for m in query(prompt="hi", options=options)]
        assert isinstance(messages[-1], ResultMessage)

    run(main)
    assert "after the long line" in lines
    assert any("stderr line over 1048576 bytes was dropped" in line for line in lines)
    assert all(len(line) < 10_000 for line in lines)


def permission_request(request_id: str) -> dict[str, Any]:
    return {
        "type": "control_request",
        "request_id": request_id,
        "request": {"subtype": "can_use_tool", "tool_name": "Bash", "input": {"command": "ls"}},
    }


def hook_request(request_id: str) -> dict[str, Any]:
    return {
        "type": "control_request",
        "request_id": request_id,
        "request": {
            "subtype": "hook_callback",
            "callback_id": "hook_0",
            "input": {"hook_event_name": "PreToolUse", "tool_name": "Bash"},
            "tool_use_id": "toolu_1",
        },
    }


async def raising_permission(
    name: str, data: dict[str, Any], ctx: ToolPermissionContext
) -> PermissionResultAllow:
    raise RuntimeError("permission bug")


async def raising_hook(
    data: dict[str, Any], tool_use_id: str | None, ctx: HookContext
) -> dict[str, Any]:
    raise RuntimeError("hook bug")


def test_guards_that_raise_deny_and_the_turn_goes_on(
    run: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    options = ClaudeCodeOptions(
        can_use_tool=raising_permission,
        hooks={"PreToolUse": [HookMatcher(hooks=[raising_hook])]},
    )

    async def main() -> None:
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                for frame in (permission_request("p-1"), hook_request("h-1")):
                    await fake.send(frame)
                    reply = (await fake.expect("control_response"))["response"]
                    # A guard that crashes denies, with the exception's text.
                    assert reply["subtype"] == "success"
                    answer = reply["response"]
                    reason = answer.get("message") or answer.get("hookSpecificOutput", {}).get(
                        "permissionDecisionReason"
                    )
                    assert "RuntimeError: permission bug" in reason or (
                        "RuntimeError: hook bug" in reason
                    )
                await fake.turn()
                await fake.read_frame()
                await fake.close()

            tg.start_soon(cli)
            messages = [
                m async for m in query(prompt="hi", options=options, transport=fake.transport)
            ]
            assert isinstance(messages[-1], ResultMessage)

    run(main)
    assert "permission bug" in caplog.text and "hook bug" in caplog.text


def test_disconnect_cancels_callbacks_that_hang_and_leaves_no_task(run: Runner) -> None:
    cancelled: list[str] = []

    async def hanging_permission(
        name: str, data: dict[str, Any], ctx: ToolPermissionContext
    ) -> PermissionResultAllow:
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.append("permission")
        raise AssertionError("unreachable")

    async def hanging_hook(
        data: dict[str, Any], tool_use_id: str | None, ctx: HookContext
    ) -> dict[str, Any]:
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.append("hook")
        raise AssertionError("unreachable")

    options = ClaudeCodeOptions(
        can_use_tool=hanging_permission,
        hooks={"PreToolUse": [HookMatcher(hooks=[hanging_hook])]},
    )

    async def main() -> None:
        before = living_tasks()
        async with FakeCLI() as fake, anyio.create_task_group() as tg:

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(permission_request("p-1"), hook_request("h-1"))
                # No answer to either: the running turn is interrupted, stdin closes.
                frame = await fake.read_frame()
                assert frame is not None
                assert frame["request"] == {"subtype": "interrupt"}
                assert await fake.read_frame() is None
                await fake.close()

            tg.start_soon(cli)
            client = ClaudeSDKClient(options, transport=fake.transport)
            await client.connect()
            await client.query("hi")
            with anyio.move_on_after(0.3):  # reads, serving both callbacks meanwhile
                async for _ in client.receive_messages():
                    pass
            with anyio.fail_after(5):
                await client.disconnect()
        assert sorted(cancelled) == ["hook", "permission"]
        assert living_tasks() == before

    run(main)


# -- the real CLI -----------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_real_cli_killed_during_a_bash_tool_leaves_no_bash_behind(
    run: Runner, fake_model: FakeModel, e2e_options: Any, tmp_path: Path
) -> None:
    """CLI 2.1.331 starts Bash in a session of its own, out of its group's reach."""
    fifo = tmp_path / "bash-pid"
    os.mkfifo(fifo)
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": f"echo $$ > {fifo}; sleep 301"}, id="toolu_1")]),
        Turn([text("never reached")]),
    )

    async def main() -> None:
        options = e2e_options(allowed_tools=["Bash"])
        transport = SubprocessCLITransport(options)
        async with ClaudeSDKClient(options, transport=transport) as client:
            await client.query("run it")
            # The Bash tool writes its pid into the fifo: opening it waits for that.
            bash = int((await anyio.to_thread.run_sync(fifo.read_text)).strip())
            assert transport.pid is not None
            assert os.getsid(bash) != os.getsid(transport.pid)  # why the group kill is not enough
            os.kill(transport.pid, signal.SIGKILL)
            with pytest.raises(ProcessError, match="SIGKILL"):
                async for _ in client.receive_response():
                    pass
        assert process_dead(bash)
        await wait_gone(transport.pid, timeout=0.1)

    run(main)


def test_teardown_with_logging_on_keeps_secrets_out(
    run: Runner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ccsdk")

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "exit_mid_turn"),
            env={"ANTHROPIC_API_KEY": "sk-secret-123456", "MY_TOKEN": "tok-abcdef"},
        )
        with pytest.raises(ProcessError) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        assert "sk-secret-123456" not in str(info.value)

    run(main)
    assert "sk-secret-123456" not in caplog.text
    assert "tok-abcdef" not in caplog.text


@pytest.mark.parametrize("flag", [True, False], ids=["debug-to-stderr", "no-flag"])
def test_debug_stderr_gets_the_cli_stderr_lines_only_with_debug_to_stderr(
    run: Runner, tmp_path: Path, flag: bool
) -> None:
    # The 0.0.25 option: a file-like object, written to when no stderr callback is set.
    sink = io.StringIO()

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "exit_mid_turn"),
            extra_args={"debug-to-stderr": None} if flag else {},
            debug_stderr=sink,
        )
        with pytest.raises(ProcessError):
            async for _ in query(prompt="hi", options=options):
                pass

    run(main)
    if flag:
        assert sink.getvalue().startswith("working...\nfatal: the model connection broke")
    else:
        assert sink.getvalue() == ""


# -- what the child gets ------------------------------------------------------------------


def test_the_cli_environment_is_ours_plus_options_env_without_claudecode(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDECODE", "1")  # as when ccsdk runs inside a Claude Code Bash
    monkeypatch.setenv("INHERITED", "yes")
    envfile = tmp_path / "env.json"

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "plain", FAKE_CLAUDE_ENVFILE=str(envfile)),
            env={"MINE": "1", "INHERITED": "overridden"},
        )
        async for _ in query(prompt="hi", options=options):
            pass

    run(main)
    child = json.loads(envfile.read_text())
    sdk = {"CLAUDE_CODE_ENTRYPOINT", "CLAUDE_CODE_SDK_READS_SESSION_STATE", "CCSDK_PROCESS_TAG"}
    wrapper = {k for k in child if k.startswith("FAKE_CLAUDE_")} | {"PWD", "SHLVL", "_"}
    expected = {k: v for k, v in os.environ.items() if k != "CLAUDECODE"}
    expected.update(MINE="1", INHERITED="overridden")
    got = {k: v for k, v in child.items() if k not in sdk | wrapper}
    assert got == {k: v for k, v in expected.items() if k not in wrapper}
    assert child["CLAUDE_CODE_ENTRYPOINT"] == "sdk-py"
    assert len(child["CCSDK_PROCESS_TAG"]) == 24
