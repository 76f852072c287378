"""One prompt through query(): print the answer, then what the run cost."""

import anyio

from ccsdk import AssistantMessage, ResultMessage, TextBlock, query


async def main():
    async for message in query(prompt="What is 2 + 2?"):
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(f"Claude: {block.text}")
        elif isinstance(message, ResultMessage):
            print(f"[{message.subtype}] {message.num_turns} turn(s) in {message.duration_ms} ms")


anyio.run(main)
