"""Hooks: refuse a dangerous command, log every tool result, add context to prompts."""

import anyio

from ccsdk import AssistantMessage, ClaudeCodeOptions, HookMatcher, TextBlock, query


async def refuse_rm(input_data, tool_use_id, context):
    command = input_data["tool_input"].get("command", "")
    if "rm -rf" in command:
        print(f"PreToolUse: refusing {command!r}")
        return {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": "rm -rf is not allowed here",
            }
        }
    return {}  # no opinion: the usual permission rules decide


async def log_result(input_data, tool_use_id, context):
    output = input_data["tool_response"]
    print(f"PostToolUse: {input_data['tool_name']} -> {output.get('stdout', output)!r}")
    return {}


async def add_context(input_data, tool_use_id, context):
    print(f"UserPromptSubmit: {input_data['prompt']!r}")
    return {
        "hookSpecificOutput": {
            "hookEventName": "UserPromptSubmit",
            "additionalContext": "The user prefers short answers.",
        }
    }


async def main():
    options = ClaudeCodeOptions(
        allowed_tools=["Bash"],
        hooks={
            "PreToolUse": [HookMatcher(matcher="Bash", hooks=[refuse_rm])],
            "PostToolUse": [HookMatcher(hooks=[log_result], timeout=30)],
            "UserPromptSubmit": [HookMatcher(hooks=[add_context])],
        },
    )
    async for message in query(prompt="Clean up, then say hello.", options=options):
        if isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, TextBlock):
                    print(f"Claude: {block.text}")


anyio.run(main)
