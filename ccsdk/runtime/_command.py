"""The CLI's argv and environment, built from ``Options``.

Pure functions, so the exact command line is testable and loggable (the
one read: a ``settings`` file that ``sandbox`` must be merged into).

**argv.** Always the streaming form, never ``--print``::

    <cli> --output-format stream-json --verbose
          [--system-prompt= | --system-prompt-file=P] [--tools=a,b|default]
          [--allowedTools=a,b] [--max-turns=N] [--max-budget-usd=X]
          [--disallowedTools=a,b] [--task-budget=N] [--model=M]
          [--fallback-model=M] [--betas=a,b]
          [--thinking=adaptive|enabled|disabled | --max-thinking-tokens=N]
          [--thinking-display=D] [--effort=E]
          [--permission-prompt-tool=T] [--permission-mode=P] [--continue]
          [--resume=ID] [--session-id=UUID] [--fork-session]
          [--resume-session-at=UUID] [--resume-drops-turn=UUID] [--no-session-persistence]
          [--settings=PATH | --initialize-fields=settings] [--setting-sources=a,b] [--add-dir=D]...
          [--mcp-config=PATH | --await-initialize] [--strict-mcp-config] [--plugin-dir=P]...
          [--include-partial-messages] [--include-hook-events] [--<extra>[=V]]...
          --input-format stream-json

Every value is joined to its flag with ``=``, so a value that starts with
``-`` (a ``resume`` of ``--dangerous``, say) stays one argument and cannot be
read as another flag; the official SDK passed ``--resume <id>`` as two
tokens. Optional values are tested with ``is None``, so ``max_turns=0`` and
``tools=[]`` are sent. ``ClaudeAgentOptions`` with no ``system_prompt`` sends
``--system-prompt=`` (an empty prompt), as claude_agent_sdk does;
``ClaudeCodeOptions`` sends nothing (the CLI's prompt), as claude_code_sdk
did. ``skills`` adds ``Skill`` rules to ``--allowedTools`` and, when
``setting_sources`` is ``None``, ``--setting-sources=user,project``;
``max_thinking_tokens`` is ``--max-thinking-tokens`` when ``thinking`` is
unset. The system prompt (but for the empty and file forms), agents,
the output schema, tool aliases, the title and the names of in-process MCP
servers are not flags: they go in the ``initialize`` request
(:mod:`ccsdk.runtime._initialize`). ``can_use_tool`` adds
``--permission-prompt-tool=stdio``.

**MCP servers never go on the command line as JSON**: a server's ``env``, an
HTTP server's ``headers`` and a token in its URL would be readable there by
every user of the machine (``/proc/PID/cmdline``, ``ps``). The servers the
CLI runs or connects to (a ``mcp_servers`` dict, or a ``mcp_servers`` str
holding JSON text) go in ``initialize.mcpServers`` instead, and argv gets
``--await-initialize``: CLI 2.1.326 and later then read that first stdin
line at launch and treat its servers as one ``--mcp-config`` item (so
``--strict-mcp-config`` keeps its meaning), and say so in
``mcp_servers_applied``, which :func:`ccsdk.runtime._initialize.check_answer`
requires. The one difference from ``--mcp-config``, in the CLI's own
words: "a Claude Code process this one starts is not handed them". A CLI
older than 2.1.326 does not know ``--await-initialize``: it fails to start
(a ``ProcessError``), or answers without ``mcp_servers_applied`` and
``check_answer`` refuses it; give such a CLI a config file path instead.
In-process (SDK) servers are only named, in
``initialize.sdkMcpServers`` (the ``instance`` never leaves). A
``mcp_servers`` path stays ``--mcp-config=PATH``: the file is the caller's.
Settings given as JSON text (their ``env`` can hold secrets too) take the
same road: ``initialize.settings`` with ``--initialize-fields=settings`` (the
CLI answers ``settings_applied``); a settings file stays ``--settings=PATH``.
``sandbox`` is merged into the settings object (the CLI keeps only one), a
settings file being read for that.

**Environment.** ``build_env(options, base)`` returns, in this order of
precedence (later wins):

1. ``base`` (normally ``os.environ``) without ``CLAUDECODE``, the variable
   that makes a CLI think it runs nested inside another Claude Code;
2. ``CLAUDE_CODE_ENTRYPOINT=sdk-py`` (the CLI reports it in its user-agent),
   ``CLAUDE_CODE_SDK_READS_SESSION_STATE=1`` (asks for the
   ``session_state_changed`` frames) and, when ``cwd`` is set,
   ``PWD=<absolute cwd>``;
   ``TRACEPARENT`` / ``TRACESTATE`` of the active OpenTelemetry span, if the
   application imported opentelemetry and a span is active (they replace
   inherited ones; see :mod:`ccsdk.runtime._tracing`);
3. ``options.env``: the caller's explicit values win over everything
   but ``client_app``, which then sets ``CLAUDE_AGENT_SDK_CLIENT_APP``
   (``CLAUDE_AGENT_SDK_DERIVED_CLIENT_APP`` is always removed, as
   claude_agent_sdk removes it);
4. ``CCSDK_PROCESS_TAG=<random>``, set by the transport after all that: a
   mark that the CLI's descendants inherit, so that teardown can find a
   Bash the CLI started in a session of its own after the CLI itself died
   (see :mod:`ccsdk.runtime._process`).

:mod:`ccsdk._redact` hides secrets before logging.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from ccsdk._option_checks import check_combinations
from ccsdk._options import ClaudeAgentOptions, Options
from ccsdk.runtime._tracing import add_trace_context

__all__ = ["build_argv", "build_env", "mcp_wire_servers", "sends_settings", "settings_object"]


def build_argv(options: Options, cli_path: str) -> list[str]:
    """Return the argv that starts ``cli_path`` with ``options``.

    Raises ``ValueError`` for fields that cannot go together (see
    :func:`ccsdk._option_checks.check_combinations`; they may have been
    assigned one by one after construction), for an ``extra_args`` name that
    is empty or starts with ``-``, and for ``sandbox`` with a ``settings``
    file that cannot be read as JSON.
    """
    o = options
    check_combinations(o)
    argv = [cli_path, "--output-format", "stream-json", "--verbose"]

    def flag(name: str, value: object) -> None:
        argv.append(f"--{name}={value}")

    # A str, custom or preset system prompt goes in initialize (see
    # ccsdk.runtime._initialize); only the file form is a flag.
    prompt = o.system_prompt
    if prompt is None and isinstance(o, ClaudeAgentOptions):
        # claude_agent_sdk's default: an empty system prompt, not the CLI's.
        flag("system-prompt", "")
    elif prompt is not None and not isinstance(prompt, str) and prompt["type"] == "file":
        flag("system-prompt-file", os.fspath(prompt["path"]))
    if o.tools is not None:
        flag("tools", "default" if isinstance(o.tools, Mapping) else ",".join(o.tools))
    allowed_tools, setting_sources = _skills_defaults(o)
    if allowed_tools:
        flag("allowedTools", ",".join(allowed_tools))
    if o.max_turns is not None:
        flag("max-turns", o.max_turns)
    if o.max_budget_usd is not None:
        flag("max-budget-usd", o.max_budget_usd)
    if o.disallowed_tools:
        flag("disallowedTools", ",".join(o.disallowed_tools))
    if o.task_budget is not None:
        flag("task-budget", o.task_budget["total"])
    if o.model is not None:
        flag("model", o.model)
    if o.fallback_model is not None:
        flag("fallback-model", o.fallback_model)
    if o.betas:
        flag("betas", ",".join(o.betas))
    _thinking_flags(o, flag)
    if o.effort is not None:
        flag("effort", o.effort)

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
    if getattr(o, "session_store", None) is not None:
        # The CLI writes each transcript line as a transcript_mirror frame too.
        argv.append("--session-mirror")
    if o.resume is not None:
        flag("resume", o.resume)
    if o.session_id is not None:
        flag("session-id", o.session_id)
    if o.fork_session:
        argv.append("--fork-session")
    if o.resume_session_at is not None:
        flag("resume-session-at", o.resume_session_at)
    if o.resume_drops_turn is not None:
        # Sent even when empty, as claude_agent_sdk does: the CLI then refuses
        # it, rather than the guard the caller armed being silently dropped.
        flag("resume-drops-turn", o.resume_drops_turn)
    if not o.persist_session:
        argv.append("--no-session-persistence")
    settings = _settings(o)
    # Settings as JSON may carry secrets (their "env"): they go in initialize
    # (settings_object), and argv names only the field; a path stays a path.
    await_initialize = False
    if _json_object(settings) is not None:
        argv.append("--initialize-fields=settings")
        await_initialize = True
    elif settings is not None:
        flag("settings", settings)
    if setting_sources is not None:
        flag("setting-sources", ",".join(setting_sources))
    for directory in o.add_dirs:
        flag("add-dir", os.fspath(directory))

    mcp_path = _mcp_config_path(o.mcp_servers)
    if mcp_path is not None:
        flag("mcp-config", mcp_path)
    elif mcp_wire_servers(o.mcp_servers):
        await_initialize = True
    if await_initialize:
        argv.append("--await-initialize")
    if o.strict_mcp_config:
        argv.append("--strict-mcp-config")
    for plugin in o.plugins:
        name = "plugin-dir-no-mcp" if plugin.get("skip_mcp_discovery") else "plugin-dir"
        flag(name, os.fspath(plugin["path"]))
    if o.include_partial_messages:
        argv.append("--include-partial-messages")
    if o.include_hook_events:
        argv.append("--include-hook-events")

    for name, value in o.extra_args.items():
        if not name or name.startswith("-"):
            raise ValueError(f"extra_args name {name!r}: give the flag name without leading dashes")
        argv.append(f"--{name}" if value is None else f"--{name}={value}")

    argv += ["--input-format", "stream-json"]
    return argv


def _thinking_flags(o: Options, flag: Callable[[str, object], None]) -> None:
    thinking = o.thinking
    if thinking is None:
        if o.max_thinking_tokens is not None:
            flag("max-thinking-tokens", o.max_thinking_tokens)
        return
    if thinking["type"] == "enabled" and "budget_tokens" in thinking:
        # --thinking would win over the budget (the CLI's rule), so it is left out.
        flag("max-thinking-tokens", thinking["budget_tokens"])
    else:
        flag("thinking", thinking["type"])
    if thinking["type"] != "disabled" and "display" in thinking:
        flag("thinking-display", thinking["display"])


def _skills_defaults(o: Options) -> tuple[list[str], list[str] | None]:
    """``allowed_tools`` and ``setting_sources`` with what ``skills`` adds.

    As in claude_agent_sdk: ``"all"`` adds ``Skill``, a list adds
    ``Skill(name)`` for each, and either makes ``setting_sources`` default
    to user and project, where skills are found. The options are not changed.
    """
    allowed = list(o.allowed_tools)
    sources: list[str] | None = None if o.setting_sources is None else list(o.setting_sources)
    if o.skills is None:
        return allowed, sources
    wanted = ["Skill"] if o.skills == "all" else [f"Skill({name})" for name in o.skills]
    allowed += [rule for rule in wanted if rule not in allowed]
    return allowed, ["user", "project"] if sources is None else sources


def _settings(o: Options) -> str | None:
    """``--settings``: as given, or merged with ``sandbox`` into one JSON object.

    The CLI keeps only the last ``--settings``, so a sandbox cannot ride in
    a second one: a settings file is read here (relative to ``cwd``, as
    the CLI would) and merged. This is the one file build_argv reads.
    """
    if o.sandbox is None:
        return o.settings
    base: dict[str, Any] = {}
    if o.settings is not None and o.settings.strip():
        text = o.settings
        if not text.lstrip().startswith("{"):
            path = Path(text)
            if not path.is_absolute() and o.cwd is not None:
                path = Path(o.cwd) / path
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                message = f"settings file {str(path)!r} (to merge sandbox into): {exc}"
                raise ValueError(message) from None
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            message = f"settings is not JSON, so sandbox cannot be merged in: {exc}"
            raise ValueError(message) from None
        if not isinstance(loaded, dict):
            raise ValueError("settings must be a JSON object to merge sandbox into")
        base = cast("dict[str, Any]", loaded)
    sandbox = dict(o.sandbox)
    if sandbox.get("enabled") is True:
        # Fail closed: without this, CLI 2.1.331 runs commands unsandboxed
        # (with a warning on stderr) when the sandbox cannot start.
        sandbox.setdefault("failIfUnavailable", True)
    return json.dumps({**base, "sandbox": sandbox}, separators=(",", ":"))


def settings_object(o: Options) -> dict[str, Any] | None:
    """The settings for ``initialize.settings``: ``settings`` given as a JSON
    object (merged with ``sandbox``), or ``sandbox`` alone; ``None`` for none,
    and for a settings file with no sandbox, which stays ``--settings=PATH``.

    JSON text that does not parse to an object is not delivered this way: it
    goes on ``--settings`` as given, for the CLI to refuse in its own words.
    """
    return _json_object(_settings(o))


def sends_settings(o: Options) -> bool:
    """Whether :func:`settings_object` gives settings to send, without reading a
    settings file: with ``sandbox`` there always are (a file that cannot be
    merged is an error at :func:`build_argv` already)."""
    return o.sandbox is not None or _json_object(o.settings) is not None


def _json_object(text: str | None) -> dict[str, Any] | None:
    """``text`` parsed, if it is JSON text of an object; else ``None``."""
    if text is None or not text.lstrip().startswith("{"):
        return None
    try:
        loaded = json.loads(text)
    except ValueError:
        return None
    return cast("dict[str, Any]", loaded) if isinstance(loaded, dict) else None


def _mcp_config_path(servers: Mapping[str, Any] | str | Path) -> str | None:
    """``--mcp-config`` for a ``mcp_servers`` that names a file, else ``None``.

    JSON text is not a path: it goes in ``initialize`` (:func:`mcp_wire_servers`).
    """
    if isinstance(servers, Mapping) or _mcp_json(servers) is not None:
        return None
    text = os.fspath(servers)
    return text or None


def _mcp_json(servers: object) -> dict[str, Any] | None:
    """The ``mcpServers`` object of a ``mcp_servers`` str holding JSON text, else ``None``."""
    if not isinstance(servers, str) or not servers.lstrip().startswith("{"):
        return None
    try:
        loaded = json.loads(servers)
    except ValueError:
        return None  # not JSON after all: passed on as given, for the CLI to refuse
    if not isinstance(loaded, dict):
        return None
    inner = cast("dict[str, Any]", loaded).get("mcpServers")
    return cast("dict[str, Any]", inner) if isinstance(inner, dict) else None


def mcp_wire_servers(servers: Mapping[str, Any] | str | Path) -> dict[str, Any] | None:
    """The MCP servers the CLI runs or connects to, for ``initialize.mcpServers``.

    From a ``mcp_servers`` dict, or from JSON text ``{"mcpServers": {...}}``
    in a str; ``None`` for a path or when there are none. In-process (SDK)
    servers are left out: they are named in ``initialize.sdkMcpServers``
    (see :mod:`ccsdk.runtime._initialize`).
    """
    configs = servers if isinstance(servers, Mapping) else _mcp_json(servers)
    if configs is None:
        return None
    wire = {key: config for key, config in _pairs(configs) if not is_sdk_server(config)}
    return wire or None


def is_sdk_server(config: Any) -> bool:
    """Whether an ``mcp_servers`` value is an in-process (SDK) server."""
    return isinstance(config, Mapping) and cast("Mapping[str, Any]", config).get("type") == "sdk"


def build_env(options: Options, base: Mapping[str, str]) -> dict[str, str]:
    """Return the CLI's environment; the rules are in the module docstring.

    Raises ``TypeError`` when a key or value of ``options.env`` is not a str.
    """
    env = dict(base)
    env.pop("CLAUDECODE", None)
    env["CLAUDE_CODE_ENTRYPOINT"] = "sdk-py"
    env["CLAUDE_CODE_SDK_READS_SESSION_STATE"] = "1"
    if options.cwd is not None:
        env["PWD"] = os.path.abspath(os.fspath(options.cwd))
    if options.enable_file_checkpointing:
        env["CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING"] = "true"
    add_trace_context(env)
    # Typed dict[str, str], but a caller's dict may hold anything: checked here.
    for key, value in _pairs(options.env):
        if not isinstance(key, str) or not isinstance(value, str):
            # The value is named by its type only: it may be a secret.
            name = repr(key) if isinstance(key, str) else f"a {type(key).__name__} key"
            raise TypeError(
                f"options.env must map str to str; got {name} with a {type(value).__name__} value"
            )
        env[key] = value
    # As claude_agent_sdk: a label derived for an outer SDK session names
    # that session's app, not this one, and client_app wins over env.
    env.pop("CLAUDE_AGENT_SDK_DERIVED_CLIENT_APP", None)
    if options.client_app is not None:
        env["CLAUDE_AGENT_SDK_CLIENT_APP"] = options.client_app
    return env


def list_items(sequence: Any) -> list[Any]:
    """The items of a list of values not yet checked."""
    return list(sequence)


def _pairs(mapping: Any) -> list[tuple[Any, Any]]:
    """The items of a mapping of values not yet checked (JSON, or a caller's dict)."""
    return [(key, mapping[key]) for key in mapping]
