"""``ClaudeCodeOptions``: everything that configures one CLI session.

The 21 fields of ``claude_code_sdk`` 0.0.25 keep their names, types and
defaults, so existing code runs unchanged. Six fields are new: ``cli_path``
(0.0.25 had no way to choose the binary), ``stderr`` (0.0.25 either inherited
the CLI's stderr or needed a real file), the framing bound ``max_line_bytes``
and the three timeouts, because every wait in ccsdk has a bound the caller
can set.
After them come the fields ``claude_agent_sdk`` and the TypeScript SDK added
that CLI 2.1.331 still accepts (``tools``, ``agents``, ``thinking``,
``output_format``, ...; see docs/options-agent-sdk.md), checked by
:mod:`ccsdk.option_checks`. Those the CLI reads from the ``initialize``
request (agents, system prompt, output schema, ...) go there, built by
:mod:`ccsdk.runtime.initialize`, so long values stay off the command line.

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

from ccsdk.option_checks import (
    check_agents,
    check_betas,
    check_bool,
    check_combinations,
    check_effort,
    check_max_budget_usd,
    check_optional_str,
    check_output_format,
    check_plugins,
    check_sandbox,
    check_session_id,
    check_setting_sources,
    check_system_prompt,
    check_thinking,
    check_tool_aliases,
    check_tools,
)
from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES
from ccsdk.runtime.spawn import Spawn
from ccsdk.types import (
    PERMISSION_MODES,
    AgentDefinition,
    CanUseTool,
    EffortLevel,
    HookEvent,
    HookMatcher,
    McpServerConfig,
    OutputFormat,
    PermissionMode,
    SandboxSettings,
    SdkBeta,
    SdkPluginConfig,
    SettingSource,
    SystemPrompt,
    ThinkingConfig,
    ToolsPreset,
)
from ccsdk.user_input import OnElicitation, OnUserDialog

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


def _dialog_kinds(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _str_list(inst, attribute, value)
    for kind in value:
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"supported_dialog_kinds must hold non-empty strings, not {kind!r}")
    if value and inst.on_user_dialog is None:
        raise ValueError(
            "supported_dialog_kinds needs on_user_dialog: the CLI would send those "
            "dialogs and nothing would show them"
        )


# Typed factory: with ``factory=dict`` pyright would not know the item types.
def _empty_dict() -> dict[str, Any]:
    return {}


def _redacted(env: dict[str, str]) -> dict[str, str]:
    # Options get logged and printed; keep API keys out of their repr.
    from ccsdk.runtime.command import redact_env

    return redact_env(env)


@attrs.define(kw_only=True)
class ClaudeCodeOptions:
    """Options for ``query()`` and ``ClaudeSDKClient``; every field has a default."""

    allowed_tools: list[str] = attrs.field(factory=list, validator=_str_list)
    """Tools the model may use without asking: ``--allowedTools=a,b`` (omitted if empty)."""

    system_prompt: SystemPrompt | None = attrs.field(default=None, validator=check_system_prompt)
    """Replaces the CLI's system prompt. A str (or ``{"type": "custom", "prompt": s}``)
    is sent in ``initialize`` (``systemPrompt``), not on the command line;
    ``{"type": "file", "path": p}`` becomes ``--system-prompt-file=<p>``;
    ``{"type": "preset", "preset": "claude_code", "append": s}`` keeps the CLI's
    prompt and appends ``s``. ``None`` sends nothing: the CLI uses its own
    default prompt (as in 0.0.25; ``claude_agent_sdk`` made it an empty one)."""

    append_system_prompt: str | None = None
    """Appended to the system prompt; sent in ``initialize`` (``appendSystemPrompt``)."""

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

    env: dict[str, str] = attrs.field(factory=_empty_dict, repr=lambda env: repr(_redacted(env)))
    """Environment for the CLI, over the inherited one; these values win over
    everything ccsdk sets (see :func:`ccsdk.runtime.command.build_env`)."""

    extra_args: dict[str, str | None] = attrs.field(factory=_empty_dict)
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

    on_elicitation: OnElicitation | None = attrs.field(default=None, validator=_optional_callable)
    """Async callback answering an MCP server's question to the user (the CLI's
    ``elicitation`` request): takes an :class:`~ccsdk.ElicitationRequest`, returns an
    :class:`~ccsdk.ElicitationResult`. ``None``: every elicitation is declined."""

    on_user_dialog: OnUserDialog | None = attrs.field(default=None, validator=_optional_callable)
    """Async callback showing one of the CLI's dialogs (``request_user_dialog``):
    takes a :class:`~ccsdk.UserDialogRequest`, returns
    :class:`~ccsdk.UserDialogCompleted` or :class:`~ccsdk.UserDialogCancelled`.
    The CLI sends only the kinds in ``supported_dialog_kinds``."""

    supported_dialog_kinds: list[str] = attrs.field(factory=list, validator=_dialog_kinds)
    """The dialog kinds ``on_user_dialog`` can show (``"refusal_fallback_prompt"``, ...):
    sent in ``initialize`` (``supportedDialogKinds``). The CLI treats a kind not
    listed as "cannot display" and falls back to its no-dialog behaviour.
    Needs ``on_user_dialog``."""

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

    spawn: Spawn | None = attrs.field(default=None, validator=_optional_callable)
    """Starts the CLI process in place of a local child: an async function
    taking a :class:`~ccsdk.runtime.spawn.SpawnRequest` (argv, env, cwd) and
    returning a :class:`~ccsdk.runtime.spawn.SpawnedProcess`, for a CLI in a
    container or on another machine; :func:`~ccsdk.runtime.spawn.wrap_command`
    makes one from ``["ssh", "host"]`` or ``["docker", "exec", "-i", "c"]``.
    ``None``: a local child (see docs/remote-cli.md)."""

    # ---- claude_agent_sdk and TypeScript SDK fields (docs/options-agent-sdk.md)

    tools: list[str] | ToolsPreset | None = attrs.field(default=None, validator=check_tools)
    """The built-in tools the model gets: ``--tools=a,b``; ``[]`` gives none
    (``--tools=``), ``{"type": "preset", "preset": "claude_code"}`` the default
    set (``--tools=default``); ``None`` sends no flag (the default set)."""

    setting_sources: list[SettingSource] | None = attrs.field(
        default=None, validator=check_setting_sources
    )
    """Which settings files the CLI reads: ``--setting-sources=user,project``
    (``[]``: none). ``None`` sends no flag: the CLI reads user, project and local."""

    agents: dict[str, AgentDefinition] | None = attrs.field(default=None, validator=check_agents)
    """Subagents defined in code, by name: sent in ``initialize`` (``agents``),
    ``None`` values dropped. The model starts one with the Agent tool's
    ``subagent_type``."""

    max_budget_usd: float | None = attrs.field(default=None, validator=check_max_budget_usd)
    """Stop the run once it has cost this many dollars: ``--max-budget-usd=<x>``;
    the result is then an ``error_max_budget_usd`` error result."""

    fallback_model: str | None = attrs.field(default=None, validator=check_optional_str)
    """Model(s) to fall back to when the main one is overloaded:
    ``--fallback-model=<m>`` (a comma-separated list is allowed); not ``model``."""

    betas: list[SdkBeta] = attrs.field(factory=list, validator=check_betas)
    """API betas: ``--betas=a,b`` (omitted if empty). CLI 2.1.331 passes only
    ``context-1m-2025-08-07``; ccsdk refuses others rather than see them dropped."""

    thinking: ThinkingConfig | None = attrs.field(default=None, validator=check_thinking)
    """Extended thinking: ``{"type": "adaptive"}`` -> ``--thinking=adaptive``,
    ``{"type": "enabled", "budget_tokens": n}`` -> ``--max-thinking-tokens=<n>``,
    ``{"type": "disabled"}`` -> ``--thinking=disabled``; ``display`` ->
    ``--thinking-display=<d>``. ``None``: the model's default."""

    effort: EffortLevel | None = attrs.field(default=None, validator=check_effort)
    """``--effort=<level>``: low, medium, high, xhigh or max."""

    output_format: OutputFormat | None = attrs.field(default=None, validator=check_output_format)
    """Structured output, ``{"type": "json_schema", "schema": {...}}``: sent in
    ``initialize`` (``jsonSchema``); the result is in
    ``ResultMessage.structured_output``. The schema is checked here."""

    sandbox: SandboxSettings | None = attrs.field(default=None, validator=check_sandbox)
    """The Bash sandbox, merged into the ``--settings`` JSON as ``"sandbox"``
    (with ``failIfUnavailable: true`` added when enabled and not given)."""

    plugins: list[SdkPluginConfig] = attrs.field(factory=list, validator=check_plugins)
    """Local plugins: one ``--plugin-dir=<path>`` each (``--plugin-dir-no-mcp``
    with ``skip_mcp_discovery``)."""

    session_id: str | None = attrs.field(default=None, validator=check_session_id)
    """The new session's id, a UUID: ``--session-id=<id>``. With ``resume`` or
    ``continue_conversation`` it needs ``fork_session``."""

    fork_session: bool = attrs.field(default=False, validator=check_bool)
    """Resume into a new session id instead of the resumed one: ``--fork-session``
    (needs ``resume`` or ``continue_conversation``)."""

    strict_mcp_config: bool = attrs.field(default=False, validator=check_bool)
    """Use only the MCP servers of ``mcp_servers``, none from settings files:
    ``--strict-mcp-config``."""

    enable_file_checkpointing: bool = attrs.field(default=False, validator=check_bool)
    """Let ``rewind_files`` restore files the session changed: sets
    ``CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING=true`` in the CLI's environment."""

    include_hook_events: bool = attrs.field(default=False, validator=check_bool)
    """Stream hook lifecycle frames (``system`` ``hook_started`` /
    ``hook_response``): ``--include-hook-events``."""

    tool_aliases: dict[str, str] | None = attrs.field(default=None, validator=check_tool_aliases)
    """Tool names the model may call, each mapped to the tool that runs
    (``{"Shell": "Bash"}``): sent in ``initialize`` (``toolAliases``)."""

    title: str | None = attrs.field(default=None, validator=check_optional_str)
    """The session's title, in place of a generated one: sent in ``initialize``."""

    persist_session: bool = attrs.field(default=True, validator=check_bool)
    """``False`` keeps the session off disk (it cannot be resumed):
    ``--no-session-persistence``."""

    def __attrs_post_init__(self) -> None:
        check_combinations(self)
        if self.can_use_tool is not None and self.permission_prompt_tool_name is not None:
            raise ValueError(
                "can_use_tool and permission_prompt_tool_name cannot both be set: "
                "can_use_tool answers permission prompts itself (--permission-prompt-tool=stdio)"
            )


#: The name ``claude_agent_sdk`` uses for the same class.
ClaudeAgentOptions = ClaudeCodeOptions
