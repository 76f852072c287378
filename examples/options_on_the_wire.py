"""What ClaudeCodeOptions become on the CLI's command line, and what bad values do.

build_argv(), build_env() and build_initialize() are the pure functions ccsdk
uses to start the CLI, so this program shows the exact argv and the
initialize request without running anything.
"""

import json
import os

from ccsdk import (
    ClaudeCodeOptions,
    HookMatcher,
    build_argv,
    build_env,
    create_sdk_mcp_server,
    initialize_request,
    redact_env,
    tool,
)


@tool("now", "The current time", {})
async def now(args):
    return {"content": [{"type": "text", "text": "noon"}]}


async def no_opinion(input_data, tool_use_id, context):
    return {}


def main():
    options = ClaudeCodeOptions(
        system_prompt="Be brief.",
        allowed_tools=["Read", "mcp__clock__now"],
        disallowed_tools=["WebFetch"],
        max_turns=0,  # zero is sent, not dropped
        model="claude-sonnet-4-5",
        permission_mode="plan",
        resume="--looks-like-a-flag",  # stays one argument: --resume=...
        add_dirs=["/tmp"],
        mcp_servers={"clock": create_sdk_mcp_server("clock", tools=[now])},
        hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[no_opinion])]},
        extra_args={"debug-to-stderr": None, "fallback-model": "claude-haiku-4-5"},
        env={"ANTHROPIC_API_KEY": "sk-not-a-real-key"},
        cwd="/tmp",
    )
    for arg in build_argv(options, "claude"):
        print(arg)
    # The system prompt and the in-process servers travel in initialize, off argv.
    print(json.dumps(initialize_request(options)))  # hook callbacks go by id

    env = redact_env(build_env(options, os.environ))
    for name in ("CLAUDE_CODE_ENTRYPOINT", "PWD", "ANTHROPIC_API_KEY"):
        print(f"{name}={env[name]}")

    bad_values = [
        {"allowed_tools": "Bash"},
        {"permission_mode": "yolo"},
        {"max_turns": -1},
        {"max_line_bytes": 10},
        {"close_timeout": -1},
        {"mcp_servers": ["not", "a", "dict"]},
        {"can_use_tool": "not callable"},
    ]
    for fields in bad_values:
        try:
            ClaudeCodeOptions(**fields)
        except (TypeError, ValueError) as exc:
            print(f"{type(exc).__name__}: {exc}")


main()
