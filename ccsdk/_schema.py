"""JSON Schema for ``@tool``: built from Python types, and checked with jsonschema.

:func:`build_input_schema` turns a ``@tool`` input spec (a ``{"name": type}``
map, a TypedDict, a dataclass or attrs class, or a JSON Schema dict as is)
into the JSON Schema the CLI sees; :func:`make_validator` checks a call's
arguments against it (jsonschema is imported on first use, never by
``import ccsdk``).
"""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast, get_args, get_origin

import attrs

_ReadOnly: Any
try:  # typing_extensions' TypedDict (and ReadOnly) are not the typing ones on 3.11
    from typing_extensions import ReadOnly as _ReadOnly
    from typing_extensions import is_typeddict as _is_typeddict
except ImportError:  # pragma: no cover - anyio depends on typing_extensions
    from typing import is_typeddict as _is_typeddict

    _ReadOnly = None

__all__ = ["build_input_schema", "make_validator"]


# ---------------------------------------------------------------------------
# The schema builder
# ---------------------------------------------------------------------------

#: Keywords that mark a dict without a ``"type"`` as JSON Schema, not a field map.
_SCHEMA_KEYWORDS = frozenset(
    {"properties", "$schema", "$ref", "$defs", "definitions", "anyOf", "oneOf", "allOf"}
)

_NONE_TYPE = type(None)
_ARRAY_ORIGINS: tuple[Any, ...] = (
    list,
    set,
    frozenset,
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    collections.abc.Set,
    collections.abc.MutableSet,
    collections.abc.Collection,
    collections.abc.Iterable,
)
_SET_ORIGINS: tuple[Any, ...] = (set, frozenset, collections.abc.Set, collections.abc.MutableSet)
_OBJECT_ORIGINS: tuple[Any, ...] = (dict, collections.abc.Mapping, collections.abc.MutableMapping)
_PRIMITIVES: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}


def build_input_schema(spec: Any) -> dict[str, Any]:
    """Build the JSON Schema (an object schema) of a tool's arguments.

    ``spec`` may be:

    * a JSON Schema dict: any dict whose ``"type"`` is a string (so
      ``{"type": "object"}`` too), or one with no ``"type"`` that uses
      schema keywords (``properties``, ``anyOf``, ``$ref`` ...) with JSON
      values. It is returned as a copy (``"type": "object"`` added when
      absent); a non-object ``"type"`` raises ``ValueError``, since MCP tool
      arguments are always an object.
    * a ``{"name": type}`` map: every field is required unless its type is
      ``Optional[T]`` (or ``NotRequired[T]``).
    * a TypedDict: required keys as Python sees them (``total=False``,
      ``NotRequired``, ``Required``), ``Optional`` fields not required.
    * an attrs class or a dataclass: a field with a default, or an
      ``Optional`` type, is not required. ``metadata={"description": ...}``
      on a field becomes its description.

    Types: ``str``, ``int``, ``float``, ``bool``, ``None``, ``Any``,
    ``list[T]`` / ``Sequence[T]`` / ``set[T]`` / ``tuple[...]``, ``dict`` /
    ``dict[str, T]``, ``Optional[T]`` and unions (``anyOf``, with ``null`` for
    ``None``), ``Literal[...]`` and ``Enum`` subclasses (``enum``), nested
    TypedDicts / attrs classes / dataclasses, and ``Annotated[T, ...]``: a
    string in the metadata is the field's description, a dict is merged into
    its schema (``Annotated[int, {"minimum": 0}]``).

    Raises:
        TypeError: ``spec`` or a field type has no faithful JSON Schema.
        ValueError: a JSON Schema whose ``"type"`` is not ``"object"``.
    """
    if isinstance(spec, Mapping):
        spec = cast("Mapping[object, Any]", spec)  # a caller's dict: keys not checked yet
        if _is_json_schema(spec):
            # Taken as given: a JSON Schema's keywords are strings.
            schema = cast("dict[str, Any]", copy.deepcopy(dict(spec)))
            kind = schema.setdefault("type", "object")
            if kind != "object":
                raise ValueError(
                    f'a tool\'s input schema must have "type": "object" (got {kind!r}): '
                    "MCP tool arguments are always a JSON object"
                )
            return schema
        fields: list[tuple[str, Any, bool, str | None]] = []
        for key, annotation in spec.items():
            if not isinstance(key, str):
                raise TypeError(f"field names must be strings, not {key!r}")
            fields.append((key, annotation, not _is_not_required(annotation), None))
        return _object_schema(fields, (), "the input schema")
    if isinstance(spec, type) and _is_class_spec(spec):
        return _class_schema(spec, ())
    raise TypeError(
        "input_schema must be a {name: type} dict, a TypedDict, an attrs class, a dataclass "
        f"or a JSON Schema dict, not {spec!r}"
    )


def _is_json_schema(spec: Mapping[Any, Any]) -> bool:
    if isinstance(spec.get("type"), str):
        return True
    if not spec or not _SCHEMA_KEYWORDS.intersection(spec):
        return False
    # {"properties": str} is a field map with a field named "properties".
    return all(
        isinstance(value, dict | list | str | int | float | bool) and not isinstance(value, type)
        for value in spec.values()
    )


def _is_class_spec(cls: type) -> bool:
    return bool(_is_typeddict(cls)) or attrs.has(cls) or dataclasses.is_dataclass(cls)


def _class_schema(cls: type, seen: tuple[type, ...]) -> dict[str, Any]:
    """The object schema of a TypedDict, attrs class or dataclass."""
    if cls in seen:
        raise TypeError(f"{cls.__qualname__} refers to itself; recursive schemas are not supported")
    seen = (*seen, cls)
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except Exception as exc:  # a forward reference that does not resolve
        raise TypeError(f"cannot resolve the field types of {cls.__qualname__}: {exc}") from exc
    fields: list[tuple[str, Any, bool, str | None]] = []
    if _is_typeddict(cls):
        required_keys: frozenset[str] = getattr(cls, "__required_keys__", frozenset())
        for key, annotation in hints.items():
            # The hint decides when it says: on 3.11, a TypedDict in a module with
            # postponed annotations gets __required_keys__ wrong for NotRequired.
            required = _explicitly_required(annotation)
            if required is None:
                required = key in required_keys
            fields.append((key, annotation, required, None))
    elif attrs.has(cls):
        for field in attrs.fields(cls):
            if not field.init:
                continue
            name = field.alias or field.name
            description = field.metadata.get("description")
            required = field.default is attrs.NOTHING
            fields.append((name, hints.get(field.name, Any), required, description))
    else:
        for dc_field in dataclasses.fields(cls):
            if not dc_field.init:
                continue
            required = (
                dc_field.default is dataclasses.MISSING
                and dc_field.default_factory is dataclasses.MISSING
            )
            description = dc_field.metadata.get("description")
            fields.append((dc_field.name, hints.get(dc_field.name, Any), required, description))
    return _object_schema(fields, seen, cls.__qualname__)


def _object_schema(
    fields: Sequence[tuple[str, Any, bool, str | None]],
    seen: tuple[type, ...],
    where: str,
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, annotation, is_required, description in fields:
        try:
            prop = _type_schema(annotation, seen)
        except TypeError as exc:
            raise TypeError(f"field {name!r} of {where}: {exc}") from None
        if description is not None and "description" not in prop:
            prop = {**prop, "description": description}
        properties[name] = prop
        if is_required and not _accepts_none(annotation):
            required.append(name)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _unwrap_qualifiers(annotation: Any) -> Any:
    """Strip ``Annotated``, ``Required``, ``NotRequired`` and ``ReadOnly``."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated or origin in (
            typing.Required,
            typing.NotRequired,
            _ReadOnly,
        ):
            annotation = get_args(annotation)[0]
        else:
            return annotation


def _explicitly_required(annotation: Any) -> bool | None:
    """``True`` for ``Required[...]``, ``False`` for ``NotRequired[...]``, else ``None``."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.NotRequired:
            return False
        if origin is typing.Required:
            return True
        if origin is typing.Annotated or (origin is not None and origin is _ReadOnly):
            annotation = get_args(annotation)[0]
        else:
            return None


def _is_not_required(annotation: Any) -> bool:
    return _explicitly_required(annotation) is False


def _accepts_none(annotation: Any) -> bool:
    """Whether ``None`` is a valid value: such a field is optional."""
    base = _unwrap_qualifiers(annotation)
    if base is None or base is _NONE_TYPE or base is Any:
        return True
    if get_origin(base) in (typing.Union, types.UnionType):
        return any(_accepts_none(arg) for arg in get_args(base))
    if get_origin(base) is typing.Literal:
        return None in get_args(base)
    return False


def _type_schema(annotation: Any, seen: tuple[type, ...]) -> dict[str, Any]:
    """The JSON Schema of one Python type."""
    if annotation is Any or annotation is object:
        return {}
    if annotation is None or annotation is _NONE_TYPE:
        return {"type": "null"}
    origin = get_origin(annotation)
    args = get_args(annotation)

    if origin is typing.Annotated:
        schema: dict[str, Any] = dict(_type_schema(args[0], seen))
        for meta in annotation.__metadata__:
            if isinstance(meta, str):
                schema.setdefault("description", meta)
            elif isinstance(meta, Mapping):
                schema.update(cast("Mapping[str, Any]", meta))  # the caller's schema keywords
        return schema
    if origin in (typing.Required, typing.NotRequired, _ReadOnly) and origin is not None:
        return _type_schema(args[0], seen)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not _NONE_TYPE]
        schemas = [_type_schema(a, seen) for a in members]
        if len(members) < len(args):
            schemas.append({"type": "null"})
        return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
    if origin is typing.Literal:
        return _enum_schema(list(_literal_values(annotation)))

    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_schema([member.value for member in annotation])
    if annotation in _PRIMITIVES:
        return {"type": _PRIMITIVES[annotation]}

    if origin is tuple or annotation is tuple:
        if not args:
            return {"type": "array"}
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type_schema(args[0], seen)}
        if args == ((),):
            return {"type": "array", "maxItems": 0}
        return {
            "type": "array",
            "prefixItems": [_type_schema(a, seen) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin in _ARRAY_ORIGINS or annotation in _ARRAY_ORIGINS:
        schema = {"type": "array"}
        if args:
            schema["items"] = _type_schema(args[0], seen)
        if (origin or annotation) in _SET_ORIGINS:
            schema["uniqueItems"] = True
        return schema
    if origin in _OBJECT_ORIGINS or annotation in _OBJECT_ORIGINS:
        schema = {"type": "object"}
        if len(args) == 2:
            if _unwrap_qualifiers(args[0]) is not str:
                raise TypeError(f"{annotation!r}: JSON object keys are strings")
            values = _type_schema(args[1], seen)
            if values:
                schema["additionalProperties"] = values
        return schema
    if isinstance(annotation, type) and _is_class_spec(annotation):
        return _class_schema(annotation, seen)
    raise TypeError(f"no JSON Schema for the type {annotation!r}")


def _literal_values(annotation: Any) -> list[Any]:
    values: list[Any] = []
    for arg in get_args(annotation):
        if get_origin(arg) is typing.Literal:  # Literal[Literal["a"], "b"]
            values.extend(_literal_values(arg))
        elif isinstance(arg, enum.Enum):
            values.append(arg.value)
        else:
            values.append(arg)
    return values


def _enum_schema(values: list[Any]) -> dict[str, Any]:
    kinds = {_json_type(v) for v in values}
    schema: dict[str, Any] = {"enum": values}
    if len(kinds) == 1 and None not in kinds:
        schema = {"type": kinds.pop(), "enum": values}
    return schema


def _json_type(value: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


# ---------------------------------------------------------------------------
# Validation (jsonschema, imported on first use)
# ---------------------------------------------------------------------------


def make_validator(name: str, schema: dict[str, Any]) -> Callable[[Any], str | None]:
    # Lazy: only once a server is made. Untyped for mypy; pyright has typeshed's stubs.
    from jsonschema import SchemaError, validators  # type: ignore[import-untyped]
    from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped]

    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"tool {name!r}: invalid input schema: {exc.message}") from None
    validator = cls(schema)

    def check(arguments: Any) -> str | None:
        # typeshed's stubs leave best_match's return type out.
        error = cast("ValidationError | None", best_match(validator.iter_errors(arguments)))
        if error is None:
            return None
        where = ".".join(str(part) for part in error.absolute_path)
        return f"{error.message} (at '{where}')" if where else str(error.message)

    return check
