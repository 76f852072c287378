"""Typed answers to the control requests whose answer has a known shape.

Each keeps the CLI's dict in ``raw``. Reading is lenient about missing
fields and strict about wrong types (a :class:`~ccsdk.MessageParseError`
naming the field's path), as in :mod:`ccsdk._server_info`, by the same
converter (:func:`ccsdk.protocol.codec.decode_answer`).
"""

from __future__ import annotations

from typing import Any, cast

import attrs

from ccsdk.protocol.codec import decode_answer
from ccsdk.protocol.control import HOOK, RAW, WIRE, WrongType

__all__ = ["McpSetServersResult", "RewindFilesResult"]


def _reasons(value: object, _: object) -> dict[str, str]:
    """``errors``: server name -> why; a reason that is not a string is shown, not dropped."""
    if not isinstance(value, dict):
        raise WrongType(value, "an object")
    reasons = cast("dict[str, object]", value)
    return {k: v if isinstance(v, str) else repr(v) for k, v in reasons.items()}


@attrs.frozen
class RewindFilesResult:
    """What ``rewind_files`` did, or (``dry_run``) would do.

    CLI 2.1.331 answers a dry run ``{"canRewind": true, "filesChanged":
    [...], "insertions": 1, "deletions": 2}`` and a real rewind
    ``{"canRewind": true, "skippedLinks": 0}``. A dry run that cannot
    rewind is still an answer (``can_rewind`` false, ``error`` saying why);
    a real rewind that cannot is refused with
    :class:`~ccsdk.ControlRequestError`.
    """

    #: ``False`` when the CLI does not say.
    can_rewind: bool = attrs.field(default=False, metadata={WIRE: "canRewind"})
    #: Why not, when ``can_rewind`` is false ("File rewinding is not enabled.").
    error: str | None = None
    #: The files the rewind changes (absolute paths); ``None`` when the CLI does not list them.
    files_changed: list[str] | None = attrs.field(default=None, metadata={WIRE: "filesChanged"})
    insertions: int | None = None
    deletions: int | None = None
    #: Symbolic links left alone by a real rewind.
    skipped_links: int | None = attrs.field(default=None, metadata={WIRE: "skippedLinks"})
    raw: dict[str, Any] = attrs.field(
        factory=dict[str, Any], repr=False, eq=False, metadata={RAW: True}
    )

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RewindFilesResult:
        """Read the CLI's answer; :class:`MessageParseError` if a field has the wrong type."""
        return decode_answer(cls, data, "rewind_files answer")


@attrs.frozen
class McpSetServersResult:
    """What ``set_mcp_servers`` changed: server names added and removed, and failures."""

    added: list[str] = attrs.field(factory=list[str])
    removed: list[str] = attrs.field(factory=list[str])
    #: Server name -> why it could not be set up.
    errors: dict[str, str] = attrs.field(factory=dict[str, str], metadata={HOOK: _reasons})
    raw: dict[str, Any] = attrs.field(
        factory=dict[str, Any], repr=False, eq=False, metadata={RAW: True}
    )

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> McpSetServersResult:
        """Read the CLI's answer; :class:`MessageParseError` if a field has the wrong type."""
        return decode_answer(cls, data, "mcp_set_servers answer")
