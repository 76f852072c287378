"""Seed example: Custom Tools Integration."""

import anyio

from ccsdk import ClaudeCodeOptions, ClaudeSDKClient, create_sdk_mcp_server, tool


@tool("greet", "Greet a user", {"name": str})
async def greet_user(args):
    return {"content": [{"type": "text", "text": f"Hello, {args['name']}!"}]}


async def main():
    # Create SDK MCP server
    server = create_sdk_mcp_server(name="my-tools", version="1.0.0", tools=[greet_user])

    options = ClaudeCodeOptions(
        mcp_servers={"tools": server},
        allowed_tools=["mcp__tools__greet"],
    )

    async with ClaudeSDKClient(options=options) as client:
        await client.query("Greet Alice")

        async for msg in client.receive_response():
            print(msg)


anyio.run(main)
