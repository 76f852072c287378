"""dataclasses.fields(ClaudeAgentOptions), dataclasses.replace(options, resume=...)."""

import asyncio
import dataclasses
import os

from claude_agent_sdk import ClaudeAgentOptions, ResultMessage, query


async def ask(prompt: str, options: ClaudeAgentOptions) -> ResultMessage | None:
    result = None
    async for message in query(prompt=prompt, options=options):
        if isinstance(message, ResultMessage):
            result = message
    return result


async def main() -> None:
    names = [f.name for f in dataclasses.fields(ClaudeAgentOptions)]
    print("field count:", len(names))
    for name in sorted(names):
        print("field:", name)
    base = ClaudeAgentOptions(
        cli_path=os.environ["DIFF_CLI"], cwd=os.environ["DIFF_CWD"], max_turns=3
    )
    print("is dataclass:", dataclasses.is_dataclass(base))
    first = await ask("Remember the word tangerine.", base)
    assert first is not None
    print("first:", first.result)
    resumed = dataclasses.replace(base, resume=first.session_id)
    print("replace keeps max_turns:", resumed.max_turns, "base resume:", base.resume)
    second = await ask("What was the word?", resumed)
    assert second is not None
    print("second:", second.result)
    print("same session id:", second.session_id == first.session_id)


asyncio.run(main())
