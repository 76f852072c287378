"""Seed example: Configuration with Options.

The seed's ``cwd="/path/to/project"`` is a placeholder; a directory that
exists is used here (a missing one is a clear ``CLIConnectionError``).
"""

import anyio

from ccsdk import ClaudeCodeOptions, ClaudeSDKClient


async def main():
    options = ClaudeCodeOptions(
        allowed_tools=["Read", "Write", "Bash"],
        permission_mode="acceptEdits",
        system_prompt="You are a helpful coding assistant",
        cwd=".",
    )

    async with ClaudeSDKClient(options=options) as client:
        await client.query("Create a Python web server")

        async for msg in client.receive_response():
            print(msg)


anyio.run(main)
