"""A turn that takes too long: time it out, and the client is ready for the next.

Cancelling receive_response() in the middle of a turn interrupts that turn
and drops the rest of its messages, so the next query() starts clean.
"""

import anyio

from ccsdk import AssistantMessage, ClaudeSDKClient, ResultMessage, TextBlock


async def ask(client, prompt, seconds):
    await client.query(prompt)
    with anyio.move_on_after(seconds):
        async for message in client.receive_response():
            if isinstance(message, AssistantMessage):
                for block in message.content:
                    if isinstance(block, TextBlock):
                        print(f"Claude: {block.text}")
            elif isinstance(message, ResultMessage):
                print(f"result: {message.subtype}")
                return True
    print(f"no answer within {seconds} s: turn interrupted")
    return False


async def main():
    async with ClaudeSDKClient() as client:
        await ask(client, "Write a very long story about the sea.", seconds=2)
        await ask(client, "In one word: what colour is the sea?", seconds=30)


anyio.run(main)
