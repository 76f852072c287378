"""The exception classes users catch before a run starts."""

import asyncio
import os

from claude_agent_sdk import (
    ClaudeAgentOptions,
    ClaudeSDKClient,
    ClaudeSDKError,
    CLIConnectionError,
    CLINotFoundError,
    PermissionResultAllow,
    query,
)


async def allow(tool_name, tool_input, context):
    return PermissionResultAllow()


async def main() -> None:
    missing = os.path.join(os.environ["DIFF_CWD"], "no-such-claude")
    try:
        async for _ in query(prompt="hi", options=ClaudeAgentOptions(cli_path=missing)):
            pass
    except CLINotFoundError as e:
        print("query:", type(e).__name__, isinstance(e, CLIConnectionError))
        print("  is a ClaudeSDKError:", isinstance(e, ClaudeSDKError))
        print("  names the path:", "no-such-claude" in str(e))

    try:
        async with ClaudeSDKClient(options=ClaudeAgentOptions(cli_path=missing)):
            print("connected?")
    except CLIConnectionError as e:
        print("client:", type(e).__name__)

    both = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"],
        can_use_tool=allow,
        permission_prompt_tool_name="stdio",
    )
    try:
        async for _ in query(prompt="hi", options=both):
            pass
    except ValueError as e:
        print("both permission settings:", type(e).__name__)
    except Exception as e:
        print("both permission settings, not a ValueError:", type(e).__name__)


asyncio.run(main())
