"""Secrets stay secret: a value given in ``options.env``, an MCP server's ``env``,
an HTTP MCP server's ``headers`` or its URL never shows in any process's argv,
in any log record, in any exception's text, or in what a ``stderr`` callback gets.

The real CLI runs against the FakeModel, with a stdio MCP server and an HTTP
MCP server of this file, once as a local child and once behind a wrapper
command (as ``docker exec`` would run it). While it runs, every ``/proc/*/cmdline``
of the machine is searched; the tools report what they were given, which
shows the secrets still reached the CLI and its servers. A scripted CLI that
echoes its whole input, argv and environment to stderr and dies covers the
fault side: the ``ProcessError``, the callback and the log.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import textwrap
import threading
import traceback
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    InitInfo,
    Message,
    ProcessError,
    ResultMessage,
    SystemMessage,
    query,
    wrap_command,
)
from ccsdk._redact import REDACTED, Redactor, frame_secrets, session_secrets
from ccsdk.runtime._command import build_env
from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.conftest import Runner
from tests.test_e2e_control import tool_result_text

Options = Callable[..., ClaudeCodeOptions]

#: A stdio MCP server whose tool ``env`` answers with the value of a variable.
STDIO_SERVER = """
import json, os, sys

for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method = msg.get("method")
    if method == "initialize":
        result = {"protocolVersion": msg["params"]["protocolVersion"],
                  "capabilities": {"tools": {}},
                  "serverInfo": {"name": "envsrv", "version": "1"}}
    elif method == "tools/list":
        schema = {"type": "object", "properties": {"name": {"type": "string"}}}
        result = {"tools": [{"name": "env", "description": "a variable", "inputSchema": schema}]}
    elif method == "tools/call":
        name = msg["params"]["arguments"]["name"]
        result = {"content": [{"type": "text", "text": "value=" + os.environ.get(name, "unset")}]}
    else:
        result = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\\n")
    sys.stdout.flush()
"""


class _HttpMcp(BaseHTTPRequestHandler):
    """A streamable-HTTP MCP server whose tool ``whoami`` echoes the request's
    Authorization header and path: what the CLI sent it."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(405)
        self.end_headers()

    def do_DELETE(self) -> None:
        self.send_response(200)
        self.end_headers()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        if "id" not in body:
            self.send_response(202)
            self.end_headers()
            return
        method = body.get("method")
        result: dict[str, Any] = {}
        if method == "initialize":
            result = {
                "protocolVersion": body["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "web", "version": "1"},
            }
        elif method == "tools/list":
            schema = {"type": "object", "properties": {}}
            result = {"tools": [{"name": "whoami", "description": "x", "inputSchema": schema}]}
        elif method == "tools/call":
            said = f"auth={self.headers.get('authorization')} path={self.path}"
            result = {"content": [{"type": "text", "text": said}]}
        data = json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": result}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def http_mcp() -> Iterator[int]:
    """The HTTP MCP server on loopback; yields its port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HttpMcp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def planted() -> dict[str, str]:
    """Fresh secrets, one per place, that no other process on the machine holds."""
    tag = os.urandom(6).hex()
    return {
        "env": f"sk-env-{tag}",
        "mcp_env": f"mcp-env-{tag}",
        "header": f"hdr-{tag}",
        "url": f"urltok-{tag}",
        "settings": f"settok-{tag}",
    }


def argv_holding(secrets: dict[str, str]) -> list[str]:
    """Every process's command line that holds one of ``secrets``."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue  # gone, or not ours to read
        line = cmdline.decode("utf-8", "replace")
        found += [f"{pid} ({where}): {line[:200]}" for where, s in secrets.items() if s in line]
    return found


def commands_running(word: str) -> list[str]:
    """The command lines that contain ``word`` (to show the scan saw them)."""
    lines = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if word.encode() in cmdline:
                lines.append(cmdline.decode("utf-8", "replace"))
    return lines


def leaks_in_logs(caplog: pytest.LogCaptureFixture, secrets: dict[str, str]) -> list[str]:
    found = []
    for record in caplog.records:
        written = record.getMessage() + (record.exc_text or "")
        if record.exc_info and record.exc_info[1] is not None:
            written += "".join(traceback.format_exception(record.exc_info[1]))
        found += [
            f"{where}: {record.getMessage()[:200]}" for where, s in secrets.items() if s in written
        ]
    return found


# A wrapper that runs its command here with a fresh environment, as docker exec
# or ssh would on the other side: the CLI gets only what ccsdk hands over.
FRESH_ENV_WRAPPER = ["sh", "-c", 'exec env -i PATH="$PATH" "$@"', "wrapper"]


@pytest.mark.e2e
@pytest.mark.parametrize("through", ["child", "wrapper"])
def test_planted_secrets_reach_the_cli_but_no_argv_log_or_callback(
    run: Runner,
    fake_model: FakeModel,
    e2e_options: Options,
    http_mcp: int,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    through: str,
) -> None:
    secrets = planted()
    script = tmp_path / "envsrv.py"
    script.write_text(textwrap.dedent(STDIO_SERVER))
    fake_model.add_turns(
        Turn(
            [
                tool_use("mcp__envsrv__env", {"name": "PLANTED"}, id="toolu_mcp_env"),
                tool_use("mcp__web__whoami", {}, id="toolu_web"),
                tool_use(
                    "Bash",
                    {"command": "echo cli-got-$MY_SERVICE_TOKEN settings-gave-$SETTINGS_TOKEN"},
                    id="toolu_bash",
                ),
            ]
        ),
        Turn([text("done")]),
    )
    servers = {
        "envsrv": {
            "type": "stdio",
            "command": sys.executable,
            "args": [str(script)],
            "env": {"PLANTED": secrets["mcp_env"]},
        },
        "web": {
            "type": "http",
            "url": f"http://127.0.0.1:{http_mcp}/mcp?token={secrets['url']}",
            "headers": {"Authorization": f"Bearer {secrets['header']}"},
        },
    }
    stderr_lines: list[str] = []
    caplog.set_level(logging.DEBUG, logger="ccsdk")
    options = e2e_options(
        env={"MY_SERVICE_TOKEN": secrets["env"]},
        settings=json.dumps({"env": {"SETTINGS_TOKEN": secrets["settings"]}}),
        mcp_servers=servers,
        allowed_tools=["mcp__envsrv__env", "mcp__web__whoami", "Bash"],
        stderr=stderr_lines.append,
        spawn=wrap_command(FRESH_ENV_WRAPPER) if through == "wrapper" else None,
    )

    async def main() -> tuple[list[Message], list[str], list[str], list[str]]:
        async with ClaudeSDKClient(options) as client:
            await client.query("use the tools")
            messages = [m async for m in client.receive_response()]
            # The CLI and its stdio server are still running: search every argv now.
            return (
                messages,
                argv_holding(secrets),
                commands_running("--output-format stream-json"),
                commands_running(str(script)),
            )

    messages, in_argv, clis, mcp_servers = run(main)
    result = messages[-1]
    assert isinstance(result, ResultMessage) and not result.is_error, result
    assert clis and mcp_servers  # the search saw the CLI and the MCP server it started
    assert in_argv == []
    assert leaks_in_logs(caplog, secrets) == []
    assert "to the CLI" in caplog.text and REDACTED in caplog.text  # frames were logged, masked
    assert not any(s in line for line in stderr_lines for s in secrets.values())
    # ... and yet every secret reached where it was meant to go.
    told = fake_model.turn_requests[1]
    assert tool_result_text(told, "toolu_mcp_env") == f"value={secrets['mcp_env']}"
    web = tool_result_text(told, "toolu_web")
    assert f"auth=Bearer {secrets['header']}" in web and f"token={secrets['url']}" in web
    bash = tool_result_text(told, "toolu_bash")
    assert f"cli-got-{secrets['env']}" in bash and f"settings-gave-{secrets['settings']}" in bash


#: A CLI that reads its first input line (initialize, with the MCP servers),
#: echoes it, its argv and its environment's secret to stderr, and dies.
ECHOING_CLI = """
import os, sys

first = sys.stdin.readline()
sys.stderr.write("argv: " + " ".join(sys.argv) + "\\n")
sys.stderr.write("env: MY_SERVICE_TOKEN=" + os.environ.get("MY_SERVICE_TOKEN", "unset") + "\\n")
sys.stderr.write("initialize: " + first)
sys.stderr.write("repr: " + repr(first) + "\\n")
sys.stderr.flush()
sys.exit(3)
"""


def echoing_cli(tmp_path: Path) -> str:
    path = tmp_path / "claude"
    path.write_text(f'#!/bin/sh\nexec {sys.executable} {tmp_path / "echo_cli.py"} "$@"\n')
    (tmp_path / "echo_cli.py").write_text(textwrap.dedent(ECHOING_CLI))
    path.chmod(0o755)
    return str(path)


def fault_secrets() -> dict[str, str]:
    tag = os.urandom(6).hex()
    return {
        "env": f"sk-env-{tag}",
        # Quotes and a backslash: escaped differently in JSON and in a repr.
        "mcp_env": f'mcp"env\\{tag}',
        "header": f"hdr-{tag}",
        "url": f"urltok-{tag}",
        "userinfo": f"pw-{tag}",
    }


def test_a_cli_that_echoes_every_secret_and_dies_leaks_none(
    run: Runner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secrets = fault_secrets()
    stderr_lines: list[str] = []
    caplog.set_level(logging.DEBUG, logger="ccsdk")
    options = ClaudeCodeOptions(
        cli_path=echoing_cli(tmp_path),
        env={"MY_SERVICE_TOKEN": secrets["env"]},
        mcp_servers={
            "s": {"command": "srv", "env": {"PLANTED": secrets["mcp_env"]}},
            "web": {
                "type": "http",
                "url": f"https://me:{secrets['userinfo']}@example.test/mcp?token={secrets['url']}",
                "headers": {"Authorization": f"Bearer {secrets['header']}"},
            },
        },
        stderr=stderr_lines.append,
    )

    async def main() -> ProcessError:
        with pytest.raises(ProcessError) as info:
            async for _ in query(prompt="hi", options=options):
                pass
        return info.value

    error = run(main)
    assert error.exit_code == 3
    # The CLI did get the secrets (masked here), and they were echoed on stderr.
    assert error.stderr is not None and f"MY_SERVICE_TOKEN={REDACTED}" in error.stderr
    assert "initialize: " in error.stderr and "mcpServers" in error.stderr
    texts = [str(error), repr(error), error.stderr, "".join(traceback.format_exception(error))]
    texts += stderr_lines
    escaped = {k: json.dumps(v)[1:-1] for k, v in secrets.items()}
    escaped |= {f"{k} (repr)": repr(v)[1:-1] for k, v in secrets.items()}
    every_spelling = secrets | escaped
    assert [k for k, s in every_spelling.items() for t in texts if s in t] == []
    assert len(stderr_lines) == 4 and stderr_lines[1] == f"env: MY_SERVICE_TOKEN={REDACTED}"
    assert leaks_in_logs(caplog, every_spelling) == []


def test_session_secrets_knows_each_place_a_secret_can_be() -> None:
    env = {
        "ANTHROPIC_API_KEY": "sk-ant-0123456789",
        "ANTHROPIC_AUTH_TOKEN": "tok-0123456789",
        "ANTHROPIC_CUSTOM_HEADERS": "x-a: hdr-0123456789",
        "MY_DB_PASSWORD": "pass-0123456789",
        "ANTHROPIC_BASE_URL": "https://proxy.test/v1?key=q-0123456789",
        "ANTHROPIC_MODEL": "claude-opus-long-name",
        "PATH": "/usr/local/bin:/usr/bin",
        "SHORT_KEY": "abc",  # too short to mask: it would blank out the log
    }
    servers = {
        "s": {"command": "x", "env": {"ANY": "any-value-123"}},
        "w": {
            "type": "sse",
            "url": "https://u-12345678:p-12345678@h.test/?t=t-12345678",
            "headers": {"X": "hv-12345678"},
        },
        "sdk": {"type": "sdk", "name": "sdk", "instance": object()},
        "odd": "not a config",
    }
    assert session_secrets(env, servers) == {
        "sk-ant-0123456789",
        "tok-0123456789",
        "x-a: hdr-0123456789",
        "pass-0123456789",
        "q-0123456789",
        "any-value-123",
        "u-12345678",
        "p-12345678",
        "t-12345678",
        "hv-12345678",
    }
    redact = Redactor.for_options(ClaudeCodeOptions(env=env, mcp_servers=servers), env={})
    frame = json.dumps({"model": env["ANTHROPIC_MODEL"], "k": env["ANTHROPIC_API_KEY"]})
    assert redact(frame) == json.dumps({"model": env["ANTHROPIC_MODEL"], "k": REDACTED})
    # A secret that holds another is masked whole, and JSON / repr spellings too.
    tricky = Redactor(['a"b\\c-123456', "123456789", "1234567890"])
    assert tricky(json.dumps('x a"b\\c-123456 1234567890')) == f'"x {REDACTED} {REDACTED}"'
    assert tricky(repr('a"b\\c-123456')) == f"'{REDACTED}'"


def test_mcp_credentials_in_a_frame_of_their_own_are_masked_in_its_log_line() -> None:
    """Servers given later (``set_mcp_servers``) are not in the options: the
    frame that carries them is searched for them before it is logged."""
    frame = json.dumps(
        {
            "type": "control_request",
            "request_id": "req_1",
            "request": {
                "subtype": "mcp_set_servers",
                "servers": {
                    "s": {"command": "x", "env": {"K": "late-env-123"}},
                    "w": {"url": "https://h/?t=late-url-123", "headers": {"A": "late-hdr-123"}},
                },
            },
        }
    )
    assert frame_secrets("not json\n" + frame) == {"late-env-123", "late-url-123", "late-hdr-123"}
    logged = Redactor.for_options(ClaudeCodeOptions(), env={}, frame=frame)(frame)
    assert "late-" not in logged and logged.count(REDACTED) == 3


def test_a_bad_env_value_is_named_by_its_type_not_its_value() -> None:
    options = ClaudeCodeOptions(env={1: "sk-secret-value-123"})  # type: ignore[dict-item]
    with pytest.raises(TypeError) as info:
        build_env(options, {})
    assert "sk-secret-value-123" not in str(info.value)
    assert "a int key with a str value" in str(info.value)


@pytest.mark.e2e
@pytest.mark.parametrize("strict", [False, True])
def test_strict_mcp_config_keeps_its_meaning_with_servers_in_initialize(
    run: Runner, fake_model: FakeModel, e2e_options: Options, tmp_path: Path, strict: bool
) -> None:
    """Servers read from initialize are the --mcp-config set: with
    ``strict_mcp_config`` they are the only ones, else the user's join them."""
    script = tmp_path / "envsrv.py"
    script.write_text(textwrap.dedent(STDIO_SERVER))
    user_config = {"mcpServers": {"users": {"type": "stdio", "command": "/nonexistent/srv"}}}
    (tmp_path / "home" / ".claude.json").write_text(json.dumps(user_config))
    fake_model.add_turns(Turn([text("ok")]))
    mine = {"type": "stdio", "command": sys.executable, "args": [str(script)]}
    options = e2e_options(mcp_servers={"mine": mine}, strict_mcp_config=strict)

    async def main() -> list[str]:
        async with ClaudeSDKClient(options) as client:
            await client.query("hi")
            return [
                server["name"]
                async for m in client.receive_response()
                if isinstance(m, SystemMessage) and isinstance(info := m.info, InitInfo)
                for server in info.mcp_servers
            ]

    assert sorted(run(main)) == (["mine"] if strict else ["mine", "users"])
