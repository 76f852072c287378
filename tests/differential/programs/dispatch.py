"""Dispatch on type(m).__name__ and `type(m) is SystemMessage` over a whole run."""

import asyncio
import os

from claude_agent_sdk import ClaudeAgentOptions, SystemMessage, query


async def main() -> None:
    options = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"],
        cwd=os.environ["DIFF_CWD"],
        allowed_tools=["Bash"],
    )
    counts: dict[str, int] = {}
    async for message in query(prompt="Run echo hi", options=options):
        name = type(message).__name__
        counts[name] = counts.get(name, 0) + 1
        if type(message) is SystemMessage:
            print("plain SystemMessage:", message.subtype)
        elif name == "SystemMessage" or isinstance(message, SystemMessage):
            print("SystemMessage subclass:", name, message.subtype)
        elif name == "AssistantMessage":
            print("assistant:", [type(b).__name__ for b in message.content])
        elif name == "UserMessage":
            content = message.content
            kinds = [type(b).__name__ for b in content] if isinstance(content, list) else "str"
            print("user:", kinds)
        elif name == "ResultMessage":
            print("result:", message.subtype, message.num_turns, message.result)
        else:
            print("other:", name)
    print("counts:", dict(sorted(counts.items())))


asyncio.run(main())
