"""A stand-in `claude` executable for fault-injection tests.

It speaks just enough stream-json to get through ``initialize``, answer
turns and our control requests, and misbehaves as the environment says. A
real process (not in-memory streams) is needed to show exit codes, stderr,
broken pipes and signals; the real CLI cannot be made to fail on cue.

Environment:

* ``FAKE_CLAUDE_SCENARIO``: what goes wrong (see :func:`turn` and
  :func:`answer_request`); ``plain`` is a well-behaved CLI.
* ``FAKE_CLAUDE_VERSION``: the version it reports in ``initialize``.
* ``FAKE_CLAUDE_PIDFILE``: a file it appends its pid to at start, so a test
  can check that the process is gone whichever API started it.
* ``FAKE_CLAUDE_ENVFILE``: a file it writes its whole environment to, as JSON.
* ``FAKE_CLAUDE_DELAY``: seconds to pause before each frame it writes, so
  that a deadline swept across a session lands in every phase.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

SCENARIO = os.environ.get("FAKE_CLAUDE_SCENARIO", "plain")
DELAY = float(os.environ.get("FAKE_CLAUDE_DELAY", "0"))


def out(frame: dict[str, object] | str | bytes) -> None:
    if DELAY:
        time.sleep(DELAY)
    if isinstance(frame, dict):
        frame = json.dumps(frame) + "\n"
    if isinstance(frame, str):
        frame = frame.encode()
    sys.stdout.buffer.write(frame)
    sys.stdout.buffer.flush()


def read() -> dict[str, object] | None:
    line = sys.stdin.readline()
    return json.loads(line) if line else None


def success(request_id: object, response: dict[str, object] | None = None) -> None:
    body = {"subtype": "success", "request_id": request_id, "response": response or {}}
    out({"type": "control_response", "response": body})


def state(name: str) -> None:
    out(
        {"type": "system", "subtype": "session_state_changed", "state": name, "sdk_host_only": True}
    )


def assistant(text: str) -> None:
    message = {
        "id": "msg_1",
        "model": "m",
        "role": "assistant",
        "content": [{"type": "text", "text": text}],
    }
    out(
        {
            "type": "assistant",
            "message": message,
            "parent_tool_use_id": None,
            "session_id": "s-1",
            "uuid": "u",
        }
    )


def result(text: str) -> None:
    out(
        {
            "type": "result",
            "subtype": "success",
            "is_error": False,
            "duration_ms": 1,
            "duration_api_ms": 1,
            "num_turns": 1,
            "session_id": "s-1",
            "result": text,
        }
    )


def hang() -> None:
    while True:
        time.sleep(3600)


def turn() -> None:
    """One turn; the scenarios that break mid-turn do it here."""
    state("running")
    init = {"type": "system", "subtype": "init", "session_id": "s-1", "model": "m", "cwd": "/"}
    out(
        {
            **init,
            "tools": [],
            "mcp_servers": [],
            "permissionMode": "default",
            "apiKeySource": "none",
        }
    )
    assistant("partial")
    if SCENARIO == "exit_mid_turn":
        sys.stderr.write("working...\nfatal: the model connection broke (key sk-secret-123456)\n")
        sys.stderr.flush()
        os._exit(3)
    if SCENARIO == "non_json":
        out("[SandboxDebug] this is not JSON\n")
    if SCENARIO == "bad_utf8":
        out(b'{"type": "assistant", "note": "\xff\xfe"}\n')
    if SCENARIO == "long_line":
        out('{"type": "assistant", "pad": "' + "x" * (2 * 1024 * 1024) + '"}\n')
    if SCENARIO == "partial_eof":
        out('{"type": "assistant", "message": {"id": "msg_2", "con')
        os._exit(0)
    if SCENARIO == "close_stdout":
        os.close(1)
        hang()
    if SCENARIO == "grandchild":
        # A child in our process group, as a Bash tool would be, that would
        # outlive us if nobody signalled the group.
        child = subprocess.Popen(["sleep", "300"])
        with open(os.environ["FAKE_CLAUDE_PIDFILE"], "a") as f:
            f.write(f"{child.pid}\n")
        sys.stderr.write("grandchild started\n")
        sys.stderr.flush()
        hang()
    if SCENARIO == "hang":
        hang()
    result("partial")
    state("idle")
    if SCENARIO == "result_then_close_stdout":
        # The result is out; then stdout closes and the process never exits.
        os.close(1)
        hang()


def answer_request(request: dict[str, object]) -> None:
    """Our control requests: answered, unless the scenario says otherwise."""
    if SCENARIO == "exit_on_request":
        os._exit(0)
    if SCENARIO == "ignore_requests":
        return
    success(request["request_id"])


def main() -> None:
    envfile = os.environ.get("FAKE_CLAUDE_ENVFILE")
    if envfile:
        with open(envfile, "w") as f:
            json.dump(dict(os.environ), f)
    pidfile = os.environ.get("FAKE_CLAUDE_PIDFILE")
    if pidfile:
        with open(pidfile, "a") as f:
            f.write(f"{os.getpid()}\n")
    if SCENARIO == "no_output_exit":
        sys.stderr.write("fatal: cannot start\n")
        sys.exit(7)
    if SCENARIO == "silent":
        hang()
    init = read()
    assert init is not None and init["type"] == "control_request"
    if SCENARIO == "close_stdin":  # before the answer: the next write must fail
        os.close(0)
    success(
        init["request_id"],
        {"claude_code_version": os.environ.get("FAKE_CLAUDE_VERSION", "2.1.331")},
    )
    if SCENARIO == "close_stdin":
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGPIPE])
        hang()
    while (frame := read()) is not None:
        if frame["type"] == "user":
            turn()
        elif frame["type"] == "control_request":
            answer_request(frame)


if __name__ == "__main__":
    main()
