"""`except ProcessError` around runs that end with an error result."""

import asyncio
import os

from claude_agent_sdk import ClaudeAgentOptions, ProcessError, ResultMessage, query


async def run(prompt: str, options: ClaudeAgentOptions) -> None:
    try:
        async for message in query(prompt=prompt, options=options):
            if isinstance(message, ResultMessage):
                print("  result:", message.subtype, "is_error:", message.is_error)
    except ProcessError as e:
        print("  caught:", type(e).__name__, "exit_code:", e.exit_code)
        print("  subtype attr:", getattr(e, "subtype", "<none>"))
    else:
        print("  no exception")


async def main() -> None:
    options = ClaudeAgentOptions(cli_path=os.environ["DIFF_CLI"], cwd=os.environ["DIFF_CWD"])
    print("API error:")
    await run("Say hello", options)
    print("max_turns=1 with a tool call:")
    limited = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"],
        cwd=os.environ["DIFF_CWD"],
        max_turns=1,
        allowed_tools=["Bash"],
    )
    await run("Run echo hi", limited)


asyncio.run(main())
