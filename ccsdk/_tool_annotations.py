"""``ToolAnnotations``: MCP's hints about a tool, in either spelling, plus one of Claude Code's.

mcp's own ``ToolAnnotations`` takes ``read_only_hint=`` (mcp 2) or
``readOnlyHint=`` (mcp 1) depending on the installed major; this one takes
both on any, as the official SDK's does, so annotations written for either
keep working. ``maxResultSizeChars`` is not an MCP hint: it is the size up to
which Claude Code keeps a tool's result inline instead of saving it to a file
and showing a preview. MCP clients drop annotation keys they do not know, so
:func:`ccsdk.create_sdk_mcp_server` sends it in the tool's ``_meta`` as
``anthropic/maxResultSizeChars``.

This module imports mcp (and pydantic): ``import ccsdk`` does not load it;
the first use of ``ccsdk.ToolAnnotations`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from mcp.types import ToolAnnotations as _McpToolAnnotations

__all__ = ["ToolAnnotations", "annotations_of", "meta_of"]

# snake_case -> the wire name, which every mcp version accepts (as a field name
# on mcp 1, as an alias on mcp 2).
_WIRE_NAMES = {
    "read_only_hint": "readOnlyHint",
    "destructive_hint": "destructiveHint",
    "idempotent_hint": "idempotentHint",
    "open_world_hint": "openWorldHint",
    "max_result_size_chars": "maxResultSizeChars",
}


class ToolAnnotations(_McpToolAnnotations, extra="allow"):
    """Hints about a tool's behaviour, in snake_case or camelCase, and ``maxResultSizeChars``.

    Given both spellings of one hint, the camelCase one wins. Attribute
    access follows the installed mcp (``.read_only_hint`` on mcp 2).
    """

    maxResultSizeChars: int | None = None

    if TYPE_CHECKING:

        def __init__(
            self,
            *,
            title: str | None = None,
            readOnlyHint: bool | None = None,
            read_only_hint: bool | None = None,
            destructiveHint: bool | None = None,
            destructive_hint: bool | None = None,
            idempotentHint: bool | None = None,
            idempotent_hint: bool | None = None,
            openWorldHint: bool | None = None,
            open_world_hint: bool | None = None,
            maxResultSizeChars: int | None = None,
            max_result_size_chars: int | None = None,
            **extra: Any,
        ) -> None: ...

    else:

        def __init__(self, **data: Any) -> None:
            super().__init__(**wire_spelling(data))


def wire_spelling(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each snake_case hint renamed to its wire name (that one wins)."""
    out = dict(data)
    for snake, wire in _WIRE_NAMES.items():
        if snake in out:
            value = out.pop(snake)
            out.setdefault(wire, value)
    return out


def annotations_of(value: object) -> _McpToolAnnotations | None:
    """What ``@tool(annotations=...)`` was given, as an MCP annotations object.

    An mcp ``ToolAnnotations`` (this class included) is used as it is; a dict,
    in either spelling, is checked by pydantic (``ValidationError``).
    """
    if value is None or isinstance(value, _McpToolAnnotations):
        return value
    if isinstance(value, Mapping):
        items = cast("Mapping[str, Any]", value)
        return ToolAnnotations.model_validate(wire_spelling(dict(items)))
    raise ValueError(f"annotations must be a ToolAnnotations or a dict, not {value!r}")


def meta_of(annotations: _McpToolAnnotations | None) -> dict[str, Any] | None:
    """The tool's ``_meta``: Claude Code's hints, which MCP clients drop from annotations.

    ``maxResultSizeChars`` is read from this class's field, or from the
    extras of any other annotations object that carries it.
    """
    value = getattr(annotations, "maxResultSizeChars", None)
    if value is None and annotations is not None and annotations.model_extra:
        value = annotations.model_extra.get("maxResultSizeChars")
    if value is None:
        return None
    return {"anthropic/maxResultSizeChars": value}
