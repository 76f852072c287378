"""The ``ccsdk`` command: run one prompt through ``query()`` and stream the answer.

``ccsdk "prompt"`` prints text as it arrives and a closing line with the
turns, cost and time; ``--json`` prints every message as a JSON line
instead. Exit codes: 0 success, 1 the run ended in an error result, 2 bad
usage, 3 the CLI could not be found or started, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import anyio

from ccsdk.errors import ClaudeSDKError, CLIConnectionError
from ccsdk.options import ClaudeCodeOptions
from ccsdk.protocol.codec import encode_message
from ccsdk.protocol.messages import AssistantMessage, ResultMessage, TextBlock, ToolUseBlock
from ccsdk.query import query

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ccsdk", description="Run one prompt with Claude Code.")
    parser.add_argument("prompt", help="what to ask")
    parser.add_argument("--json", action="store_true", help="print every message as a JSON line")
    parser.add_argument("--model")
    parser.add_argument("--allowed-tools", default="", help="comma-separated tool names")
    parser.add_argument("--permission-mode")
    parser.add_argument("--cwd")
    parser.add_argument("--max-turns", type=int)
    parser.add_argument("--system-prompt")
    parser.add_argument("--cli-path", help="the claude executable to run")
    return parser


async def _run(args: argparse.Namespace) -> int:
    options = ClaudeCodeOptions(
        model=args.model,
        allowed_tools=[t for t in args.allowed_tools.split(",") if t],
        permission_mode=args.permission_mode,
        cwd=args.cwd,
        max_turns=args.max_turns,
        system_prompt=args.system_prompt,
        cli_path=args.cli_path,
    )
    failed = False
    async for message in query(prompt=args.prompt, options=options):
        if args.json:
            print(json.dumps(encode_message(message)), flush=True)
            continue
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(block.text, flush=True)
                elif isinstance(block, ToolUseBlock):
                    print(f"[tool {block.name} {json.dumps(block.input)[:120]}]", flush=True)
        elif isinstance(message, ResultMessage):
            failed = message.is_error
            cost = message.total_cost_usd or 0.0
            print(
                f"[{message.subtype}: {message.num_turns} turn(s), "
                f"{message.duration_ms / 1000:.1f} s, ${cost:.4f}]",
                file=sys.stderr,
            )
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return anyio.run(_run, args)
    except KeyboardInterrupt:
        return 130
    except CLIConnectionError as exc:
        print(f"ccsdk: {exc}", file=sys.stderr)
        return 3
    except (ClaudeSDKError, ValueError) as exc:
        print(f"ccsdk: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
