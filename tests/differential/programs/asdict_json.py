"""A FastAPI-style serialiser: json.dumps(dataclasses.asdict(message), default=str)."""

import asyncio
import dataclasses
import json
import os

from claude_agent_sdk import ClaudeAgentOptions, query


def to_json(message: object) -> str:
    return json.dumps(dataclasses.asdict(message), default=str)


async def main() -> None:
    options = ClaudeAgentOptions(cli_path=os.environ["DIFF_CLI"], cwd=os.environ["DIFF_CWD"])
    async for message in query(prompt="Say hello", options=options):
        print("is dataclass:", type(message).__name__, dataclasses.is_dataclass(message))
        try:
            data = json.loads(to_json(message))
        except Exception as e:
            print("  serialise failed:", type(e).__name__)
            continue
        print("  keys:", sorted(data))
        for key, value in sorted(data.items()):
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        print("  ", key, "item keys:", sorted(item))
            elif isinstance(value, dict) and key != "data":
                print("  ", key, "keys:", sorted(value))
        if "content" in data and isinstance(data["content"], list):
            texts = [b.get("text") for b in data["content"] if isinstance(b, dict)]
            print("  texts:", texts)


asyncio.run(main())
