"""Seed example: Basic Interactive Session."""

import anyio

from ccsdk import AssistantMessage, ClaudeSDKClient, TextBlock


async def main():
    async with ClaudeSDKClient() as client:
        # Send initial query
        await client.query("Hello, how are you?")

        # Receive and process response
        async for msg in client.receive_response():
            if isinstance(msg, AssistantMessage):
                for block in msg.content:
                    if isinstance(block, TextBlock):
                        print(f"Claude: {block.text}")

        # Send follow-up based on response
        await client.query("Can you help me write a Python function?")

        async for msg in client.receive_response():
            if isinstance(msg, AssistantMessage):
                for block in msg.content:
                    if isinstance(block, TextBlock):
                        print(f"Claude: {block.text}")


anyio.run(main)
