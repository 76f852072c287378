"""Typed answers to the control requests whose answer has a known shape.

Each keeps the CLI's dict in ``raw``. Reading is lenient about missing
fields and strict about wrong types (a :class:`~ccsdk.MessageParseError`
naming the field), as in :mod:`ccsdk.server_info`.
"""

from __future__ import annotations

from typing import Any, cast

import attrs

from ccsdk.protocol.errors import MessageParseError

__all__ = ["McpSetServersResult", "RewindFilesResult"]


def _no_fields() -> dict[str, Any]:
    return {}


def _str_list(data: dict[str, Any], key: str, where: str) -> list[str] | None:
    value: object = data.get(key)
    if value is None:
        return None
    if isinstance(value, list):
        items = cast("list[object]", value)
        if all(isinstance(item, str) for item in items):
            return cast("list[str]", items)
    raise MessageParseError(f"{where}: {key!r} must be a list of strings, not {value!r}", data)


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

    can_rewind: bool
    #: Why not, when ``can_rewind`` is false ("File rewinding is not enabled.").
    error: str | None = None
    #: The files the rewind changes (absolute paths); ``None`` when the CLI does not list them.
    files_changed: list[str] | None = None
    insertions: int | None = None
    deletions: int | None = None
    #: Symbolic links left alone by a real rewind.
    skipped_links: int | None = None
    raw: dict[str, Any] = attrs.field(factory=_no_fields, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RewindFilesResult:
        """Read the CLI's answer; :class:`MessageParseError` if a field has the wrong type."""
        files = _str_list(data, "filesChanged", "rewind_files")
        return cls(
            can_rewind=_typed(data, "canRewind", bool) or False,
            error=_typed(data, "error", str),
            files_changed=files,
            insertions=_typed(data, "insertions", int),
            deletions=_typed(data, "deletions", int),
            skipped_links=_typed(data, "skippedLinks", int),
            raw=data,
        )


@attrs.frozen
class McpSetServersResult:
    """What ``set_mcp_servers`` changed: server names added and removed, and failures."""

    added: list[str] = attrs.field(factory=list[str])
    removed: list[str] = attrs.field(factory=list[str])
    #: Server name -> why it could not be set up.
    errors: dict[str, str] = attrs.field(factory=dict[str, str])
    raw: dict[str, Any] = attrs.field(factory=_no_fields, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> McpSetServersResult:
        """Read the CLI's answer; :class:`MessageParseError` if a field has the wrong type."""
        errors: object = data.get("errors", {})
        if not isinstance(errors, dict):
            raise MessageParseError(
                f"mcp_set_servers: 'errors' must be an object, not {errors!r}", data
            )
        reasons = cast("dict[str, object]", errors)
        return cls(
            added=_str_list(data, "added", "mcp_set_servers") or [],
            removed=_str_list(data, "removed", "mcp_set_servers") or [],
            # The CLI's reasons are strings; anything else is shown, not dropped.
            errors={k: v if isinstance(v, str) else repr(v) for k, v in reasons.items()},
            raw=data,
        )


def _typed(data: dict[str, Any], key: str, kind: type[Any]) -> Any:
    value: object = data.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MessageParseError(f"{key!r} must be of type {kind.__name__}, not {value!r}", data)
    return value
