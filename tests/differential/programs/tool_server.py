"""An in-process tool server: @tool and create_sdk_mcp_server."""

import asyncio
import os
from typing import Any

from claude_agent_sdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ResultMessage,
    ToolUseBlock,
    create_sdk_mcp_server,
    query,
    tool,
)

calls: list[dict[str, Any]] = []


@tool("add", "Add two numbers", {"a": float, "b": float})
async def add(args: dict[str, Any]) -> dict[str, Any]:
    calls.append(args)
    return {"content": [{"type": "text", "text": f"{args['a'] + args['b']:g}"}]}


async def main() -> None:
    server = create_sdk_mcp_server(name="calc", version="1.0.0", tools=[add])
    print("server config type:", server["type"], server["name"])
    options = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"],
        cwd=os.environ["DIFF_CWD"],
        mcp_servers={"calc": server},
        allowed_tools=["mcp__calc__add"],
    )
    async for message in query(prompt="What is 2 + 3?", options=options):
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, ToolUseBlock):
                    print("tool use:", block.name, block.input)
        elif isinstance(message, ResultMessage):
            print("result:", message.result)
    print("calls:", calls)


asyncio.run(main())
