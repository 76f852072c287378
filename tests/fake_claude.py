"""A stand-in `claude` executable for fault-injection tests.

It speaks just enough stream-json to get through ``initialize`` and one
user message, then misbehaves as ``FAKE_CLAUDE_SCENARIO`` says. A real
process (not in-memory streams) is needed to show exit codes, stderr and
signals; the real CLI cannot be made to fail on cue.
"""

from __future__ import annotations

import json
import os
import sys
import time


def out(frame: dict[str, object] | str) -> None:
    sys.stdout.write(frame if isinstance(frame, str) else json.dumps(frame) + "\n")
    sys.stdout.flush()


def read() -> dict[str, object] | None:
    line = sys.stdin.readline()
    return json.loads(line) if line else None


def main() -> None:
    scenario = os.environ.get("FAKE_CLAUDE_SCENARIO", "plain")
    if scenario == "no_output_exit":
        sys.stderr.write("fatal: cannot start\n")
        sys.exit(7)
    init = read()
    assert init is not None and init["type"] == "control_request"
    out(
        {
            "type": "control_response",
            "response": {
                "subtype": "success",
                "request_id": init["request_id"],
                "response": {
                    "claude_code_version": os.environ.get("FAKE_CLAUDE_VERSION", "2.1.331")
                },
            },
        }
    )
    user = read()
    if user is None:
        return
    out(
        {
            "type": "system",
            "subtype": "session_state_changed",
            "state": "running",
            "sdk_host_only": True,
        }
    )
    out(
        {
            "type": "system",
            "subtype": "init",
            "session_id": "s-1",
            "model": "m",
            "cwd": "/",
            "tools": [],
            "mcp_servers": [],
            "permissionMode": "default",
            "apiKeySource": "none",
        }
    )
    out(
        {
            "type": "assistant",
            "message": {
                "id": "msg_1",
                "model": "m",
                "role": "assistant",
                "content": [{"type": "text", "text": "partial"}],
            },
            "parent_tool_use_id": None,
            "session_id": "s-1",
            "uuid": "u",
        }
    )
    if scenario == "exit_mid_turn":
        sys.stderr.write("working...\nfatal: the model connection broke (key sk-secret-123456)\n")
        sys.stderr.flush()
        os._exit(3)
    if scenario == "non_json":
        out("[SandboxDebug] this is not JSON\n")
    if scenario == "hang":
        time.sleep(3600)
    out(
        {
            "type": "result",
            "subtype": "success",
            "is_error": False,
            "duration_ms": 1,
            "duration_api_ms": 1,
            "num_turns": 1,
            "session_id": "s-1",
            "result": "partial",
        }
    )
    out(
        {
            "type": "system",
            "subtype": "session_state_changed",
            "state": "idle",
            "sdk_host_only": True,
        }
    )
    while read() is not None:
        pass


if __name__ == "__main__":
    main()
