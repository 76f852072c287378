"""A blocking driver for the Claude Code CLI, on ``ccsdk.protocol`` and the standard library.

No event loop, no threads for the conversation itself: one loop reads the
CLI's stdout with ``os.read``, hands the bytes to the sans-IO
:class:`ccsdk.protocol.Connection`, and writes to stdin whatever the
connection's ``send_*`` methods return. It uses nothing of ``ccsdk.runtime``
and nothing async; the same loop could be written on any runtime.

    python examples/blocking_driver.py "What is 2 + 2?"
    python examples/blocking_driver.py --cli /path/to/claude --deny "Delete everything"

What it does, in order:

1. starts the CLI in streaming mode (``--input-format stream-json``) with
   ``--permission-prompt-tool=stdio``, so that permission prompts come to us
   as ``can_use_tool`` control requests;
2. sends ``initialize`` and waits for its answer;
3. sends the prompt as a user message;
4. prints the assistant's text as it arrives, answers every control request
   the CLI sends (``can_use_tool`` -> allow, or deny with ``--deny``;
   anything else -> an error reply, which the CLI carries on after);
5. once the run is over and nothing is pending (``conn.may_close_input``),
   closes stdin; the CLI exits, its output ends, and the result is printed.

The exit status is 0 for a successful run, 1 for an error result or a failed
CLI, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from ccsdk.protocol import (
    NEED_DATA,
    AssistantMessage,
    CanUseToolRequest,
    ClaudeSDKError,
    CLIJSONDecodeError,
    Connection,
    ControlCancelled,
    ControlFailed,
    ControlSucceeded,
    EndOfOutput,
    HookCallbackRequest,
    McpMessageRequest,
    MessageParseError,
    OurState,
    ResultMessage,
    TextBlock,
    ToolUseBlock,
    UnknownControlRequest,
)

READ_SIZE = 64 * 1024
GRACE_SECONDS = 5.0


def build_argv(cli: str) -> list[str]:
    """The smallest argv that speaks the control protocol both ways.

    ccsdk's own (``ccsdk/runtime/_command.py``) adds a flag per option; these
    are the ones every session needs. Never ``--print``: the prompt goes to
    stdin after ``initialize``, so hooks and permission prompts work.
    """
    return [
        cli,
        "--output-format",
        "stream-json",
        "--verbose",
        "--input-format",
        "stream-json",
        "--permission-prompt-tool=stdio",
    ]


def build_env(base: dict[str, str]) -> dict[str, str]:
    """The CLI's environment: ours, minus the marker of a nested Claude Code."""
    env = dict(base)
    env.pop("CLAUDECODE", None)
    env["CLAUDE_CODE_ENTRYPOINT"] = "sdk-py"
    # Ask for session_state_changed frames: "idle" tells us when stdin may close.
    env["CLAUDE_CODE_SDK_READS_SESSION_STATE"] = "1"
    return env


class StderrTail:
    """Drains the CLI's stderr in a thread (a full pipe would stall the CLI)."""

    def __init__(self, stream: IO[bytes], keep: int = 50) -> None:
        self.lines: collections.deque[str] = collections.deque(maxlen=keep)
        self._stream = stream
        self._thread = threading.Thread(target=self._drain, name="cli-stderr", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        for line in self._stream:
            self.lines.append(line.decode("utf-8", "replace").rstrip())

    def text(self) -> str:
        self._thread.join(timeout=1.0)
        return "\n".join(self.lines)


class Driver:
    """One CLI process, one :class:`Connection`, driven by blocking calls."""

    def __init__(self, argv: Sequence[str], *, allow: bool, timeout: float) -> None:
        self.allow = allow
        self.deadline = time.monotonic() + timeout
        self.conn = Connection()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=build_env(dict(os.environ)),
            start_new_session=True,  # its own process group: teardown reaches its children
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        assert self.proc.stderr is not None
        self.stdin = self.proc.stdin
        self.stdout_fd = self.proc.stdout.fileno()
        self.stderr = StderrTail(self.proc.stderr)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stdout_fd, selectors.EVENT_READ)
        self.next_id = 0
        self.result: ResultMessage | None = None

    # -- writing -------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if data:  # b"": the CLI cancelled that request; nobody to answer
            self.stdin.write(data)
            self.stdin.flush()

    def request(self, body: dict[str, Any]) -> str:
        self.next_id += 1
        request_id = f"req_{self.next_id}"
        self.write(self.conn.send_request(request_id, body))
        return request_id

    # -- reading -------------------------------------------------------------

    def read(self) -> None:
        """One read of stdout into the connection (``b""`` at its end)."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not self.selector.select(remaining):
            raise TimeoutError("the CLI did not finish in time")
        self.conn.receive_data(os.read(self.stdout_fd, READ_SIZE))

    def run(self, prompt: str) -> ResultMessage | None:
        init_id = self.request({"subtype": "initialize", "hooks": None})
        prompt_sent = False
        while True:
            try:
                event = self.conn.next_event()
            except (CLIJSONDecodeError, MessageParseError) as exc:
                # One bad line is raised once; the next call goes on after it.
                print(f"[skipped a bad line] {exc}", file=sys.stderr)
                continue
            if event is NEED_DATA:
                self.maybe_close_input(prompt_sent)
                self.read()
                continue
            if isinstance(event, ControlSucceeded) and event.request_id == init_id:
                version = event.response.get("claude_code_version")
                print(f"[connected to Claude Code {version}]", flush=True)
                self.write(self.conn.send_user(prompt))
                prompt_sent = True
            elif isinstance(event, ControlFailed):
                raise event.error  # initialize refused, or the output ended first
            elif isinstance(event, AssistantMessage):
                for block in event.content:
                    if isinstance(block, TextBlock):
                        print(f"Claude: {block.text}", flush=True)
                    elif isinstance(block, ToolUseBlock):
                        print(f"[tool call] {block.name} {block.input}", flush=True)
            elif isinstance(event, ResultMessage):
                self.result = event
            elif isinstance(event, CanUseToolRequest):
                self.answer_can_use_tool(event)
            elif isinstance(event, HookCallbackRequest):
                self.write(self.conn.send_response(event.request_id, {}))  # no opinion
            elif isinstance(event, McpMessageRequest | UnknownControlRequest):
                what = getattr(event, "subtype", "mcp_message")
                self.write(self.conn.send_error(event.request_id, f"not supported here: {what}"))
            elif isinstance(event, ControlCancelled):
                pass  # every answer here is immediate; nothing is left to cancel
            elif isinstance(event, EndOfOutput):
                if event.mid_run:
                    raise RuntimeError("the CLI's output ended in the middle of a turn")
                return self.result
            # Other messages (system/init, tool results, ...) are not shown.

    def answer_can_use_tool(self, event: CanUseToolRequest) -> None:
        if self.allow:
            print(f"[can_use_tool] {event.tool_name}: allowed", flush=True)
            reply = {"behavior": "allow", "updatedInput": event.input}
        else:
            print(f"[can_use_tool] {event.tool_name}: denied", flush=True)
            reply = {"behavior": "deny", "message": "The user's driver denies every tool."}
        self.write(self.conn.send_response(event.request_id, reply))

    def maybe_close_input(self, prompt_sent: bool) -> None:
        """Close stdin once the run is over and no request either way is pending."""
        conn = self.conn
        if prompt_sent and conn.our_state is OurState.OPEN and conn.may_close_input:
            conn.close_input()
            self.stdin.close()  # the CLI finishes and exits; its output then ends

    # -- teardown ------------------------------------------------------------

    def close(self) -> int:
        """Stop the CLI in order (stdin, SIGTERM, SIGKILL to its group); its exit code."""
        self.selector.close()
        with contextlib.suppress(BrokenPipeError):
            self.stdin.close()  # a no-op if the run already closed it
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                return self.finish()
            except subprocess.TimeoutExpired:
                # Still running after the grace period: signal its whole group.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, sig)
        return self.finish()

    def finish(self) -> int:
        code = self.proc.wait(timeout=GRACE_SECONDS)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return code


def find_cli(explicit: str | None) -> str | None:
    return explicit or os.environ.get("CCSDK_CLI_PATH") or shutil.which("claude")


def main(args: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prompt", nargs="?", default="Say hello.")
    parser.add_argument("--cli", help="the claude executable (default: CCSDK_CLI_PATH, PATH)")
    parser.add_argument("--deny", action="store_true", help="deny every tool the CLI asks about")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for the whole run")
    opts = parser.parse_args(args)
    cli = find_cli(opts.cli)
    if cli is None:
        print("claude not found: npm install -g @anthropic-ai/claude-code", file=sys.stderr)
        return 2

    driver = Driver(build_argv(cli), allow=not opts.deny, timeout=opts.timeout)
    try:
        try:
            result = driver.run(opts.prompt)
        finally:
            code = driver.close()
    except (ClaudeSDKError, RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}\n{driver.stderr.text()}", file=sys.stderr)
        return 1
    if result is None:
        print(f"no result; the CLI exited with {code}:\n{driver.stderr.text()}", file=sys.stderr)
        return 1
    print(
        f"Result: {result.subtype}, is_error={result.is_error}, "
        f"{result.num_turns} turn(s): {result.result}",
        flush=True,
    )
    if code != 0:
        print(f"the CLI exited with {code}:\n{driver.stderr.text()}", file=sys.stderr)
    return 1 if result.is_error or code != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
