"""claude_code_sdk: ClaudeCodeOptions and query(), as 0.0.25 users wrote it."""

import os

import anyio
from claude_code_sdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ResultMessage,
    SystemMessage,
    TextBlock,
    ToolUseBlock,
    UserMessage,
    query,
)


async def main() -> None:
    # 0.0.25 has no cli_path: it runs the `claude` it finds on PATH.
    options = ClaudeCodeOptions(cwd=os.environ["DIFF_CWD"], allowed_tools=["Bash"], max_turns=4)
    async for message in query(prompt="Run echo hi", options=options):
        if isinstance(message, SystemMessage):
            print("system:", message.subtype, sorted(message.data)[:3])
        elif isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print("text:", block.text)
                elif isinstance(block, ToolUseBlock):
                    print("tool use:", block.name, block.input)
        elif isinstance(message, UserMessage):
            print("user message")
        elif isinstance(message, ResultMessage):
            print("result:", message.subtype, message.is_error, message.result)
        else:
            print("other:", type(message).__name__)


anyio.run(main)
