"""The configuration-side types: MCP server configs, permissions, hooks, control frames.

Every configuration-side name of ``claude_agent_sdk.types`` 0.2.190 is here
with the official kind (dataclass, TypedDict, Literal, alias), fields or keys,
order and defaults; the names of ``claude_code_sdk`` 0.0.25 are a subset.
Where ccsdk is wider, it is because the current CLI accepts more:

* ``PermissionMode`` has the six modes CLI 2.1.331 accepts (0.0.25 had four).
* ``HookEvent`` lists the events the CLI accepts in ``initialize.hooks``
  (claude_agent_sdk lists 10): the 33 of CLI 2.1.331, ``PreSkillShellCommand``
  (CLI 2.1.332) and ``Interrupt`` (CLI 2.1.337).
* ``PermissionUpdateDestination`` adds ``"cliArg"``, which the CLI sends in
  suggestions; ``ThinkingDisplay`` adds ``"highlights"``.
* ``AgentDefinition`` adds ``autoCompactWindow`` and ``omitClaudeMd`` after
  the official fields; ``SandboxSettings`` adds ``failIfUnavailable``;
  ``SdkPluginConfig`` adds ``skip_mcp_discovery``; path values accept
  ``os.PathLike``.
* ``PermissionUpdate`` has ccsdk's ``to_wire`` / ``from_wire`` (strict about
  the shape) beside the official ``to_dict`` / ``from_dict``.
* ``ToolPermissionContext`` is filled from every field a ``can_use_tool``
  request holds, and a hook callback gets a real ``HookContext`` dict.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypeAlias, TypedDict, cast, get_args

from ccsdk._hooks import HookInput, HookJSONOutput

if TYPE_CHECKING:
    from mcp.server import Server as McpServer
else:
    # As in claude_agent_sdk: ``import ccsdk`` does not load mcp.
    McpServer = Any

__all__ = [
    "AgentDefinition",
    "CanUseTool",
    "CanUseToolShadowedWarning",
    "ContextUsageCategory",
    "ContextUsageResponse",
    "ControlErrorResponse",
    "ControlResponse",
    "EffortLevel",
    "HookCallback",
    "HookContext",
    "HookEvent",
    "HookMatcher",
    "McpClaudeAIProxyServerConfig",
    "McpHttpServerConfig",
    "McpSSEServerConfig",
    "McpSdkServerConfig",
    "McpSdkServerConfigStatus",
    "McpServer",
    "McpServerConfig",
    "McpServerConnectionStatus",
    "McpServerInfo",
    "McpServerStatus",
    "McpServerStatusConfig",
    "McpStatusResponse",
    "McpStdioServerConfig",
    "McpToolAnnotations",
    "McpToolInfo",
    "OutputFormat",
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
    "SDKControlInitializeRequest",
    "SDKControlInterruptRequest",
    "SDKControlMcpMessageRequest",
    "SDKControlMcpReconnectRequest",
    "SDKControlMcpToggleRequest",
    "SDKControlPermissionRequest",
    "SDKControlRequest",
    "SDKControlResponse",
    "SDKControlRewindFilesRequest",
    "SDKControlSetPermissionModeRequest",
    "SDKControlStopTaskRequest",
    "SDKHookCallbackRequest",
    "SandboxIgnoreViolations",
    "SandboxNetworkConfig",
    "SandboxSettings",
    "SdkBeta",
    "SdkPluginConfig",
    "SettingSource",
    "SystemPrompt",
    "SystemPromptCustom",
    "SystemPromptFile",
    "SystemPromptPreset",
    "TaskBudget",
    "ThinkingConfig",
    "ThinkingConfigAdaptive",
    "ThinkingConfigDisabled",
    "ThinkingConfigEnabled",
    "ThinkingDisplay",
    "ToolPermissionContext",
    "ToolsPreset",
]


# --------------------------------------------------------------------------
# Modes, sources, betas, effort (Literal aliases)
# --------------------------------------------------------------------------

PermissionMode: TypeAlias = Literal[
    "default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto"
]
#: The valid ``PermissionMode`` values, in the order the CLI lists them in its
#: ``invalid_mode`` error (sorted), for validation messages.
PERMISSION_MODES: tuple[str, ...] = tuple(sorted(get_args(PermissionMode)))

#: The API betas CLI 2.1.331 lets through ``--betas``; it drops any other
#: with a warning on stderr, so ccsdk refuses them up front.
SdkBeta: TypeAlias = Literal["context-1m-2025-08-07"]

#: The settings files ``setting_sources`` can select (``--setting-sources``).
SettingSource: TypeAlias = Literal["user", "project", "local"]

#: ``--effort`` levels. CLI 2.1.331 silently ignores any other value.
EffortLevel: TypeAlias = Literal["low", "medium", "high", "xhigh", "max"]


# --------------------------------------------------------------------------
# System prompt, tools, task budget, agents
# --------------------------------------------------------------------------


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


class TaskBudget(TypedDict):
    """An API-side token budget for the task (``--task-budget=<total>``).

    The model is told what is left, so it paces its tool use and wraps up
    before the limit (``output_config.task_budget`` in the API request).
    """

    total: int


class ToolsPreset(TypedDict):
    """The CLI's default built-in tool set (``--tools=default``)."""

    type: Literal["preset"]
    preset: Literal["claude_code"]


@dataclass
class AgentDefinition:
    """A subagent defined in code, sent in ``initialize.agents``.

    The field names are the CLI's (camelCase), as in ``claude_agent_sdk``;
    ``None`` fields are left out of the wire. CLI 2.1.331 silently drops an
    agent with a bad value (a ``maxTurns`` of 0, say), so ccsdk checks each
    one when the options are made. ``autoCompactWindow`` and ``omitClaudeMd``
    are ccsdk's (the CLI reads them; claude_agent_sdk has no field for them).
    """

    description: str
    prompt: str
    tools: list[str] | None = None
    disallowedTools: list[str] | None = None
    model: str | None = None
    skills: list[str] | None = None
    memory: Literal["user", "project", "local"] | None = None
    mcpServers: list[str | dict[str, Any]] | None = None
    initialPrompt: str | None = None
    maxTurns: int | None = None
    background: bool | None = None
    effort: EffortLevel | int | None = None
    permissionMode: PermissionMode | None = None
    autoCompactWindow: int | None = None
    omitClaudeMd: bool | None = None


# --------------------------------------------------------------------------
# Permission updates and results
# --------------------------------------------------------------------------

#: Where a permission update applies and is kept. ``"cliArg"`` is ccsdk's:
#: the CLI sends it in suggestions (rules given on its command line).
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


@dataclass
class PermissionRuleValue:
    """One permission rule: a tool name and an optional rule body.

    ``PermissionRuleValue("Bash", "npm test:*")`` is the rule ``Bash(npm test:*)``;
    ``rule_content=None`` covers every use of the tool.
    """

    tool_name: str
    rule_content: str | None = None


@dataclass
class PermissionUpdate:
    """A change to the permission settings, as suggested by the CLI or sent back.

    Which fields are required depends on ``type``: the rule types need
    ``rules`` and ``behavior``, ``setMode`` needs ``mode``, the directory
    types need ``directories``. The requirement is checked when the update
    is written (:meth:`to_dict`, :meth:`to_wire`), so that a suggestion the
    CLI sent can always be held.
    """

    type: PermissionUpdateType
    rules: list[PermissionRuleValue] | None = None
    behavior: PermissionBehavior | None = None
    mode: PermissionMode | None = None
    directories: list[str] | None = None
    destination: PermissionUpdateDestination | None = None

    def to_dict(self) -> dict[str, Any]:
        """The control-protocol dict, as ``claude_agent_sdk`` writes it.

        Like :meth:`to_wire`, but a ``destination`` of ``None`` is sent as
        ``"session"`` (the CLI's reading of a missing one).
        """
        wire = self.to_wire()
        wire.setdefault("destination", "session")
        return wire

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PermissionUpdate":
        """Read a control-protocol dict (the inverse of :meth:`to_dict`); see :meth:`from_wire`."""
        return cls.from_wire(data)

    def to_wire(self) -> dict[str, Any]:
        """Return the camelCase dict the CLI expects in ``updatedPermissions``.

        ``destination`` is left out when ``None``. Raises ``ValueError``
        naming the field when one the ``type`` needs is missing, or when
        ``type`` is none of the six.
        """
        if self.type not in _UPDATE_TYPES:
            raise ValueError(
                f"PermissionUpdate has type {self.type!r}, which ccsdk cannot send; use one "
                f"of {', '.join(sorted(_UPDATE_TYPES))}"
            )
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
    def from_wire(cls, data: Mapping[str, Any]) -> "PermissionUpdate":
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


@dataclass
class ToolPermissionContext:
    """What the CLI said about a tool call it asks ``can_use_tool`` about.

    ``suggestions`` are the CLI's proposed updates (e.g. "allow this for the
    session"), ready to be returned in ``PermissionResultAllow.updated_permissions``.
    ``signal`` is reserved (always ``None``), as in the official SDK.
    """

    signal: Any | None = None
    suggestions: list[PermissionUpdate] = field(default_factory=list[PermissionUpdate])
    tool_use_id: str | None = None
    agent_id: str | None = None
    blocked_path: str | None = None
    decision_reason: str | None = None
    title: str | None = None
    display_name: str | None = None
    description: str | None = None


@dataclass
class PermissionResultAllow:
    """Let the tool run, optionally with rewritten input and new permission rules.

    Sent as ``{"behavior": "allow", "updatedInput": ..., "updatedPermissions": [...]}``.
    """

    behavior: Literal["allow"] = "allow"
    updated_input: dict[str, Any] | None = None
    updated_permissions: list[PermissionUpdate] | None = None


@dataclass
class PermissionResultDeny:
    """Refuse the tool call; ``message`` goes to the model, ``interrupt`` ends the turn.

    Sent as ``{"behavior": "deny", "message": ..., "interrupt": true}``.
    """

    behavior: Literal["deny"] = "deny"
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

#: The hook events the CLI accepts in ``initialize.hooks``: claude_agent_sdk's
#: ten first, then the rest of CLI 2.1.331's, then the newer ones
#: (``PreSkillShellCommand``: CLI 2.1.332; ``Interrupt``: CLI 2.1.337).
#: An older CLI registers such a hook and never fires it.
HookEvent: TypeAlias = Literal[
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "PreCompact",
    "Notification",
    "SubagentStart",
    "PermissionRequest",
    "PostToolBatch",
    "UserPromptExpansion",
    "SessionStart",
    "SessionEnd",
    "StopFailure",
    "PostCompact",
    "PreModelSwitch",
    "PostModelSwitch",
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
    "PreSkillShellCommand",
    "Interrupt",
]


class HookContext(TypedDict):
    """Passed to every hook callback as ``{"signal": None}``; ``signal`` is reserved."""

    signal: Any | None


#: ``hook(input, tool_use_id, context) -> output``; the output dict is sent to
#: the CLI as the hook's JSON answer (``{}`` means "no opinion").
HookCallback: TypeAlias = Callable[[HookInput, str | None, HookContext], Awaitable[HookJSONOutput]]


@dataclass
class HookMatcher:
    """Callbacks to run for the tool names a CLI matcher string selects.

    ``matcher`` is the CLI's pattern, e.g. ``"Bash"`` or ``"Write|Edit"``;
    ``None`` matches everything. ``timeout`` (seconds) bounds how long the CLI
    waits for the callbacks (``None``: the CLI's default). ``on_failure``:
    with ``"block"``, a callback that raises, returns nothing or returns
    something the CLI refuses blocks the action (fail closed), and connecting
    to a CLI that cannot honour it raises ``CLIConnectionError``;
    ``"continue"`` counts a failure as no decision. ``None``: ccsdk decides,
    and a ``PreToolUse`` or ``PermissionRequest`` callback that fails denies
    the tool (a crashed guard must not open the door; the official SDK lets
    it run), while other events count the failure as no decision. Sent as
    ``onFailure``.
    """

    matcher: str | None = None
    hooks: list[HookCallback] = field(default_factory=list[HookCallback])
    timeout: float | None = None
    on_failure: Literal["continue", "block"] | None = None


# --------------------------------------------------------------------------
# MCP server configs (the values of ``mcp_servers``) and status
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

    Only its name is sent to the CLI; ``instance`` (an ``mcp.server.Server``)
    stays here and is driven through the CLI's ``mcp_message`` control requests.
    """

    type: Literal["sdk"]
    name: str
    instance: McpServer


McpServerConfig: TypeAlias = (
    McpStdioServerConfig | McpSSEServerConfig | McpHttpServerConfig | McpSdkServerConfig
)


class McpSdkServerConfigStatus(TypedDict):
    """An in-process server as ``mcp_status`` reports it (no instance)."""

    type: Literal["sdk"]
    name: str


class McpClaudeAIProxyServerConfig(TypedDict):
    """A claude.ai connector proxied by the CLI, as ``mcp_status`` reports it."""

    type: Literal["claudeai-proxy"]
    url: str
    id: str


McpServerStatusConfig: TypeAlias = (
    McpStdioServerConfig
    | McpSSEServerConfig
    | McpHttpServerConfig
    | McpSdkServerConfigStatus
    | McpClaudeAIProxyServerConfig
)


class McpToolAnnotations(TypedDict, total=False):
    """A tool's MCP annotations, as ``mcp_status`` reports them."""

    readOnly: bool
    destructive: bool
    openWorld: bool


class McpToolInfo(TypedDict):
    """One tool of an MCP server, as ``mcp_status`` reports it."""

    name: str
    description: NotRequired[str]
    annotations: NotRequired[McpToolAnnotations]


class McpServerInfo(TypedDict):
    """What an MCP server said about itself when it connected."""

    name: str
    version: str


McpServerConnectionStatus: TypeAlias = Literal[
    "connected", "failed", "needs-auth", "pending", "disabled"
]


class McpServerStatus(TypedDict):
    """One server in the answer to ``mcp_status``."""

    name: str
    status: McpServerConnectionStatus
    serverInfo: NotRequired[McpServerInfo]
    error: NotRequired[str]
    config: NotRequired[McpServerStatusConfig]
    scope: NotRequired[str]
    tools: NotRequired[list[McpToolInfo]]


class McpStatusResponse(TypedDict):
    """The answer to ``mcp_status``."""

    mcpServers: list[McpServerStatus]


class ContextUsageCategory(TypedDict):
    """One category of the context window in ``get_context_usage``."""

    name: str
    tokens: int
    color: str
    isDeferred: NotRequired[bool]


class ContextUsageResponse(TypedDict):
    """The answer to ``get_context_usage``: how the context window is used."""

    categories: list[ContextUsageCategory]
    totalTokens: int
    maxTokens: int
    rawMaxTokens: int
    percentage: float
    model: str
    isAutoCompactEnabled: bool
    memoryFiles: list[dict[str, Any]]
    mcpTools: list[dict[str, Any]]
    agents: list[dict[str, Any]]
    gridRows: list[list[dict[str, Any]]]
    autoCompactThreshold: NotRequired[int]
    deferredBuiltinTools: NotRequired[list[dict[str, Any]]]
    systemTools: NotRequired[list[dict[str, Any]]]
    systemPromptSections: NotRequired[list[dict[str, Any]]]
    slashCommands: NotRequired[dict[str, Any]]
    skills: NotRequired[dict[str, Any]]
    messageBreakdown: NotRequired[dict[str, Any]]
    apiUsage: NotRequired[dict[str, Any] | None]


# --------------------------------------------------------------------------
# Plugins and the sandbox
# --------------------------------------------------------------------------


class SdkPluginConfig(TypedDict):
    """A local plugin directory (``--plugin-dir``); the only type the CLI loads.

    ``skip_mcp_discovery`` (ccsdk's) loads the plugin's skills, hooks, agents
    and commands but not its MCP servers (``--plugin-dir-no-mcp``).
    """

    type: Literal["local"]
    path: str | PathLike[str]
    skip_mcp_discovery: NotRequired[bool]


class SandboxNetworkConfig(TypedDict, total=False):
    """``sandbox.network``: what sandboxed commands may reach."""

    allowedDomains: list[str]
    deniedDomains: list[str]
    allowManagedDomainsOnly: bool
    allowUnixSockets: list[str]
    allowAllUnixSockets: bool
    allowLocalBinding: bool
    allowMachLookup: list[str]
    httpProxyPort: int
    socksProxyPort: int


#: ``sandbox.ignoreViolations``: violation kind -> patterns to ignore.
SandboxIgnoreViolations: TypeAlias = dict[str, list[str]]


class SandboxSettings(TypedDict, total=False):
    """The Bash sandbox, merged into the ``--settings`` JSON as ``"sandbox"``.

    Keys are the CLI's settings keys. When ``enabled`` is true and
    ``failIfUnavailable`` (ccsdk's key) is not given, ccsdk sends
    ``failIfUnavailable: true``: CLI 2.1.331 otherwise runs commands
    *unsandboxed* with only a warning when the sandbox cannot start.
    """

    enabled: bool
    autoAllowBashIfSandboxed: bool
    excludedCommands: list[str]
    allowUnsandboxedCommands: bool
    network: SandboxNetworkConfig
    ignoreViolations: SandboxIgnoreViolations
    enableWeakerNestedSandbox: bool
    failIfUnavailable: bool


# --------------------------------------------------------------------------
# Thinking and output format
# --------------------------------------------------------------------------

#: ``--thinking-display`` values (how thinking is shown in the API answer);
#: ``"highlights"`` is one CLI 2.1.331 accepts that claude_agent_sdk lacks.
ThinkingDisplay: TypeAlias = Literal["summarized", "omitted", "highlights"]


class ThinkingConfigAdaptive(TypedDict):
    """The model decides when and how much to think (``--thinking=adaptive``)."""

    type: Literal["adaptive"]
    display: NotRequired[ThinkingDisplay]


class ThinkingConfigEnabled(TypedDict):
    """Thinking on with a budget (``--max-thinking-tokens=<budget_tokens>``)."""

    type: Literal["enabled"]
    budget_tokens: int
    display: NotRequired[ThinkingDisplay]


class ThinkingConfigDisabled(TypedDict):
    """No thinking (``--thinking=disabled``)."""

    type: Literal["disabled"]


ThinkingConfig: TypeAlias = ThinkingConfigAdaptive | ThinkingConfigEnabled | ThinkingConfigDisabled


class OutputFormat(TypedDict):
    """Structured output (ccsdk's name for the shape ``output_format`` takes).

    The CLI gives the model a ``StructuredOutput`` tool whose input schema is
    ``schema``; the validated input arrives in ``ResultMessage.structured_output``.
    The schema's root must be an object: a tool's input always is one.
    """

    type: Literal["json_schema"]
    schema: dict[str, Any]


class CanUseToolShadowedWarning(UserWarning):
    """``can_use_tool`` is set, but some tool calls are approved before it is asked.

    Warned (``warnings.warn``) when a session starts with ``allowed_tools``
    entries that allow a whole tool, or ``permission_mode="bypassPermissions"``.
    Silence it with ``warnings.filterwarnings("ignore", category=CanUseToolShadowedWarning)``.
    """


# --------------------------------------------------------------------------
# Control protocol frames (as claude_agent_sdk types them)
# --------------------------------------------------------------------------


class SDKControlInterruptRequest(TypedDict):
    subtype: Literal["interrupt"]


class SDKControlPermissionRequest(TypedDict):
    subtype: Literal["can_use_tool"]
    tool_name: str
    input: dict[str, Any]
    permission_suggestions: list[dict[str, Any]] | None
    blocked_path: str | None
    decision_reason: NotRequired[str]
    title: NotRequired[str]
    display_name: NotRequired[str]
    description: NotRequired[str]
    tool_use_id: str
    agent_id: NotRequired[str]


class SDKControlInitializeRequest(TypedDict):
    subtype: Literal["initialize"]
    hooks: dict[HookEvent, Any] | None
    agents: NotRequired[dict[str, dict[str, Any]]]
    excludeDynamicSections: NotRequired[bool]
    systemPromptSnapshot: NotRequired[bool]
    skills: NotRequired[list[str]]
    forwardSubagentText: NotRequired[bool]


class SDKControlSetPermissionModeRequest(TypedDict):
    subtype: Literal["set_permission_mode"]
    mode: PermissionMode


class SDKHookCallbackRequest(TypedDict):
    subtype: Literal["hook_callback"]
    callback_id: str
    input: Any
    tool_use_id: str | None


class SDKControlMcpMessageRequest(TypedDict):
    subtype: Literal["mcp_message"]
    server_name: str
    message: Any


class SDKControlRewindFilesRequest(TypedDict):
    subtype: Literal["rewind_files"]
    user_message_id: str


class SDKControlMcpReconnectRequest(TypedDict):
    """Reconnects a disconnected or failed MCP server."""

    subtype: Literal["mcp_reconnect"]
    serverName: str


class SDKControlMcpToggleRequest(TypedDict):
    """Enables or disables an MCP server."""

    subtype: Literal["mcp_toggle"]
    serverName: str
    enabled: bool


class SDKControlStopTaskRequest(TypedDict):
    subtype: Literal["stop_task"]
    task_id: str


class SDKControlRequest(TypedDict):
    type: Literal["control_request"]
    request_id: str
    request: (
        SDKControlInterruptRequest
        | SDKControlPermissionRequest
        | SDKControlInitializeRequest
        | SDKControlSetPermissionModeRequest
        | SDKHookCallbackRequest
        | SDKControlMcpMessageRequest
        | SDKControlRewindFilesRequest
        | SDKControlMcpReconnectRequest
        | SDKControlMcpToggleRequest
        | SDKControlStopTaskRequest
    )


class ControlResponse(TypedDict):
    subtype: Literal["success"]
    request_id: str
    response: dict[str, Any] | None


class ControlErrorResponse(TypedDict):
    subtype: Literal["error"]
    request_id: str
    error: str


class SDKControlResponse(TypedDict):
    type: Literal["control_response"]
    response: ControlResponse | ControlErrorResponse
