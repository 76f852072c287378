"""Seed example: Manual Connection Management.

The seed breaks on ``msg.subtype == "result"``, but a ResultMessage's
subtype is ``"success"`` or an error kind, never ``"result"`` (in the
official SDK too), so that loop would wait forever; the type is tested here.
"""

import anyio

from ccsdk import ClaudeSDKClient, ResultMessage


async def main():
    client = ClaudeSDKClient()

    try:
        await client.connect("Hello Claude")

        async for msg in client.receive_messages():
            print(msg)
            # Break after first complete response
            if isinstance(msg, ResultMessage):
                break

    finally:
        await client.disconnect()


anyio.run(main)
