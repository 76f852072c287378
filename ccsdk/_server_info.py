"""Typed views of the CLI's answer to ``initialize``: commands, models, agents, account.

The answer itself stays available as the dict the CLI sent
(:meth:`ClaudeSDKClient.get_server_info`, as in ``claude_code_sdk``);
:class:`ServerInfo` is a typed reading of the same dict, made once per
answer. Every view keeps the dict it was read from in ``raw``: CLI 2.1.331
sends about 25 keys and adds more from release to release, and a key this
version does not model is never lost.

The reading is lenient about what is *missing* (a CLI that sends no
``models`` gives an empty list, an absent or null field its default) and
strict about what is *wrong*: a field of the wrong JSON type is a
:class:`~ccsdk.MessageParseError` naming the field's path
(``models[0].value must be a string, got an integer``), not a silently
wrong value. The reading is the protocol's converter
(:func:`ccsdk.protocol.codec.decode_answer`); each camelCase key is named
once, on its field.
"""

from __future__ import annotations

from typing import Any

import attrs

from ccsdk.protocol.codec import decode_answer
from ccsdk.protocol.control import RAW, WIRE

__all__ = ["AccountInfo", "AgentInfo", "ModelInfo", "ServerInfo", "SlashCommand"]


@attrs.frozen
class SlashCommand:
    """A slash command (or skill) the session offers, such as ``/compact``."""

    name: str
    description: str = ""
    argument_hint: str = attrs.field(default="", metadata={WIRE: "argumentHint"})
    aliases: list[str] = attrs.field(factory=list[str])
    #: True for the CLI's own commands; ``None`` when the CLI does not say.
    builtin: bool | None = None
    raw: dict[str, Any] = attrs.field(
        factory=dict[str, Any], repr=False, eq=False, metadata={RAW: True}
    )

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> SlashCommand:
        """Read one command; :class:`~ccsdk.MessageParseError` if a field has the wrong type."""
        return decode_answer(cls, data, "command")


@attrs.frozen
class ModelInfo:
    """A model the session can switch to with ``set_model(value)``."""

    #: What ``set_model`` takes: an alias (``"opus"``, ``"default"``) or a name.
    value: str
    display_name: str = attrs.field(default="", metadata={WIRE: "displayName"})
    description: str = ""
    #: The full model name the alias stands for right now.
    resolved_model: str | None = attrs.field(default=None, metadata={WIRE: "resolvedModel"})
    supports_effort: bool | None = attrs.field(default=None, metadata={WIRE: "supportsEffort"})
    supported_effort_levels: list[str] = attrs.field(
        factory=list[str], metadata={WIRE: "supportedEffortLevels"}
    )
    supports_adaptive_thinking: bool | None = attrs.field(
        default=None, metadata={WIRE: "supportsAdaptiveThinking"}
    )
    supports_fast_mode: bool | None = attrs.field(default=None, metadata={WIRE: "supportsFastMode"})
    supports_auto_mode: bool | None = attrs.field(default=None, metadata={WIRE: "supportsAutoMode"})
    raw: dict[str, Any] = attrs.field(
        factory=dict[str, Any], repr=False, eq=False, metadata={RAW: True}
    )

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ModelInfo:
        """Read one model; :class:`~ccsdk.MessageParseError` if a field has the wrong type."""
        return decode_answer(cls, data, "model")


@attrs.frozen
class AgentInfo:
    """A subagent the model can hand work to (the CLI's own and those in settings)."""

    name: str
    description: str = ""
    #: The model it runs on (``"sonnet"``, ...), ``None`` for the session's.
    model: str | None = None
    raw: dict[str, Any] = attrs.field(
        factory=dict[str, Any], repr=False, eq=False, metadata={RAW: True}
    )

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> AgentInfo:
        """Read one agent; :class:`~ccsdk.MessageParseError` if a field has the wrong type."""
        return decode_answer(cls, data, "agent")


@attrs.frozen
class AccountInfo:
    """Who the CLI is signed in as, and where its credential comes from.

    With an API key (``ANTHROPIC_API_KEY``) there is no email or
    organisation: CLI 2.1.331 answers ``tokenSource: "none"``,
    ``apiKeySource: "ANTHROPIC_API_KEY"``, ``apiProvider: "firstParty"``.
    """

    email: str | None = None
    organization: str | None = None
    subscription_type: str | None = attrs.field(default=None, metadata={WIRE: "subscriptionType"})
    token_source: str | None = attrs.field(default=None, metadata={WIRE: "tokenSource"})
    api_key_source: str | None = attrs.field(default=None, metadata={WIRE: "apiKeySource"})
    api_provider: str | None = attrs.field(default=None, metadata={WIRE: "apiProvider"})
    raw: dict[str, Any] = attrs.field(
        factory=dict[str, Any], repr=False, eq=False, metadata={RAW: True}
    )

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> AccountInfo:
        """Read the account; :class:`~ccsdk.MessageParseError` if a field has the wrong type."""
        return decode_answer(cls, data, "account")


@attrs.frozen
class ServerInfo:
    """The CLI's answer to ``initialize``, typed; ``raw`` is the whole dict."""

    commands: list[SlashCommand] = attrs.field(factory=list[SlashCommand])
    models: list[ModelInfo] = attrs.field(factory=list[ModelInfo])
    agents: list[AgentInfo] = attrs.field(factory=list[AgentInfo])
    account: AccountInfo = attrs.field(factory=AccountInfo)
    output_style: str | None = None
    available_output_styles: list[str] = attrs.field(factory=list[str])
    claude_code_version: str | None = None
    #: The CLI's process id, as the CLI sees it (in a container: its pid there).
    pid: int | None = None
    current_permission_mode: str | None = None
    #: Whether the hooks sent in ``initialize`` were registered (2.1.331: ``True``).
    hooks_applied: bool | None = None
    #: Protocol features this CLI announces, such as ``"reload_plugins_refuse_if_busy_v1"``.
    capabilities: list[str] = attrs.field(factory=list[str])
    raw: dict[str, Any] = attrs.field(
        factory=dict[str, Any], repr=False, eq=False, metadata={RAW: True}
    )

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ServerInfo:
        """Read the answer's dict.

        Raises:
            MessageParseError: a field has the wrong JSON type (the
                message names its path); ``data`` is kept on the error.
        """
        return decode_answer(cls, data, "initialize answer")
