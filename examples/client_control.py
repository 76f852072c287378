"""ClaudeSDKClient's control requests: server info, model, permission mode, status."""

import anyio

from ccsdk import AssistantMessage, ClaudeSDKClient, ResultMessage, TextBlock


async def main():
    async with ClaudeSDKClient() as client:
        info = await client.get_server_info()
        print(f"CLI {info['claude_code_version']}, {len(info['commands'])} commands")

        await client.set_model("claude-sonnet-4-5")
        await client.set_permission_mode("acceptEdits")

        status = await client.session.mcp_status()
        print(f"MCP servers: {len(status.get('mcpServers', []))}")

        await client.query("Say hello.")
        async for message in client.receive_response():
            if isinstance(message, AssistantMessage):
                print(f"model: {message.model}")
                for block in message.content:
                    if isinstance(block, TextBlock):
                        print(f"Claude: {block.text}")
            elif isinstance(message, ResultMessage):
                print(f"result: {message.subtype}")

        usage = await client.session.get_context_usage()
        print(f"context: {usage['totalTokens']} of {usage['maxTokens']} tokens")


anyio.run(main)
