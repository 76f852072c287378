"""Every kind of message a run produces, told apart with a match statement.

include_partial_messages=True adds StreamEvent messages: the raw API
stream, delta by delta, before each complete AssistantMessage.
"""

from collections import Counter

import anyio

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    InitInfo,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
    UnknownMessage,
    UserMessage,
    query,
)


def describe(block):
    match block:
        case TextBlock(text=text):
            return f"text {text!r}"
        case ThinkingBlock(thinking=thinking):
            return f"thinking {thinking!r}"
        case ToolUseBlock(name=name, input=tool_input):
            return f"tool_use {name} {tool_input}"
        case ToolResultBlock(content=content, is_error=is_error):
            return f"tool_result {content!r} (is_error={is_error})"
        case _:
            return type(block).__name__


async def main():
    options = ClaudeCodeOptions(allowed_tools=["Bash"], include_partial_messages=True)
    deltas = Counter()
    async for message in query(prompt="Think, then run echo hi.", options=options):
        match message:
            case StreamEvent(event=event):
                deltas[event["type"]] += 1
            case SystemMessage(info=InitInfo(session_id=session_id, tools=tools)):
                print(f"init: session {session_id[:8]}..., {len(tools)} tools")
            case SystemMessage(subtype=subtype):
                print(f"system: {subtype}")
            case AssistantMessage(content=content, model=model):
                for block in content:
                    print(f"assistant ({model}): {describe(block)}")
            case UserMessage(content=str() as text):
                print(f"user: {text!r}")
            case UserMessage(content=blocks):
                for block in blocks:
                    print(f"user: {describe(block)}")
            case ResultMessage(subtype=subtype, num_turns=turns, total_cost_usd=cost):
                print(f"result: {subtype} after {turns} turns, ${cost or 0:.4f}")
            case UnknownMessage(type=kind):
                print(f"a newer frame type: {kind}")
            case _:
                print(f"other: {type(message).__name__}")
    print(f"stream events: {dict(sorted(deltas.items()))}")


anyio.run(main)
