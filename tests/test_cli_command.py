"""The ``ccsdk`` command as a user runs it: a subprocess, its output and exit code.

End-to-end tests run ``python -m ccsdk.cli`` with the real CLI against the
FakeModel on loopback. Each run gets its own ``HOME``; every process the
run starts (the CLI, a Bash it runs) inherits it, which is how
:func:`leftovers` finds any process left behind.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccsdk._cli.setup import CREDENTIAL_ENV_VARS
from ccsdk.testing import PINNED_CLI_VERSION, FakeModel, Turn, text, tool_use
from tests.procs import process_dead

e2e = pytest.mark.e2e
# The one usual install place outside HOME, which a test cannot hide from the search.
no_system_cli = pytest.mark.skipif(
    os.path.exists("/usr/local/bin/claude"), reason="/usr/local/bin/claude exists"
)

CLOSING = re.compile(r"^\[success: (\d+) turn\(s\), \$\d+\.\d{4}, \d+\.\d s\]$", re.MULTILINE)


def ccsdk(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("timeout", 120)
    return subprocess.run(
        [sys.executable, "-m", "ccsdk.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


def spawn(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ccsdk.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def leftovers(home: Path) -> list[str]:
    """Command lines of running processes whose environment has ``HOME=home``."""
    mark = f"HOME={home}".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or process_dead(int(name)):
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if mark not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{name}/cmdline", "rb") as f:
                found.append(f.read().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue
    return found


def offline_environ(**extra: str) -> dict[str, str]:
    """``os.environ`` with no credential: what a new user has."""
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_ENV_VARS}
    env.update(extra)
    return env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def env(fake_model: FakeModel, cli_path: Path, home: Path) -> dict[str, str]:
    """An online environment whose model is the test's FakeModel; the CLI via $CCSDK_CLI_PATH."""
    environ = fake_model.env(home=home, base=os.environ)
    environ["CCSDK_CLI_PATH"] = str(cli_path)
    return environ


@pytest.fixture
def recording_cli(cli_path: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A ``claude`` that writes its argv and cwd to a file, then runs the real CLI."""
    record = tmp_path / "argv.txt"
    script = tmp_path / "claude-recording"
    script.write_text(
        f'#!/bin/sh\n{{ pwd; printf "%s\\n" "$@"; }} > "{record}"\nexec "{cli_path}" "$@"\n'
    )
    script.chmod(0o755)
    yield str(script), record


def system_text(body: dict[str, Any]) -> str:
    system = body.get("system")
    if isinstance(system, str):
        return system
    return "\n".join(block.get("text", "") for block in system or [])


# -- streaming, tool lines, the closing line ---------------------------------------------


@e2e
def test_text_is_printed_while_the_model_is_still_streaming(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    answer = "Streaming, one small piece at a time. " * 6
    fake_model.add_turns(Turn([text(answer)], chunk_size=4, chunk_delay=0.03))
    proc = spawn("tell me", "--cwd", str(work), env=env)
    assert proc.stdout is not None
    first = proc.stdout.read(8)
    # The first words are on screen while the model has not finished its answer.
    assert first == answer[:8]
    assert fake_model.events == []
    rest, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert first + rest == answer + "\n"
    assert fake_model.events == [{"event": "completed", "seq": fake_model.requests[-1].seq}]


@e2e
def test_tool_calls_are_compact_lines_and_a_closing_line_ends_the_run(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    long_command = "echo " + "x" * 300
    fake_model.add_turns(
        Turn([text("Let me look."), tool_use("Bash", {"command": "echo hello"})]),
        Turn([tool_use("Bash", {"command": long_command, "description": "a long one"})]),
        Turn([tool_use("Write", {"file_path": str(work / "f.txt"), "content": "x"})]),
        Turn([text("Done.")]),
    )
    proc = ccsdk("look", "--cwd", str(work), "--allowed-tools", "Bash", env=env)
    assert proc.returncode == 0, proc.stderr
    # stdout holds the answer's text only; everything about the run is on stderr.
    assert proc.stdout == "Let me look.\nDone.\n"
    lines = proc.stderr.splitlines()
    assert lines[0] == "[Bash] echo hello"
    assert lines[1].startswith("[Bash] echo xxx") and lines[1].endswith("...")
    assert len(lines[1]) <= 110
    assert lines[2] == f"[Write] {work / 'f.txt'}"
    # Write is not allowed: the refusal shows, with what to do about it.
    assert lines[3].startswith("  ! Claude requested permissions to write to ")
    assert lines[3].endswith("but you haven't granted it yet.")
    assert "<tool_use_error>" not in lines[3]
    closing = CLOSING.fullmatch(lines[4])
    assert closing is not None and closing[1] == "4", lines[4]
    assert len(lines) == 5


@e2e
def test_a_broken_stream_says_so_and_shows_the_answer_again_in_full(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    answer = "The first half. The second half."
    # The stream breaks after two deltas; the CLI asks again, unstreamed.
    fake_model.add_turns(
        Turn([text(answer)], chunk_size=8, stream_error_after=5), Turn([text(answer)])
    )
    proc = ccsdk("hi", "--cwd", str(work), env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"The first half. \n{answer}\n"
    assert proc.stderr.splitlines()[0] == "[the stream broke; the answer follows again in full]"


@e2e
def test_json_prints_every_message_as_a_json_line_ending_with_the_result(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    fake_model.add_turns(Turn([text("Hello "), text("JSON.")]))
    proc = ccsdk("hi", "--json", "--cwd", str(work), env=env)
    assert proc.returncode == 0, proc.stderr
    frames = [json.loads(line) for line in proc.stdout.splitlines()]
    assert frames[0]["type"] == "system" and frames[0]["subtype"] == "init"
    assert frames[-1]["type"] == "result" and frames[-1]["result"] == "JSON."  # the last text block
    assert frames[-1]["is_error"] is False
    assert [f["message"]["content"] for f in frames if f["type"] == "assistant"] == [
        [{"type": "text", "text": "Hello "}],
        [{"type": "text", "text": "JSON."}],
    ]
    assert not any(f["type"] == "stream_event" for f in frames)
    assert proc.stderr == ""  # no closing line: stdout is all there is to parse


# -- flags -----------------------------------------------------------------------------


@e2e
def test_each_flag_reaches_the_cli_and_the_model(
    fake_model: FakeModel,
    env: dict[str, str],
    work: Path,
    recording_cli: tuple[str, Path],
) -> None:
    script, record = recording_cli
    fake_model.add_turns(Turn([text("ok")]))
    proc = ccsdk(
        "check the flags",
        "--cli-path",
        script,
        "--cwd",
        str(work),
        "--model",
        "claude-flag-test",
        "--allowed-tools",
        "Read,Bash(git log:*)",
        "--allowed-tools",
        "Grep",
        "--disallowed-tools",
        "WebSearch,WebFetch",
        "--permission-mode",
        "acceptEdits",
        "--max-turns",
        "3",
        "--system-prompt",
        "You are the flag tester.",
        "--append-system-prompt",
        "-- and appended.",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok\n"
    cwd, *argv = record.read_text().splitlines()
    assert Path(cwd) == work
    for arg in (
        "--model=claude-flag-test",
        "--allowedTools=Read,Bash(git log:*),Grep",
        "--disallowedTools=WebSearch,WebFetch",
        "--permission-mode=acceptEdits",
        "--max-turns=3",
        "--include-partial-messages",
    ):
        assert arg in argv
    # The system prompts travel in initialize (off argv); the model shows they arrived.
    assert not any("flag tester" in arg or "appended" in arg for arg in argv)
    (body,) = fake_model.turn_requests
    assert body["model"] == "claude-flag-test"
    assert "You are the flag tester." in system_text(body)
    assert "-- and appended." in system_text(body)
    tools = {tool["name"] for tool in body["tools"]}
    assert "Read" in tools and "WebSearch" not in tools and "WebFetch" not in tools


@e2e
def test_resume_and_continue_carry_the_conversation_on(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    fake_model.add_turns(Turn([text("First.")]), Turn([text("Second.")]), Turn([text("Third.")]))
    first = ccsdk("remember 41", "--json", "--cwd", str(work), env=env)
    assert first.returncode == 0, first.stderr
    session = json.loads(first.stdout.splitlines()[-1])["session_id"]

    second = ccsdk("and 42", "--resume", session, "--cwd", str(work), env=env)
    assert (second.returncode, second.stdout) == (0, "Second.\n"), second.stderr
    third = ccsdk("and 43", "--continue", "--cwd", str(work), env=env)
    assert (third.returncode, third.stdout) == (0, "Third.\n"), third.stderr

    seen = [json.dumps(body["messages"]) for body in fake_model.turn_requests]
    assert "remember 41" in seen[0] and "First." not in seen[0]
    assert "remember 41" in seen[1] and "First." in seen[1]
    assert "remember 41" in seen[2] and "and 42" in seen[2] and "Second." in seen[2]


@e2e
def test_the_prompt_can_come_from_stdin(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    fake_model.add_turns(Turn([text("Read it.")]))
    proc = ccsdk("-", "--cwd", str(work), env=env, input="a question\nover two lines\n")
    assert (proc.returncode, proc.stdout) == (0, "Read it.\n"), proc.stderr
    assert fake_model.requests[-1].last_user_text == "a question\nover two lines\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hi", "--permission-mode", "nope"], "argument --permission-mode: invalid choice: 'nope'"),
        (["hi", "--max-turns", "0"], "argument --max-turns: must be a whole number of at least 1"),
        (["hi", "--cwd", "/no/such/dir"], "argument --cwd: not a directory: '/no/such/dir'"),
        (["hi", "--resume", "x", "--continue"], "argument --continue: not allowed with"),
        (["hi", "--offline", "--online"], "argument --online: not allowed with"),
        (["hi", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
        (["   "], "the prompt is empty"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(args: list[str], message: str) -> None:
    proc = ccsdk(*args, env=dict(os.environ), timeout=60)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stderr.startswith("usage: ccsdk")


@e2e
def test_a_prompt_that_reads_doctor_goes_after_a_double_dash(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    fake_model.add_turns(Turn([text("Asked.")]))
    proc = ccsdk("--cwd", str(work), "--", "doctor", env=env)
    assert (proc.returncode, proc.stdout) == (0, "Asked.\n"), proc.stderr
    assert fake_model.requests[-1].last_user_text == "doctor"


def test_help_documents_the_exit_codes_and_version_names_the_tested_cli() -> None:
    helped = ccsdk("--help", env=dict(os.environ), timeout=60)
    assert helped.returncode == 0
    for line in (
        "0    the run succeeded",
        "1    the run ended with an error result",
        "2    bad usage",
        "3    the Claude Code CLI was not found",
        "130  interrupted (Ctrl-C)",
    ):
        assert line in helped.stdout
    version = ccsdk("--version", env=dict(os.environ), timeout=60)
    assert version.stdout == f"ccsdk 0.1.0 (tested with Claude Code {PINNED_CLI_VERSION})\n"


# -- exit codes 1 and 3 ----------------------------------------------------------------


@e2e
def test_an_error_result_exits_1_and_says_why(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    fake_model.add_turns(Turn.http_error(500, "the fake refuses"))
    proc = ccsdk("hi", "--cwd", str(work), env=env)
    assert proc.returncode == 1
    assert proc.stdout == ""
    closing, reason = proc.stderr.splitlines()
    assert re.fullmatch(r"\[error: 1 turn\(s\), \$0\.0000, \d+\.\d s\]", closing)
    assert reason.startswith("ccsdk: API Error: 500 the fake refuses")


@e2e
def test_hitting_max_turns_exits_1(fake_model: FakeModel, env: dict[str, str], work: Path) -> None:
    fake_model.add_turns(Turn([tool_use("Bash", {"command": "echo again"})]))
    proc = ccsdk("hi", "--cwd", str(work), "--max-turns", "1", "--allowed-tools", "Bash", env=env)
    assert proc.returncode == 1
    assert "[error_max_turns: " in proc.stderr
    assert "ccsdk: Reached maximum number of turns (1)" in proc.stderr


def test_a_missing_cli_exits_3_and_says_how_to_install_it(tmp_path: Path) -> None:
    proc = ccsdk("hi", "--cli-path", str(tmp_path / "nope"), env=dict(os.environ), timeout=60)
    assert proc.returncode == 3
    assert "npm install -g @anthropic-ai/claude-code" in proc.stderr
    assert "Run 'ccsdk doctor' to check the set-up." in proc.stderr


def test_a_cli_that_cannot_start_exits_3(tmp_path: Path) -> None:
    bogus = tmp_path / "claude"
    bogus.write_text("not a program")
    bogus.chmod(0o755)
    proc = ccsdk("hi", "--cli-path", str(bogus), env=offline_environ(), timeout=60)
    assert proc.returncode == 3
    assert "ccsdk: Failed to start Claude Code" in proc.stderr
    assert "Exec format error" in proc.stderr


def test_a_cli_that_exits_before_the_handshake_exits_3_with_its_stderr(tmp_path: Path) -> None:
    from tests.procs import fake_cli

    cli = fake_cli(tmp_path, "no_output_exit")
    env = dict(os.environ, ANTHROPIC_API_KEY="sk-test")  # online: no FakeModel is started
    proc = ccsdk("hi", "--cli-path", cli, env=env, timeout=60)
    assert proc.returncode == 3
    assert "ccsdk: the CLI did not start" in proc.stderr
    assert "(exit code: 7)" in proc.stderr
    assert "fatal: cannot start" in proc.stderr


# -- Ctrl-C --------------------------------------------------------------------------------


@e2e
def test_ctrl_c_mid_answer_exits_130_and_leaves_no_process(
    fake_model: FakeModel, env: dict[str, str], work: Path, home: Path
) -> None:
    answer = "word " * 500
    fake_model.add_turns(Turn([text(answer)], chunk_size=5, chunk_delay=0.02))
    proc = spawn("talk", "--cwd", str(work), env=env)
    assert proc.stdout is not None
    first = proc.stdout.read(10)  # the answer has started
    cli = [c for c in leftovers(home) if "stream-json" in c]
    assert len(cli) == 1, cli
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert (first + rest).startswith("word word")
    assert len(first + rest) < len(answer)
    assert re.fullmatch(r"\[interrupted after \d+\.\d s\]\n", err), err
    assert leftovers(home) == []
    assert fake_model.events[-1]["event"] == "client_disconnected"


@e2e
def test_ctrl_c_while_a_tool_runs_stops_the_tool_too(
    fake_model: FakeModel, env: dict[str, str], work: Path, home: Path
) -> None:
    fake_model.add_turns(
        Turn([tool_use("Bash", {"command": "for i in 1 2 3 4 5 6; do sleep 10; done"})]),
        Turn([text("never reached")]),
    )
    proc = spawn("wait", "--cwd", str(work), "--allowed-tools", "Bash", env=env)
    assert proc.stderr is not None
    assert proc.stderr.readline().startswith("[Bash] for i in")
    for _ in range(200):  # until the shell runs
        if any("sleep 10" in c for c in leftovers(home)):
            break
        subprocess.run(["sleep", "0.05"], check=True)
    else:
        pytest.fail(f"the Bash tool did not start: {leftovers(home)}")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert out == ""
    assert err.startswith("[interrupted after ")
    assert leftovers(home) == []
    assert len(fake_model.turn_requests) == 1


def test_a_second_ctrl_c_kills_a_cli_that_does_not_answer_the_interrupt(tmp_path: Path) -> None:
    from tests.procs import fake_cli

    pidfile = tmp_path / "pids"
    # It answers the turn with "partial", then hangs: reads nothing, answers nothing.
    cli = fake_cli(tmp_path, "hang", FAKE_CLAUDE_PIDFILE=str(pidfile))
    env = dict(os.environ, ANTHROPIC_API_KEY="sk-test")  # online: no FakeModel is started
    proc = spawn("hi", "--cli-path", cli, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == "partial\n"
    # Two signals sent at once would merge into one: keep pressing until it exits.
    for _ in range(100):
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=0.3)
            break
        except subprocess.TimeoutExpired:
            continue
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    lines = err.splitlines()
    assert lines[0] == "[Ctrl-C again: killing the CLI]"
    assert re.fullmatch(r"\[interrupted after \d+\.\d s\]", lines[1])
    assert len(lines) == 2  # the interrupt that could not be answered is not reported
    (pid,) = map(int, pidfile.read_text().split())
    assert process_dead(pid)


# -- offline mode ------------------------------------------------------------------------


@e2e
def test_without_a_key_it_runs_offline_and_says_so(cli_path: Path, work: Path) -> None:
    env = offline_environ(CCSDK_CLI_PATH=str(cli_path))
    proc = ccsdk("what", "is", "ccsdk?", env=env, cwd=work)
    assert proc.returncode == 0, proc.stderr
    notice, closing = proc.stderr.splitlines()
    assert notice.startswith("[offline (no ANTHROPIC_API_KEY in the environment): ")
    assert "fake model on 127.0.0.1" in notice and "set ANTHROPIC_API_KEY" in notice
    assert CLOSING.fullmatch(closing)
    assert proc.stdout.startswith("Hello from ccsdk's offline mode. You asked: 'what is ccsdk?'.")


@e2e
def test_offline_forced_with_a_key_never_reaches_the_configured_model(
    fake_model: FakeModel, env: dict[str, str], work: Path
) -> None:
    proc = ccsdk("hi", "--offline", "--json", "--cwd", str(work), env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("[offline (--offline): ")
    result = json.loads(proc.stdout.splitlines()[-1])
    assert "offline mode" in result["result"]
    assert fake_model.requests == []  # the environment's model (with its key) saw nothing


# -- ccsdk doctor ------------------------------------------------------------------------


@e2e
def test_doctor_passes_with_the_real_cli(cli_path: Path, work: Path) -> None:
    env = offline_environ()
    proc = ccsdk("doctor", "--cli-path", str(cli_path), env=env, cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["ok", "CLI", str(cli_path), "(from", "--cli-path)"]
    assert lines[1].startswith(f"ok    version      {PINNED_CLI_VERSION} ")
    assert re.match(rf"ok    handshake    initialize answered in .* {PINNED_CLI_VERSION}", lines[2])
    assert lines[3].startswith("ok    round trip   a prompt reached the fake model on 127.0.0.1")
    assert lines[4].startswith("ok    Node.js") or lines[4].startswith("warn  Node.js")
    assert lines[5].startswith("warn  credentials  no ANTHROPIC_API_KEY")
    assert lines[-1].startswith("All checks passed")

    as_json = ccsdk("doctor", "--json", "--cli-path", str(cli_path), env=env, cwd=work)
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and report["ok"] is True
    assert [c["name"] for c in report["checks"]] == [
        "CLI",
        "version",
        "handshake",
        "round trip",
        "Node.js",
        "credentials",
    ]


def test_doctor_names_the_fix_for_a_missing_cli_path(tmp_path: Path) -> None:
    proc = ccsdk("doctor", "--cli-path", str(tmp_path / "nope"), env=offline_environ(), timeout=60)
    assert proc.returncode == 1
    out = proc.stdout
    assert re.search(r"^fail  CLI .*does not exist.*/nope$", out, re.MULTILINE), out
    install = f"npm install -g @anthropic-ai/claude-code@{PINNED_CLI_VERSION}"
    assert f"fix: correct the path, or install the CLI: {install}" in out
    for check in ("version", "handshake", "round trip"):
        assert re.search(rf"^skip  {check} +no CLI$", out, re.MULTILINE)
    assert out.rstrip().endswith("1 check(s) failed: CLI.")


@no_system_cli
def test_doctor_lists_where_it_looked_when_nothing_is_found(tmp_path: Path) -> None:
    env = offline_environ(PATH=str(tmp_path), HOME=str(tmp_path))
    env.pop("CCSDK_CLI_PATH", None)
    proc = ccsdk("doctor", env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 1
    out = proc.stdout
    assert "fail  CLI          not found; looked at:" in out
    assert "claude on PATH" in out
    assert f"{tmp_path}/.local/bin/claude" in out
    assert "./.cli/node_modules/.bin/claude" in out
    assert "python -m ccsdk.testing.install" in out
    assert "fail  Node.js" in out and "https://nodejs.org" in out
    assert out.rstrip().endswith("2 check(s) failed: CLI, Node.js.")


@e2e
@no_system_cli
def test_doctor_finds_a_cli_installed_into_dot_cli(tmp_path: Path, cli_path: Path) -> None:
    local = tmp_path / ".cli" / "node_modules" / ".bin"
    local.mkdir(parents=True)
    (local / "claude").symlink_to(cli_path)
    env = offline_environ(PATH=os.path.dirname(sys.executable), HOME=str(tmp_path))
    env.pop("CCSDK_CLI_PATH", None)
    proc = ccsdk("doctor", "--json", env=env, cwd=tmp_path)
    checks = {c["name"]: c for c in json.loads(proc.stdout)["checks"]}
    assert checks["CLI"]["status"] == "ok"
    assert checks["CLI"]["detail"] == f"{local / 'claude'} (from ./.cli/)"
