"""``ClaudeCodeOptions``: everything that configures one CLI session.

The 21 fields of ``claude_code_sdk`` 0.0.25 keep their names, types and
defaults, so existing code runs unchanged. Six fields are new: ``cli_path``
(0.0.25 had no way to choose the binary), ``stderr`` (0.0.25 either inherited
the CLI's stderr or needed a real file), the framing bound ``max_line_bytes``
and the three timeouts, because every wait in ccsdk has a bound the caller
can set.

The class is a mutable attrs class, like the official dataclass, but values
are checked when they are set (at construction and on assignment): a bad
value fails here with a message naming the field, not later as a CLI exit
code. Where the CLI reads a field, its docstring names the flag;
:mod:`ccsdk.runtime.command` turns the options into argv and environment.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES
from ccsdk.types import (
    PERMISSION_MODES,
    CanUseTool,
    HookEvent,
    HookMatcher,
    McpServerConfig,
    PermissionMode,
)

__all__ = ["ClaudeAgentOptions", "ClaudeCodeOptions"]

#: The smallest ``max_line_bytes`` accepted: below this, ordinary frames
#: (``system/init`` alone is several KB) would not fit.
MIN_MAX_LINE_BYTES = 1024


def _str_list(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # A bare string would be iterated character by character ("Bash" -> "B,a,s,h").
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{attribute.name} must be a list, not {type(value).__name__} ({value!r})")


def _permission_mode(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"permission_mode must be a str, not {type(value).__name__}")
    if value not in PERMISSION_MODES:
        raise ValueError(f"permission_mode {value!r} is not one of: {', '.join(PERMISSION_MODES)}")


def _max_turns(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_turns must be an int or None, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_turns must be >= 0, not {value}")


def _max_line_bytes(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_line_bytes must be an int, not {type(value).__name__}")
    if value < MIN_MAX_LINE_BYTES:
        raise ValueError(f"max_line_bytes must be >= {MIN_MAX_LINE_BYTES}, not {value}")


def _positive_seconds(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{attribute.name} must be a number of seconds, not {value!r}")
    # NaN fails both comparisons, so it is rejected too.
    if attribute.name == "close_timeout":
        if not value >= 0:
            raise ValueError(f"close_timeout must be >= 0 seconds, not {value}")
    elif not value > 0:
        raise ValueError(f"{attribute.name} must be > 0 seconds, not {value}")


def _mcp_servers(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, (dict, str, Path)):
        raise TypeError(
            "mcp_servers must be a dict of server configs, or a str/Path "
            f"(a config file or JSON text), not {type(value).__name__}"
        )


def _optional_callable(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not callable(value):
        raise TypeError(f"{attribute.name} must be callable or None, not {value!r}")


def _redacted(env: dict[str, str]) -> dict[str, str]:
    # Options get logged and printed; keep API keys out of their repr.
    from ccsdk.runtime.command import redact_env

    return redact_env(env)


@attrs.define(kw_only=True)
class ClaudeCodeOptions:
    """Options for ``query()`` and ``ClaudeSDKClient``; every field has a default."""

    allowed_tools: list[str] = attrs.field(factory=list, validator=_str_list)
    """Tools the model may use without asking: ``--allowedTools=a,b`` (omitted if empty)."""

    system_prompt: str | None = None
    """Replaces the CLI's system prompt: ``--system-prompt=<s>``.
    ``None`` sends no flag, so the CLI uses its own default prompt."""

    append_system_prompt: str | None = None
    """Appended to the system prompt: ``--append-system-prompt=<s>``."""

    mcp_servers: dict[str, McpServerConfig] | str | Path = attrs.field(
        factory=dict, validator=_mcp_servers
    )
    """MCP servers by name: ``--mcp-config=<JSON {"mcpServers": {...}}>`` for a dict
    (SDK servers are sent as ``{"type": "sdk", "name": ...}`` and run in this
    process), or ``--mcp-config=<value>`` for a str/Path (a file or JSON text)."""

    permission_mode: PermissionMode | None = attrs.field(default=None, validator=_permission_mode)
    """``--permission-mode=<m>``; one of default, acceptEdits, plan,
    bypassPermissions, dontAsk, auto (others are rejected, as the CLI does)."""

    continue_conversation: bool = False
    """Continue the most recent conversation in ``cwd``: ``--continue``."""

    resume: str | None = None
    """Resume the session with this id: ``--resume=<id>``."""

    max_turns: int | None = attrs.field(default=None, validator=_max_turns)
    """Bound on agentic turns: ``--max-turns=<n>`` (``0`` is sent, not dropped)."""

    disallowed_tools: list[str] = attrs.field(factory=list, validator=_str_list)
    """Tools removed from the model: ``--disallowedTools=a,b`` (omitted if empty)."""

    model: str | None = None
    """``--model=<m>``; ``None`` lets the CLI choose."""

    permission_prompt_tool_name: str | None = None
    """An MCP tool that answers permission prompts: ``--permission-prompt-tool=<name>``.
    Cannot be combined with ``can_use_tool`` (which uses ``stdio``)."""

    cwd: str | Path | None = None
    """The CLI's working directory (the child's cwd, and ``PWD`` in its environment)."""

    settings: str | None = None
    """A settings file or JSON text: ``--settings=<s>``."""

    add_dirs: list[str | Path] = attrs.field(factory=list, validator=_str_list)
    """Extra directories the CLI may access: one ``--add-dir=<d>`` each."""

    env: dict[str, str] = attrs.field(factory=dict, repr=lambda env: repr(_redacted(env)))
    """Environment for the CLI, over the inherited one; these values win over
    everything ccsdk sets (see :func:`ccsdk.runtime.command.build_env`)."""

    extra_args: dict[str, str | None] = attrs.field(factory=dict)
    """Any other CLI flag, name without dashes: ``{"k": None}`` -> ``--k``,
    ``{"k": "v"}`` -> ``--k=v``; appended after the flags above."""

    debug_stderr: Any = attrs.field(factory=lambda: sys.stderr)
    """Kept for compatibility with 0.0.25 (a file-like object): when ``extra_args``
    contains ``debug-to-stderr``, each stderr line of the CLI is also written here.
    Prefer ``stderr``."""

    can_use_tool: CanUseTool | None = attrs.field(default=None, validator=_optional_callable)
    """Async callback asked before each tool use that needs permission; adds
    ``--permission-prompt-tool=stdio`` and is served over the control protocol."""

    hooks: dict[HookEvent, list[HookMatcher]] | None = None
    """Hook callbacks by event; registered in ``initialize``, called through
    the CLI's ``hook_callback`` requests."""

    user: str | None = None
    """The OS user the CLI runs as (needs privileges); not a CLI flag."""

    include_partial_messages: bool = False
    """Stream partial output as ``StreamEvent`` messages: ``--include-partial-messages``."""

    # ---- ccsdk additions -------------------------------------------------

    cli_path: str | Path | None = None
    """The ``claude`` executable to run; ``None`` searches ``CCSDK_CLI_PATH``,
    ``PATH`` and the usual install places (:func:`ccsdk.runtime.discovery.find_cli`)."""

    stderr: Callable[[str], None] | None = attrs.field(default=None, validator=_optional_callable)
    """Called with each line the CLI writes to stderr, newline stripped. stderr
    is always drained (its tail goes into ``ProcessError``) whether or not this is set."""

    max_line_bytes: int = attrs.field(default=DEFAULT_MAX_LINE_BYTES, validator=_max_line_bytes)
    """The longest stdout line accepted, in bytes; a longer one is a
    ``LineTooLongError``. Images and big tool results arrive as single lines."""

    initialize_timeout: float = attrs.field(default=60.0, validator=_positive_seconds)
    """Seconds to wait for the CLI's answer to ``initialize``."""

    control_timeout: float = attrs.field(default=60.0, validator=_positive_seconds)
    """Seconds to wait for the answer to any other control request (interrupt,
    set_permission_mode, ...), unless the call passes its own."""

    close_timeout: float = attrs.field(default=5.0, validator=_positive_seconds)
    """Grace period, in seconds, for each teardown step: after closing stdin
    before SIGTERM, and after SIGTERM before SIGKILL."""

    def __attrs_post_init__(self) -> None:
        if self.can_use_tool is not None and self.permission_prompt_tool_name is not None:
            raise ValueError(
                "can_use_tool and permission_prompt_tool_name cannot both be set: "
                "can_use_tool answers permission prompts itself (--permission-prompt-tool=stdio)"
            )


#: The name ``claude_agent_sdk`` uses for the same class.
ClaudeAgentOptions = ClaudeCodeOptions
