"""ClaudeSDKClient with two turns."""

import asyncio
import os

from claude_agent_sdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeSDKClient,
    ResultMessage,
    TextBlock,
)


async def main() -> None:
    options = ClaudeAgentOptions(cli_path=os.environ["DIFF_CLI"], cwd=os.environ["DIFF_CWD"])
    async with ClaudeSDKClient(options=options) as client:
        session_ids = set()
        for prompt in ("First question", "Second question"):
            await client.query(prompt)
            async for message in client.receive_response():
                if isinstance(message, AssistantMessage):
                    texts = [b.text for b in message.content if isinstance(b, TextBlock)]
                    print("assistant:", texts)
                elif isinstance(message, ResultMessage):
                    session_ids.add(message.session_id)
                    print("result:", message.subtype, message.num_turns, message.result)
        print("one session:", len(session_ids) == 1)
    print("closed")


asyncio.run(main())
