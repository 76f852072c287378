"""What users print: repr and == of content blocks, and the result's fields."""

import asyncio
import os

from claude_agent_sdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ResultMessage,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
    query,
)


async def main() -> None:
    print(TextBlock(text="hi"))
    print("equal:", TextBlock(text="hi") == TextBlock(text="hi"))
    print(ToolUseBlock(id="toolu_1", name="Bash", input={"command": "ls"}))
    options = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"], cwd=os.environ["DIFF_CWD"], allowed_tools=["Bash"]
    )
    async for message in query(prompt="Run echo hi", options=options):
        if isinstance(message, AssistantMessage):
            print("model:", message.model)
            for block in message.content:
                if isinstance(block, (TextBlock, ToolUseBlock)):
                    print(block)
        elif isinstance(message, UserMessage) and isinstance(message.content, list):
            for block in message.content:
                if isinstance(block, ToolResultBlock):
                    print("tool result:", block.tool_use_id, block.is_error, block.content)
        elif isinstance(message, ResultMessage):
            print("num_turns:", message.num_turns, "is_error:", message.is_error)
            print("stop_reason:", message.stop_reason)
            print("cost is a float:", isinstance(message.total_cost_usd, float))
            print("duration_ms is an int:", isinstance(message.duration_ms, int))
            print("usage is a dict:", isinstance(message.usage, dict))
            print("usage input_tokens:", (message.usage or {}).get("input_tokens"))


asyncio.run(main())
