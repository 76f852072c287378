"""Seed example: Hook System Integration."""

import anyio

from ccsdk import ClaudeCodeOptions, ClaudeSDKClient, HookMatcher


async def check_bash_command(input_data, tool_use_id, context):
    tool_name = input_data["tool_name"]
    tool_input = input_data["tool_input"]

    if tool_name != "Bash":
        return {}

    command = tool_input.get("command", "")
    forbidden_patterns = ["rm -rf", "format"]

    for pattern in forbidden_patterns:
        if pattern in command:
            return {
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "deny",
                    "permissionDecisionReason": f"Command contains dangerous pattern: {pattern}",
                }
            }
    return {}


async def main():
    options = ClaudeCodeOptions(
        allowed_tools=["Bash"],
        hooks={
            "PreToolUse": [
                HookMatcher(matcher="Bash", hooks=[check_bash_command]),
            ],
        },
    )

    async with ClaudeSDKClient(options=options) as client:
        await client.query("Run the bash command: echo 'Hello World!'")

        async for msg in client.receive_response():
            print(msg)


anyio.run(main)
