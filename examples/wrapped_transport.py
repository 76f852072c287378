"""A transport of your own: run the CLI through a wrapper command.

The same shape serves for `ssh host claude ...`, `docker exec -i box claude
...` or a sandbox launcher: start the process your way, hand ccsdk its
stdin and stdout as bytes, and tear it down in bounded steps. Here the
wrapper is `env`, which runs everywhere.
"""

import contextlib
import os
import signal
import subprocess

import anyio

from ccsdk import (
    AssistantMessage,
    ByteTransport,
    ClaudeCodeOptions,
    CLIConnectionError,
    ProcessError,
    TextBlock,
    build_argv,
    build_env,
    find_cli,
    query,
)


class WrappedCLITransport(ByteTransport):
    def __init__(self, options, wrapper):
        self.options = options
        self.max_line_bytes = options.max_line_bytes
        self.wrapper = wrapper
        self.process = None
        self.input_open = False
        self.closed = False

    async def connect(self):
        argv = [*self.wrapper, *build_argv(self.options, find_cli(self.options.cli_path))]
        self.process = await anyio.open_process(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=build_env(self.options, os.environ),
            start_new_session=True,  # its own process group, so teardown gets it all
        )
        self.input_open = True

    def is_ready(self):
        return self.input_open

    async def send_bytes(self, data):
        if not self.input_open:
            raise CLIConnectionError("the CLI's input is closed")
        try:
            await self.process.stdin.send(data)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            raise CLIConnectionError("the CLI's input is broken") from exc

    async def receive_bytes(self):
        try:
            return await self.process.stdout.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            return b""  # the end of the CLI's output

    async def end_input(self):
        if self.input_open:
            self.input_open = False
            await self.process.stdin.aclose()

    async def wait_exit(self):
        with anyio.move_on_after(self.options.close_timeout):
            await self.process.wait()
        if self.process.returncode:
            raise ProcessError("the wrapped CLI failed", exit_code=self.process.returncode)

    async def close(self):
        # Called under a shield, so every wait is bounded; and only once.
        if self.process is None or self.closed:
            return
        self.closed = True
        await self.end_input()  # the CLI exits on end of input...
        for sig in (signal.SIGTERM, signal.SIGKILL):  # ...or is made to
            with anyio.move_on_after(self.options.close_timeout):
                await self.process.wait()
            if self.process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
        with anyio.move_on_after(self.options.close_timeout):
            await self.process.wait()
        await self.process.stdout.aclose()


async def main():
    options = ClaudeCodeOptions()
    transport = WrappedCLITransport(options, wrapper=["env", "WRAPPED=1"])
    messages = query(prompt="Hello through a wrapper", options=options, transport=transport)
    async for message in messages:
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(f"Claude: {block.text}")
    print(f"the wrapper exited with {transport.process.returncode}")


anyio.run(main)
