"""StreamTransport: ccsdk over a pair of byte streams you opened yourself.

Here they are the pipes of a CLI started with anyio.open_process; they could
as well be a socket, or the streams of an SSH channel. You own the process:
ccsdk only reads, writes and closes the streams.
"""

import os
import subprocess

import anyio

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ResultMessage,
    StreamTransport,
    build_argv,
    build_env,
    find_cli,
)


async def main():
    options = ClaudeCodeOptions(max_turns=1)
    argv = build_argv(options, find_cli())
    env = build_env(options, os.environ)
    process = await anyio.open_process(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    async with process:  # on leaving: close the pipes, then wait for the CLI to exit
        transport = StreamTransport(process.stdin, process.stdout)
        async with ClaudeSDKClient(options, transport=transport) as client:
            await client.query("Hello over plain streams")
            async for message in client.receive_response():
                if isinstance(message, ResultMessage):
                    print(f"result: {message.subtype}: {message.result}")
    print(f"the CLI exited with {process.returncode}")


anyio.run(main)
