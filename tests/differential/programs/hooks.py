"""A hook callback annotated with HookInput that records which events fired."""

import asyncio
import os

from claude_agent_sdk import (
    ClaudeAgentOptions,
    HookContext,
    HookInput,
    HookJSONOutput,
    HookMatcher,
    ResultMessage,
    query,
)

fired: list[str] = []


async def record(
    input_data: HookInput, tool_use_id: str | None, context: HookContext
) -> HookJSONOutput:
    event = input_data["hook_event_name"]
    tool = input_data.get("tool_name")
    fired.append(f"{event}:{tool}" if tool else event)
    return {}


async def main() -> None:
    hooks = {
        event: [HookMatcher(hooks=[record])]
        for event in ("PreToolUse", "PostToolUse", "UserPromptSubmit", "Stop")
    }
    options = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"],
        cwd=os.environ["DIFF_CWD"],
        allowed_tools=["Bash"],
        hooks=hooks,
    )
    async for message in query(prompt="Run echo hi", options=options):
        if isinstance(message, ResultMessage):
            print("result:", message.result)
    print("fired:", fired)


asyncio.run(main())
