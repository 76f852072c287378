"""The sync session functions after a run: list_sessions, get_session_messages."""

import asyncio
import os

from claude_agent_sdk import (
    ClaudeAgentOptions,
    ResultMessage,
    get_session_messages,
    list_sessions,
    query,
)


async def main() -> str:
    options = ClaudeAgentOptions(cli_path=os.environ["DIFF_CLI"], cwd=os.environ["DIFF_CWD"])
    session_id = ""
    async for message in query(prompt="Say hello", options=options):
        if isinstance(message, ResultMessage):
            session_id = message.session_id
    return session_id


session_id = asyncio.run(main())
cwd = os.environ["DIFF_CWD"]
sessions = list_sessions(directory=cwd)
print("sessions:", len(sessions), [type(s).__name__ for s in sessions])
for info in sessions:
    print("  matches run:", info.session_id == session_id)
    print("  summary:", info.summary)
    print("  first_prompt:", info.first_prompt)
    print("  cwd matches:", os.path.realpath(info.cwd or "") == os.path.realpath(cwd))
print("all projects:", len(list_sessions()))
messages = get_session_messages(session_id, directory=cwd)
print("messages:", len(messages))
for m in messages:
    content = m.message.get("content")
    if isinstance(content, list):
        content = [b.get("text", b.get("type")) for b in content]
    print("  ", type(m).__name__, m.type, m.session_id == session_id, content)
