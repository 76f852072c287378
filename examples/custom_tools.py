"""In-process tools: schemas from Python types, validated arguments, errors as results.

The model (scripted, in the tests) calls add, then divide by zero, then add
with a string: the first succeeds, the other two come back to the model as
error results, and the conversation goes on.
"""

from typing import Annotated, TypedDict

import anyio

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ResultMessage,
    TextBlock,
    ToolResultBlock,
    UserMessage,
    create_sdk_mcp_server,
    query,
    tool,
)


@tool("add", "Add two numbers", {"a": float, "b": float})
async def add(args):
    return {"content": [{"type": "text", "text": str(args["a"] + args["b"])}]}


class Division(TypedDict):
    a: Annotated[float, "the dividend"]
    b: Annotated[float, "the divisor"]


@tool("divide", "Divide a by b", Division, annotations={"readOnlyHint": True})
async def divide(args):
    if args["b"] == 0:
        return {"content": [{"type": "text", "text": "cannot divide by zero"}], "is_error": True}
    return {"content": [{"type": "text", "text": str(args["a"] / args["b"])}]}


calculator = create_sdk_mcp_server("calculator", version="1.0.0", tools=[add, divide])


def first_line(block):
    content = block.content
    if not isinstance(content, str):
        content = " ".join(item.get("text", "") for item in content or [])
    return content.splitlines()[0] if content else ""


async def main():
    print("divide's schema:", divide.schema)
    options = ClaudeCodeOptions(
        mcp_servers={"calc": calculator},
        allowed_tools=["mcp__calc__add", "mcp__calc__divide"],
    )
    async for message in query(prompt="Work out 2 + 40, then 1 / 0.", options=options):
        if isinstance(message, UserMessage) and isinstance(message.content, list):
            for block in message.content:
                if isinstance(block, ToolResultBlock):
                    status = "error" if block.is_error else "ok"
                    print(f"tool result ({status}): {first_line(block)}")
        elif isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(f"Claude: {block.text}")
        elif isinstance(message, ResultMessage):
            print(f"result: {message.subtype}")


anyio.run(main)
