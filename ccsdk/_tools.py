"""In-process MCP tools: ``@tool``, :func:`create_sdk_mcp_server`, input schemas.

A tool is an async function the model can call, served by a real MCP server
(``mcp.server.lowlevel.Server``) that runs inside this process. The CLI is
told only ``{"type": "sdk", "name": ...}`` and reaches the server through
``mcp_message`` control requests (see :mod:`ccsdk.runtime._mcp_bridge`)::

    @tool("greet", "Greet a user", {"name": str})
    async def greet(args):
        return {"content": [{"type": "text", "text": f"Hello, {args['name']}!"}]}

    options = ClaudeCodeOptions(
        mcp_servers={"tools": create_sdk_mcp_server("my-tools", tools=[greet])},
        allowed_tools=["mcp__tools__greet"],
    )

What this does differently from the official SDKs, and why:

* **Schemas are built from the types you wrote.** ``{"name": str}`` maps,
  TypedDicts (``NotRequired`` honoured), attrs classes and dataclasses
  become a JSON Schema with ``list[T]``, ``dict``, ``Optional[T]``,
  ``Literal[...]``, enums, nested classes and ``Annotated[T, "description"]``
  mapped faithfully. 0.0.25 turned every non-primitive into ``"string"`` and
  ignored TypedDicts; v2 kept ``Optional`` fields required and read
  ``{"type": "object"}`` as a field map. Here ``Optional`` fields are not
  required and accept ``null``, and any dict whose ``"type"`` is a string is
  taken as JSON Schema. A type with no faithful schema raises ``TypeError``
  when the tool is defined, instead of silently becoming a string.
* **Arguments are validated before the handler runs** (jsonschema), so a
  handler can trust its ``args``.
* **Failures reach the model as failures.** Invalid arguments, an unknown
  tool, a handler that raises and a handler that returns ``is_error`` (or
  ``isError``) all become an ``isError`` tool result with a clear message;
  0.0.25 reported every failure as a success. The session goes on.
* **Results pass through**: text, image, audio, embedded resources and
  resource links, ``structuredContent``; tool ``annotations`` are forwarded.
* **Nothing heavy at import time.** ``mcp`` (which pulls in starlette and
  pydantic) and ``jsonschema`` are imported by :func:`create_sdk_mcp_server`,
  not by ``import ccsdk``.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ccsdk._schema import build_input_schema, make_validator

if TYPE_CHECKING:
    from mcp.types import CallToolResult

    from ccsdk._config_types import McpSdkServerConfig

__all__ = ["SdkMcpTool", "create_sdk_mcp_server", "tool"]

log = logging.getLogger("ccsdk")

T = TypeVar("T")

#: What a handler returns: ``{"content": [...], "is_error"?: bool}``.
ToolResult = dict[str, Any]
ToolHandler = Callable[[Any], Awaitable[ToolResult]]


@dataclasses.dataclass
class SdkMcpTool(Generic[T]):
    """One tool: its name, description, input schema and async handler.

    ``input_schema`` is kept as given (a ``{name: type}`` map, a TypedDict, an
    attrs class or dataclass, or a JSON Schema dict); :attr:`schema` is the
    JSON Schema built from it when the tool is created, so a schema that
    cannot be built fails at definition time, not on the model's first call.

    ``annotations`` (an ``mcp.types.ToolAnnotations`` or a dict such as
    ``{"readOnlyHint": True}``; snake_case keys work too) is forwarded in
    ``tools/list``.

    A dataclass with the official fields, so ``dataclasses.replace`` and
    ``fields`` work as there; the built schema is an attribute, not a field.
    """

    name: str
    description: str
    input_schema: Any
    handler: Callable[[T], Awaitable[ToolResult]]
    annotations: Any = None

    def __post_init__(self) -> None:
        #: The JSON Schema of the arguments (built from ``input_schema``).
        self.schema: dict[str, Any] = build_input_schema(self.input_schema)
        self._validator: Any = None

    def validate(self, arguments: Any) -> str | None:
        """Check ``arguments`` against :attr:`schema`: ``None`` if valid, else why not.

        The message names the failing field, e.g. ``"'name' is a required
        property"`` or ``"'x' is not of type 'integer' (at 'age')"``: it is
        what the model reads to correct its call. Imports jsonschema on
        first use.
        """
        return self._checker()(arguments)

    def prepare(self) -> None:
        """Check :attr:`schema` now (importing jsonschema): ``ValueError`` if it
        is not valid JSON Schema. :func:`create_sdk_mcp_server` calls it, so a
        bad schema fails there rather than on the model's first call."""
        self._checker()

    def _checker(self) -> Callable[[Any], str | None]:
        if self._validator is None:
            self._validator = make_validator(self.name, self.schema)
        return cast("Callable[[Any], str | None]", self._validator)

    async def call(self, arguments: dict[str, Any]) -> Any:
        """Run the handler on already validated arguments (a sync handler works too)."""
        result: Any = self.handler(cast(T, arguments))
        if inspect.isawaitable(result):
            result = await result
        return result


def tool(
    name: str,
    description: str,
    input_schema: Any,
    annotations: Any = None,
) -> Callable[[Callable[[Any], Awaitable[ToolResult]]], SdkMcpTool[Any]]:
    """Declare an async function as an MCP tool (decorator).

    The function takes one ``args`` dict (already validated against the
    schema) and returns ``{"content": [{"type": "text", "text": ...}, ...]}``,
    optionally with ``"is_error": True`` (``"isError"`` is accepted too) to
    report a failure to the model. Content blocks are MCP content: ``text``,
    ``image`` (``data`` base64, ``mimeType``), ``audio``, ``resource`` and
    ``resource_link``.

    ``input_schema`` is one of: a ``{"name": type}`` map, a TypedDict, an
    attrs class (or dataclass), or a JSON Schema dict; see
    :func:`ccsdk._schema.build_input_schema`. ``annotations`` are MCP tool annotations
    (``readOnlyHint``, ``destructiveHint``, ``idempotentHint``,
    ``openWorldHint``, ``title``).

    The tool is exposed to the model as ``mcp__<mcp_servers key>__<name>``;
    that is the name ``allowed_tools`` needs.
    """

    def decorator(handler: Callable[[Any], Awaitable[ToolResult]]) -> SdkMcpTool[Any]:
        return SdkMcpTool(
            name=name,
            description=description,
            input_schema=input_schema,
            handler=handler,
            annotations=annotations,
        )

    return decorator


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


def create_sdk_mcp_server(
    name: str,
    version: str = "1.0.0",
    tools: Sequence[SdkMcpTool[Any]] | None = None,
) -> McpSdkServerConfig:
    """Build an in-process MCP server for ``tools``; put it in ``mcp_servers``.

    Returns ``{"type": "sdk", "name": name, "instance": server}`` where
    ``server`` is an ``mcp.server.lowlevel.Server`` (mcp 2.x, constructor
    handlers) serving ``tools/list`` and ``tools/call``; ``initialize``,
    ``ping`` and protocol version negotiation are mcp's own. Any other
    ``mcp.server.lowlevel.Server`` (with resources or prompts, say) can be
    given in the same ``{"type": "sdk", ...}`` form.

    This is where ``mcp`` and ``jsonschema`` are first imported, and where
    every tool's schema and annotations are checked, so a mistake fails here
    rather than when the model calls the tool.

    Raises:
        ValueError: two tools share a name, a schema is not valid JSON
            Schema, or the annotations are malformed.
    """
    import mcp.types as mcp_types
    from mcp.server.context import ServerRequestContext
    from mcp.server.lowlevel.server import Server
    from pydantic import ValidationError

    # Here, not at the top: tool_annotations subclasses mcp's pydantic model.
    from ccsdk._tool_annotations import annotations_of, meta_of

    # Typed, but a caller's list may hold anything: checked here.
    tool_list: list[object] = list(tools or [])
    by_name: dict[str, SdkMcpTool[Any]] = {}
    listed: list[mcp_types.Tool] = []
    for item in tool_list:
        if not isinstance(item, SdkMcpTool):
            raise TypeError(f"tools must be SdkMcpTool objects (use @tool), not {item!r}")
        if item.name in by_name:
            raise ValueError(f"two tools are named {item.name!r}")
        by_name[item.name] = item
        item.prepare()  # checks the schema now, and imports jsonschema
        try:
            annotations = annotations_of(item.annotations)
        except ValidationError as exc:
            raise ValueError(f"tool {item.name!r}: invalid annotations: {exc}") from None
        listed.append(
            mcp_types.Tool(
                name=item.name,
                description=item.description,
                input_schema=item.schema,
                annotations=annotations,
                _meta=meta_of(annotations),
            )
        )
    tools_result = mcp_types.ListToolsResult(tools=listed)

    async def list_tools(
        ctx: ServerRequestContext[Any], params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListToolsResult:
        return tools_result

    async def call_tool(
        ctx: ServerRequestContext[Any], params: mcp_types.CallToolRequestParams
    ) -> mcp_types.CallToolResult:
        return await _call_tool(by_name, params.name, params.arguments)

    server: Server[Any] = Server(
        name, version=version, on_list_tools=list_tools, on_call_tool=call_tool
    )
    return {"type": "sdk", "name": name, "instance": server}


async def _call_tool(
    tools: Mapping[str, SdkMcpTool[Any]], name: str, arguments: dict[str, Any] | None
) -> CallToolResult:
    """Run one ``tools/call``: every failure becomes an ``isError`` result."""
    item = tools.get(name)
    if item is None:
        known = ", ".join(repr(n) for n in tools) or "none"
        return _error_result(f"Unknown tool {name!r}; this server's tools: {known}")
    args: dict[str, Any] = {} if arguments is None else arguments
    problem = item.validate(args)
    if problem is not None:
        return _error_result(f"Invalid arguments for tool {name!r}: {problem}")
    try:
        result = await item.call(args)
    except Exception as exc:  # the model is told; the traceback stays here
        log.exception("the handler of tool %r raised", name)
        return _error_result(f"Tool {name!r} failed: {type(exc).__name__}: {exc}")
    return _tool_result(name, result)


def _tool_result(name: str, result: Any) -> CallToolResult:
    """A handler's dict as an MCP ``CallToolResult`` (content passes through)."""
    import mcp.types as mcp_types
    from pydantic import ValidationError

    if not isinstance(result, Mapping):
        return _error_result(
            f"Tool {name!r} returned {type(result).__name__}; "
            'a tool handler must return a dict such as {"content": [...]}'
        )
    result = cast("Mapping[str, Any]", result)  # a handler's dict; pydantic checks it below
    wire: dict[str, Any] = {"content": list(result.get("content") or [])}
    is_error = result.get("is_error", result.get("isError"))
    if is_error:
        wire["isError"] = True
    structured = result.get("structuredContent", result.get("structured_content"))
    if structured is not None:
        wire["structuredContent"] = structured
    if result.get("_meta") is not None:
        wire["_meta"] = result["_meta"]
    try:
        return mcp_types.CallToolResult.model_validate(wire)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:3]
        )
        log.warning("tool %r returned an invalid result: %s", name, exc)
        return _error_result(f"Tool {name!r} returned an invalid result: {problems}")


def _error_result(message: str) -> CallToolResult:
    import mcp.types as mcp_types

    return mcp_types.CallToolResult(
        content=[mcp_types.TextContent(type="text", text=message)], is_error=True
    )
