"""Typed views of the CLI's answer to ``initialize``: commands, models, agents, account.

The answer itself stays available as the dict the CLI sent
(:meth:`ClaudeSDKClient.get_server_info`, as in ``claude_code_sdk``);
:class:`ServerInfo` is a typed reading of the same dict, made once per
answer. Every view keeps the dict it was read from in ``raw``: CLI 2.1.331
sends about 25 keys and adds more from release to release, and a key this
version does not model is never lost.

The reading is lenient about what is *missing* (a CLI that sends no
``models`` gives an empty list, an absent field is ``None``) and strict
about what is *wrong*: a field of the wrong JSON type is a
:class:`~ccsdk.MessageParseError` naming the field, not a silently wrong
value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import attrs

from ccsdk.protocol.errors import MessageParseError

__all__ = ["AccountInfo", "AgentInfo", "ModelInfo", "ServerInfo", "SlashCommand"]

T = TypeVar("T")


def _no_fields() -> dict[str, Any]:
    return {}


def _no_strs() -> list[str]:
    return []


@attrs.frozen
class SlashCommand:
    """A slash command (or skill) the session offers, such as ``/compact``."""

    name: str
    description: str = ""
    argument_hint: str = ""
    aliases: list[str] = attrs.field(factory=_no_strs)
    #: True for the CLI's own commands; ``None`` when the CLI does not say.
    builtin: bool | None = None
    raw: dict[str, Any] = attrs.field(factory=_no_fields, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> SlashCommand:
        where = "a command"
        return cls(
            name=_req(data, "name", str, where),
            description=_opt(data, "description", str, where) or "",
            argument_hint=_opt(data, "argumentHint", str, where) or "",
            aliases=_str_list(data, "aliases", where),
            builtin=_opt(data, "builtin", bool, where),
            raw=data,
        )


@attrs.frozen
class ModelInfo:
    """A model the session can switch to with ``set_model(value)``."""

    #: What ``set_model`` takes: an alias (``"opus"``, ``"default"``) or a name.
    value: str
    display_name: str = ""
    description: str = ""
    #: The full model name the alias stands for right now.
    resolved_model: str | None = None
    supports_effort: bool | None = None
    supported_effort_levels: list[str] = attrs.field(factory=_no_strs)
    supports_adaptive_thinking: bool | None = None
    supports_fast_mode: bool | None = None
    supports_auto_mode: bool | None = None
    raw: dict[str, Any] = attrs.field(factory=_no_fields, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ModelInfo:
        where = "a model"
        return cls(
            value=_req(data, "value", str, where),
            display_name=_opt(data, "displayName", str, where) or "",
            description=_opt(data, "description", str, where) or "",
            resolved_model=_opt(data, "resolvedModel", str, where),
            supports_effort=_opt(data, "supportsEffort", bool, where),
            supported_effort_levels=_str_list(data, "supportedEffortLevels", where),
            supports_adaptive_thinking=_opt(data, "supportsAdaptiveThinking", bool, where),
            supports_fast_mode=_opt(data, "supportsFastMode", bool, where),
            supports_auto_mode=_opt(data, "supportsAutoMode", bool, where),
            raw=data,
        )


@attrs.frozen
class AgentInfo:
    """A subagent the model can hand work to (the CLI's own and those in settings)."""

    name: str
    description: str = ""
    #: The model it runs on (``"sonnet"``, ...), ``None`` for the session's.
    model: str | None = None
    raw: dict[str, Any] = attrs.field(factory=_no_fields, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> AgentInfo:
        where = "an agent"
        return cls(
            name=_req(data, "name", str, where),
            description=_opt(data, "description", str, where) or "",
            model=_opt(data, "model", str, where),
            raw=data,
        )


@attrs.frozen
class AccountInfo:
    """Who the CLI is signed in as, and where its credential comes from.

    With an API key (``ANTHROPIC_API_KEY``) there is no email or
    organisation: CLI 2.1.331 answers ``tokenSource: "none"``,
    ``apiKeySource: "ANTHROPIC_API_KEY"``, ``apiProvider: "firstParty"``.
    """

    email: str | None = None
    organization: str | None = None
    subscription_type: str | None = None
    token_source: str | None = None
    api_key_source: str | None = None
    api_provider: str | None = None
    raw: dict[str, Any] = attrs.field(factory=_no_fields, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> AccountInfo:
        where = "account"
        return cls(
            email=_opt(data, "email", str, where),
            organization=_opt(data, "organization", str, where),
            subscription_type=_opt(data, "subscriptionType", str, where),
            token_source=_opt(data, "tokenSource", str, where),
            api_key_source=_opt(data, "apiKeySource", str, where),
            api_provider=_opt(data, "apiProvider", str, where),
            raw=data,
        )


@attrs.frozen
class ServerInfo:
    """The CLI's answer to ``initialize``, typed; ``raw`` is the whole dict."""

    commands: list[SlashCommand] = attrs.field(factory=list[SlashCommand])
    models: list[ModelInfo] = attrs.field(factory=list[ModelInfo])
    agents: list[AgentInfo] = attrs.field(factory=list[AgentInfo])
    account: AccountInfo = attrs.field(factory=AccountInfo)
    output_style: str | None = None
    available_output_styles: list[str] = attrs.field(factory=_no_strs)
    claude_code_version: str | None = None
    #: The CLI's process id, as the CLI sees it (in a container: its pid there).
    pid: int | None = None
    current_permission_mode: str | None = None
    #: Whether the hooks sent in ``initialize`` were registered (2.1.331: ``True``).
    hooks_applied: bool | None = None
    #: Protocol features this CLI announces, such as ``"reload_plugins_refuse_if_busy_v1"``.
    capabilities: list[str] = attrs.field(factory=_no_strs)
    raw: dict[str, Any] = attrs.field(factory=_no_fields, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> ServerInfo:
        """Read the answer's dict.

        Raises:
            MessageParseError: a field has the wrong JSON type (the
                message names it); ``data`` is kept on the error.
        """
        try:
            account = data.get("account")
            return cls(
                commands=_objects(data, "commands", SlashCommand.from_wire),
                models=_objects(data, "models", ModelInfo.from_wire),
                agents=_objects(data, "agents", AgentInfo.from_wire),
                account=AccountInfo()
                if account is None
                else AccountInfo.from_wire(_object(account, "the initialize answer: 'account'")),
                output_style=_opt(data, "output_style", str, "the initialize answer"),
                available_output_styles=_str_list(
                    data, "available_output_styles", "the initialize answer"
                ),
                claude_code_version=_opt(data, "claude_code_version", str, "the initialize answer"),
                pid=_opt(data, "pid", int, "the initialize answer"),
                current_permission_mode=_opt(
                    data, "current_permission_mode", str, "the initialize answer"
                ),
                hooks_applied=_opt(data, "hooks_applied", bool, "the initialize answer"),
                capabilities=_str_list(data, "capabilities", "the initialize answer"),
                raw=data,
            )
        except _WrongType as exc:
            raise MessageParseError(str(exc), data) from None


class _WrongType(Exception):
    pass


_JSON_NAMES: dict[type[Any], str] = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    dict: "an object",
}


def _check(value: object, kind: type[T], what: str) -> T:
    # bool is an int in Python, not in JSON.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _WrongType(f"{what} must be {_JSON_NAMES[kind]}, not {value!r}")
    return value


def _req(data: dict[str, Any], key: str, kind: type[T], where: str) -> T:
    if key not in data:
        raise _WrongType(f"{where} lacks {key!r}: {data!r}")
    return _check(data[key], kind, f"{where}: {key!r}")


def _opt(data: dict[str, Any], key: str, kind: type[T], where: str) -> T | None:
    value = data.get(key)
    return None if value is None else _check(value, kind, f"{where}: {key!r}")


def _str_list(data: dict[str, Any], key: str, where: str) -> list[str]:
    value: object = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _WrongType(f"{where}: {key!r} must be a list, not {value!r}")
    items = cast("list[object]", value)
    return [_check(item, str, f"{where}: an item of {key!r}") for item in items]


def _objects(data: dict[str, Any], key: str, read: Callable[[dict[str, Any]], T]) -> list[T]:
    value: object = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _WrongType(f"the initialize answer: {key!r} must be a list, not {value!r}")
    items = cast("list[object]", value)
    return [read(_object(item, f"an item of {key!r}")) for item in items]


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _WrongType(f"{what} must be an object, not {value!r}")
    return cast("dict[str, Any]", value)
