"""Imports from claude_agent_sdk.types and partial messages (StreamEvent)."""

import asyncio
import os

from claude_agent_sdk import query
from claude_agent_sdk.types import (
    AssistantMessage,
    ClaudeAgentOptions,
    HookInput,
    HookJSONOutput,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
)


async def main() -> None:
    print("HookInput is importable:", HookInput is not None)
    print("HookJSONOutput is importable:", HookJSONOutput is not None)
    options = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"],
        cwd=os.environ["DIFF_CWD"],
        include_partial_messages=True,
        env={"ANTHROPIC_BASE_URL": os.environ["DIFF_BASE_URL"]},
    )
    event_types: list[str] = []
    session_ids: set[str] = set()
    async for message in query(prompt="Say hello", options=options):
        if isinstance(message, StreamEvent):
            event_types.append(message.event["type"])
            session_ids.add(message.session_id)
        elif isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print("text:", block.text)
        elif isinstance(message, SystemMessage):
            print("system:", message.subtype)
        elif isinstance(message, ResultMessage):
            print("result:", message.subtype, message.is_error, message.result)
    # Deltas may be chunked differently; print the distinct kinds in order.
    seen: list[str] = []
    for kind in event_types:
        if kind not in seen:
            seen.append(kind)
    print("stream event kinds:", seen)
    print("stream events carry one session_id:", len(session_ids) == 1)


asyncio.run(main())
