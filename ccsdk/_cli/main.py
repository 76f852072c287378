"""The ``ccsdk`` command: one prompt through Claude Code, streamed as it arrives.

``ccsdk "prompt"`` prints the answer's text on stdout as the model writes
it, each tool call as one short line on stderr, and a closing line on
stderr with the turns, the cost and the time. ``--json`` prints every
message as one JSON line on stdout instead. ``ccsdk doctor`` checks the
set-up (:mod:`ccsdk._cli.doctor`).

Without credentials in the environment (``ANTHROPIC_API_KEY`` and the
like) the command runs offline: the real CLI talks to a scripted
:class:`~ccsdk.testing.FakeModel` on 127.0.0.1, so a new user sees the
whole pipeline work, and a notice on stderr says how to go online.

Ctrl-C interrupts the running turn, stops the CLI (no process is left
behind) and exits with 130. A second Ctrl-C during that clean-up kills the
CLI at once instead of waiting for it.

Exit codes:

* 0: the run succeeded.
* 1: the run ended with an error result, or the CLI failed during it.
* 2: bad usage (an unknown flag, a bad value).
* 3: the CLI was not found, could not be started (or exited before the
  ``initialize`` handshake, with its stderr shown), or the connection to it
  failed.
* 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import ExitStack

import anyio

from ccsdk import __version__
from ccsdk._cli.doctor import main as doctor_main
from ccsdk._cli.render import JsonRenderer, TextRenderer, closing_line, result_error
from ccsdk._cli.setup import (
    has_credentials,
    locate_cli,
    offline_environment,
)
from ccsdk._config_types import PERMISSION_MODES
from ccsdk._errors import ClaudeSDKError, CLIConnectionError, ProcessError
from ccsdk._options import ClaudeCodeOptions
from ccsdk._version import PINNED_CLI_VERSION
from ccsdk.client import ClaudeSDKClient
from ccsdk.runtime._discovery import CLI_PATH_ENV_VAR
from ccsdk.runtime._engine import collapse_groups

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_NO_CLI",
    "EXIT_OK",
    "EXIT_USAGE",
    "main",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_CLI = 3
EXIT_INTERRUPTED = 130

_EXIT_CODES = """\
exit codes:
  0    the run succeeded
  1    the run ended with an error result, or the CLI failed during it
  2    bad usage
  3    the Claude Code CLI was not found, could not start, or the connection failed
  130  interrupted (Ctrl-C)

Without ANTHROPIC_API_KEY (or another credential) in the environment, ccsdk
runs offline against a scripted fake model on 127.0.0.1. Check the set-up
with: ccsdk doctor"""

_OFFLINE_ANSWER = (
    "Hello from ccsdk's offline mode. You asked: {prompt!r}. This answer comes from a "
    "scripted fake model on 127.0.0.1, not from Claude, but it travelled the whole way: "
    "ccsdk started the real Claude Code CLI, the CLI sent your prompt to the fake model, "
    "and its streamed answer came back to you."
)


# -- arguments ---------------------------------------------------------------------------


def _tool_list(value: str) -> list[str]:
    """Split ``"Read,Bash(git log:*)"`` at commas outside parentheses."""
    tools: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(value):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            tools.append(value[start:i])
            start = i + 1
    tools.append(value[start:])
    return [t.strip() for t in tools if t.strip()]


def _max_turns(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


def _directory(value: str) -> str:
    if not os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"not a directory: {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:

    parser = argparse.ArgumentParser(
        prog="ccsdk",
        usage="%(prog)s [options] [PROMPT ...]\n"
        "       %(prog)s doctor [--cli-path PATH] [--json] [-v]",
        description="Run one prompt with Claude Code and stream the answer. "
        "'ccsdk doctor' checks the set-up.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "prompt",
        nargs="*",
        help="what to ask; several words are joined; '-' (or none, when piped) reads stdin",
    )
    add("--json", action="store_true", help="print every message as a JSON line on stdout")
    add("--model", help="the model to use, e.g. sonnet or claude-sonnet-4-5")
    add(
        "--allowed-tools",
        action="append",
        type=_tool_list,
        default=[],
        metavar="TOOLS",
        help="tools allowed without asking, comma-separated (repeatable): 'Read,Bash(git:*)'",
    )
    add(
        "--disallowed-tools",
        action="append",
        type=_tool_list,
        default=[],
        metavar="TOOLS",
        help="tools taken away from the model, comma-separated (repeatable)",
    )
    add("--permission-mode", choices=PERMISSION_MODES, help="how tool permissions are decided")
    add("--cwd", type=_directory, help="the directory the CLI works in")
    add("--max-turns", type=_max_turns, metavar="N", help="stop after N agentic turns")
    add("--system-prompt", metavar="TEXT", help="replace the system prompt")
    add("--append-system-prompt", metavar="TEXT", help="append to the system prompt")
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument("--resume", metavar="SESSION", help="resume the session with this id")
    resume.add_argument(
        "--continue",
        dest="continue_conversation",
        action="store_true",
        help="continue the most recent conversation in the working directory",
    )
    add(
        "--cli-path", metavar="PATH", help=f"the claude executable (else ${CLI_PATH_ENV_VAR}, PATH)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--offline", action="store_true", help="use the scripted fake model even with a key"
    )
    mode.add_argument(
        "--online",
        action="store_true",
        help="use the real model even without a key in the environment (after 'claude login')",
    )
    add("-v", "--verbose", action="store_true", help="log every frame and the CLI's stderr")
    add(
        "--version",
        action="version",
        version=f"ccsdk {__version__} (tested with Claude Code {PINNED_CLI_VERSION})",
    )
    return parser


def _prompt(parser: argparse.ArgumentParser, words: list[str]) -> str:
    if words in ([], ["-"]):
        if words == [] and sys.stdin.isatty():
            parser.error('a prompt is needed: ccsdk "what to ask"')
        text = sys.stdin.read()
    else:
        text = " ".join(words)
    if not text.strip():
        parser.error("the prompt is empty")
    return text


class _ExitedAtStart(CLIConnectionError):
    """The CLI exited before the handshake; its own stderr, in the message, says why."""


# -- running -----------------------------------------------------------------------------


async def _converse(
    prompt: str, options: ClaudeCodeOptions, renderer: TextRenderer | JsonRenderer
) -> bool:
    """Run the prompt; print as it comes; return whether Ctrl-C interrupted it.

    The first SIGINT cancels the scope around the turn: the client's
    iterator then interrupts the turn (bounded by ``control_timeout``) and
    ``disconnect()`` stops the CLI. The watcher holds the signal until the
    CLI is gone, so no later Ctrl-C can break the clean-up off half-way; a
    second one only hurries it, by killing the CLI's process group at once.
    """
    interrupted = killed = False
    scope = anyio.CancelScope()
    client = ClaudeSDKClient(options)

    async def watch(signals: AsyncIterator[signal.Signals]) -> None:
        nonlocal interrupted, killed
        async for _ in signals:
            if not interrupted:
                interrupted = True
                scope.cancel()
                continue
            if killed:
                continue
            try:
                transport = client.session.transport
            except CLIConnectionError:  # not started yet: the cancelled start cleans up
                continue
            # Nothing awaited between the kill and the log level: the
            # interrupt's failure, expected now, is logged only later.
            if transport.kill_now():
                killed = True
                renderer.note("[Ctrl-C again: killing the CLI]")
                log = logging.getLogger("ccsdk")
                if not log.isEnabledFor(logging.DEBUG):
                    log.setLevel(logging.ERROR)

    with collapse_groups(), anyio.open_signal_receiver(signal.SIGINT) as signals:
        async with anyio.create_task_group() as tg:
            tg.start_soon(watch, signals)
            try:
                with scope:
                    try:
                        await client.connect()
                    except ProcessError as exc:  # it exited before the handshake
                        raise _ExitedAtStart(f"the CLI did not start. {exc}") from exc
                    await client.query(prompt)
                    async for message in client.receive_response():
                        renderer.message(message)
            finally:
                await client.disconnect()
                tg.cancel_scope.cancel()
    return interrupted


def _options(args: argparse.Namespace, cli: str) -> ClaudeCodeOptions:

    stderr: Callable[[str], None] | None = None
    if args.verbose:

        def print_stderr(line: str) -> None:
            print(f"claude: {line}", file=sys.stderr, flush=True)

        stderr = print_stderr

    return ClaudeCodeOptions(
        cli_path=cli,
        model=args.model,
        allowed_tools=[t for group in args.allowed_tools for t in group],
        disallowed_tools=[t for group in args.disallowed_tools for t in group],
        permission_mode=args.permission_mode,
        cwd=args.cwd,
        max_turns=args.max_turns,
        system_prompt=args.system_prompt,
        append_system_prompt=args.append_system_prompt,
        resume=args.resume,
        continue_conversation=args.continue_conversation,
        include_partial_messages=not args.json,
        stderr=stderr,
        # Ctrl-C waits for the interrupt's answer; a stuck CLI must not hold it for a minute.
        control_timeout=5.0,
    )


def _run(args: argparse.Namespace, prompt: str, started: float) -> int:
    cli = locate_cli(args.cli_path)
    options = _options(args, cli)
    renderer: TextRenderer | JsonRenderer = JsonRenderer() if args.json else TextRenderer()
    offline = args.offline or (not args.online and not has_credentials())
    with ExitStack() as stack:
        if offline:
            env, home = stack.enter_context(
                offline_environment(_OFFLINE_ANSWER.format(prompt=prompt[:200]))
            )
            options.env = env
            if options.cwd is None:
                options.cwd = home
            if args.offline:
                why, online = "--offline", "drop --offline"
            else:
                why = "no ANTHROPIC_API_KEY in the environment"
                online = "set ANTHROPIC_API_KEY (or pass --online after 'claude login')"
            renderer.note(
                f"[offline ({why}): the answer comes from a scripted fake model on "
                f"127.0.0.1, not from Claude; {online} to ask Claude]"
            )
        interrupted = anyio.run(_converse, prompt, options, renderer, backend="trio")
    seconds = time.monotonic() - started
    renderer.end_line()
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the CLI is gone; only the exit is left
        renderer.note(f"[interrupted after {seconds:.1f} s]")
        return EXIT_INTERRUPTED
    result = renderer.result
    if result is None:
        renderer.note("ccsdk: the CLI ended without a result")
        return EXIT_ERROR
    if not args.json:
        renderer.note(closing_line(result, seconds))
    error = result_error(result)
    if error is not None:
        renderer.note(f"ccsdk: {error}")
        return EXIT_ERROR
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code (bad usage exits 2 via argparse)."""
    started = time.monotonic()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["doctor"]:
        return doctor_main(args_list[1:])
    parser = build_parser()
    args = parser.parse_args(args_list)
    prompt = _prompt(parser, args.prompt)
    for stream in (sys.stdout, sys.stderr):
        # Model text may hold characters the terminal's encoding lacks.
        reconfigure = getattr(stream, "reconfigure", None)  # a TextIOWrapper's
        if reconfigure is not None:
            reconfigure(errors="replace")
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    try:
        return _run(args, prompt, started)
    except KeyboardInterrupt:  # before the signal watcher was up: no CLI is running yet
        print("[interrupted]", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CLIConnectionError as exc:
        # The CLI's own stderr (in a ProcessError) says more than the doctor could.
        hint = (
            "" if isinstance(exc, _ExitedAtStart) else "\nRun 'ccsdk doctor' to check the set-up."
        )
        print(f"ccsdk: {exc}{hint}", file=sys.stderr)
        return EXIT_NO_CLI
    except (ValueError, TypeError) as exc:  # options the CLI would refuse
        print(f"ccsdk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ClaudeSDKError as exc:
        print(f"ccsdk: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `ccsdk ... | head`: the reader left; say nothing more
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
