"""A session with a reader task: callbacks are served while you read nothing.

Here the main task waits for the permission callback before it reads a
single message. With ClaudeSDKClient (no reader task) that would wait for
ever; open_session() keeps a reader in its own nursery, and
connect_session() puts it in a nursery of yours.
"""

import anyio

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    PermissionResultAllow,
    ResultMessage,
    TextBlock,
    connect_session,
    open_session,
)


async def print_response(session):
    async for message in session.receive_response():
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(f"Claude: {block.text}")
        elif isinstance(message, ResultMessage):
            print(f"result: {message.subtype}")


async def main():
    asked = anyio.Event()

    async def allow(tool_name, tool_input, context):
        print(f"asked about {tool_name}: {tool_input.get('command')}")
        asked.set()
        return PermissionResultAllow()

    options = ClaudeCodeOptions(can_use_tool=allow)
    async with open_session(options) as session:
        await session.send("Save a note saying hi.")
        with anyio.fail_after(60):
            await asked.wait()  # no message read yet: the reader task answered
        await print_response(session)

    # The same, with the reader task in a task group (nursery) of yours.
    async with anyio.create_task_group() as tg:
        session = await connect_session(tg)
        try:
            await session.send("Now say goodbye.")
            await print_response(session)
        finally:
            await session.aclose()


anyio.run(main)
