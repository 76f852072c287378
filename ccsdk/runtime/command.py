"""The CLI's argv and environment, built from ``ClaudeCodeOptions``.

Pure functions (no I/O), so the exact command line is testable and loggable.

**argv.** Always the streaming form, never ``--print``::

    <cli> --output-format stream-json --verbose
          [--system-prompt=S] [--append-system-prompt=S] [--allowedTools=a,b]
          [--max-turns=N] [--disallowedTools=a,b] [--model=M]
          [--permission-prompt-tool=T] [--permission-mode=P] [--continue]
          [--resume=ID] [--settings=S] [--add-dir=D]... [--mcp-config=JSON|PATH]
          [--include-partial-messages] [--<extra>[=V]]...
          --input-format stream-json

Every value is joined to its flag with ``=``, so a value that starts with
``-`` (a ``resume`` of ``--dangerous``, say) stays one argument and cannot be
read as another flag; the official SDK passed ``--resume <id>`` as two
tokens. Optional values are tested with ``is None``, so ``max_turns=0`` and
``system_prompt=""`` are sent. ``system_prompt=None`` sends no flag: the CLI
uses its own default prompt. ``can_use_tool`` adds
``--permission-prompt-tool=stdio``. A ``mcp_servers`` dict is sent as compact
JSON ``{"mcpServers": {...}}``, SDK servers reduced to
``{"type": "sdk", "name": ...}`` (the in-process ``instance`` never leaves).

**Environment.** ``build_env(options, base)`` returns, in this order of
precedence (later wins):

1. ``base`` (normally ``os.environ``) without ``CLAUDECODE``, the variable
   that makes a CLI think it runs nested inside another Claude Code;
2. ``CLAUDE_CODE_ENTRYPOINT=sdk-py`` (the CLI reports it in its user-agent),
   ``CLAUDE_CODE_SDK_READS_SESSION_STATE=1`` (asks for the
   ``session_state_changed`` frames) and, when ``cwd`` is set,
   ``PWD=<absolute cwd>``;
3. ``options.env``: the caller's explicit values win over everything;
4. ``CCSDK_PROCESS_TAG=<random>``, set by the transport after all that: a
   mark that the CLI's descendants inherit, so that teardown can find a
   Bash the CLI started in a session of its own after the CLI itself died
   (see :mod:`ccsdk.runtime.process`).

:func:`redact_argv` and :func:`redact_env` hide secrets before logging.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ccsdk.options import ClaudeCodeOptions

__all__ = ["REDACTED", "build_argv", "build_env", "redact_argv", "redact_env"]

REDACTED = "<redacted>"

# A key is secret when its name contains one of these words, any case.
_SECRET_KEY = re.compile(
    r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTHORIZATION|CREDENTIAL|COOKIE", re.IGNORECASE
)


def build_argv(options: ClaudeCodeOptions, cli_path: str) -> list[str]:
    """Return the argv that starts ``cli_path`` with ``options``.

    Raises ``ValueError`` for ``can_use_tool`` together with
    ``permission_prompt_tool_name``, and for an ``extra_args`` name that is
    empty or starts with ``-``.
    """
    o = options
    argv = [cli_path, "--output-format", "stream-json", "--verbose"]

    def flag(name: str, value: object) -> None:
        argv.append(f"--{name}={value}")

    if o.system_prompt is not None:
        flag("system-prompt", o.system_prompt)
    if o.append_system_prompt is not None:
        flag("append-system-prompt", o.append_system_prompt)
    if o.allowed_tools:
        flag("allowedTools", ",".join(o.allowed_tools))
    if o.max_turns is not None:
        flag("max-turns", o.max_turns)
    if o.disallowed_tools:
        flag("disallowedTools", ",".join(o.disallowed_tools))
    if o.model is not None:
        flag("model", o.model)

    if o.can_use_tool is not None:
        if o.permission_prompt_tool_name is not None:
            raise ValueError(
                "can_use_tool and permission_prompt_tool_name cannot both be set: "
                "can_use_tool answers permission prompts itself (--permission-prompt-tool=stdio)"
            )
        flag("permission-prompt-tool", "stdio")
    elif o.permission_prompt_tool_name is not None:
        flag("permission-prompt-tool", o.permission_prompt_tool_name)

    if o.permission_mode is not None:
        flag("permission-mode", o.permission_mode)
    if o.continue_conversation:
        argv.append("--continue")
    if o.resume is not None:
        flag("resume", o.resume)
    if o.settings is not None:
        flag("settings", o.settings)
    for directory in o.add_dirs:
        flag("add-dir", os.fspath(directory))

    mcp_config = _mcp_config(o.mcp_servers)
    if mcp_config is not None:
        flag("mcp-config", mcp_config)
    if o.include_partial_messages:
        argv.append("--include-partial-messages")

    for name, value in o.extra_args.items():
        if not name or name.startswith("-"):
            raise ValueError(f"extra_args name {name!r}: give the flag name without leading dashes")
        argv.append(f"--{name}" if value is None else f"--{name}={value}")

    argv += ["--input-format", "stream-json"]
    return argv


def _mcp_config(servers: Mapping[str, Any] | str | Path) -> str | None:
    if isinstance(servers, (str, Path)):
        text = os.fspath(servers)
        return text or None
    if not servers:
        return None
    wire: dict[str, Any] = {}
    for key, config in servers.items():
        if isinstance(config, Mapping) and config.get("type") == "sdk":
            # The server object stays in this process; the CLI reaches it by
            # `key` through mcp_message requests.
            wire[key] = {"type": "sdk", "name": config.get("name", key)}
        else:
            wire[key] = config
    return json.dumps({"mcpServers": wire}, separators=(",", ":"))


def build_env(options: ClaudeCodeOptions, base: Mapping[str, str]) -> dict[str, str]:
    """Return the CLI's environment; the rules are in the module docstring.

    Raises ``TypeError`` when a key or value of ``options.env`` is not a str.
    """
    env = dict(base)
    env.pop("CLAUDECODE", None)
    env["CLAUDE_CODE_ENTRYPOINT"] = "sdk-py"
    env["CLAUDE_CODE_SDK_READS_SESSION_STATE"] = "1"
    if options.cwd is not None:
        env["PWD"] = os.path.abspath(os.fspath(options.cwd))
    for key, value in options.env.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"options.env must map str to str; got {key!r}: {value!r}")
        env[key] = value
    return env


def redact_env(env: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of ``env`` with the values of secret-looking keys hidden.

    A key is secret when its name contains KEY, TOKEN, SECRET, PASSWORD,
    PASSWD, AUTHORIZATION, CREDENTIAL or COOKIE, in any case.
    """
    return {k: REDACTED if _SECRET_KEY.search(k) else v for k, v in env.items()}


def redact_argv(argv: Sequence[str]) -> list[str]:
    """Return a copy of ``argv`` that is safe to log.

    Hides the value of a secret-looking flag (``--api-key=...``, or the
    argument after ``--api-key``), and secret-looking keys inside JSON values
    such as ``--mcp-config`` (server ``env`` and ``headers``) or ``--settings``.
    """
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            hide_next = False
            if not arg.startswith("-"):
                out.append(REDACTED)
                continue
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            if _SECRET_KEY.search(name):
                if eq:
                    out.append(f"{name}={REDACTED}")
                else:
                    out.append(arg)
                    hide_next = True
                continue
            if eq:
                out.append(f"{name}={_redact_json_text(value)}")
                continue
        out.append(_redact_json_text(arg))
    return out


def _redact_json_text(text: str) -> str:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text
    redacted = _redact_json(data)
    if redacted == data:
        return text
    return json.dumps(redacted, separators=(",", ":"))


def _redact_json(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: REDACTED if isinstance(k, str) and _SECRET_KEY.search(k) else _redact_json(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_redact_json(v) for v in data]
    return data


def redact_text(text: str, env: Mapping[str, str] | None = None) -> str:
    """``text`` with the values of secret-looking variables replaced, for logs.

    The values come from ``env`` (``os.environ`` when omitted): an API key
    that reached a frame or a stderr line is masked wherever it appears.
    """
    import os

    source = os.environ if env is None else env
    for key, value in source.items():
        if len(value) >= 8 and _SECRET_KEY.search(key) and value in text:
            text = text.replace(value, REDACTED)
    return text
