"""The configuration-side types: MCP server configs, permissions and hooks.

These are the names ``claude_code_sdk`` 0.0.25 exports (``PermissionMode``,
``PermissionUpdate``, ``ToolPermissionContext``, ``PermissionResultAllow``,
``HookMatcher``, the ``Mcp*ServerConfig`` TypedDicts, ...), with the fields
the current CLI actually sends or accepts:

* ``PermissionMode`` has the six modes CLI 2.1.331 accepts (it rejects any
  other with ``invalid_mode``), not the four of 0.0.25.
* ``PermissionUpdate`` can be written to and read from its camelCase wire
  form (``to_wire`` / ``from_wire``). 0.0.25 had no serialisation at all and
  handed the raw dicts of ``permission_suggestions`` to callbacks that were
  typed as receiving ``PermissionUpdate`` objects.
* ``ToolPermissionContext`` carries everything a ``can_use_tool`` request
  holds (tool use id, blocked path, the CLI's reason and titles).
* ``HookEvent`` lists the 33 events the 2.1.331 CLI accepts.

The value types are frozen attrs classes: a callback receives data, it does
not mutate it. ``HookMatcher`` is mutable like the official dataclass,
because users build and adjust it as configuration.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from os import PathLike
from typing import Any, Literal, NotRequired, TypeAlias, TypedDict, cast, get_args

import attrs

__all__ = [
    "CanUseTool",
    "HookCallback",
    "HookContext",
    "HookEvent",
    "HookMatcher",
    "McpHttpServerConfig",
    "McpSSEServerConfig",
    "McpSdkServerConfig",
    "McpServerConfig",
    "McpStdioServerConfig",
    "PERMISSION_MODES",
    "PermissionBehavior",
    "PermissionMode",
    "PermissionResult",
    "PermissionResultAllow",
    "PermissionResultDeny",
    "PermissionRuleValue",
    "PermissionUpdate",
    "PermissionUpdateDestination",
    "PermissionUpdateType",
    "ToolPermissionContext",
]


# Typed factory: with ``factory=list`` pyright would not know the item type.
def _empty_list() -> list[Any]:
    return []


# --------------------------------------------------------------------------
# Permission modes
# --------------------------------------------------------------------------

PermissionMode: TypeAlias = Literal[
    "default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto"
]
#: The valid ``PermissionMode`` values, in the order the CLI lists them in its
#: ``invalid_mode`` error (sorted), for validation messages.
PERMISSION_MODES: tuple[str, ...] = tuple(sorted(get_args(PermissionMode)))

# --------------------------------------------------------------------------
# MCP server configs (the values of ``ClaudeCodeOptions.mcp_servers``)
# --------------------------------------------------------------------------


class McpStdioServerConfig(TypedDict):
    """An MCP server the CLI starts as a child process."""

    type: NotRequired[Literal["stdio"]]  # optional for backwards compatibility
    command: str
    args: NotRequired[list[str]]
    env: NotRequired[dict[str, str]]


class McpSSEServerConfig(TypedDict):
    """An MCP server the CLI reaches over Server-Sent Events."""

    type: Literal["sse"]
    url: str
    headers: NotRequired[dict[str, str]]


class McpHttpServerConfig(TypedDict):
    """An MCP server the CLI reaches over streamable HTTP."""

    type: Literal["http"]
    url: str
    headers: NotRequired[dict[str, str]]


class McpSdkServerConfig(TypedDict):
    """An MCP server that runs inside this Python process.

    Only ``{"type": "sdk", "name": ...}`` is sent to the CLI; ``instance``
    (an ``mcp.server.Server``) stays here and is driven through the CLI's
    ``mcp_message`` control requests.
    """

    type: Literal["sdk"]
    name: str
    instance: Any


McpServerConfig: TypeAlias = (
    McpStdioServerConfig | McpSSEServerConfig | McpHttpServerConfig | McpSdkServerConfig
)

# --------------------------------------------------------------------------
# Permission updates and results
# --------------------------------------------------------------------------

PermissionUpdateDestination: TypeAlias = Literal[
    "userSettings", "projectSettings", "localSettings", "session", "cliArg"
]
PermissionBehavior: TypeAlias = Literal["allow", "deny", "ask"]
PermissionUpdateType: TypeAlias = Literal[
    "addRules", "replaceRules", "removeRules", "setMode", "addDirectories", "removeDirectories"
]

_RULE_TYPES = frozenset({"addRules", "replaceRules", "removeRules"})
_DIRECTORY_TYPES = frozenset({"addDirectories", "removeDirectories"})
_UPDATE_TYPES = frozenset(get_args(PermissionUpdateType))


@attrs.frozen
class PermissionRuleValue:
    """One permission rule: a tool name and an optional rule body.

    ``PermissionRuleValue("Bash", "npm test:*")`` is the rule ``Bash(npm test:*)``.
    """

    tool_name: str
    rule_content: str | None = None


@attrs.frozen
class PermissionUpdate:
    """A change to the permission settings, as suggested by the CLI or sent back.

    Which fields are required depends on ``type``: the rule types need
    ``rules`` and ``behavior``, ``setMode`` needs ``mode``, the directory
    types need ``directories``. ``destination`` is always optional (the CLI
    treats a missing one as the session). The requirement is checked when the
    update is written with :meth:`to_wire`, so that a suggestion the CLI sent
    can always be held.
    """

    type: PermissionUpdateType = attrs.field(validator=attrs.validators.in_(_UPDATE_TYPES))
    rules: list[PermissionRuleValue] | None = None
    behavior: PermissionBehavior | None = None
    mode: PermissionMode | None = None
    directories: list[str] | None = None
    destination: PermissionUpdateDestination | None = None

    def to_wire(self) -> dict[str, Any]:
        """Return the camelCase dict the CLI expects in ``updatedPermissions``.

        Raises ``ValueError`` naming the field when one the ``type`` needs
        is missing.
        """
        wire: dict[str, Any] = {"type": self.type}
        if self.destination is not None:
            wire["destination"] = self.destination
        if self.type in _RULE_TYPES:
            if self.rules is None:
                raise ValueError(f"PermissionUpdate of type {self.type!r} needs 'rules'")
            if self.behavior is None:
                raise ValueError(f"PermissionUpdate of type {self.type!r} needs 'behavior'")
            rules: list[dict[str, Any]] = []
            for rule in self.rules:
                item: dict[str, Any] = {"toolName": rule.tool_name}
                if rule.rule_content is not None:
                    item["ruleContent"] = rule.rule_content
                rules.append(item)
            wire["rules"] = rules
            wire["behavior"] = self.behavior
        elif self.type == "setMode":
            if self.mode is None:
                raise ValueError("PermissionUpdate of type 'setMode' needs 'mode'")
            wire["mode"] = self.mode
        else:  # addDirectories / removeDirectories
            if self.directories is None:
                raise ValueError(f"PermissionUpdate of type {self.type!r} needs 'directories'")
            wire["directories"] = list(self.directories)
        return wire

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> PermissionUpdate:
        """Read a camelCase update, such as one of ``permission_suggestions``.

        Lenient about the values (a mode or destination newer than this SDK
        is kept as given) but strict about the shape: a non-mapping, an
        unknown ``type`` or a malformed rule raises ``ValueError``, and the
        caller decides whether to keep the raw dict instead.
        """
        # ValueError throughout, so the caller catches one type for any bad input.
        if not isinstance(cast(object, data), Mapping):  # typed, but the CLI's JSON is not checked
            raise ValueError(  # noqa: TRY004
                f"a permission update must be an object, not {type(data).__name__}"
            )
        kind = data.get("type")
        if kind not in _UPDATE_TYPES:
            raise ValueError(f"unknown permission update type: {kind!r}")
        rules: list[PermissionRuleValue] | None = None
        raw_rules = data.get("rules")
        if raw_rules is not None:
            if not isinstance(raw_rules, list):
                raise ValueError("permission update 'rules' must be a list")
            rules = []
            for raw in cast("list[object]", raw_rules):  # parsed JSON
                rule = cast("Mapping[str, Any]", raw) if isinstance(raw, Mapping) else None
                tool_name = rule.get("toolName") if rule is not None else None
                if rule is None or not isinstance(tool_name, str):
                    raise ValueError(f"permission rule without a 'toolName': {raw!r}")
                content = rule.get("ruleContent")
                rules.append(PermissionRuleValue(tool_name, content))
        directories = data.get("directories")
        return cls(
            type=cast(PermissionUpdateType, kind),
            rules=rules,
            behavior=data.get("behavior"),
            mode=data.get("mode"),
            directories=list(directories) if directories is not None else None,
            destination=data.get("destination"),
        )


@attrs.frozen(kw_only=True)
class ToolPermissionContext:
    """What the CLI said about a tool call it asks ``can_use_tool`` about.

    ``suggestions`` are the CLI's proposed updates (e.g. "allow this for the
    session"), ready to be returned in ``PermissionResultAllow.updated_permissions``.
    ``signal`` is reserved (always ``None``), as in the official SDK.
    """

    suggestions: list[PermissionUpdate] = attrs.field(factory=_empty_list)
    tool_use_id: str | None = None
    blocked_path: str | None = None
    decision_reason: str | None = None
    title: str | None = None
    display_name: str | None = None
    description: str | None = None
    agent_id: str | None = None
    signal: Any | None = None


@attrs.frozen
class PermissionResultAllow:
    """Let the tool run, optionally with rewritten input and new permission rules.

    Sent as ``{"behavior": "allow", "updatedInput": ..., "updatedPermissions": [...]}``.
    """

    behavior: Literal["allow"] = attrs.field(
        default="allow", validator=attrs.validators.in_(("allow",))
    )
    updated_input: dict[str, Any] | None = None
    updated_permissions: list[PermissionUpdate] | None = None


@attrs.frozen
class PermissionResultDeny:
    """Refuse the tool call; ``message`` goes to the model, ``interrupt`` ends the turn.

    Sent as ``{"behavior": "deny", "message": ..., "interrupt": true}``.
    """

    behavior: Literal["deny"] = attrs.field(
        default="deny", validator=attrs.validators.in_(("deny",))
    )
    message: str = ""
    interrupt: bool = False


PermissionResult: TypeAlias = PermissionResultAllow | PermissionResultDeny

#: ``can_use_tool(tool_name, input, context)``.
CanUseTool: TypeAlias = Callable[
    [str, dict[str, Any], ToolPermissionContext], Awaitable[PermissionResult]
]

# --------------------------------------------------------------------------
# Hooks
# --------------------------------------------------------------------------

#: The hook events CLI 2.1.331 accepts in ``initialize.hooks``.
HookEvent: TypeAlias = Literal[
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "PostToolBatch",
    "Notification",
    "UserPromptSubmit",
    "UserPromptExpansion",
    "SessionStart",
    "SessionEnd",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "PreCompact",
    "PostCompact",
    "PreModelSwitch",
    "PostModelSwitch",
    "PermissionRequest",
    "PermissionDenied",
    "Setup",
    "TeammateIdle",
    "TaskCreated",
    "TaskCompleted",
    "Elicitation",
    "ElicitationResult",
    "ConfigChange",
    "WorktreeCreate",
    "WorktreeRemove",
    "InstructionsLoaded",
    "CwdChanged",
    "FileChanged",
    "DirectoryAdded",
    "MessageDisplay",
]


@attrs.frozen
class HookContext:
    """Passed to every hook callback; ``signal`` is reserved (always ``None``).

    The official SDK declared this class but passed a plain dict; ccsdk
    passes an instance, so ``context.signal`` works.
    """

    signal: Any | None = None


#: ``hook(input, tool_use_id, context) -> output``; the output dict is sent to
#: the CLI as the hook's JSON answer (``{}`` means "no opinion").
HookCallback: TypeAlias = Callable[
    [dict[str, Any], str | None, HookContext], Awaitable[dict[str, Any]]
]


@attrs.define
class HookMatcher:
    """Callbacks to run for the tool names a CLI matcher string selects.

    ``matcher`` is the CLI's pattern, e.g. ``"Bash"`` or ``"Write|Edit"``;
    ``None`` matches everything. ``timeout`` (seconds) bounds how long the CLI
    waits for the callbacks before it gives up (``None``: the CLI's default).
    """

    matcher: str | None = None
    hooks: list[HookCallback] = attrs.field(factory=_empty_list)
    timeout: float | None = None


# --------------------------------------------------------------------------
# Agent SDK options: system prompt forms, tools, agents, thinking, output
# format, sandbox, plugins (the value types of the ClaudeCodeOptions fields
# added after claude_code_sdk 0.0.25; what each becomes on the wire is in
# docs/options-agent-sdk.md)
# --------------------------------------------------------------------------

#: The settings files ``setting_sources`` can select (``--setting-sources``).
SettingSource: TypeAlias = Literal["user", "project", "local"]

#: The API betas CLI 2.1.331 lets through ``--betas``; it drops any other
#: with a warning on stderr, so ccsdk refuses them up front.
SdkBeta: TypeAlias = Literal["context-1m-2025-08-07"]

#: ``--effort`` levels. CLI 2.1.331 silently ignores any other value.
EffortLevel: TypeAlias = Literal["low", "medium", "high", "xhigh", "max"]

#: ``--thinking-display`` values (how thinking is shown in the API answer).
ThinkingDisplay: TypeAlias = Literal["summarized", "omitted", "highlights"]


class SystemPromptPreset(TypedDict):
    """The CLI's own system prompt, optionally with text appended.

    ``exclude_dynamic_sections`` moves the per-machine sections (cwd, memory
    paths) out of the system prompt into the first user message, for prompt
    caching across users; ``snapshot`` (default on in the CLI) records the
    prompt once per conversation and reuses it verbatim.
    """

    type: Literal["preset"]
    preset: Literal["claude_code"]
    append: NotRequired[str]
    exclude_dynamic_sections: NotRequired[bool]
    snapshot: NotRequired[bool]


class SystemPromptCustom(TypedDict):
    """A system prompt of your own, in place of the CLI's (same as a plain str)."""

    type: Literal["custom"]
    prompt: str
    snapshot: NotRequired[bool]


class SystemPromptFile(TypedDict):
    """A system prompt read by the CLI from a file (``--system-prompt-file``)."""

    type: Literal["file"]
    path: str | PathLike[str]


SystemPrompt: TypeAlias = str | SystemPromptPreset | SystemPromptCustom | SystemPromptFile


class ToolsPreset(TypedDict):
    """The CLI's default built-in tool set (``--tools=default``)."""

    type: Literal["preset"]
    preset: Literal["claude_code"]


class AgentDefinition(TypedDict):
    """A subagent defined in code, sent in ``initialize.agents``.

    The keys are the CLI's (camelCase), as in ``claude_agent_sdk``, so
    ``AgentDefinition(description=..., prompt=..., disallowedTools=[...])``
    works unchanged; it is a plain dict at run time. CLI 2.1.331 silently
    drops an agent with a missing ``prompt`` or a bad value (a ``maxTurns``
    of 0, say), so ccsdk checks each one when the options are made.
    """

    description: str
    prompt: str
    tools: NotRequired[list[str] | None]
    disallowedTools: NotRequired[list[str] | None]
    model: NotRequired[str | None]
    skills: NotRequired[list[str] | None]
    memory: NotRequired[Literal["user", "project", "local"] | None]
    mcpServers: NotRequired[list[str | dict[str, Any]] | None]
    initialPrompt: NotRequired[str | None]
    maxTurns: NotRequired[int | None]
    background: NotRequired[bool | None]
    effort: NotRequired[EffortLevel | int | None]
    permissionMode: NotRequired[PermissionMode | None]
    autoCompactWindow: NotRequired[int | None]
    omitClaudeMd: NotRequired[bool | None]


class ThinkingConfigAdaptive(TypedDict):
    """The model decides when and how much to think (``--thinking=adaptive``)."""

    type: Literal["adaptive"]
    display: NotRequired[ThinkingDisplay]


class ThinkingConfigEnabled(TypedDict):
    """Thinking on; ``budget_tokens`` sets its budget (``--max-thinking-tokens``)."""

    type: Literal["enabled"]
    budget_tokens: NotRequired[int]
    display: NotRequired[ThinkingDisplay]


class ThinkingConfigDisabled(TypedDict):
    """No thinking (``--thinking=disabled``)."""

    type: Literal["disabled"]


ThinkingConfig: TypeAlias = ThinkingConfigAdaptive | ThinkingConfigEnabled | ThinkingConfigDisabled


class OutputFormat(TypedDict):
    """Structured output: the run's answer must match ``schema``.

    The CLI gives the model a ``StructuredOutput`` tool whose input schema is
    ``schema``; the validated input arrives in ``ResultMessage.structured_output``.
    The schema's root must be an object: a tool's input always is one.
    """

    type: Literal["json_schema"]
    schema: dict[str, Any]


class SandboxNetworkConfig(TypedDict, total=False):
    """``sandbox.network``: what sandboxed commands may reach."""

    allowedDomains: list[str]
    allowUnixSockets: list[str]
    allowAllUnixSockets: bool
    allowLocalBinding: bool
    httpProxyPort: int
    socksProxyPort: int


class SandboxSettings(TypedDict, total=False):
    """The Bash sandbox, merged into the ``--settings`` JSON as ``"sandbox"``.

    Keys are the CLI's settings keys. When ``enabled`` is true and
    ``failIfUnavailable`` is not given, ccsdk sends ``failIfUnavailable: true``:
    CLI 2.1.331 otherwise runs commands *unsandboxed* with only a warning
    when the sandbox cannot start (no bubblewrap, say).
    """

    enabled: bool
    failIfUnavailable: bool
    autoAllowBashIfSandboxed: bool
    allowUnsandboxedCommands: bool
    excludedCommands: list[str]
    network: SandboxNetworkConfig
    ignoreViolations: dict[str, list[str]]
    enableWeakerNestedSandbox: bool


class SdkPluginConfig(TypedDict):
    """A local plugin directory (``--plugin-dir``); the only type the CLI loads.

    ``skip_mcp_discovery`` loads the plugin's skills, hooks, agents and
    commands but not its MCP servers (``--plugin-dir-no-mcp``).
    """

    type: Literal["local"]
    path: str | PathLike[str]
    skip_mcp_discovery: NotRequired[bool]


__all__ += [
    "AgentDefinition",
    "EffortLevel",
    "OutputFormat",
    "SandboxNetworkConfig",
    "SandboxSettings",
    "SdkBeta",
    "SdkPluginConfig",
    "SettingSource",
    "SystemPrompt",
    "SystemPromptCustom",
    "SystemPromptFile",
    "SystemPromptPreset",
    "ThinkingConfig",
    "ThinkingConfigAdaptive",
    "ThinkingConfigDisabled",
    "ThinkingConfigEnabled",
    "ThinkingDisplay",
    "ToolsPreset",
]
