"""A can_use_tool callback returning PermissionResultAllow."""

import asyncio
import os
from pathlib import Path

from claude_agent_sdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    PermissionResultAllow,
    ResultMessage,
    ToolPermissionContext,
    ToolUseBlock,
    query,
)

asked: list[str] = []


async def allow_all(
    tool_name: str, tool_input: dict, context: ToolPermissionContext
) -> PermissionResultAllow:
    asked.append(tool_name)
    print("asked:", tool_name, sorted(tool_input), type(context).__name__)
    return PermissionResultAllow()


async def prompt():
    yield {"type": "user", "message": {"role": "user", "content": "Write notes.txt"}}


async def main() -> None:
    options = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"], cwd=os.environ["DIFF_CWD"], can_use_tool=allow_all
    )
    async for message in query(prompt=prompt(), options=options):
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, ToolUseBlock):
                    print("tool use:", block.name)
        elif isinstance(message, ResultMessage):
            print("result:", message.result)


asyncio.run(main())
written = Path(os.environ["DIFF_CWD"], "notes.txt")
print("file written:", written.exists() and written.read_text())
print("asked:", asked)
