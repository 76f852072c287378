"""Every example runs, on trio and on asyncio, against the real CLI and the FakeModel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ccsdk.testing import FakeModel, Turn, text, thinking, tool_use

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SLOW = "Once upon a time, far beyond the last star, " * 60

# example file -> (the model's script, what the output must show)
CASES: dict[str, tuple[list[Turn], list[str]]] = {
    "seed/basic_interactive.py": (
        [Turn([text("I am well, thanks.")]), Turn([text("Sure: def add(a, b): ...")])],
        ["Claude: I am well, thanks.", "Claude: Sure: def add(a, b): ..."],
    ),
    "seed/configuration_options.py": (
        [Turn([text("Here is a server.")])],
        ["TextBlock(text='Here is a server.')", "ResultMessage(subtype='success'"],
    ),
    "seed/hooks.py": (
        [Turn([tool_use("Bash", {"command": "echo 'Hello World!'"})]), Turn([text("Ran it.")])],
        ["Hello World!", "TextBlock(text='Ran it.')", "ResultMessage(subtype='success'"],
    ),
    "seed/interrupt.py": (
        [Turn([text(SLOW)], chunk_size=8, chunk_delay=0.05)],
        ["error_during_execution"],
    ),
    "seed/server_info.py": ([], ["Commands available:", "Output style: default"]),
    "seed/custom_tools.py": (
        [Turn([tool_use("mcp__tools__greet", {"name": "Alice"})]), Turn([text("Greeted.")])],
        ["Hello, Alice!", "TextBlock(text='Greeted.')", "ResultMessage(subtype='success'"],
    ),
    "seed/manual_connection.py": (
        [Turn([text("Hello human.")])],
        ["TextBlock(text='Hello human.')", "ResultMessage(subtype='success'"],
    ),
    "quick_start.py": ([], ["offline mode", "Structured concurrency means"]),
    # The examples of the documentation pages (docs/*.md shows each one).
    "simple_query.py": (
        [Turn([text("2 + 2 = 4.")])],
        ["Claude: 2 + 2 = 4.", "[success] 1 turn(s) in"],
    ),
    "query_with_options.py": (
        [Turn([tool_use("Bash", {"command": "pwd"})]), Turn([text("In a scratch directory.")])],
        [
            "tool call: Bash {'command': 'pwd'}",
            "tool result: /",
            "Claude: In a scratch directory.",
            "done: success, is_error=False",
        ],
    ),
    "query_prompt_stream.py": (
        [Turn([text("Noted: 7.")]), Turn([text("You asked me to remember 7.")])],
        ["Claude: Noted: 7.\nturn over: success\nClaude: You asked me to remember 7."],
    ),
    "query_early_exit.py": (
        [
            Turn([text("Honey never spoils."), text("Octopuses have three hearts.")]),
            Turn([text(SLOW)], chunk_size=8, chunk_delay=0.05),
        ],
        ["first answer: Honey never spoils.\n", "timed out: True"],
    ),
    "client_control.py": (
        [Turn([text("Hello!")])],
        [
            "CLI 2.1.331, ",
            "MCP servers: 0",
            "model: claude-sonnet-4-5",
            "Claude: Hello!",
            "result: success",
            "context: ",
        ],
    ),
    "client_timeout.py": (
        [Turn([text(SLOW)], chunk_size=8, chunk_delay=0.05), Turn([text("Blue.")])],
        ["no answer within 2 s: turn interrupted\nClaude: Blue.\nresult: success"],
    ),
    "open_session.py": (
        [
            Turn([tool_use("Bash", {"command": "echo hi > note.txt"})]),
            Turn([text("Saved note.txt.")]),
            Turn([text("Goodbye!")]),
        ],
        [
            "asked about Bash: echo hi > note.txt\nClaude: Saved note.txt.\nresult: success",
            "Claude: Goodbye!\nresult: success",
        ],
    ),
    "options_on_the_wire.py": (
        [],
        [
            "--max-turns=0\n",
            "--resume=--looks-like-a-flag\n",
            '"systemPrompt": ["Be brief."]',
            '"sdkMcpServers": ["clock"]',
            "--debug-to-stderr\n--fallback-model=claude-haiku-4-5\n",
            "ANTHROPIC_API_KEY=<redacted>",
            "TypeError: allowed_tools must be a list, not str ('Bash')",
            "ValueError: permission_mode 'yolo' is not one of",
            "TypeError: can_use_tool must be callable or None",
        ],
    ),
    "custom_tools.py": (
        [
            Turn([tool_use("mcp__calc__add", {"a": 2, "b": 40})]),
            Turn([tool_use("mcp__calc__divide", {"a": 1, "b": 0})]),
            Turn([tool_use("mcp__calc__add", {"a": "two", "b": 2})]),
            Turn([text("2 + 40 is 42; 1 / 0 has no answer.")]),
        ],
        [
            "'description': 'the dividend'",
            "tool result (ok): 42\n",
            "tool result (error): cannot divide by zero\n",
            "tool result (error): Invalid arguments for tool 'add': 'two' is not of type 'number'",
            "Claude: 2 + 40 is 42; 1 / 0 has no answer.",
            "result: success",
        ],
    ),
    "hooks.py": (
        [
            Turn([tool_use("Bash", {"command": "rm -rf build"})]),
            Turn([tool_use("Bash", {"command": "echo hello"})]),
            Turn([text("Hello!")]),
        ],
        [
            "UserPromptSubmit: 'Clean up, then say hello.'",
            "PreToolUse: refusing 'rm -rf build'",
            "PostToolUse: Bash -> 'hello'",
            "Claude: Hello!",
        ],
    ),
    "permissions.py": (
        [
            Turn([tool_use("Bash", {"command": "echo hi > note.txt"})]),
            Turn([tool_use("Bash", {"command": "rm -f note.txt"})]),
            Turn([text("Done.")]),
        ],
        [
            "asked: Bash 'echo hi > note.txt'",
            "tool result (is_error=False): status 0",
            "asked: Bash 'rm -f note.txt'",
            "tool result (is_error=True): deleting files is not allowed",
            "result: success, denials: 1",
        ],
    ),
    "message_types.py": (
        [
            Turn([thinking("The user wants echo."), tool_use("Bash", {"command": "echo hi"})]),
            Turn([text("It printed hi.")]),
        ],
        [
            "init: session ",
            "thinking 'The user wants echo.'",
            "tool_use Bash {'command': 'echo hi'}",
            "user: tool_result 'hi' (is_error=False)",
            "text 'It printed hi.'",
            "result: success after 2 turns",
            "stream events: {'content_block_delta': ",
        ],
    ),
    "error_handling.py": (
        [],
        [
            "CLINotFoundError: cli_path=/nowhere/claude",
            "CLIConnectionError: Working directory does not exist: /no/such/directory",
            "ProcessError: exit code 1; stderr: \"error: unknown option '--no-such-flag'\"",
            "LineTooLongError: ",
            "CLIJSONDecodeError: line 'hello, I am not Claude Code'",
            "ResultError: Claude Code returned an error result: API Error",
            "ControlRequestError: set_permission_mode refused [invalid_mode]",
            "any ccsdk error: CLIConnectionError",
        ],
    ),
    "wrapped_transport.py": (
        [Turn([text("Hello from inside the wrapper.")])],
        ["Claude: Hello from inside the wrapper.", "the wrapper exited with 0"],
    ),
    "stream_transport.py": (
        [Turn([text("Hello, streams.")])],
        ["result: success: Hello, streams.", "the CLI exited with 0"],
    ),
}


@pytest.mark.parametrize("example", sorted(CASES))
def test_example_runs(example: str, backend: str, cli_path: Path, tmp_path: Path) -> None:
    turns, expected = CASES[example]
    home = tmp_path / "home"
    home.mkdir()
    with FakeModel(turns) as model:
        env = model.env(home=home, base=os.environ)
        env["CCSDK_CLI_PATH"] = str(cli_path)
        env["CCSDK_CLI"] = str(cli_path)
        env.pop("ANTHROPIC_API_KEY", None) if example == "quick_start.py" else None
        proc = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tests" / "run_example.py"),
                backend,
                str(ROOT / "examples" / example),
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for snippet in expected:
        assert snippet in proc.stdout, (snippet, proc.stdout[-3000:])
