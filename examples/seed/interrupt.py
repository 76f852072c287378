"""Seed example: Interrupt Capability.

The seed uses ``asyncio.create_task`` and ``asyncio.sleep``, which only run
on asyncio; this is the same program on anyio, so it also runs on trio.
"""

import anyio

from ccsdk import ClaudeSDKClient


async def main():
    async with ClaudeSDKClient() as client:
        await client.query("Write a very long story about space exploration")

        # Start receiving messages in background
        async def receive_messages():
            async for msg in client.receive_response():
                print(msg)

        async with anyio.create_task_group() as tg:
            tg.start_soon(receive_messages)

            # Wait a bit, then interrupt
            await anyio.sleep(5)
            await client.interrupt()


anyio.run(main)
