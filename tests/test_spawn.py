"""The spawn hook: the CLI started by a function of yours, or through ssh / docker exec.

End to end, the real CLI runs behind stand-ins for ``ssh`` and ``docker exec``
(shell scripts that start it with a fresh environment, as a remote side
would) and behind a spawn function written in Python. Each test checks what a
user sees: the answer, the exit, and that nothing is left running. The fault
tests give custom processes the faults ``tests/test_faults.py`` gives the
default child, and expect the same typed errors.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import attrs
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    CLIConnectionError,
    InitInfo,
    Message,
    ProcessError,
    ResultMessage,
    SpawnRequest,
    SubprocessCLITransport,
    SystemMessage,
    TextBlock,
    query,
    spawn_subprocess,
    wrap_command,
)
from ccsdk.testing import FakeModel, Turn, text
from tests.conftest import Runner
from tests.procs import fake_cli, group_alive, living_tasks, wait_gone

Options = Callable[..., ClaudeCodeOptions]

#: A system prompt no shell may touch: quotes, $, backquotes, ;, a newline.
TRICKY = 'it\'s "$HOME" `id` ; echo $(whoami) \\ & |\nsecond line'


def texts(messages: list[Message]) -> list[str]:
    return [
        b.text
        for m in messages
        if isinstance(m, AssistantMessage)
        for b in m.content
        if isinstance(b, TextBlock)
    ]


def system_text(body: dict[str, Any]) -> str:
    system = body.get("system", "")
    if isinstance(system, str):
        return system
    return "\n".join(block.get("text", "") for block in system)


def script(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def fake_ssh(tmp_path: Path, argsfile: Path) -> str:
    """An ``ssh`` that "connects" to its first argument by running the rest
    as ssh does: joined with spaces, through a shell, in a fresh environment
    (ssh forwards none; the remote side has its own PATH)."""
    return script(
        tmp_path / "ssh",
        f"printf '%s\\0' \"$@\" > {shlex.quote(str(argsfile))}\n"
        'shift\nexec env -i PATH="$PATH" sh -c "$*"\n',
    )


def fake_docker(tmp_path: Path) -> str:
    """A ``docker`` that runs ``exec -i <container> ARGV...`` with a fresh environment."""
    return script(
        tmp_path / "docker",
        '[ "$1 $2 $3" = "exec -i agent-box" ] || { echo "bad docker call: $*" >&2; exit 125; }\n'
        'shift 3\nexec env -i PATH="$PATH" "$@"\n',
    )


async def assert_nothing_left(transport: SubprocessCLITransport, tasks_before: int) -> None:
    """The process is reaped, its group empty, and no task of the session lives on."""
    assert transport.pid is not None
    assert transport.returncode is not None
    await wait_gone(transport.pid, timeout=5)
    assert not group_alive(transport.pid)
    assert living_tasks() == tasks_before


# -- the real CLI through wrappers -------------------------------------------------------


@pytest.mark.e2e
def test_through_ssh_the_cli_gets_its_env_cwd_and_argv_intact_and_nothing_is_left(
    run: Runner,
    fake_model: FakeModel,
    e2e_options: Options,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_model.add_turns(Turn([text("Hello over ssh!")]))
    argsfile = tmp_path / "ssh-args"
    workdir = tmp_path / "work dir 'q' $x"
    workdir.mkdir()
    caplog.set_level(logging.DEBUG, logger="ccsdk")

    async def main() -> list[Message]:
        options = e2e_options(
            spawn=wrap_command([fake_ssh(tmp_path, argsfile), "build-box"]),
            cwd=str(workdir),
            system_prompt=TRICKY,
            env={"MY_SERVICE_TOKEN": "tok-abcdef123456"},
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        messages = [m async for m in query(prompt="hi", options=options, transport=transport)]
        await assert_nothing_left(transport, before)
        return messages

    messages = run(main)
    assert texts(messages) == ["Hello over ssh!"]
    final = messages[-1]
    assert isinstance(final, ResultMessage) and not final.is_error
    # The cwd reached the far side, and so did a prompt full of shell syntax.
    init = next(
        i for m in messages if isinstance(m, SystemMessage) and isinstance(i := m.info, InitInfo)
    )
    assert init.cwd == str(workdir)
    assert TRICKY in system_text(fake_model.turn_requests[0])
    # ssh got the host and the whole remote command as one argument.
    host, command = argsfile.read_text().split("\0")[:-1]
    assert host == "build-box"
    words = shlex.split(command)
    assert words[:2] == ["sh", "-c"] and words[2].endswith('cd -- "$0" && exec "$@"')
    assert words[3] == str(workdir)
    assert "tok-abcdef123456" not in command  # the environment went over stdin
    # The debug log showed the wrapped command, with the secret masked.
    assert "running the CLI through" in caplog.text
    assert "tok-abcdef123456" not in caplog.text


@pytest.mark.e2e
def test_through_docker_exec_a_client_talks_to_the_cli_and_disconnects_cleanly(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path
) -> None:
    fake_model.add_turns(Turn([text("one")]), Turn([text("two")]))
    workdir = tmp_path / "in the box"
    workdir.mkdir()

    async def main() -> list[str]:
        options = e2e_options(
            spawn=wrap_command([fake_docker(tmp_path), "exec", "-i", "agent-box"]),
            cwd=str(workdir),
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        answers = []
        async with ClaudeSDKClient(options, transport=transport) as client:
            for prompt in ("first", "second"):
                await client.query(prompt)
                answers += texts([m async for m in client.receive_response()])
        await assert_nothing_left(transport, before)
        return answers

    assert run(main) == ["one", "two"]


@pytest.mark.e2e
def test_a_python_spawn_function_starts_the_cli_its_own_way(
    run: Runner, fake_model: FakeModel, e2e_options: Options, cli_path: Path
) -> None:
    """A spawn that keeps the CLI in our own process group, with an extra variable.

    ccsdk must then signal the process only, never the group: the group is
    this test's own (were it signalled, pytest would die).
    """
    fake_model.add_turns(Turn([text("spawned my way")]))
    requests: list[SpawnRequest] = []
    started: list[anyio.abc.Process] = []

    async def spawn(request: SpawnRequest) -> anyio.abc.Process:
        requests.append(request)
        with anyio.CancelScope(shield=True):
            process = await anyio.open_process(
                list(request.argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=request.cwd,
                env={**request.env, "SPAWNED_BY": "test"},
            )
        started.append(process)
        return process

    async def main() -> list[Message]:
        options = e2e_options(spawn=spawn, env={"MINE": "1"})
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        async with ClaudeSDKClient(options, transport=transport) as client:
            assert os.getpgid(started[0].pid) == os.getpgrp()  # in our group indeed
            await client.query("hi")
            messages = [m async for m in client.receive_response()]
        assert transport.returncode is not None  # exited and reaped by disconnect
        await wait_gone(started[0].pid, timeout=5)
        assert living_tasks() == before
        return messages

    messages = run(main)
    assert texts(messages) == ["spawned my way"]
    (request,) = requests
    assert request.argv[0] == str(cli_path)
    assert request.argv[-2:] == ("--input-format", "stream-json")
    assert request.env["MINE"] == request.env_overrides["MINE"] == "1"
    assert request.env_overrides["CLAUDE_CODE_ENTRYPOINT"] == "sdk-py"
    assert len(request.env_overrides["CCSDK_PROCESS_TAG"]) == 24
    assert "PATH" not in request.env_overrides  # inherited, not ours
    assert "sk-test" not in repr(request)  # the API key stays out of reprs


def test_a_spawn_built_on_spawn_subprocess_runs_the_cli_niced_in_its_own_group(
    run: Runner, tmp_path: Path
) -> None:
    """The docs' example: the default spawn with the command changed."""

    async def niced(request: SpawnRequest) -> anyio.abc.Process:
        argv = ["nice", "-n", "10", *request.argv]
        return await spawn_subprocess(attrs.evolve(request, argv=argv))

    async def main() -> None:
        options = ClaudeCodeOptions(cli_path=fake_cli(tmp_path, "plain"), spawn=niced)
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        async with ClaudeSDKClient(options, transport=transport) as client:
            pid = transport.pid
            assert pid is not None and os.getpgid(pid) == pid
            ours = os.getpriority(os.PRIO_PROCESS, 0)
            assert os.getpriority(os.PRIO_PROCESS, pid) == min(ours + 10, 19)
            await client.query("hi")
            assert isinstance([m async for m in client.receive_response()][-1], ResultMessage)
        await assert_nothing_left(transport, before)

    run(main)


# -- faults: the same typed errors as the default child ------------------------------------


@attrs.define
class OwnProcess:
    """A SpawnedProcess of our own around a local child.

    ``ignore_terminate`` models a process that cannot be stopped gently (a
    remote command, say); ``stderr=False`` one that offers no stderr.
    """

    process: anyio.abc.Process
    ignore_terminate: bool = False
    with_stderr: bool = True
    calls: list[str] = attrs.field(factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def stdin(self) -> anyio.abc.ByteSendStream | None:
        return self.process.stdin

    @property
    def stdout(self) -> anyio.abc.ByteReceiveStream | None:
        return self.process.stdout

    @property
    def stderr(self) -> anyio.abc.ByteReceiveStream | None:
        return self.process.stderr if self.with_stderr else None

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    async def wait(self) -> int:
        return await self.process.wait()

    def terminate(self) -> None:
        self.calls.append("terminate")
        if not self.ignore_terminate:
            self.process.terminate()

    def kill(self) -> None:
        self.calls.append("kill")
        self.process.kill()


def own_spawn(made: list[OwnProcess], **kwargs: Any) -> Callable[[SpawnRequest], Any]:
    async def spawn(request: SpawnRequest) -> OwnProcess:
        with_stderr = kwargs.get("with_stderr", True)
        with anyio.CancelScope(shield=True):
            process = await anyio.open_process(
                list(request.argv),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE if with_stderr else subprocess.DEVNULL,
                env=dict(request.env),
                start_new_session=True,
            )
        made.append(OwnProcess(process, **kwargs))
        return made[-1]

    return spawn


def test_a_custom_process_that_ignores_eof_and_terminate_is_killed_and_reaped(
    run: Runner, tmp_path: Path
) -> None:
    made: list[OwnProcess] = []

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "hang"),
            spawn=own_spawn(made, ignore_terminate=True),
            close_timeout=0.3,
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        with anyio.fail_after(30):
            async with ClaudeSDKClient(options, transport=transport) as client:
                await client.query("hi")
                async for message in client.receive_messages():
                    if isinstance(message, AssistantMessage):
                        break  # mid-turn; the stand-in now hangs, deaf to stdin
        (own,) = made
        assert own.calls == ["terminate", "kill"]
        assert own.returncode == -signal.SIGKILL
        await assert_nothing_left(transport, before)

    run(main)


def test_a_custom_process_that_dies_mid_turn_is_a_process_error_with_its_stderr(
    run: Runner, tmp_path: Path
) -> None:
    made: list[OwnProcess] = []

    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "exit_mid_turn"),
            spawn=own_spawn(made),
            env={"ANTHROPIC_API_KEY": "sk-secret-123456"},
        )
        transport = SubprocessCLITransport(options)
        before = living_tasks()
        seen: list[Message] = []
        with pytest.raises(ProcessError) as info:
            async for message in query(prompt="hi", options=options, transport=transport):
                seen.append(message)
        assert [type(m) for m in seen] == [SystemMessage, AssistantMessage]
        assert info.value.exit_code == 3
        assert info.value.stderr is not None
        assert "fatal: the model connection broke" in info.value.stderr
        assert "sk-secret-123456" not in str(info.value)
        assert made[0].calls == []  # it exited by itself: nothing was signalled
        await assert_nothing_left(transport, before)

    run(main)


def test_a_custom_process_without_stderr_still_reports_its_exit_code(
    run: Runner, tmp_path: Path
) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(
            cli_path=fake_cli(tmp_path, "exit_mid_turn"), spawn=own_spawn([], with_stderr=False)
        )
        with pytest.raises(ProcessError) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        assert info.value.exit_code == 3
        assert info.value.stderr is None

    run(main)


def test_an_unreachable_ssh_host_is_a_process_error_carrying_sshs_stderr(
    run: Runner, tmp_path: Path
) -> None:
    ssh = script(
        tmp_path / "ssh",
        # Reads its input first, as ssh does while it connects. (One gone
        # before ccsdk's first write makes that write fail first, with a
        # CLIConnectionError, "its input is broken (it exited with code 255)".)
        'read -r _\necho "ssh: connect to host $1 port 22: Connection refused" >&2\nexit 255\n',
    )

    async def main() -> None:
        options = ClaudeCodeOptions(spawn=wrap_command([ssh, "nohost"]))
        with pytest.raises(ProcessError) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        assert info.value.exit_code == 255
        assert info.value.stderr == "ssh: connect to host nohost port 22: Connection refused"

    run(main)


# -- bad input ----------------------------------------------------------------------------


def test_a_wrapper_that_does_not_exist_is_a_connection_error(run: Runner, tmp_path: Path) -> None:
    async def main() -> None:
        options = ClaudeCodeOptions(spawn=wrap_command([str(tmp_path / "no-such-ssh"), "h"]))
        with pytest.raises(
            CLIConnectionError, match=r"options.spawn could not start the CLI: .*no-such-ssh"
        ):
            async for _ in query(prompt="hi", options=options):
                pass

    run(main)


def test_a_spawn_that_returns_no_process_is_a_type_error_naming_what_is_missing(
    run: Runner, tmp_path: Path
) -> None:
    class Half:
        killed = False
        stdin = None
        returncode = None

        def kill(self) -> None:
            self.killed = True

    half = Half()

    async def spawn(request: SpawnRequest) -> Any:
        return half

    async def main() -> None:
        options = ClaudeCodeOptions(spawn=spawn)
        with pytest.raises(TypeError, match=r"returned Half, which has no stdin, stdout, wait"):
            async for _ in query(prompt="hi", options=options):
                pass
        assert half.killed

    run(main)


def test_a_spawn_that_raises_its_own_error_gets_it_back_as_is(run: Runner) -> None:
    class NoCapacity(Exception):
        pass

    async def spawn(request: SpawnRequest) -> Any:
        raise NoCapacity("no container free")

    async def main() -> None:
        with pytest.raises(NoCapacity, match="no container free"):
            async for _ in query(prompt="hi", options=ClaudeCodeOptions(spawn=spawn)):
                pass

    run(main)


def test_bad_spawn_and_wrap_command_arguments_are_type_and_value_errors() -> None:
    with pytest.raises(TypeError, match="spawn must be callable"):
        ClaudeCodeOptions(spawn="ssh host")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="prefix must be a list of str, not str"):
        wrap_command("ssh host")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="prefix must be a list of str; got 22"):
        wrap_command(["ssh", "-p", 22])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="prefix must name the wrapper command"):
        wrap_command([])
    with pytest.raises(TypeError, match="forward_env must be a list of str, not str"):
        wrap_command(["ssh", "h"], forward_env="ANTHROPIC_API_KEY")


def request(**changes: Any) -> SpawnRequest:
    base: dict[str, Any] = {
        "argv": ["/opt/claude/bin/claude", "--verbose", "--system-prompt=it's"],
        "env": {"PATH": "/bin", "ANTHROPIC_API_KEY": "sk-local", "PWD": "/here/w"},
        "env_overrides": {"CLAUDE_CODE_ENTRYPOINT": "sdk-py", "PWD": "/here/w", "A": "x y"},
        "cwd": "w",
    }
    return SpawnRequest(**{**base, **changes})


def test_wrap_command_builds_the_remote_command_ssh_and_docker_style() -> None:
    ssh = wrap_command(["/usr/bin/ssh", "-T", "box"], forward_env=["ANTHROPIC_API_KEY", "UNSET"])
    argv = ssh.argv_for(request())
    assert argv[:3] == ["/usr/bin/ssh", "-T", "box"] and len(argv) == 4
    words = shlex.split(argv[3])
    assert words[:2] == ["sh", "-c"] and words[2].endswith('cd -- "$0" && exec "$@"')
    assert words[3:] == ["w", "/opt/claude/bin/claude", "--verbose", "--system-prompt=it's"]
    # No value is on the command line: they are written to stdin first.
    assert "sk-local" not in argv[3] and "x y" not in argv[3]
    assert ssh.stdin_preamble(request()) == (
        b"CLAUDE_CODE_ENTRYPOINT=sdk-py\nA='x y'\nANTHROPIC_API_KEY=sk-local\n\n"
    )
    docker = wrap_command(["docker", "exec", "-i", "c"], cli="/usr/local/bin/claude")
    argv = docker.argv_for(request(cwd=None))
    assert argv[:6] == ["docker", "exec", "-i", "c", "sh", "-c"]
    assert argv[6].endswith('; exec "$@"')
    assert argv[7:] == ["-", "/usr/local/bin/claude", "--verbose", "--system-prompt=it's"]
    assert docker.stdin_preamble(request(cwd=None)) == (
        b"CLAUDE_CODE_ENTRYPOINT=sdk-py\nA='x y'\n\n"
    )
    for bad in ("A=B", "A-B", "", "1A"):
        with pytest.raises(ValueError, match=f"cannot pass the variable {bad!r}"):
            docker.argv_for(request(env_overrides={bad: "1"}))


@pytest.mark.parametrize("shell", ["sh", "bash", "dash"])
def test_the_remote_script_exports_any_value_and_leaves_the_rest_of_stdin(shell: str) -> None:
    """Whatever the value (quotes, $, backquotes, newlines), the command gets it
    exactly, and reads the session from the first byte after the environment."""
    if shutil.which(shell) is None:
        pytest.skip(f"no {shell}")
    value = "x y'q\"$HOME`id` \\ ;\nline2\n"
    req = request(
        argv=["sh", "-c", 'printf "%s|%s|%s|" "$A" "$B" "$PWD"; cat'],
        env_overrides={"A": value, "B": "b", "PWD": "/no"},
        cwd="/",
    )
    wrapper = wrap_command([shell, "-c", '"$@"', "wrapper"])
    out = subprocess.run(
        wrapper.argv_for(req),
        input=wrapper.stdin_preamble(req) + b"REST\nMORE",
        capture_output=True,
        check=True,
    )
    assert out.stdout.decode() == f"{value}|b|/|REST\nMORE"


def test_the_default_spawn_is_spawn_subprocess_in_a_group_of_its_own(
    run: Runner, tmp_path: Path
) -> None:
    async def main() -> None:
        script = "echo $A; pwd; cat"  # runs until its input ends
        process = await spawn_subprocess(
            request(
                argv=["sh", "-c", script], env={"A": "1", "PATH": os.defpath}, cwd=str(tmp_path)
            )
        )
        async with process:
            assert os.getpgid(process.pid) == process.pid
            assert process.stdin is not None and process.stdout is not None
            await process.stdin.aclose()
            output = b"".join([chunk async for chunk in process.stdout])
            assert await process.wait() == 0
        assert output.decode().split() == ["1", str(tmp_path)]

    run(main)
