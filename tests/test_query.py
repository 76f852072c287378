"""query() over a scripted fake CLI: in-memory streams and a stand-in process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    CLIJSONDecodeError,
    CLINotFoundError,
    CLIVersionError,
    Message,
    ProcessError,
    ResultMessage,
    SubprocessCLITransport,
    SystemMessage,
    TextBlock,
    UnknownBlock,
    UnknownMessage,
    query,
)
from tests.conftest import Runner
from tests.fakecli import FakeCLI, assistant, result, state
from tests.procs import fake_cli, group_alive, wait_gone

HERE = Path(__file__).resolve().parent


async def collect(fake: FakeCLI, prompt: Any = "hi", **options: Any) -> list[Message]:
    return [
        m
        async for m in query(
            prompt=prompt, options=ClaudeCodeOptions(**options), transport=fake.transport
        )
    ]


def test_a_string_prompt_goes_to_stdin_after_initialize(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            messages: list[Message] = []

            async def cli() -> None:
                init = await fake.handshake()
                assert init["request"] == {"subtype": "initialize", "hooks": None}
                user = await fake.expect("user")
                assert user["message"] == {"role": "user", "content": "Say hi"}
                await fake.turn("Hello!")
                assert await fake.read_frame() is None  # stdin closed once the run is idle
                await fake.close()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                messages = await collect(fake, "Say hi")
            assert [type(m) for m in messages] == [SystemMessage, AssistantMessage, ResultMessage]
            assert messages[1].content == [TextBlock("Hello!")]  # type: ignore[union-attr]

    run(main)


def test_stdin_stays_open_after_a_result_until_idle(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            order: list[str] = []

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(state("running"), assistant("a"), result())
                # Still open: a hook may need answering after the result.
                await fake.send(
                    {
                        "type": "control_request",
                        "request_id": "h1",
                        "request": {"subtype": "hook_callback", "callback_id": "nope", "input": {}},
                    }
                )
                answer = await fake.expect("control_response")
                order.append(answer["response"]["subtype"])
                await fake.send(state("idle"))
                assert await fake.read_frame() is None
                order.append("stdin closed")
                await fake.close()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                await collect(fake)
            assert order == ["error", "stdin closed"]

    run(main)


def test_a_prompt_stream_is_sent_in_order(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:

            async def prompts() -> AsyncIterator[dict[str, Any]]:
                for text in ("one", "two"):
                    yield {
                        "type": "user",
                        "message": {"role": "user", "content": text},
                        "parent_tool_use_id": None,
                        "session_id": "default",
                    }
                    await anyio.lowlevel.checkpoint()

            async def cli() -> None:
                await fake.handshake()
                first = await fake.expect("user")
                second = await fake.expect("user")
                assert [first["message"]["content"], second["message"]["content"]] == ["one", "two"]
                await fake.send(
                    state("running"),
                    assistant("1"),
                    result(),
                    assistant("2"),
                    result(),
                    state("idle"),
                )
                assert await fake.read_frame() is None
                await fake.close()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                messages = await collect(fake, prompts())
            assert [type(m) for m in messages] == [AssistantMessage, ResultMessage] * 2

    run(main)


def test_unknown_frames_and_blocks_reach_the_user_and_the_stream_goes_on(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            odd = assistant("x")
            odd["message"]["content"] = [{"type": "hologram", "z": 1}]

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(
                    state("running"),
                    {"type": "conversation_reset", "why": "?"},
                    odd,
                    result(),
                    state("idle"),
                )
                await fake.read_frame()
                await fake.close()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                messages = await collect(fake)
            assert messages[0] == UnknownMessage(
                "conversation_reset", {"type": "conversation_reset", "why": "?"}
            )
            assert messages[1].content == [UnknownBlock("hologram", {"type": "hologram", "z": 1})]  # type: ignore[union-attr]
            assert isinstance(messages[2], ResultMessage)

    run(main)


def test_a_50_mb_assistant_line_arrives_byte_exact(run: Runner) -> None:
    text = "é \n\t" + "word " * (10 * 1000 * 1000) + " end"

    async def main() -> None:
        async with FakeCLI() as fake:
            big = (json.dumps(assistant(text)) + "\n").encode()
            assert len(big) > 50 * 1000 * 1000

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(state("running"))
                for start in range(0, len(big), 65536):  # as a pipe would deliver it
                    await fake.send(big[start : start + 65536])
                await fake.send(result(), state("idle"))
                await fake.read_frame()
                await fake.close()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                messages = await collect(fake)
            block = messages[0].content[0]  # type: ignore[union-attr]
            assert isinstance(block, TextBlock) and block.text == text

    run(main)


def test_a_non_json_line_raises_after_the_messages_before_it(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            seen: list[Message] = []

            async def cli() -> None:
                await fake.handshake()
                await fake.expect("user")
                await fake.send(
                    state("running"),
                    assistant("before"),
                    b"oops not json\n",
                    result(),
                    state("idle"),
                )
                await fake.read_frame()
                await fake.close()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                with pytest.raises(CLIJSONDecodeError) as info:
                    async for message in query(prompt="hi", transport=fake.transport):
                        seen.append(message)
            assert info.value.line == "oops not json"
            assert [type(m) for m in seen] == [AssistantMessage]

    run(main)


def test_a_cli_older_than_the_minimum_is_refused(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:

            async def cli() -> None:
                request = await fake.expect("control_request", "initialize")
                await fake.answer(request, {"claude_code_version": "1.0.3"})

            async with anyio.create_task_group() as tg:
                tg.start_soon(cli)
                with pytest.raises(CLIVersionError, match=r"1\.0\.3.*2\.1\.197"):
                    await collect(fake)

    run(main)


def test_initialize_that_never_comes_times_out_with_a_clear_error(run: Runner) -> None:
    async def main() -> None:
        async with FakeCLI() as fake:
            from ccsdk import CLIConnectionError

            expected = r"did not answer initialize within 0\.2 s"
            with pytest.raises(CLIConnectionError, match=expected):
                await collect(fake, initialize_timeout=0.2)

    run(main)


# -- with a real (stand-in) process ----------------------------------------------------


def test_no_cli_is_a_not_found_error_that_says_how_to_install(run: Runner, tmp_path: Path) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=str(tmp_path / "missing" / "claude"))
        with pytest.raises(CLINotFoundError) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        assert "npm install -g @anthropic-ai/claude-code" in str(info.value)

    run(main)


def test_a_cli_that_exits_non_zero_mid_turn_is_a_process_error(run: Runner, tmp_path: Path) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "exit_mid_turn"),
            env={"ANTHROPIC_API_KEY": "sk-secret-123456"},
        )
        seen: list[Message] = []
        with pytest.raises(ProcessError) as info:
            async for message in query(prompt="hi", options=options):
                seen.append(message)
        assert info.value.exit_code == 3
        assert info.value.stderr is not None
        assert "fatal: the model connection broke" in info.value.stderr
        assert "sk-secret-123456" not in str(info.value)  # secrets are redacted
        assert [type(m) for m in seen] == [SystemMessage, AssistantMessage]

    run(main)


def test_a_cli_that_dies_at_once_is_a_process_error_with_its_stderr(
    run: Runner, tmp_path: Path
) -> None:
    async def main() -> None:
        from ccsdk import CLIConnectionError

        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "no_output_exit"))
        with pytest.raises((ProcessError, CLIConnectionError)) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        assert isinstance(info.value, ProcessError)
        assert info.value.exit_code == 7
        assert "fatal: cannot start" in (info.value.stderr or "")

    run(main)


def test_a_cli_that_exits_before_reading_its_input_is_a_process_error(
    run: Runner, tmp_path: Path
) -> None:
    # Our first write fails (nobody reads the pipe); what it printed says why.
    cli = tmp_path / "claude"
    cli.write_text("#!/bin/sh\nexec 0<&-\necho 'error: unknown option --frobnicate' >&2\nexit 7\n")
    cli.chmod(0o755)

    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=str(cli))
        with pytest.raises(ProcessError) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        assert info.value.exit_code == 7
        assert "unknown option --frobnicate" in (info.value.stderr or "")

    run(main)


def test_a_missing_cwd_is_a_clear_error(run: Runner, tmp_path: Path) -> None:
    async def main() -> None:
        from ccsdk import CLIConnectionError

        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "plain"), cwd=str(tmp_path / "nowhere")
        )
        with pytest.raises(CLIConnectionError, match="Working directory does not exist"):
            async for _ in query(prompt="hi", options=options):
                pass

    run(main)


def test_cancelling_a_hung_query_leaves_no_process(run: Runner, tmp_path: Path) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "hang"), close_timeout=0.5)
        transport = SubprocessCLITransport(options)
        seen: list[Message] = []
        with anyio.move_on_after(1.0) as scope:
            async for message in query(prompt="hi", options=options, transport=transport):
                seen.append(message)
        assert scope.cancelled_caught
        assert [type(m) for m in seen] == [SystemMessage, AssistantMessage]
        assert transport.pid is not None
        assert not group_alive(transport.pid)
        await wait_gone(transport.pid, timeout=0.1)

    run(main)


def test_debug_logs_show_frames_with_secrets_redacted(
    run: Runner, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret-value")
    caplog.set_level(logging.DEBUG, logger="ccsdk")

    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "plain"))
        async for _ in query(prompt="my key is sk-ant-very-secret-value", options=options):
            pass

    run(main)
    text = caplog.text
    assert "to the CLI:" in text and "from the CLI:" in text
    assert "sk-ant-very-secret-value" not in text
    assert "<redacted>" in text


def test_a_dict_only_transport_is_refused_with_guidance(run: Runner) -> None:
    """A transport with only the seed's read_messages() cannot be read safely: say so."""

    from ccsdk import Transport

    class DictTransport(Transport):
        async def connect(self) -> None: ...
        async def write(self, data: str) -> None: ...
        async def read_messages(self) -> AsyncIterator[dict[str, Any]]:
            yield {}

        async def end_input(self) -> None: ...
        async def close(self) -> None: ...
        def is_ready(self) -> bool:
            return True

    async def main() -> None:
        with pytest.raises(TypeError, match="ByteTransport"):
            async for _ in query(prompt="hi", transport=DictTransport()):
                pass

    run(main)
