"""can_use_tool: decide about each tool call, in code.

The callback is asked before every tool call that the permission rules do
not already settle. It may allow the call (optionally with rewritten input,
and with rules to remember), or deny it (optionally ending the turn).
"""

import anyio

from ccsdk import (
    ClaudeCodeOptions,
    PermissionResultAllow,
    PermissionResultDeny,
    ResultMessage,
    ToolResultBlock,
    UserMessage,
    query,
)


async def decide(tool_name, tool_input, context):
    command = tool_input.get("command", "")
    print(f"asked: {tool_name} {command!r} (suggestions: {len(context.suggestions)})")
    if command.startswith("rm "):
        return PermissionResultDeny(message="deleting files is not allowed")
    # Allowed, with the input rewritten before it runs.
    return PermissionResultAllow(
        updated_input={**tool_input, "command": f"{command}; echo status $?"}
    )


async def main():
    options = ClaudeCodeOptions(can_use_tool=decide)
    async for message in query(prompt="Greet me, then list my files.", options=options):
        if isinstance(message, UserMessage) and isinstance(message.content, list):
            for block in message.content:
                if isinstance(block, ToolResultBlock):
                    print(f"tool result (is_error={block.is_error}): {block.content}")
        elif isinstance(message, ResultMessage):
            print(f"result: {message.subtype}, denials: {len(message.permission_denials)}")


anyio.run(main)
