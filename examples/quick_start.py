"""One prompt through ccsdk.query(), printed as it arrives.

With ANTHROPIC_API_KEY set, this asks the real model through your Claude
Code CLI. Without it, it runs offline: the pinned CLI (installed into .cli/
by scripts/demo.sh) talks to ccsdk's FakeModel on 127.0.0.1, so you can see
the whole pipeline work with no account and no network.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import anyio

from ccsdk import AssistantMessage, ClaudeCodeOptions, ResultMessage, TextBlock, query

PROMPT = " ".join(sys.argv[1:]) or "In one sentence: what is structured concurrency?"


def offline_options(stack: ExitStack) -> ClaudeCodeOptions:
    from ccsdk.testing import FakeModel, Turn, ensure_cli, text

    model = stack.enter_context(
        FakeModel(
            [
                Turn(
                    [
                        text(
                            "Structured concurrency means every task lives inside a scope "
                            "that outlives it, so nothing runs on after its parent is done. "
                            "(This answer came from ccsdk's offline FakeModel.)"
                        )
                    ]
                )
            ]
        )
    )
    home = stack.enter_context(tempfile.TemporaryDirectory(prefix="ccsdk-demo-"))
    cli = ensure_cli(Path(__file__).resolve().parent.parent / ".cli")
    print(
        f"[offline mode: no ANTHROPIC_API_KEY, so the real CLI talks to a fake model at "
        f"{model.base_url}]\n"
    )
    return ClaudeCodeOptions(cli_path=str(cli), env=model.env(home=home), cwd=home)


async def main() -> None:
    with ExitStack() as stack:
        options = (
            ClaudeCodeOptions(max_turns=1)
            if os.environ.get("ANTHROPIC_API_KEY")
            else offline_options(stack)
        )
        print(f"> {PROMPT}\n")
        async for message in query(prompt=PROMPT, options=options):
            if isinstance(message, AssistantMessage):
                for block in message.content:
                    if isinstance(block, TextBlock):
                        print(block.text)
            elif isinstance(message, ResultMessage):
                cost = message.total_cost_usd or 0.0
                print(
                    f"\n[{message.subtype}: {message.num_turns} turn(s), "
                    f"{message.duration_ms} ms, ${cost:.4f}]"
                )


if __name__ == "__main__":
    anyio.run(main)
