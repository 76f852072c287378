"""claude_code_sdk: ClaudeSDKClient, a hook and dataclasses.replace on ClaudeCodeOptions."""

import asyncio
import dataclasses
import os

from claude_code_sdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    HookMatcher,
    ResultMessage,
    TextBlock,
)

fired: list[str] = []


async def on_prompt(input_data, tool_use_id, context):
    fired.append(input_data["hook_event_name"])
    return {}


async def main() -> None:
    base = ClaudeCodeOptions(cwd=os.environ["DIFF_CWD"])
    options = dataclasses.replace(
        base, hooks={"UserPromptSubmit": [HookMatcher(hooks=[on_prompt])]}
    )
    print("fields:", len(dataclasses.fields(ClaudeCodeOptions)))
    async with ClaudeSDKClient(options=options) as client:
        await client.query("Hello")
        async for message in client.receive_response():
            if isinstance(message, AssistantMessage):
                print("assistant:", [b.text for b in message.content if isinstance(b, TextBlock)])
            elif isinstance(message, ResultMessage):
                print("result:", message.subtype, message.result)
    print("fired:", fired)


asyncio.run(main())
