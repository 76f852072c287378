"""Custom tools without the CLI: the schema builder, validation, and the MCP bridge.

The bridge is driven the way the engine drives it: one ``handle()`` call per
tunnelled JSON-RPC message, each in its own task, with the messages CLI
2.1.331 sends (cli-protocol.md §5c).
"""

from __future__ import annotations

import dataclasses
import enum
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal, NotRequired, Optional, Required, TypedDict

import anyio
import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccsdk import SdkMcpTool, create_sdk_mcp_server, tool
from ccsdk._schema import build_input_schema
from tests.conftest import Runner

# ---------------------------------------------------------------------------
# Schema builder
# ---------------------------------------------------------------------------


def valid(schema: dict[str, Any], value: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(value)


def test_map_of_primitives_all_required() -> None:
    schema = build_input_schema({"name": str, "age": int, "height": float, "admin": bool})
    assert schema == {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer"},
            "height": {"type": "number"},
            "admin": {"type": "boolean"},
        },
        "required": ["name", "age", "height", "admin"],
    }


def test_map_of_containers() -> None:
    schema = build_input_schema(
        {
            "tags": list[str],
            "anything": list,
            "options": dict,
            "counts": dict[str, int],
            "pair": tuple[int, str],
            "many": tuple[float, ...],
            "unique": set[int],
        }
    )
    props = schema["properties"]
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert props["anything"] == {"type": "array"}
    assert props["options"] == {"type": "object"}
    assert props["counts"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert props["pair"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    assert props["many"] == {"type": "array", "items": {"type": "number"}}
    assert props["unique"] == {"type": "array", "items": {"type": "integer"}, "uniqueItems": True}
    good = {
        "tags": ["a"],
        "anything": [1, "x"],
        "options": {"k": [1]},
        "counts": {"a": 1},
        "pair": [1, "x"],
        "many": [1.5],
        "unique": [1, 2],
    }
    assert valid(schema, good)
    assert not valid(schema, {**good, "tags": [1]})
    assert not valid(schema, {**good, "counts": {"a": "1"}})
    assert not valid(schema, {**good, "pair": ["x", 1]})
    assert not valid(schema, {**good, "unique": [1, 1]})


def test_optional_fields_are_not_required_and_accept_null() -> None:
    schema = build_input_schema({"name": str, "nick": Optional[str], "age": int | None})  # noqa: UP045
    assert schema["required"] == ["name"]
    assert schema["properties"]["nick"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert valid(schema, {"name": "a"})
    assert valid(schema, {"name": "a", "nick": None, "age": None})
    assert valid(schema, {"name": "a", "nick": "b", "age": 3})
    assert not valid(schema, {"name": "a", "age": "3"})


def test_literal_union_annotated_enum_any() -> None:
    class Color(enum.Enum):
        RED = "red"
        BLUE = "blue"

    schema = build_input_schema(
        {
            "mode": Literal["fast", "slow"],
            "level": Literal[1, 2, 3],
            "mixed": Literal["a", 1],
            "either": int | str,
            "city": Annotated[str, "The city to look up"],
            "limit": Annotated[int, "How many", {"minimum": 1}],
            "color": Color,
            "blob": Any,
        }
    )
    props = schema["properties"]
    assert props["mode"] == {"type": "string", "enum": ["fast", "slow"]}
    assert props["level"] == {"type": "integer", "enum": [1, 2, 3]}
    assert props["mixed"] == {"enum": ["a", 1]}
    assert props["either"] == {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert props["city"] == {"type": "string", "description": "The city to look up"}
    assert props["limit"] == {"type": "integer", "description": "How many", "minimum": 1}
    assert props["color"] == {"type": "string", "enum": ["red", "blue"]}
    assert props["blob"] == {}
    # Any accepts None, so it is not required.
    assert "blob" not in schema["required"]
    assert not valid(schema["properties"]["limit"], 0)


def test_annotated_optional_keeps_description_and_is_optional() -> None:
    schema = build_input_schema({"note": Annotated[Optional[str], "A note"]})  # noqa: UP045
    assert "required" not in schema
    assert schema["properties"]["note"]["description"] == "A note"
    assert valid(schema, {"note": None})


class Address(TypedDict):
    street: str
    zip: NotRequired[str]


class Person(TypedDict):
    name: str
    age: NotRequired[int]
    nickname: Optional[str]  # noqa: UP045
    address: Address
    tags: list[str]


class Loose(TypedDict, total=False):
    a: int
    b: Required[str]


def test_typeddict_honours_notrequired_and_nests() -> None:
    schema = build_input_schema(Person)
    assert schema["required"] == ["name", "address", "tags"]
    assert schema["properties"]["age"] == {"type": "integer"}
    assert schema["properties"]["address"] == {
        "type": "object",
        "properties": {"street": {"type": "string"}, "zip": {"type": "string"}},
        "required": ["street"],
    }
    assert valid(schema, {"name": "a", "address": {"street": "s"}, "tags": []})
    assert not valid(schema, {"name": "a", "address": {}, "tags": []})


def test_typeddict_total_false_and_required() -> None:
    assert build_input_schema(Loose) == {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
        "required": ["b"],
    }


def test_json_schema_passes_through() -> None:
    assert build_input_schema({"type": "object"}) == {"type": "object"}
    spec = {
        "type": "object",
        "properties": {"x": {"type": "integer", "minimum": 0}},
        "required": ["x"],
        "additionalProperties": False,
    }
    schema = build_input_schema(spec)
    assert schema == spec
    schema["properties"]["x"]["minimum"] = 5
    assert spec["properties"]["x"]["minimum"] == 0  # a copy, not the caller's dict


def test_json_schema_without_type_gets_object() -> None:
    spec = {"properties": {"x": {"type": "string"}}, "required": ["x"]}
    assert build_input_schema(spec) == {"type": "object", **spec}


def test_a_field_named_type_is_a_field() -> None:
    assert build_input_schema({"type": str, "properties": int}) == {
        "type": "object",
        "properties": {"type": {"type": "string"}, "properties": {"type": "integer"}},
        "required": ["type", "properties"],
    }


def test_non_object_json_schema_is_refused() -> None:
    with pytest.raises(ValueError, match='"type": "object"'):
        build_input_schema({"type": "string"})


@attrs.define
class Query:
    text: str = attrs.field(metadata={"description": "What to search for"})
    limit: int = 10
    lang: Optional[str] = None  # noqa: UP045
    filters: list[str] = attrs.Factory(list)
    mode: Literal["all", "any"] = "all"


@dataclasses.dataclass
class Point:
    x: float
    y: float
    label: str | None = None


def test_attrs_class() -> None:
    schema = build_input_schema(Query)
    assert schema["required"] == ["text"]
    assert schema["properties"]["text"] == {"type": "string", "description": "What to search for"}
    assert schema["properties"]["limit"] == {"type": "integer"}
    assert schema["properties"]["filters"] == {"type": "array", "items": {"type": "string"}}
    assert schema["properties"]["mode"] == {"type": "string", "enum": ["all", "any"]}
    assert valid(schema, {"text": "q", "lang": None})


def test_dataclass_and_nested_class_in_a_map() -> None:
    schema = build_input_schema({"where": Point, "route": list[Point]})
    point = schema["properties"]["where"]
    assert point["required"] == ["x", "y"]
    assert schema["properties"]["route"]["items"] == point


@pytest.mark.parametrize(
    "spec",
    [{"x": complex}, {"x": "str"}, {"x": dict[int, str]}, {1: int}, 42, int, "schema"],
)
def test_unsupported_specs_fail_when_the_tool_is_defined(spec: Any) -> None:
    with pytest.raises(TypeError):

        @tool("t", "d", spec)
        async def handler(args: dict[str, Any]) -> dict[str, Any]:
            return {"content": []}


def test_recursive_class_is_refused() -> None:
    @attrs.define
    class Node:
        children: list[Node]

    with pytest.raises(TypeError):
        build_input_schema({"root": Node})


_PRIMS = {
    str: st.text(),
    int: st.integers(),
    float: st.floats(allow_nan=False),
    bool: st.booleans(),
}


@given(st.sampled_from(sorted(_PRIMS, key=lambda t: t.__name__)), st.data())
def test_built_schemas_accept_their_own_values(kind: type, data: st.DataObject) -> None:
    schema = build_input_schema(
        {"one": kind, "many": list[kind], "maybe": Optional[kind]}  # type: ignore[valid-type]  # noqa: UP045
    )
    value = {
        "one": data.draw(_PRIMS[kind]),
        "many": data.draw(st.lists(_PRIMS[kind], max_size=3)),
        "maybe": data.draw(st.none() | _PRIMS[kind]),
    }
    assert valid(schema, value)
    assert not valid(schema, {"many": []})  # "one" is required


# ---------------------------------------------------------------------------
# Validation and the tool object
# ---------------------------------------------------------------------------


def test_validate_messages_name_the_field() -> None:
    @tool("person", "d", {"name": str, "age": int, "tags": list[str]})
    async def person(args: dict[str, Any]) -> dict[str, Any]:
        return {"content": []}

    assert isinstance(person, SdkMcpTool)
    assert person.validate({"name": "a", "age": 1, "tags": []}) is None
    assert person.validate({"age": 1, "tags": []}) == "'name' is a required property"
    assert person.validate({"name": "a", "age": "x", "tags": []}) == (
        "'x' is not of type 'integer' (at 'age')"
    )
    assert person.validate({"name": "a", "age": 1, "tags": [1]}) == (
        "1 is not of type 'string' (at 'tags.0')"
    )
    assert person.validate([]) == "[] is not of type 'object'"


def test_create_sdk_mcp_server_returns_an_sdk_config() -> None:
    from mcp.server.lowlevel.server import Server

    config = create_sdk_mcp_server("my-tools", tools=[greet])
    assert config["type"] == "sdk" and config["name"] == "my-tools"
    assert isinstance(config["instance"], Server)
    assert config["instance"].version == "1.0.0"
    assert create_sdk_mcp_server("empty")["instance"].name == "empty"


def test_create_sdk_mcp_server_checks_its_tools() -> None:
    with pytest.raises(ValueError, match="two tools"):
        create_sdk_mcp_server("s", tools=[greet, greet])
    bad_schema = tool("bad", "d", {"type": "object", "properties": 5})(greet.handler)
    with pytest.raises(ValueError, match="invalid input schema"):
        create_sdk_mcp_server("s", tools=[bad_schema])
    bad_annotations = tool("bad", "d", {}, annotations={"readOnlyHint": "maybe"})(greet.handler)
    with pytest.raises(ValueError, match="invalid annotations"):
        create_sdk_mcp_server("s", tools=[bad_annotations])


def test_import_ccsdk_does_not_import_mcp_or_jsonschema() -> None:
    code = (
        "import sys, ccsdk; from ccsdk import tool, create_sdk_mcp_server, SdkMcpTool;"
        "bad = [m for m in ('mcp', 'mcp_types', 'jsonschema', 'pydantic') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------
# The bridge: what the CLI's mcp_message requests get back
# ---------------------------------------------------------------------------

PNG = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
INITIALIZE = {
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "claude-code", "version": "2.1.331"},
    },
    "jsonrpc": "2.0",
    "id": 0,
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
ACK = {"jsonrpc": "2.0", "result": {}}


@tool("greet", "Greet a user", {"name": str}, annotations={"read_only_hint": True})
async def greet(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": f"Hello, {args['name']}!"}]}


@tool("boom", "Always fails", {})
async def boom(args: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("kaput")


@tool("soft", "Reports a failure", {})
async def soft(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": "no such city"}], "is_error": True}


@tool("soft_camel", "Reports a failure, camelCase", {})
async def soft_camel(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": "nope"}], "isError": True}


@tool("media", "Image and resource content", {})
async def media(args: dict[str, Any]) -> dict[str, Any]:
    return {
        "content": [
            {"type": "image", "data": PNG, "mimeType": "image/png"},
            {
                "type": "resource",
                "resource": {"uri": "file:///notes.txt", "text": "notes", "mimeType": "text/plain"},
            },
            {"type": "resource_link", "uri": "file:///big.bin", "name": "big"},
        ]
    }


@tool("not_a_dict", "Returns the wrong thing", {})
async def not_a_dict(args: dict[str, Any]) -> Any:
    return "hello"


@tool("bad_content", "Returns malformed content", {})
async def bad_content(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text"}]}


def sync_echo(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": str(args["x"])}]}


ALL_TOOLS: Sequence[SdkMcpTool[Any]] = [
    greet,
    boom,
    soft,
    soft_camel,
    media,
    not_a_dict,
    bad_content,
    tool("sync_echo", "A sync handler", {"x": int})(sync_echo),  # type: ignore[arg-type]
]


def call(name: str, arguments: Any, request_id: int = 2) -> dict[str, Any]:
    return {
        "method": "tools/call",
        "params": {
            "name": name,
            "arguments": arguments,
            "_meta": {"claudecode/toolUseId": "toolu_1", "progressToken": request_id},
        },
        "jsonrpc": "2.0",
        "id": request_id,
    }


@asynccontextmanager
async def bridge_for(
    tools: Sequence[SdkMcpTool[Any]] = ALL_TOOLS, *, handshake: bool = True
) -> AsyncIterator[Any]:
    from ccsdk.runtime._mcp_bridge import SdkMcpBridge

    config = create_sdk_mcp_server("my-tools", version="2.0.0", tools=tools)
    async with SdkMcpBridge({"tools": config["instance"]}) as bridge:
        if handshake:
            await bridge.handle("tools", INITIALIZE)
            assert await bridge.handle("tools", INITIALIZED) == ACK
        yield bridge


def result_text(response: dict[str, Any]) -> str:
    return "".join(c["text"] for c in response["result"]["content"] if c["type"] == "text")


def initialize_with(version: str) -> dict[str, Any]:
    params = {**INITIALIZE["params"], "protocolVersion": version}  # type: ignore[dict-item]
    return {**INITIALIZE, "params": params}


def test_initialize_is_mcps_own_answer(run: Runner) -> None:
    async def main() -> list[dict[str, Any]]:
        async with bridge_for(handshake=False) as bridge:
            first = await bridge.handle("tools", INITIALIZE)
            old = initialize_with("2024-11-05")
            future = initialize_with("2099-01-01")
            return [first, await bridge.handle("tools", old), await bridge.handle("tools", future)]

    first, old, future = run(main)
    assert first == {
        "jsonrpc": "2.0",
        "id": 0,
        "result": {
            "protocolVersion": "2025-11-25",
            # listChanged: the bridge passes the server's notifications on to the CLI.
            "capabilities": {"tools": {"listChanged": True}},
            "serverInfo": {"name": "my-tools", "version": "2.0.0"},
        },
    }
    assert old["result"]["protocolVersion"] == "2024-11-05"  # negotiated, not hard-coded
    assert future["result"]["protocolVersion"] == "2025-11-25"  # the latest it speaks


def notification(method: str, **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": params}


def request(method: str, request_id: Any, **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}


def test_notifications_are_answered(run: Runner) -> None:
    async def main() -> list[dict[str, Any]]:
        async with bridge_for() as bridge:
            return [
                await bridge.handle("tools", INITIALIZED),
                await bridge.handle("tools", notification("notifications/whatever")),
                await bridge.handle("tools", notification("notifications/cancelled", requestId=9)),
                # A response to a request the server never sent: nothing to do, still answered.
                await bridge.handle("tools", {"jsonrpc": "2.0", "id": 5, "result": {}}),
            ]

    assert run(main) == [ACK] * 4


def test_tools_list_has_schemas_and_annotations(run: Runner) -> None:
    async def main() -> dict[str, Any]:
        async with bridge_for() as bridge:
            return await bridge.handle("tools", {"method": "tools/list", "jsonrpc": "2.0", "id": 1})

    response = run(main)
    assert response["id"] == 1
    tools = {t["name"]: t for t in response["result"]["tools"]}
    assert tools["greet"] == {
        "name": "greet",
        "description": "Greet a user",
        "inputSchema": {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
        },
        "annotations": {"readOnlyHint": True},
    }
    assert "annotations" not in tools["boom"]


def test_tools_call_ok(run: Runner) -> None:
    async def main() -> dict[str, Any]:
        async with bridge_for() as bridge:
            return await bridge.handle("tools", call("greet", {"name": "Alice"}))

    assert run(main) == {
        "jsonrpc": "2.0",
        "id": 2,
        "result": {"content": [{"type": "text", "text": "Hello, Alice!"}], "isError": False},
    }


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("nope", {}, "Unknown tool 'nope'"),
        ("greet", {"nam": "Alice"}, "Invalid arguments for tool 'greet': 'name' is a required"),
        ("greet", {"name": 42}, "42 is not of type 'string' (at 'name')"),
        ("greet", None, "'name' is a required property"),
        ("boom", {}, "Tool 'boom' failed: RuntimeError: kaput"),
        ("soft", {}, "no such city"),
        ("soft_camel", {}, "nope"),
        ("not_a_dict", {}, "returned str"),
        ("bad_content", {}, "returned an invalid result"),
    ],
)
def test_failures_are_error_results(
    run: Runner, name: str, arguments: Any, expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> list[dict[str, Any]]:
        async with bridge_for() as bridge:
            failed = await bridge.handle("tools", call(name, arguments))
            after = await bridge.handle("tools", call("greet", {"name": "Bo"}, request_id=3))
            return [failed, after]

    failed, after = run(main)
    assert failed["result"]["isError"] is True
    assert expected in result_text(failed)
    assert result_text(after) == "Hello, Bo!"  # the server goes on
    if name == "boom":
        assert "kaput" in caplog.text  # the traceback is logged here, not only sent


def test_handler_arguments_are_the_validated_dict(run: Runner) -> None:
    seen: list[Any] = []

    @tool("record", "d", {"x": int, "y": Optional[str]})  # noqa: UP045
    async def record(args: dict[str, Any]) -> dict[str, Any]:
        seen.append(args)
        return {"content": []}

    async def main() -> None:
        async with bridge_for([record]) as bridge:
            await bridge.handle("tools", call("record", {"x": 1}))
            await bridge.handle("tools", call("record", {"x": 2, "y": None}))
            await bridge.handle("tools", call("record", {"x": "3"}))

    run(main)
    assert seen == [{"x": 1}, {"x": 2, "y": None}]


def test_sync_handler(run: Runner) -> None:
    async def main() -> dict[str, Any]:
        async with bridge_for() as bridge:
            return await bridge.handle("tools", call("sync_echo", {"x": 7}))

    assert result_text(run(main)) == "7"


def test_image_and_resource_content_pass_through(run: Runner) -> None:
    async def main() -> dict[str, Any]:
        async with bridge_for() as bridge:
            return await bridge.handle("tools", call("media", {}))

    content = run(main)["result"]["content"]
    assert content[0] == {"type": "image", "data": PNG, "mimeType": "image/png"}
    assert content[1] == {
        "type": "resource",
        "resource": {"uri": "file:///notes.txt", "text": "notes", "mimeType": "text/plain"},
    }
    assert content[2] == {"type": "resource_link", "uri": "file:///big.bin", "name": "big"}


def test_ping_unknown_method_and_bad_messages(run: Runner) -> None:
    async def main() -> list[dict[str, Any]]:
        async with bridge_for() as bridge:
            return [
                await bridge.handle("tools", {"method": "ping", "jsonrpc": "2.0", "id": 4}),
                await bridge.handle("tools", request("resources/list", 5)),
                await bridge.handle("tools", request("x/custom", 6)),
                await bridge.handle("tools", {"jsonrpc": "2.0", "id": 7}),
                await bridge.handle("tools", {"method": "ping", "jsonrpc": "2.0", "id": True}),
                await bridge.handle("tools", {"method": "tools/call", "params": {}, "id": 8}),
                await bridge.handle("other", {"method": "ping", "jsonrpc": "2.0", "id": 9}),
            ]

    ping, resources, custom, no_method, bad_id, no_name, other = run(main)
    assert ping == {"jsonrpc": "2.0", "id": 4, "result": {}}
    assert resources["error"]["code"] == -32601 and resources["id"] == 5
    assert custom["error"]["code"] == -32601
    assert no_method["error"]["code"] == -32600 and no_method["id"] == 7
    assert bad_id["error"]["code"] == -32600
    assert no_name["error"]["code"] == -32602
    assert other == {
        "jsonrpc": "2.0",
        "id": 9,
        "error": {"code": -32601, "message": "Server 'other' not found"},
    }


def test_requests_before_initialize_are_refused_like_a_real_server(run: Runner) -> None:
    async def main() -> list[dict[str, Any]]:
        async with bridge_for(handshake=False) as bridge:
            return [
                await bridge.handle("tools", {"method": "tools/list", "jsonrpc": "2.0", "id": 1}),
                await bridge.handle("tools", {"method": "ping", "jsonrpc": "2.0", "id": 2}),
            ]

    listed, ping = run(main)
    assert listed["error"]["code"] == -32602
    assert ping["result"] == {}


def test_a_server_that_raises_gives_an_internal_error(run: Runner) -> None:
    import mcp.types as types
    from mcp.server.lowlevel.server import Server

    from ccsdk.runtime._mcp_bridge import SdkMcpBridge

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        raise RuntimeError("broken listing")

    server = Server("s", on_list_tools=list_tools)

    async def main() -> dict[str, Any]:
        async with SdkMcpBridge({"s": server}) as bridge:
            await bridge.handle("s", INITIALIZE)
            return await bridge.handle("s", {"method": "tools/list", "jsonrpc": "2.0", "id": 1})

    assert run(main) == {
        "jsonrpc": "2.0",
        "id": 1,
        "error": {"code": -32603, "message": "RuntimeError: broken listing"},
    }


def test_not_a_server_instance(run: Runner) -> None:
    from ccsdk.runtime._mcp_bridge import SdkMcpBridge

    async def main() -> dict[str, Any]:
        return await SdkMcpBridge({"s": object()}).handle("s", INITIALIZE)

    response = run(main)
    assert response["error"]["code"] == -32603
    assert "mcp.server.lowlevel.Server" in response["error"]["message"]


def test_resources_and_prompts_when_the_server_defines_them(run: Runner) -> None:
    import mcp.types as types
    from mcp.server.lowlevel.server import Server

    from ccsdk.runtime._mcp_bridge import SdkMcpBridge

    async def list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[types.Resource(uri="mem://a", name="a")])

    async def read_resource(ctx: Any, params: Any) -> types.ReadResourceResult:
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=params.uri, text="A!", mime_type="text/plain")]
        )

    async def list_prompts(ctx: Any, params: Any) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[types.Prompt(name="hello")])

    async def get_prompt(ctx: Any, params: Any) -> types.GetPromptResult:
        text = types.TextContent(type="text", text=f"Say hello to {params.name}")
        return types.GetPromptResult(messages=[types.PromptMessage(role="user", content=text)])

    server = Server(
        "docs",
        version="0.1",
        on_list_resources=list_resources,
        on_read_resource=read_resource,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
    )

    async def main() -> list[dict[str, Any]]:
        async with SdkMcpBridge({"docs": server}) as bridge:
            init = await bridge.handle("docs", INITIALIZE)
            await bridge.handle("docs", INITIALIZED)

            def req(method: str, params: Any = None, i: int = 1) -> dict[str, Any]:
                return {"jsonrpc": "2.0", "id": i, "method": method, "params": params or {}}

            return [
                init,
                await bridge.handle("docs", req("resources/list")),
                await bridge.handle("docs", req("resources/read", {"uri": "mem://a"})),
                await bridge.handle("docs", req("prompts/list")),
                await bridge.handle("docs", req("prompts/get", {"name": "hello"})),
            ]

    init, resources, read, prompts, prompt = run(main)
    caps = init["result"]["capabilities"]
    assert set(caps) == {"resources", "prompts"}
    assert resources["result"]["resources"] == [{"uri": "mem://a", "name": "a"}]
    assert read["result"]["contents"][0]["text"] == "A!"
    assert prompts["result"]["prompts"] == [{"name": "hello"}]
    assert prompt["result"]["messages"][0]["content"]["text"] == "Say hello to hello"


def test_an_mcpserver_instance_is_served(run: Runner) -> None:
    from mcp.server.mcpserver import MCPServer

    from ccsdk.runtime._mcp_bridge import SdkMcpBridge

    app: Any = MCPServer("high-level")

    @app.tool()
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    async def main() -> dict[str, Any]:
        async with SdkMcpBridge({"hl": app}) as bridge:
            await bridge.handle("hl", INITIALIZE)
            await bridge.handle("hl", INITIALIZED)
            return await bridge.handle("hl", call("add", {"a": 2, "b": 40}))

    assert result_text(run(main)) == "42"


def test_lifespan_entered_on_first_use_and_exited_by_aclose(run: Runner) -> None:
    from mcp.server.lowlevel.server import Server

    from ccsdk.runtime._mcp_bridge import SdkMcpBridge

    events: list[str] = []

    @asynccontextmanager
    async def lifespan(server: Any) -> AsyncIterator[dict[str, Any]]:
        events.append("enter")
        yield {"db": "connected"}
        events.append("exit")

    async def list_tools(ctx: Any, params: Any) -> Any:
        import mcp.types as types

        events.append(f"state={ctx.lifespan_context['db']}")
        return types.ListToolsResult(tools=[])

    server = Server("s", lifespan=lifespan, on_list_tools=list_tools)

    async def main() -> dict[str, Any]:
        bridge = SdkMcpBridge({"s": server})
        assert events == []
        await bridge.handle("s", INITIALIZE)
        await bridge.handle("s", {"method": "tools/list", "jsonrpc": "2.0", "id": 1})
        await bridge.handle("s", {"method": "ping", "jsonrpc": "2.0", "id": 2})
        await bridge.aclose()
        await bridge.aclose()  # idempotent
        return await bridge.handle("s", {"method": "ping", "jsonrpc": "2.0", "id": 3})

    after_close = run(main)
    assert events == ["enter", "state=connected", "exit"]
    assert after_close["error"] == {"code": -32603, "message": "the SDK MCP bridge is closed"}


# ---------------------------------------------------------------------------
# Concurrency and cancellation
# ---------------------------------------------------------------------------


def test_parallel_calls_run_concurrently(run: Runner) -> None:
    @tool("nap", "d", {"s": float}, annotations={"readOnlyHint": True})
    async def nap(args: dict[str, Any]) -> dict[str, Any]:
        await anyio.sleep(args["s"])
        return {"content": [{"type": "text", "text": "rested"}]}

    async def main() -> float:
        async with bridge_for([nap]) as bridge:
            start = anyio.current_time()
            async with anyio.create_task_group() as tg:
                for i in range(5):
                    message = call("nap", {"s": 0.3}, request_id=10 + i)
                    tg.start_soon(bridge.handle, "tools", message)
            return anyio.current_time() - start

    assert run(main) < 0.9


def test_cancelling_handle_cancels_the_handler(run: Runner) -> None:
    """What a control_cancel_request does: the engine cancels the handle() task."""
    state: dict[str, Any] = {}

    @tool("wait", "d", {})
    async def wait(args: dict[str, Any]) -> dict[str, Any]:
        state["started"].set()
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            state["cancelled"] = True
            raise
        return {"content": []}

    async def main() -> list[dict[str, Any]]:
        state["started"] = anyio.Event()
        async with bridge_for([wait, greet]) as bridge:
            returned = []
            with anyio.CancelScope() as scope:

                async def serve() -> None:
                    returned.append(await bridge.handle("tools", call("wait", {})))

                async with anyio.create_task_group() as tg:
                    tg.start_soon(serve)
                    await state["started"].wait()
                    scope.cancel()
            assert returned == []  # cancellation propagated out of handle()
            return [await bridge.handle("tools", call("greet", {"name": "Z"}, request_id=3))]

    (after,) = run(main)
    assert state.get("cancelled") is True
    assert result_text(after) == "Hello, Z!"


def test_mcp_cancelled_notification_cancels_the_handler(run: Runner) -> None:
    """What an interrupt does: CLI 2.1.331 sends notifications/cancelled for the call."""
    state: dict[str, Any] = {}

    @tool("wait", "d", {})
    async def wait(args: dict[str, Any]) -> dict[str, Any]:
        state["started"].set()
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            state["cancelled"] = True
            raise
        return {"content": []}

    async def main() -> list[dict[str, Any]]:
        state["started"] = anyio.Event()
        responses: list[dict[str, Any]] = []
        async with bridge_for([wait]) as bridge:

            async def serve() -> None:
                responses.append(await bridge.handle("tools", call("wait", {}, request_id=2)))

            async with anyio.create_task_group() as tg:
                tg.start_soon(serve)
                await state["started"].wait()
                cancel = {
                    "jsonrpc": "2.0",
                    "method": "notifications/cancelled",
                    "params": {"requestId": 2, "reason": "AbortError: remote-cancel"},
                }
                responses.append(await bridge.handle("tools", cancel))
        return responses

    ack, answer = run(main)
    assert ack == ACK
    assert state.get("cancelled") is True
    assert answer["id"] == 2 and answer["error"]["code"] == -32603


def test_tool_annotations_take_either_spelling_and_send_max_result_size_in_meta(
    run: Runner,
) -> None:
    """As the official ToolAnnotations: snake_case or camelCase, and Claude Code's size hint."""
    from ccsdk import ToolAnnotations

    both = ToolAnnotations(read_only_hint=True, destructiveHint=False, maxResultSizeChars=500_000)
    assert isinstance(both, ToolAnnotations)
    big = tool("big", "d", {}, both)(greet.handler)  # annotations by position, as there
    as_dict = tool("small", "d", {}, annotations={"max_result_size_chars": 10})(greet.handler)

    async def main() -> dict[str, Any]:
        async with bridge_for([big, as_dict]) as bridge:
            return await bridge.handle("tools", {"method": "tools/list", "jsonrpc": "2.0", "id": 1})

    tools = {t["name"]: t for t in run(main)["result"]["tools"]}
    assert tools["big"]["annotations"] == {"readOnlyHint": True, "destructiveHint": False}
    assert tools["big"]["_meta"] == {"anthropic/maxResultSizeChars": 500_000}
    assert tools["small"]["_meta"] == {"anthropic/maxResultSizeChars": 10}
    assert "_meta" not in tools.get("greet", {})


def test_sdk_mcp_tool_is_the_official_dataclass() -> None:
    fields = [f.name for f in dataclasses.fields(SdkMcpTool)]
    assert fields == ["name", "description", "input_schema", "handler", "annotations"]
    renamed = dataclasses.replace(greet, name="hello")
    assert renamed.name == "hello" and renamed.schema == greet.schema
