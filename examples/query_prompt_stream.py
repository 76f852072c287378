"""query() with a stream of input messages instead of one string.

Each item is a stream-json user message; the CLI answers them in order, one
turn (and one ResultMessage) each, in the same conversation.
"""

import anyio

from ccsdk import AssistantMessage, ResultMessage, TextBlock, query


def user(text):
    return {
        "type": "user",
        "message": {"role": "user", "content": text},
        "parent_tool_use_id": None,
        "session_id": "default",
    }


async def prompts():
    yield user("Remember the number 7.")
    yield user("What number did I ask you to remember?")


async def main():
    async for message in query(prompt=prompts()):
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(f"Claude: {block.text}")
        elif isinstance(message, ResultMessage):
            print(f"turn over: {message.subtype}")


anyio.run(main)
