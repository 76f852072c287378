"""``ClaudeAgentOptions`` and ``ClaudeCodeOptions``: everything that configures one CLI session.

Two standard-library dataclasses, one per official SDK, so code written for
either runs with only the import changed:

* :class:`ClaudeAgentOptions` starts with the 50 fields of
  ``claude_agent_sdk`` 0.2.190, in its order and with its defaults. As there,
  a ``system_prompt`` left at ``None`` sends an *empty* system prompt
  (``--system-prompt=``), not the CLI's own.
* :class:`ClaudeCodeOptions` starts with the 21 fields of ``claude_code_sdk``
  0.0.25, in its order and with its defaults; ``system_prompt=None`` keeps the
  CLI's default prompt, as 0.0.25 did.

After its official fields each class has every other field of the two
(``append_system_prompt`` on the agent class; ``tools``, ``agents``, ``thinking``
... on the code class) and ccsdk's own: the framing bound ``max_line_bytes``,
the three timeouts, ``spawn``, the user-input callbacks, ``tool_aliases``,
``title`` and ``persist_session``. Both classes thus have the same fields,
and the runtime reads either.

Values are checked when they are set: at construction (``replace()``
included) and on every assignment, by the checkers of
:mod:`ccsdk._option_checks`, so a bad value fails here with a ``TypeError`` or
``ValueError`` naming the field, not later as a CLI exit code. Rules across
fields are checked after construction and again when the command line is
built. :mod:`ccsdk.runtime._command` turns the options into argv and
environment, :mod:`ccsdk.runtime._initialize` into the ``initialize`` request.
"""

import dataclasses
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ccsdk._config_types import (
    AgentDefinition,
    CanUseTool,
    EffortLevel,
    HookEvent,
    HookMatcher,
    McpServerConfig,
    PermissionMode,
    SandboxSettings,
    SdkBeta,
    SdkPluginConfig,
    SettingSource,
    SystemPrompt,
    TaskBudget,
    ThinkingConfig,
    ToolsPreset,
)
from ccsdk._option_checks import (
    MIN_MAX_LINE_BYTES,
    check_agents,
    check_betas,
    check_bool,
    check_client_app,
    check_combinations,
    check_dialog_kinds,
    check_effort,
    check_line_bound,
    check_max_budget_usd,
    check_max_turns,
    check_mcp_servers,
    check_non_negative_int,
    check_optional_callable,
    check_optional_str,
    check_output_format,
    check_permission_mode,
    check_plugins,
    check_resume_point,
    check_sandbox,
    check_seconds,
    check_session_id,
    check_session_store,
    check_session_store_flush,
    check_setting_sources,
    check_skills,
    check_str_list,
    check_system_prompt,
    check_task_budget,
    check_thinking,
    check_tool_aliases,
    check_tools,
)
from ccsdk._redact import redact_env
from ccsdk._spawn_types import Spawn
from ccsdk._store_types import SessionStore
from ccsdk._user_input import ElicitationResult, OnElicitation, OnUserDialog
from ccsdk.protocol.framing import DEFAULT_MAX_LINE_BYTES

# OnElicitation names these two in a string; typing.get_type_hints() on the
# options classes looks them up here.
_HINT_NAMES = (ElicitationResult, Mapping)

__all__ = ["MIN_MAX_LINE_BYTES", "ClaudeAgentOptions", "ClaudeCodeOptions", "Options", "line_bound"]

#: When mirrored transcript entries go to ``session_store`` (``claude_agent_sdk``'s
#: ``SessionStoreFlushMode``).
_FlushMode: TypeAlias = Literal["batched", "eager"]

#: The checker of each field that has one; both classes share them.
_CHECKS: dict[str, Callable[[str, Any], None]] = {
    "tools": check_tools,
    "allowed_tools": check_str_list,
    "system_prompt": check_system_prompt,
    "mcp_servers": check_mcp_servers,
    "strict_mcp_config": check_bool,
    "permission_mode": check_permission_mode,
    "session_id": check_session_id,
    "max_turns": check_max_turns,
    "max_budget_usd": check_max_budget_usd,
    "disallowed_tools": check_str_list,
    "fallback_model": check_optional_str,
    "betas": check_betas,
    "add_dirs": check_str_list,
    "max_buffer_size": check_line_bound,
    "stderr": check_optional_callable,
    "can_use_tool": check_optional_callable,
    "include_hook_events": check_bool,
    "forward_subagent_text": check_bool,
    "verbatim_prompts": check_bool,
    "fork_session": check_bool,
    "resume_session_at": check_resume_point,
    "resume_drops_turn": check_resume_point,
    "agents": check_agents,
    "setting_sources": check_setting_sources,
    "skills": check_skills,
    "sandbox": check_sandbox,
    "plugins": check_plugins,
    "max_thinking_tokens": check_non_negative_int,
    "thinking": check_thinking,
    "effort": check_effort,
    "output_format": check_output_format,
    "enable_file_checkpointing": check_bool,
    "session_store": check_session_store,
    "session_store_flush": check_session_store_flush,
    "load_timeout_ms": check_non_negative_int,
    "task_budget": check_task_budget,
    "client_app": check_client_app,
    "on_elicitation": check_optional_callable,
    "on_user_dialog": check_optional_callable,
    "supported_dialog_kinds": check_dialog_kinds,
    "max_line_bytes": check_line_bound,
    "initialize_timeout": check_seconds,
    "control_timeout": check_seconds,
    "close_timeout": check_seconds,
    "max_inbox_bytes": check_line_bound,
    "spawn": check_optional_callable,
    "tool_aliases": check_tool_aliases,
    "title": check_optional_str,
    "persist_session": check_bool,
}

#: The default ``max_inbox_bytes``: what a session reads ahead of its consumer.
DEFAULT_MAX_INBOX_BYTES = 32 * 1024 * 1024


class _Checked:
    """Checks each value as it is set; no fields of its own.

    ``__setattr__`` exists only at run time: declared, it would make mypy
    accept an assignment to any attribute name, a typo included.
    """

    if not TYPE_CHECKING:

        def __setattr__(self, name: str, value: Any) -> None:
            check = _CHECKS.get(name)
            if check is not None:
                check(name, value)
            object.__setattr__(self, name, value)

    def __post_init__(self) -> None:
        check_combinations(self)  # type: ignore[arg-type]  # only the two subclasses


def _repr(self: Any) -> str:
    # The dataclass repr, with the values of secret-looking env keys hidden:
    # options get logged and printed.
    parts: list[str] = []
    for f in dataclasses.fields(self):
        if not f.repr:
            continue
        value = getattr(self, f.name)
        if f.name == "env" and isinstance(value, dict):
            value = redact_env(value)  # pyright: ignore[reportUnknownArgumentType]
        parts.append(f"{f.name}={value!r}")
    return f"{type(self).__qualname__}({', '.join(parts)})"


class _ProcessStderr:
    """The default ``debug_stderr``: whatever ``sys.stderr`` is when written to.

    The official default is ``sys.stderr`` itself, which ``copy.deepcopy``
    cannot copy, so ``dataclasses.asdict`` failed on default options; this
    stand-in is copied as itself.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def __deepcopy__(self, memo: dict[int, Any]) -> "_ProcessStderr":
        return self

    def __repr__(self) -> str:
        return "<sys.stderr>"


_STDERR = _ProcessStderr()


@dataclass
class ClaudeAgentOptions(_Checked):
    """Options for ``query()`` and ``ClaudeSDKClient``, as ``claude_agent_sdk`` 0.2.190 has them.

    Its 50 fields come first, in its order, with its defaults; ccsdk's
    additions follow. ``system_prompt=None`` sends an empty system prompt.
    """

    tools: list[str] | ToolsPreset | None = None
    """The built-in tools the model gets: ``--tools=a,b``; ``[]`` gives none
    (``--tools=``), ``{"type": "preset", "preset": "claude_code"}`` the default
    set (``--tools=default``); ``None`` sends no flag (the default set)."""

    allowed_tools: list[str] = field(default_factory=list[str])
    """Tools the model may use without asking: ``--allowedTools=a,b`` (omitted if
    empty; ``skills`` adds ``Skill`` rules to it)."""

    system_prompt: SystemPrompt | None = None
    """Replaces the CLI's system prompt. A str (or ``{"type": "custom", "prompt": s}``)
    is sent in ``initialize`` (``systemPrompt``), not on the command line;
    ``{"type": "file", "path": p}`` becomes ``--system-prompt-file=<p>``;
    ``{"type": "preset", "preset": "claude_code", "append": s}`` keeps the CLI's
    prompt and appends ``s``. ``None``: an empty system prompt (``--system-prompt=``), as
    ``claude_agent_sdk`` sends it; the CLI's own prompt needs the preset."""

    mcp_servers: dict[str, McpServerConfig] | str | Path = field(
        default_factory=dict[str, McpServerConfig]
    )
    """MCP servers by name: ``--mcp-config=<JSON {"mcpServers": {...}}>`` for a dict
    (in-process SDK servers are named in ``initialize`` instead and run in this
    process), or ``--mcp-config=<value>`` for a str/Path (a file or JSON text)."""

    strict_mcp_config: bool = False
    """Use only the MCP servers of ``mcp_servers``, none from settings files:
    ``--strict-mcp-config``."""

    permission_mode: PermissionMode | None = None
    """``--permission-mode=<m>``; one of default, acceptEdits, plan,
    bypassPermissions, dontAsk, auto (others are refused, as the CLI does)."""

    continue_conversation: bool = False
    """Continue the most recent conversation in ``cwd``: ``--continue``."""

    resume: str | None = None
    """Resume the session with this id: ``--resume=<id>``."""

    session_id: str | None = None
    """The new session's id, a UUID: ``--session-id=<id>``. With ``resume`` or
    ``continue_conversation`` it needs ``fork_session``."""

    max_turns: int | None = None
    """Bound on agentic turns: ``--max-turns=<n>`` (``0`` is sent, not dropped)."""

    max_budget_usd: float | None = None
    """Stop the run once it has cost this many dollars: ``--max-budget-usd=<x>``;
    the result is then an ``error_max_budget_usd`` error result."""

    disallowed_tools: list[str] = field(default_factory=list[str])
    """Tools removed from the model: ``--disallowedTools=a,b`` (omitted if empty)."""

    model: str | None = None
    """``--model=<m>``; ``None`` lets the CLI choose."""

    fallback_model: str | None = None
    """Model(s) to fall back to when the main one is overloaded:
    ``--fallback-model=<m>`` (a comma-separated list is allowed); not ``model``."""

    betas: list[SdkBeta] = field(default_factory=list[SdkBeta])
    """API betas: ``--betas=a,b`` (omitted if empty). CLI 2.1.331 passes only
    ``context-1m-2025-08-07``; ccsdk refuses others rather than see them dropped."""

    permission_prompt_tool_name: str | None = None
    """An MCP tool that answers permission prompts: ``--permission-prompt-tool=<name>``.
    Cannot be combined with ``can_use_tool`` (which uses ``stdio``)."""

    cwd: str | Path | None = None
    """The CLI's working directory (the child's cwd, and ``PWD`` in its environment)."""

    cli_path: str | Path | None = None
    """The ``claude`` executable to run; ``None`` searches ``CCSDK_CLI_PATH``,
    ``PATH`` and the usual install places (:func:`ccsdk.runtime._discovery.find_cli`)."""

    settings: str | None = None
    """A settings file or JSON text: ``--settings=<s>``."""

    add_dirs: list[str | Path] = field(default_factory=list[str | Path])
    """Extra directories the CLI may access: one ``--add-dir=<d>`` each."""

    env: dict[str, str] = field(default_factory=dict[str, str])
    """Environment for the CLI, over the inherited one; these values win over
    everything ccsdk sets but ``client_app`` (see
    :func:`ccsdk.runtime._command.build_env`). Secret-looking values are
    hidden in the repr."""

    extra_args: dict[str, str | None] = field(default_factory=dict[str, str | None])
    """Any other CLI flag, name without dashes: ``{"k": None}`` -> ``--k``,
    ``{"k": "v"}`` -> ``--k=v``; appended after the flags above."""

    max_buffer_size: int | None = None
    """``claude_agent_sdk``'s bound on one stdout line, in bytes. When set it
    replaces ``max_line_bytes``; ``None`` (the default) leaves ``max_line_bytes``
    (64 MiB) in force, not ``claude_agent_sdk``'s 1 MiB."""

    debug_stderr: Any = _STDERR
    """Kept for compatibility (a file-like object): when ``extra_args`` contains
    ``debug-to-stderr``, each stderr line of the CLI is also written here
    (by default to ``sys.stderr`` as it is then). Prefer ``stderr``."""

    stderr: Callable[[str], None] | None = None
    """Called with each line the CLI writes to stderr, newline stripped. stderr
    is always drained (its tail goes into ``ProcessError``) whether or not this is set."""

    can_use_tool: CanUseTool | None = None
    """Async callback asked before each tool use that needs permission; adds
    ``--permission-prompt-tool=stdio`` and is served over the control protocol."""

    hooks: dict[HookEvent, list[HookMatcher]] | None = None
    """Hook callbacks by event; registered in ``initialize`` (with each matcher's
    ``timeout`` and ``onFailure``), called through the CLI's ``hook_callback``
    requests."""

    user: str | None = None
    """The OS user the CLI runs as (needs privileges); not a CLI flag."""

    include_partial_messages: bool = False
    """Stream partial output as ``StreamEvent`` messages: ``--include-partial-messages``."""

    include_hook_events: bool = False
    """Stream hook lifecycle frames (``system`` ``hook_started`` /
    ``hook_response``): ``--include-hook-events``."""

    forward_subagent_text: bool = False
    """Also stream a subagent's text and thinking blocks (with its
    ``parent_tool_use_id``), not only its tool use: ``forwardSubagentText: true``
    in ``initialize``, as ``claude_agent_sdk`` sends it."""

    verbatim_prompts: bool = False
    """Deliver every prompt as written: each user message sent is marked
    ``client_composed: true``, so the CLI expands no ``@path`` mention and
    dispatches no slash command (CLI 2.1.248 or later)."""

    fork_session: bool = False
    """Resume into a new session id instead of the resumed one: ``--fork-session``
    (needs ``resume`` or ``continue_conversation``)."""

    resume_session_at: str | None = None
    """With ``resume``: load the conversation only up to the message with this
    uuid: ``--resume-session-at=<uuid>``."""

    resume_drops_turn: str | None = None
    """With ``resume_session_at``: the uuid of the user prompt whose turn the
    truncation drops; the CLI refuses the resume if anything else would be
    dropped: ``--resume-drops-turn=<uuid>`` (sent even when empty)."""

    agents: dict[str, AgentDefinition] | None = None
    """Subagents defined in code, by name: sent in ``initialize`` (``agents``),
    ``None`` values dropped. The model starts one with the Agent tool's
    ``subagent_type``."""

    setting_sources: list[SettingSource] | None = None
    """Which settings files the CLI reads: ``--setting-sources=user,project``
    (``[]``: none). ``None`` sends no flag: the CLI reads user, project and local
    (with ``skills`` set: user and project)."""

    skills: list[str] | Literal["all"] | None = None
    """Skills for the main session: ``"all"`` adds ``Skill`` to ``--allowedTools``,
    a list adds ``Skill(name)`` for each and is sent in ``initialize``
    (``skills``) so that only those are listed; either way ``setting_sources``
    defaults to user and project. ``None``: the CLI's own defaults."""

    sandbox: SandboxSettings | None = None
    """The Bash sandbox, merged into the ``--settings`` JSON as ``"sandbox"``
    (with ``failIfUnavailable: true`` added when enabled and not given)."""

    plugins: list[SdkPluginConfig] = field(default_factory=list[SdkPluginConfig])
    """Local plugins: one ``--plugin-dir=<path>`` each (``--plugin-dir-no-mcp``
    with ``skip_mcp_discovery``)."""

    max_thinking_tokens: int | None = None
    """Deprecated upstream in favour of ``thinking``: ``--max-thinking-tokens=<n>``
    when ``thinking`` is ``None``."""

    thinking: ThinkingConfig | None = None
    """Extended thinking: ``{"type": "adaptive"}`` -> ``--thinking=adaptive``,
    ``{"type": "enabled", "budget_tokens": n}`` -> ``--max-thinking-tokens=<n>``,
    ``{"type": "disabled"}`` -> ``--thinking=disabled``; ``display`` ->
    ``--thinking-display=<d>``. ``None``: the model's default."""

    effort: EffortLevel | None = None
    """``--effort=<level>``: low, medium, high, xhigh or max."""

    output_format: dict[str, Any] | None = None
    """Structured output, ``{"type": "json_schema", "schema": {...}}``: sent in
    ``initialize`` (``jsonSchema``); the result is in
    ``ResultMessage.structured_output``. The schema is checked here."""

    enable_file_checkpointing: bool = False
    """Let ``rewind_files`` restore files the session changed: sets
    ``CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING=true`` in the CLI's environment."""

    session_store: SessionStore | None = None
    """Mirror the transcript to this store (``--session-mirror``), and resume
    from it with ``resume`` / ``continue_conversation``: see
    ``docs/session-stores.md``."""

    session_store_flush: _FlushMode = "batched"
    """``"batched"`` or ``"eager"``; read only with a ``session_store``."""

    load_timeout_ms: int = 60_000
    """Bound, in ms, on each session-store read during a resume; read only with
    a ``session_store``."""

    task_budget: TaskBudget | None = None
    """An API-side token budget the model paces itself by, ``{"total": n}``:
    ``--task-budget=<n>``."""

    client_app: str | None = None
    """Your app's name for the API's User-Agent (``"my-app/1.0.0"``): sets
    ``CLAUDE_AGENT_SDK_CLIENT_APP`` in the CLI's environment, over ``env``;
    ``""`` sends none."""

    # ---- beyond the official fields: the other SDK's and ccsdk's own ----

    append_system_prompt: str | None = None
    """Appended to the system prompt; sent in ``initialize`` (``appendSystemPrompt``)."""

    on_elicitation: OnElicitation | None = None
    """Async callback answering an MCP server's question to the user (the CLI's
    ``elicitation`` request): takes an :class:`~ccsdk.ElicitationRequest`, returns an
    :class:`~ccsdk.ElicitationResult`. ``None``: every elicitation is declined."""

    on_user_dialog: OnUserDialog | None = None
    """Async callback showing one of the CLI's dialogs (``request_user_dialog``):
    takes a :class:`~ccsdk.UserDialogRequest`, returns
    :class:`~ccsdk.UserDialogCompleted` or :class:`~ccsdk.UserDialogCancelled`.
    The CLI sends only the kinds in ``supported_dialog_kinds``."""

    supported_dialog_kinds: list[str] = field(default_factory=list[str])
    """The dialog kinds ``on_user_dialog`` can show (``"refusal_fallback_prompt"``, ...):
    sent in ``initialize`` (``supportedDialogKinds``). Needs ``on_user_dialog``."""

    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    """The longest stdout line accepted, in bytes; a longer one is a
    ``LineTooLongError``. Images and big tool results arrive as single lines."""

    initialize_timeout: float = 60.0
    """Seconds to wait for the CLI's answer to ``initialize``."""

    control_timeout: float = 60.0
    """Seconds to wait for the answer to any other control request (interrupt,
    set_permission_mode, ...), unless the call passes its own."""

    close_timeout: float = 5.0
    """Grace period, in seconds, for each teardown step: after closing stdin
    before SIGTERM, and after SIGTERM before SIGKILL."""

    max_inbox_bytes: int = DEFAULT_MAX_INBOX_BYTES
    """How many bytes of the CLI's output a session's reader task holds for a
    consumer that is not reading (``open_session``, and ``ClaudeSDKClient``
    with callbacks). At the bound it stops reading stdout, so the pipe holds
    the CLI back; requests already read are still served, and reading goes on
    while one of your control requests waits for its answer, and again once
    you have taken messages."""

    spawn: Spawn | None = None
    """Starts the CLI process in place of a local child: an async function
    taking a :class:`~ccsdk.runtime._spawn.SpawnRequest` and returning a
    :class:`~ccsdk.runtime._spawn.SpawnedProcess` (see docs/remote-cli.md)."""

    tool_aliases: dict[str, str] | None = None
    """Tool names the model may call, each mapped to the tool that runs
    (``{"Shell": "Bash"}``): sent in ``initialize`` (``toolAliases``)."""

    title: str | None = None
    """The session's title, in place of a generated one: sent in ``initialize``."""

    persist_session: bool = True
    """``False`` keeps the session off disk (it cannot be resumed):
    ``--no-session-persistence``."""

    __repr__ = _repr


@dataclass
class ClaudeCodeOptions(_Checked):
    """Options for ``query()`` and ``ClaudeSDKClient``, as ``claude_code_sdk`` 0.0.25 has them.

    Its 21 fields come first, in its order, with its defaults; the fields
    of ``claude_agent_sdk`` and ccsdk's additions follow.
    ``system_prompt=None`` keeps the CLI's default system prompt.
    """

    allowed_tools: list[str] = field(default_factory=list[str])
    """Tools the model may use without asking: ``--allowedTools=a,b`` (omitted if
    empty; ``skills`` adds ``Skill`` rules to it)."""

    system_prompt: SystemPrompt | None = None
    """Replaces the CLI's system prompt. A str (or ``{"type": "custom", "prompt": s}``)
    is sent in ``initialize`` (``systemPrompt``), not on the command line;
    ``{"type": "file", "path": p}`` becomes ``--system-prompt-file=<p>``;
    ``{"type": "preset", "preset": "claude_code", "append": s}`` keeps the CLI's
    prompt and appends ``s``. ``None``: nothing is sent and the CLI uses its own default
    prompt, as in ``claude_code_sdk`` 0.0.25."""

    append_system_prompt: str | None = None
    """Appended to the system prompt; sent in ``initialize`` (``appendSystemPrompt``)."""

    mcp_servers: dict[str, McpServerConfig] | str | Path = field(
        default_factory=dict[str, McpServerConfig]
    )
    """MCP servers by name: ``--mcp-config=<JSON {"mcpServers": {...}}>`` for a dict
    (in-process SDK servers are named in ``initialize`` instead and run in this
    process), or ``--mcp-config=<value>`` for a str/Path (a file or JSON text)."""

    permission_mode: PermissionMode | None = None
    """``--permission-mode=<m>``; one of default, acceptEdits, plan,
    bypassPermissions, dontAsk, auto (others are refused, as the CLI does)."""

    continue_conversation: bool = False
    """Continue the most recent conversation in ``cwd``: ``--continue``."""

    resume: str | None = None
    """Resume the session with this id: ``--resume=<id>``."""

    max_turns: int | None = None
    """Bound on agentic turns: ``--max-turns=<n>`` (``0`` is sent, not dropped)."""

    disallowed_tools: list[str] = field(default_factory=list[str])
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

    add_dirs: list[str | Path] = field(default_factory=list[str | Path])
    """Extra directories the CLI may access: one ``--add-dir=<d>`` each."""

    env: dict[str, str] = field(default_factory=dict[str, str])
    """Environment for the CLI, over the inherited one; these values win over
    everything ccsdk sets but ``client_app`` (see
    :func:`ccsdk.runtime._command.build_env`). Secret-looking values are
    hidden in the repr."""

    extra_args: dict[str, str | None] = field(default_factory=dict[str, str | None])
    """Any other CLI flag, name without dashes: ``{"k": None}`` -> ``--k``,
    ``{"k": "v"}`` -> ``--k=v``; appended after the flags above."""

    debug_stderr: Any = _STDERR
    """Kept for compatibility (a file-like object): when ``extra_args`` contains
    ``debug-to-stderr``, each stderr line of the CLI is also written here
    (by default to ``sys.stderr`` as it is then). Prefer ``stderr``."""

    can_use_tool: CanUseTool | None = None
    """Async callback asked before each tool use that needs permission; adds
    ``--permission-prompt-tool=stdio`` and is served over the control protocol."""

    hooks: dict[HookEvent, list[HookMatcher]] | None = None
    """Hook callbacks by event; registered in ``initialize`` (with each matcher's
    ``timeout`` and ``onFailure``), called through the CLI's ``hook_callback``
    requests."""

    user: str | None = None
    """The OS user the CLI runs as (needs privileges); not a CLI flag."""

    include_partial_messages: bool = False
    """Stream partial output as ``StreamEvent`` messages: ``--include-partial-messages``."""

    # ---- beyond the official fields: the other SDK's and ccsdk's own ----

    cli_path: str | Path | None = None
    """The ``claude`` executable to run; ``None`` searches ``CCSDK_CLI_PATH``,
    ``PATH`` and the usual install places (:func:`ccsdk.runtime._discovery.find_cli`)."""

    stderr: Callable[[str], None] | None = None
    """Called with each line the CLI writes to stderr, newline stripped. stderr
    is always drained (its tail goes into ``ProcessError``) whether or not this is set."""

    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    """The longest stdout line accepted, in bytes; a longer one is a
    ``LineTooLongError``. Images and big tool results arrive as single lines."""

    initialize_timeout: float = 60.0
    """Seconds to wait for the CLI's answer to ``initialize``."""

    control_timeout: float = 60.0
    """Seconds to wait for the answer to any other control request (interrupt,
    set_permission_mode, ...), unless the call passes its own."""

    close_timeout: float = 5.0
    """Grace period, in seconds, for each teardown step: after closing stdin
    before SIGTERM, and after SIGTERM before SIGKILL."""

    max_inbox_bytes: int = DEFAULT_MAX_INBOX_BYTES
    """How many bytes of the CLI's output a session's reader task holds for a
    consumer that is not reading (``open_session``, and ``ClaudeSDKClient``
    with callbacks). At the bound it stops reading stdout, so the pipe holds
    the CLI back; requests already read are still served, and reading goes on
    while one of your control requests waits for its answer, and again once
    you have taken messages."""

    spawn: Spawn | None = None
    """Starts the CLI process in place of a local child: an async function
    taking a :class:`~ccsdk.runtime._spawn.SpawnRequest` and returning a
    :class:`~ccsdk.runtime._spawn.SpawnedProcess` (see docs/remote-cli.md)."""

    tools: list[str] | ToolsPreset | None = None
    """The built-in tools the model gets: ``--tools=a,b``; ``[]`` gives none
    (``--tools=``), ``{"type": "preset", "preset": "claude_code"}`` the default
    set (``--tools=default``); ``None`` sends no flag (the default set)."""

    setting_sources: list[SettingSource] | None = None
    """Which settings files the CLI reads: ``--setting-sources=user,project``
    (``[]``: none). ``None`` sends no flag: the CLI reads user, project and local
    (with ``skills`` set: user and project)."""

    agents: dict[str, AgentDefinition] | None = None
    """Subagents defined in code, by name: sent in ``initialize`` (``agents``),
    ``None`` values dropped. The model starts one with the Agent tool's
    ``subagent_type``."""

    max_budget_usd: float | None = None
    """Stop the run once it has cost this many dollars: ``--max-budget-usd=<x>``;
    the result is then an ``error_max_budget_usd`` error result."""

    fallback_model: str | None = None
    """Model(s) to fall back to when the main one is overloaded:
    ``--fallback-model=<m>`` (a comma-separated list is allowed); not ``model``."""

    betas: list[SdkBeta] = field(default_factory=list[SdkBeta])
    """API betas: ``--betas=a,b`` (omitted if empty). CLI 2.1.331 passes only
    ``context-1m-2025-08-07``; ccsdk refuses others rather than see them dropped."""

    thinking: ThinkingConfig | None = None
    """Extended thinking: ``{"type": "adaptive"}`` -> ``--thinking=adaptive``,
    ``{"type": "enabled", "budget_tokens": n}`` -> ``--max-thinking-tokens=<n>``,
    ``{"type": "disabled"}`` -> ``--thinking=disabled``; ``display`` ->
    ``--thinking-display=<d>``. ``None``: the model's default."""

    effort: EffortLevel | None = None
    """``--effort=<level>``: low, medium, high, xhigh or max."""

    output_format: dict[str, Any] | None = None
    """Structured output, ``{"type": "json_schema", "schema": {...}}``: sent in
    ``initialize`` (``jsonSchema``); the result is in
    ``ResultMessage.structured_output``. The schema is checked here."""

    sandbox: SandboxSettings | None = None
    """The Bash sandbox, merged into the ``--settings`` JSON as ``"sandbox"``
    (with ``failIfUnavailable: true`` added when enabled and not given)."""

    plugins: list[SdkPluginConfig] = field(default_factory=list[SdkPluginConfig])
    """Local plugins: one ``--plugin-dir=<path>`` each (``--plugin-dir-no-mcp``
    with ``skip_mcp_discovery``)."""

    session_id: str | None = None
    """The new session's id, a UUID: ``--session-id=<id>``. With ``resume`` or
    ``continue_conversation`` it needs ``fork_session``."""

    fork_session: bool = False
    """Resume into a new session id instead of the resumed one: ``--fork-session``
    (needs ``resume`` or ``continue_conversation``)."""

    strict_mcp_config: bool = False
    """Use only the MCP servers of ``mcp_servers``, none from settings files:
    ``--strict-mcp-config``."""

    enable_file_checkpointing: bool = False
    """Let ``rewind_files`` restore files the session changed: sets
    ``CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING=true`` in the CLI's environment."""

    include_hook_events: bool = False
    """Stream hook lifecycle frames (``system`` ``hook_started`` /
    ``hook_response``): ``--include-hook-events``."""

    tool_aliases: dict[str, str] | None = None
    """Tool names the model may call, each mapped to the tool that runs
    (``{"Shell": "Bash"}``): sent in ``initialize`` (``toolAliases``)."""

    title: str | None = None
    """The session's title, in place of a generated one: sent in ``initialize``."""

    persist_session: bool = True
    """``False`` keeps the session off disk (it cannot be resumed):
    ``--no-session-persistence``."""

    on_elicitation: OnElicitation | None = None
    """Async callback answering an MCP server's question to the user (the CLI's
    ``elicitation`` request): takes an :class:`~ccsdk.ElicitationRequest`, returns an
    :class:`~ccsdk.ElicitationResult`. ``None``: every elicitation is declined."""

    on_user_dialog: OnUserDialog | None = None
    """Async callback showing one of the CLI's dialogs (``request_user_dialog``):
    takes a :class:`~ccsdk.UserDialogRequest`, returns
    :class:`~ccsdk.UserDialogCompleted` or :class:`~ccsdk.UserDialogCancelled`.
    The CLI sends only the kinds in ``supported_dialog_kinds``."""

    supported_dialog_kinds: list[str] = field(default_factory=list[str])
    """The dialog kinds ``on_user_dialog`` can show (``"refusal_fallback_prompt"``, ...):
    sent in ``initialize`` (``supportedDialogKinds``). Needs ``on_user_dialog``."""

    max_buffer_size: int | None = None
    """``claude_agent_sdk``'s bound on one stdout line, in bytes. When set it
    replaces ``max_line_bytes``; ``None`` (the default) leaves ``max_line_bytes``
    (64 MiB) in force, not ``claude_agent_sdk``'s 1 MiB."""

    forward_subagent_text: bool = False
    """Also stream a subagent's text and thinking blocks (with its
    ``parent_tool_use_id``), not only its tool use: ``forwardSubagentText: true``
    in ``initialize``, as ``claude_agent_sdk`` sends it."""

    verbatim_prompts: bool = False
    """Deliver every prompt as written: each user message sent is marked
    ``client_composed: true``, so the CLI expands no ``@path`` mention and
    dispatches no slash command (CLI 2.1.248 or later)."""

    resume_session_at: str | None = None
    """With ``resume``: load the conversation only up to the message with this
    uuid: ``--resume-session-at=<uuid>``."""

    resume_drops_turn: str | None = None
    """With ``resume_session_at``: the uuid of the user prompt whose turn the
    truncation drops; the CLI refuses the resume if anything else would be
    dropped: ``--resume-drops-turn=<uuid>`` (sent even when empty)."""

    skills: list[str] | Literal["all"] | None = None
    """Skills for the main session: ``"all"`` adds ``Skill`` to ``--allowedTools``,
    a list adds ``Skill(name)`` for each and is sent in ``initialize``
    (``skills``) so that only those are listed; either way ``setting_sources``
    defaults to user and project. ``None``: the CLI's own defaults."""

    max_thinking_tokens: int | None = None
    """Deprecated upstream in favour of ``thinking``: ``--max-thinking-tokens=<n>``
    when ``thinking`` is ``None``."""

    session_store: SessionStore | None = None
    """Mirror the transcript to this store (``--session-mirror``), and resume
    from it with ``resume`` / ``continue_conversation``: see
    ``docs/session-stores.md``."""

    session_store_flush: _FlushMode = "batched"
    """``"batched"`` or ``"eager"``; read only with a ``session_store``."""

    load_timeout_ms: int = 60_000
    """Bound, in ms, on each session-store read during a resume; read only with
    a ``session_store``."""

    task_budget: TaskBudget | None = None
    """An API-side token budget the model paces itself by, ``{"total": n}``:
    ``--task-budget=<n>``."""

    client_app: str | None = None
    """Your app's name for the API's User-Agent (``"my-app/1.0.0"``): sets
    ``CLAUDE_AGENT_SDK_CLIENT_APP`` in the CLI's environment, over ``env``;
    ``""`` sends none."""

    __repr__ = _repr


#: Either options class: everything that reads options takes both.
Options: TypeAlias = ClaudeAgentOptions | ClaudeCodeOptions


def line_bound(options: Options) -> int:
    """The bound on one stdout line: ``max_buffer_size`` when set, else ``max_line_bytes``."""
    return options.max_line_bytes if options.max_buffer_size is None else options.max_buffer_size
