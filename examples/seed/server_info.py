"""Seed example: Server Information."""

import anyio

from ccsdk import ClaudeSDKClient


async def main():
    async with ClaudeSDKClient() as client:
        info = await client.get_server_info()

        if info:
            print(f"Commands available: {len(info.get('commands', []))}")
            print(f"Output style: {info.get('output_style', 'default')}")


anyio.run(main)
