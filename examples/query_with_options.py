"""query() with options: a system prompt, a turn limit, and tools it may use."""

import anyio

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ResultMessage,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
    query,
)


async def main():
    options = ClaudeCodeOptions(
        system_prompt="You are a terse shell assistant.",
        allowed_tools=["Bash"],  # Bash may run without asking
        max_turns=3,  # at most three model calls for this prompt
        cwd=".",
    )
    async for message in query(prompt="Which directory am I in?", options=options):
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(f"Claude: {block.text}")
                elif isinstance(block, ToolUseBlock):
                    print(f"tool call: {block.name} {block.input}")
        elif isinstance(message, UserMessage) and isinstance(message.content, list):
            for block in message.content:
                if isinstance(block, ToolResultBlock):
                    print(f"tool result: {block.content}")
        elif isinstance(message, ResultMessage):
            print(f"done: {message.subtype}, is_error={message.is_error}")


anyio.run(main)
