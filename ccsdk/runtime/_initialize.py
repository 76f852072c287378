"""The ``initialize`` request, built from the options (either class).

ccsdk sends ``initialize`` first on every connection, and the CLI reads
more than hooks from it. Whatever the CLI accepts there goes there rather
than on the command line: a system prompt or a subagent's prompt can be
long (Windows caps a command line at 32 767 characters), argv is visible
to every user of the machine in the process list, and ``initialize``
reaches a CLI behind any transport, not only one ccsdk started::

    {"subtype": "initialize",
     "hooks": {...} | null,                  # HookMatcher callbacks
     "systemPrompt": ["..."],                # system_prompt str / custom
     "appendSystemPrompt": "...",            # append_system_prompt, preset "append"
     "excludeDynamicSections": true,         # preset "exclude_dynamic_sections"
     "systemPromptSnapshot": false,          # preset / custom "snapshot"
     "agents": {"name": {...}},              # agents, None values dropped
     "skills": ["name", ...],                # skills, when a list
     "forwardSubagentText": true,            # forward_subagent_text
     "sdkMcpServers": ["name", ...],         # mcp_servers entries of type "sdk"
     "mcpServers": {"name": {...}},          # the other mcp_servers entries
     "settings": {...},                      # settings as JSON (with sandbox merged in)
     "jsonSchema": {...},                    # output_format["schema"]
     "toolAliases": {"Shell": "Bash"},       # tool_aliases
     "title": "..."}                         # title

Each hook matcher is ``{"matcher", "hookCallbackIds", "timeout"?,
"onFailure"?}``. Keys are present only when their option is set, so default
options send ``{"subtype": "initialize", "hooks": null}``.
CLI 2.1.331 answers ``initialize`` with success even when it ignores a
malformed field, which is why :mod:`ccsdk._option_checks` checks them
first, and :func:`check_answer` compares the agents it reports with ours.

``mcpServers`` keeps MCP credentials (stdio ``env``, HTTP ``headers``, a
token in a URL) off the command line, where any user of the machine could
read them. The CLI reads it only from the first stdin line of a process
started with ``--await-initialize`` (which
:func:`ccsdk.runtime._command.build_argv` adds whenever this field is
sent), and answers ``mcp_servers_applied``: :func:`check_answer` turns a
refusal into an error rather than a session silently without its servers.
``settings`` does the same for settings given as JSON (their ``env`` may
hold secrets too): ``--initialize-fields=settings`` tells the CLI to read
them there, it applies them as it applies ``--settings``, and answers
``settings_applied``, which :func:`check_answer` requires.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from ccsdk._errors import CLIConnectionError
from ccsdk._option_checks import agent_wire_dict
from ccsdk._options import Options
from ccsdk._version import parse_version
from ccsdk.protocol.codec import encode_control
from ccsdk.protocol.control import Initialize
from ccsdk.runtime._callbacks import Callbacks
from ccsdk.runtime._command import (
    is_sdk_server,
    list_items,
    mcp_wire_servers,
    sends_settings,
    settings_object,
)

__all__ = [
    "build_initialize",
    "check_answer",
    "initialize_model",
    "initialize_request",
    "stamp_user_message",
]

log = logging.getLogger("ccsdk")


def initialize_request(options: Options) -> dict[str, Any]:
    """The ``initialize`` request ccsdk sends for ``options``, as a dict.

    :func:`build_initialize` with the hook callbacks registered under their
    ids. Pure.
    """
    return build_initialize(options, Callbacks(options).hooks_for_initialize())


def build_initialize(options: Options, hooks: dict[str, Any] | None) -> dict[str, Any]:
    """The ``initialize`` request for ``options``, as the dict written on the wire."""
    return encode_control(initialize_model(options, hooks))


def initialize_model(options: Options, hooks: dict[str, Any] | None) -> Initialize:
    """The ``initialize`` request for ``options``; ``hooks`` is its wire form.

    Pure: no I/O, and the options are not modified. The dialog kinds the
    callbacks answer go in it too (``supportedDialogKinds``).
    """
    o = options
    fields: dict[str, Any] = {}
    prompt = o.system_prompt
    if isinstance(prompt, str):
        fields["system_prompt"] = [prompt]
    elif prompt is not None:
        if prompt["type"] == "custom":
            fields["system_prompt"] = [prompt["prompt"]]
        elif prompt["type"] == "preset":
            # No systemPrompt: the CLI keeps its own, and appends to it.
            fields["append_system_prompt"] = prompt.get("append")
            fields["exclude_dynamic_sections"] = prompt.get("exclude_dynamic_sections")
        if prompt["type"] in ("custom", "preset"):
            fields["system_prompt_snapshot"] = prompt.get("snapshot")
        # type "file" is --system-prompt-file (ccsdk.runtime._command)
    if o.append_system_prompt is not None:
        fields["append_system_prompt"] = o.append_system_prompt
    request = Initialize(
        hooks=hooks,
        agents={name: agent_wire_dict(agent) for name, agent in o.agents.items()}
        if o.agents
        else None,
        # "all" and None both mean no filter on the wire, as upstream.
        skills=list(o.skills) if isinstance(o.skills, list) else None,
        forward_subagent_text=True if o.forward_subagent_text else None,
        sdk_mcp_servers=_sdk_servers(o.mcp_servers) or None,
        mcp_servers=mcp_wire_servers(o.mcp_servers),
        settings=settings_object(o),
        json_schema=None if o.output_format is None else o.output_format["schema"],
        tool_aliases=dict(o.tool_aliases) if o.tool_aliases else None,
        title=o.title,
        supported_dialog_kinds=list(o.supported_dialog_kinds) or None,
        **fields,
    )
    return request


def _sdk_servers(servers: Any) -> list[str]:
    """The names (``mcp_servers`` keys) of the in-process servers.

    The CLI then asks for them by that name in ``mcp_message`` requests;
    the server objects never leave this process.
    """
    if not isinstance(servers, Mapping):
        return []
    configs = cast("Mapping[str, Any]", servers)
    return [name for name, config in configs.items() if is_sdk_server(config)]


def _name(item: Any) -> Any:
    return cast("Mapping[str, Any]", item).get("name") if isinstance(item, Mapping) else None


def check_answer(options: Options, answer: Mapping[str, Any]) -> None:
    """Check the CLI's ``initialize`` answer against what was asked.

    Raises ``CLIConnectionError`` when a hook matcher has
    ``on_failure="block"`` and the CLI cannot honour it (no
    ``hook_on_failure_supported``: a CLI too old, which would let a failing
    hook through) or did not register the hooks (``hooks_applied: false``,
    a session already running), as claude_agent_sdk does: a guard meant to
    fail closed must not silently fail open.

    Raises ``CLIConnectionError`` when MCP servers went in ``initialize``
    and the answer does not say ``mcp_servers_applied: true``: the CLI
    would run without them, and every call to their tools would fail later,
    far from the cause (the TypeScript SDK ends the session the same way).

    Warns when the answer lacks one of our agents: the answer lists the
    agents the CLI registered; one of ours missing means it was dropped (a
    CLI too old to read ``initialize.agents``, or a value it refused), and a
    later Agent call naming it will fail.
    """
    if _blocks_on_failure(options):
        if answer.get("hook_on_failure_supported") is not True:
            raise CLIConnectionError(
                "The CLI answering initialize does not honor on_failure on hook matchers, "
                "so a hook that fails would not block. Update Claude Code, or remove "
                'on_failure="block" from your hooks.'
            )
        if answer.get("hooks_applied") is False:
            raise CLIConnectionError(
                "This session was already running and did not register your hooks, so a "
                'hook set to on_failure="block" would never run. Start a new session, or '
                'remove on_failure="block" from your hooks.'
            )
    if mcp_wire_servers(options.mcp_servers) is not None:
        _check_mcp_servers_applied(answer)
    if sends_settings(options) and answer.get("settings_applied") is not True:
        # A CLI that ran without them would run without their sandbox and
        # permission rules: fail closed, as for the MCP servers.
        raise CLIConnectionError(
            "the CLI did not apply the settings sent in initialize "
            f"(settings_applied is {answer.get('settings_applied')!r}); "
            "ccsdk sends settings given as JSON there, to keep their env off the command line"
        )
    if options.verbatim_prompts:
        _warn_if_verbatim_is_ignored(answer.get("claude_code_version"))
    if not options.agents:
        return
    listed = answer.get("agents")
    if not isinstance(listed, list):
        return
    names = {_name(item) for item in list_items(listed)}
    missing = sorted(set(options.agents) - names)
    if missing:
        log.warning(
            "the CLI did not register agent(s) %s from initialize; calls to them will fail",
            ", ".join(map(repr, missing)),
        )


#: The first CLI that reads ``initialize.mcpServers`` (under ``--await-initialize``).
MCP_SERVERS_IN_INITIALIZE_MINIMUM = "2.1.326"


def _check_mcp_servers_applied(answer: Mapping[str, Any]) -> None:
    applied = answer.get("mcp_servers_applied")
    if applied is True:
        return
    found = answer.get("claude_code_version")
    version = f"Claude Code {found}" if isinstance(found, str) else "This Claude Code"
    if not isinstance(applied, bool):
        raise CLIConnectionError(
            f"{version} does not read MCP servers from the initialize request (it needs "
            f"{MCP_SERVERS_IN_INITIALIZE_MINIMUM} or later), so it would run without them. "
            "ccsdk keeps MCP server configurations off the command line, where their "
            "credentials would be visible to every user of the machine: update Claude Code, "
            "or give mcp_servers as the path of a config file."
        )
    raise CLIConnectionError(
        f"{version} did not take the MCP servers sent in initialize "
        "(mcp_servers_applied: false), so it would run without them. It reads them only "
        "when started with --await-initialize and given initialize as its first input "
        "line: check that no wrapper or custom transport changes the command line or "
        "writes to the CLI first."
    )


#: The first CLI that honours ``client_composed`` (``verbatim_prompts``).
VERBATIM_PROMPTS_MINIMUM = "2.1.248"


def _warn_if_verbatim_is_ignored(found: object) -> None:
    version = parse_version(found) if isinstance(found, str) else None
    minimum = parse_version(VERBATIM_PROMPTS_MINIMUM)
    if version is None or minimum is None or version < minimum:
        log.warning(
            "verbatim_prompts is on, but Claude Code %s ignores it: @path mentions are "
            "still expanded and slash commands run (it needs %s or later)",
            found if isinstance(found, str) else "of unknown version",
            VERBATIM_PROMPTS_MINIMUM,
        )


def _blocks_on_failure(options: Options) -> bool:
    # The CLI reads any value but "continue" as "block".
    return any(
        matcher.on_failure not in (None, "continue")
        for matchers in (options.hooks or {}).values()
        for matcher in matchers
    )


def stamp_user_message(message: dict[str, Any], options: Options) -> dict[str, Any]:
    """``message`` as sent: with ``verbatim_prompts``, a user message gets
    ``client_composed: true`` (over any value it had), as claude_agent_sdk does.
    """
    if not options.verbatim_prompts or message.get("type") != "user":
        return message
    return {**message, "client_composed": True}
