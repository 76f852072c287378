"""The user's callbacks the CLI calls: permission prompts, hooks, elicitations, dialogs.

Each is called in its own task (see the engine) and answered on the wire
in the shape CLI 2.1.331 accepts: ``can_use_tool`` with ``behavior`` /
``updatedInput`` / ``updatedPermissions`` / ``message`` / ``interrupt`` (the
official 0.0.25 SDK still sent a shape the CLI rejects), hooks with the
callback's dict, ``continue_`` and ``async_`` renamed, ``elicitation`` with
an MCP ``ElicitResult`` (``decline`` when there is no callback) and
``request_user_dialog`` with ``completed`` / ``cancelled`` (``cancelled``
when there is no callback); see :mod:`ccsdk._user_input`. Every answer is a
:mod:`ccsdk.protocol.control` model, encoded by ``codec.encode_control``.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Any, cast, get_args

from ccsdk._config_types import (
    CanUseToolShadowedWarning,
    HookCallback,
    HookContext,
    HookEvent,
    PermissionResultAllow,
    PermissionResultDeny,
    PermissionUpdate,
    ToolPermissionContext,
)
from ccsdk._user_input import elicitation_answer, user_dialog_answer
from ccsdk.protocol.codec import encode_control
from ccsdk.protocol.control import (
    CanUseToolAllow,
    CanUseToolDeny,
    ElicitationAnswer,
    HookOutput,
    UserDialogAnswer,
)
from ccsdk.protocol.events import (
    CanUseToolRequest,
    ElicitationRequest,
    HookCallbackRequest,
    UserDialogRequest,
)

if TYPE_CHECKING:
    from ccsdk._hooks import HookInput
    from ccsdk._options import Options

__all__ = ["Callbacks", "Refused"]

log = logging.getLogger("ccsdk")

_HOOK_EVENTS = frozenset(get_args(HookEvent))
#: Events of ``HookEvent`` that CLI 2.1.331 does not fire yet, with the
#: first CLI that does.
_NEWER_EVENTS = {"PreSkillShellCommand": "2.1.332", "Interrupt": "2.1.337"}


class _HookContext(dict[str, Any]):
    """The ``HookContext`` a hook callback gets: the dict ``{"signal": None}`` of
    claude_agent_sdk (and of what claude_code_sdk 0.0.25 passed at run time), that
    also answers ``context.signal``, as 0.0.25's declared dataclass and earlier ccsdk did.
    """

    @property
    def signal(self) -> Any:
        return self["signal"]


def _whole_tool(entry: str) -> bool:
    """Whether an ``allowed_tools`` entry allows a whole tool: ``Read``, ``Read()``, ``Read(*)``."""
    name, paren, rest = entry.partition("(")
    return bool(name) and (not paren or rest in (")", "*)"))


class Refused(Exception):
    """A request answered with an error that is no failure on our side."""


class Callbacks:
    """Registers hook callbacks under ids and answers the CLI's calls."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._hooks: dict[str, HookCallback] = {}
        # Each callback id's matcher's on_failure, when set.
        self._on_failure: dict[str, str] = {}

    def hooks_for_initialize(self) -> dict[str, Any] | None:
        """The ``hooks`` of ``initialize``; registers each callback under an id."""
        hooks = self.options.hooks
        if not hooks:
            return None
        wire: dict[str, Any] = {}
        for event_name, matchers in hooks.items():
            if event_name not in _HOOK_EVENTS:
                log.warning("hook event %r is not one ccsdk knows; it is sent anyway", event_name)
            elif event_name in _NEWER_EVENTS:
                log.info(
                    "hook event %r needs CLI %s or later; an older CLI never fires it",
                    event_name,
                    _NEWER_EVENTS[event_name],
                )
            entries: list[dict[str, Any]] = []
            for matcher in matchers:
                ids: list[str] = []
                for callback in matcher.hooks:
                    callback_id = f"hook_{len(self._hooks)}"
                    self._hooks[callback_id] = callback
                    if matcher.on_failure is not None:
                        self._on_failure[callback_id] = matcher.on_failure
                    ids.append(callback_id)
                entry: dict[str, Any] = {"matcher": matcher.matcher, "hookCallbackIds": ids}
                if matcher.timeout is not None:
                    entry["timeout"] = matcher.timeout
                if matcher.on_failure is not None:
                    entry["onFailure"] = matcher.on_failure
                entries.append(entry)
            if entries:
                wire[event_name] = entries
        return wire or None

    def warn_if_unreachable(self) -> None:
        """Warn (:class:`~ccsdk.types.CanUseToolShadowedWarning`) when the options
        keep ``can_use_tool`` from being asked, as claude_agent_sdk does.
        """
        options = self.options
        if options.can_use_tool is None:
            return
        message = None
        if options.permission_mode == "bypassPermissions":
            message = (
                "can_use_tool will never be called: permission_mode='bypassPermissions' "
                "allows every tool without asking"
            )
        else:
            allowed = list(options.allowed_tools)
            if options.skills == "all" and "Skill" not in allowed:
                allowed.append("Skill")
            whole = [t for t in allowed if _whole_tool(t)]
            if whole:
                message = (
                    f"can_use_tool will not be asked about {', '.join(whole)}: "
                    "allowed_tools allows them outright; use a PreToolUse hook to see every call"
                )
        if message is not None:
            log.warning("%s", message)
            warnings.warn(message, CanUseToolShadowedWarning, stacklevel=2)

    async def can_use_tool(self, event: CanUseToolRequest) -> dict[str, Any]:
        callback = self.options.can_use_tool
        if callback is None:
            raise Refused("canUseTool callback is not provided")
        raw = event.raw
        context = ToolPermissionContext(
            suggestions=_suggestions(event.permission_suggestions),
            tool_use_id=event.tool_use_id,
            blocked_path=event.blocked_path,
            decision_reason=raw.get("decision_reason"),
            title=raw.get("title"),
            display_name=raw.get("display_name"),
            description=raw.get("description"),
            agent_id=raw.get("agent_id"),
        )
        result = await callback(event.tool_name, event.input, context)
        if isinstance(result, PermissionResultAllow):
            updates = result.updated_permissions
            return encode_control(
                CanUseToolAllow(
                    event.input if result.updated_input is None else result.updated_input,
                    [p.to_wire() for p in updates] if updates else None,
                )
            )
        if isinstance(result, PermissionResultDeny):  # pyright: ignore[reportUnnecessaryIsInstance]
            return encode_control(CanUseToolDeny(result.message, result.interrupt))
        # Callers are not always type-checked.
        raise TypeError(
            "can_use_tool must return PermissionResultAllow or PermissionResultDeny, "
            f"not {type(result).__name__}"
        )

    async def hook(self, event: HookCallbackRequest) -> dict[str, Any]:
        callback = self._hooks.get(event.callback_id)
        if callback is None:
            raise Refused(f"No hook callback found for ID: {event.callback_id}")
        context = cast(HookContext, _HookContext(signal=None))
        # The CLI's dict, typed as the official union of the events' inputs.
        data = cast("HookInput", event.input)
        output = cast(object, await callback(data, event.tool_use_id, context))
        if output is None:
            return {}
        if not isinstance(output, dict):
            raise TypeError(f"a hook callback must return a dict, not {type(output).__name__}")
        # continue_ / async_ renamed in the encoder.
        return encode_control(HookOutput(cast("dict[str, Any]", output)))

    def failure_answer(self, event: object, reason: str) -> dict[str, Any] | None:
        """What to answer when the user's callback for ``event`` failed: a denial
        for a guard, ``None`` for an error answer.

        A guard that fails must not open the door. A ``can_use_tool`` callback
        that raised, or returned what cannot be sent, denies the tool, and so
        does a ``PreToolUse`` or ``PermissionRequest`` hook, unless its
        matcher sets ``on_failure``: then the CLI gets the error and applies
        the user's choice (``"continue"``: no decision; ``"block"``: blocked).
        Any other request gets an error answer, as before.
        """
        if isinstance(event, CanUseToolRequest):
            return encode_control(CanUseToolDeny(f"the can_use_tool callback failed: {reason}"))
        if not isinstance(event, HookCallbackRequest) or event.callback_id in self._on_failure:
            return None
        hook_event = event.input.get("hook_event_name")
        message = f"the {hook_event} hook failed: {reason}"
        if hook_event == "PreToolUse":
            return {
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "deny",
                    "permissionDecisionReason": message,
                }
            }
        if hook_event == "PermissionRequest":
            return {
                "hookSpecificOutput": {
                    "hookEventName": "PermissionRequest",
                    "decision": {"behavior": "deny", "message": message},
                }
            }
        return None

    async def elicitation(self, event: ElicitationRequest) -> dict[str, Any]:
        callback = self.options.on_elicitation
        if callback is None:
            # What the CLI's MCP server then hears.
            return encode_control(ElicitationAnswer("decline"))
        return elicitation_answer(await callback(event))

    async def user_dialog(self, event: UserDialogRequest) -> dict[str, Any]:
        callback = self.options.on_user_dialog
        if callback is None:
            log.warning(
                "the CLI asked for a %r dialog and there is no on_user_dialog: cancelled",
                event.dialog_kind,
            )
            return encode_control(UserDialogAnswer("cancelled"))
        return user_dialog_answer(await callback(event))


def _suggestions(raw: list[dict[str, Any]]) -> list[PermissionUpdate]:
    """The CLI's suggestions, typed; one this version cannot read is skipped, not fatal."""
    out: list[PermissionUpdate] = []
    for item in raw:
        try:
            out.append(PermissionUpdate.from_wire(item))
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("skipping a permission suggestion ccsdk cannot read (%s): %r", exc, item)
    return out
