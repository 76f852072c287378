"""Leaving query() early: break out of it, or let a timeout cancel it.

Either way the CLI is shut down (stdin closed, then SIGTERM, then SIGKILL to
its process group, each step bounded) before the loop is left.
"""

import contextlib

import anyio

from ccsdk import AssistantMessage, TextBlock, query


async def first_answer(prompt):
    # aclosing() closes the generator as soon as we break, not when it is
    # garbage-collected.
    async with contextlib.aclosing(query(prompt=prompt)) as messages:
        async for message in messages:
            if isinstance(message, AssistantMessage):
                return "".join(b.text for b in message.content if isinstance(b, TextBlock))
    return None


async def main():
    print("first answer:", await first_answer("Tell me a fact, then another."))

    with anyio.move_on_after(2) as scope:
        async for message in query(prompt="Write a very long story."):
            print(type(message).__name__)
    print("timed out:", scope.cancelled_caught)


anyio.run(main)
