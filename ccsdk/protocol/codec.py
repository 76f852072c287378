"""The one converter between stdout frames (parsed JSON) and :mod:`.messages`.

``converter`` is a :class:`cattrs.Converter` that knows every model, both
ways: ``converter.structure(frame, Message)`` and ``converter.unstructure(m)``
work, and :func:`decode_message` / :func:`encode_message` (and the ``_block``
pair) are the fast front doors that everything else in ccsdk uses.

**cattrs is imported lazily**: not by ``import ccsdk`` (it and what it pulls
in are ~25 ms, a fifth of the import), nor by the frames of every turn, only
when ``converter`` is first touched or a frame that needs a generated hook
(a rare ``system`` subtype, ``rate_limit_event``, a rare block) is first
decoded or encoded.  Each generated hook is built on first use.

How it is configured:

* **Strict primitives.** cattrs' default ``str``/``int`` hooks coerce
  (``str(3) == "3"``) and its list hook accepts any iterable (a string
  becomes a list of characters).  Here a wrong JSON type is an error, never
  silently converted, and ``bool`` is not an ``int``.
* **Tagged unions** on ``"type"`` (and ``"subtype"`` for ``system``), by
  hand-written dispatch hooks registered for ``Message``, ``ContentBlock``
  and ``SystemMessage``.  Each frame becomes exactly the class
  ``claude_agent_sdk``'s parser makes of it: only ``task_*``,
  ``hook_started`` / ``hook_response`` and ``mirror_error`` have a
  ``SystemMessage`` subclass; ``init``, ``status``, ``api_retry``, ... are
  plain ``SystemMessage``, and :func:`system_info` (``SystemMessage.info``)
  reads them into typed views.  An unknown type, subtype or block is never
  an error: it becomes ``UnknownMessage`` / plain ``SystemMessage`` /
  ``UnknownBlock`` with the raw dict.
* **Literal fields** (``AssistantMessage.error``, ``RateLimitInfo.status``,
  ...) are checked for their JSON type, not for membership, as the official
  parser does not check them either: a newer CLI's new value arrives as it is.
* **Informational frames are lenient.**  ``rate_limit_event``,
  ``tool_progress``, ``tool_use_summary``, ``prompt_suggestion``,
  ``auth_status``, ``conversation_reset`` and the ``system`` subtypes
  ``task_*``, ``hook_*`` and ``mirror_error`` only inform: one whose fields
  do not fit its class becomes the ``UnknownMessage`` / plain
  ``SystemMessage`` it would be if ccsdk did not type it, rather than an
  error that ends the user's iteration.  (``converter.structure(frame,
  TheClass)`` is still strict, for the views too.)
* **Raw dicts are kept.**  A ``SystemMessage`` (subclass) and ccsdk's own
  informational messages keep their whole frame in ``data``;
  ``RateLimitInfo`` keeps its object in ``raw``; ``TaskUsage`` is the wire
  object itself.  The official classes without such a field
  (``UserMessage``, ``AssistantMessage``, ``StreamEvent``,
  ``RateLimitEvent``, ``ConversationResetMessage``,
  ``ServerToolResultBlock``) get the frame as the instance attribute
  ``_frame`` (not a field), which their ccsdk-only properties read.
  Encoding lays the typed fields over the raw dict, so a decoded value
  encodes back to exactly its frame, and a ``dataclasses.replace``-d one
  carries the change.
* **Renames** of camelCase wire keys (``modelUsage``, ``isAuthenticating``,
  ``resetsAt``, ...) live in the converter: in ``cattrs.gen`` overrides for
  the generated hooks (:data:`_RENAMES`), in the hand-written hooks for the
  hot path; the typed views of system frames (``permissionMode``,
  ``apiKeySource``) take theirs from :data:`_RENAMES` too, and their JSON
  types from their dataclass annotations.
  Extra keys are ignored.
* **The hot path** (``assistant``, ``user``, ``stream_event``, ``result``,
  every ``system`` frame but ``task_progress`` / ``task_started`` /
  ``task_notification``, and the common blocks) is hand-written: plain
  ``dict.get`` and ``isinstance`` checks and a positional constructor call,
  several times faster than the generated hooks with detailed validation.
  The rarer frames (those three task subtypes, the informational frames
  above, the other blocks) use cattrs-generated hooks.
* **Errors.** A known frame with a missing or mistyped field raises
  :class:`~ccsdk.protocol.errors.MessageParseError` naming the frame and the
  JSON path (``invalid 'assistant' frame: message.model is missing``), with
  the frame in ``.data``.  No other exception escapes for any input.

Decoded models share the parser's lists and dicts (no copies): that is what
makes decoding cheap.  ``encode_message`` builds new top-level dicts but
shares payloads (``input``, ``usage``, ``data`` values) with the model.
"""

# This module checks untyped JSON at run time: ``isinstance(x, dict)`` on a
# parsed value gives pyright a ``dict[Unknown, Unknown]``, and every use of
# it would need a cast (a call, on the hot path).  The run-time checks are
# the types here, so pyright's "unknown" rules are off for this file only.
# pyright: reportUnknownArgumentType=false, reportUnknownVariableType=false
# pyright: reportUnknownMemberType=false

import dataclasses
from collections.abc import Callable
from types import NoneType, UnionType
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
)

import attrs

from . import control
from .errors import MessageParseError
from .messages import (
    ApiRetryInfo,
    AssistantMessage,
    AuthStatusMessage,
    ContentBlock,
    ConversationResetMessage,
    DeferredToolUse,
    HookEventMessage,
    HookProgressInfo,
    HookResponseInfo,
    HookStartedInfo,
    ImageBlock,
    InitInfo,
    Message,
    MirrorErrorMessage,
    PermissionDeniedInfo,
    PromptSuggestionMessage,
    RateLimitEvent,
    RateLimitInfo,
    RedactedThinkingBlock,
    ResultMessage,
    ServerToolResultBlock,
    ServerToolUseBlock,
    SessionStateInfo,
    StatusInfo,
    StreamEvent,
    SystemInfo,
    SystemMessage,
    TaskNotificationMessage,
    TaskProgressMessage,
    TaskStartedMessage,
    TaskUpdatedMessage,
    TaskUsage,
    TextBlock,
    ThinkingBlock,
    ToolProgressMessage,
    ToolResultBlock,
    ToolUseBlock,
    ToolUseSummaryMessage,
    UnknownBlock,
    UnknownMessage,
    UserMessage,
)

__all__ = [
    "converter",
    "decode_answer",
    "decode_block",
    "decode_message",
    "decode_request",
    "encode_block",
    "encode_control",
    "encode_message",
    "system_info",
]

T = TypeVar("T")
JSONDict = dict[str, Any]

if TYPE_CHECKING:
    import cattrs

    #: The converter.  Made and configured on first access (see
    #: :func:`__getattr__`); do not register more hooks on it.
    converter: cattrs.Converter


# --------------------------------------------------------------------------
# Errors: an internal exception carrying JSON paths, turned into
# MessageParseError at the edge.
# --------------------------------------------------------------------------


class _FieldError(Exception):
    """One or more ``(path, problem)`` pairs; paths look like ``.message.content[0]``."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems

    def under(self, prefix: str) -> "_FieldError":
        return _FieldError([(prefix + path, problem) for path, problem in self.problems])

    def describe(self) -> str:
        return "; ".join(
            f"{path.lstrip('.')} {problem}" if path else problem for path, problem in self.problems
        )


_JSON_KIND: Final[dict[type, str]] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "an array",
    dict: "an object",
    NoneType: "null",
}


def _kind(value: object) -> str:
    return _JSON_KIND.get(type(value)) or f"a {type(value).__name__}"


def _wrong(value: object, expected: str) -> _FieldError:
    return _FieldError([("", f"must be {expected}, got {_kind(value)}")])


def _bad(container: JSONDict, key: str, expected: str, prefix: str = "") -> _FieldError:
    """The error for ``container[key]``: missing, or not ``expected``."""
    if key in container:
        problem = f"must be {expected}, got {_kind(container[key])}"
    else:
        problem = "is missing"
    return _FieldError([(f"{prefix}.{key}", problem)])


def _parse_error(label: str, err: _FieldError, obj: Any) -> MessageParseError:
    data = obj if isinstance(obj, dict) else None
    return MessageParseError(f"invalid {label}: {err.describe()}", data)


def _frame_label(obj: JSONDict) -> str:
    kind = obj.get("type")
    if kind == "system" and isinstance(obj.get("subtype"), str):
        return f"'system/{obj['subtype']}' frame"
    return f"{kind!r} frame"


def _block_label(obj: object) -> str:
    kind = obj.get("type") if isinstance(obj, dict) else None
    return f"{kind!r} block" if isinstance(kind, str) else "content block"


# --------------------------------------------------------------------------
# Strict hooks for JSON primitives and containers (used by generated hooks)
# --------------------------------------------------------------------------


def _structure_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise _wrong(value, "a string")


def _structure_int(value: Any, _: Any) -> int:
    if type(value) is int:
        return value
    raise _wrong(value, "an integer")


def _structure_float(value: Any, _: Any) -> float:
    if type(value) is float or type(value) is int:
        return value
    raise _wrong(value, "a number")


def _structure_bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _wrong(value, "a boolean")


def _structure_dict(value: Any, _: Any) -> JSONDict:
    if isinstance(value, dict):
        return value
    raise _wrong(value, "an object")


def _is_literal(t: Any) -> bool:
    return get_origin(t) is Literal


def _structure_literal(value: Any, t: Any) -> Any:
    """A ``Literal`` field: the JSON type of its members, not membership.

    As ``claude_agent_sdk`` (which checks nothing), a value a newer CLI adds
    arrives as it is.
    """
    kinds = {type(member) for member in get_args(t)}
    if type(value) in kinds:
        return value
    raise _wrong(value, " or ".join(sorted(_JSON_KIND.get(k, k.__name__) for k in kinds)))


def _expected(t: Any) -> str:
    if _is_literal(t):
        kinds = {type(member) for member in get_args(t)}
        return " or ".join(sorted(_JSON_KIND.get(k, k.__name__) for k in kinds))
    origin = get_origin(t) or t
    return _JSON_KIND.get(origin, f"a {getattr(origin, '__name__', origin)}")


def _is_optional(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) in (Union, UnionType) and len(args) == 2 and NoneType in args


def _optional_hook(conv: "cattrs.Converter", t: Any) -> Callable[[Any, Any], Any]:
    inner = next(a for a in get_args(t) if a is not NoneType)
    hook = conv.get_structure_hook(inner)
    expected = f"{_expected(inner)} or null"

    def structure_optional(value: Any, _: Any) -> Any:
        if value is None:
            return None
        try:
            return hook(value, inner)
        except _FieldError as e:
            if e.problems[0][0]:
                raise
            raise _wrong(value, expected) from None

    return structure_optional


def _is_dict_type(t: Any) -> bool:
    return t is dict or get_origin(t) is dict


def _is_list_type(t: Any) -> bool:
    return t is list or get_origin(t) is list


def _list_hook(conv: "cattrs.Converter", t: Any) -> Callable[[Any, Any], list[Any]]:
    (elem,) = get_args(t) or (Any,)
    hook = conv.get_structure_hook(elem)

    def structure_list(value: Any, _: Any) -> list[Any]:
        if not isinstance(value, list):
            raise _wrong(value, "an array")
        out = []
        for i, item in enumerate(value):
            try:
                out.append(hook(item, elem))
            except _FieldError as e:
                raise e.under(f"[{i}]") from None
        return out

    return structure_list


def _strict(conv: "cattrs.Converter") -> None:
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook_func(_is_dict_type, _structure_dict)
    conv.register_structure_hook_func(_is_literal, _structure_literal)

    def list_hook(t: Any) -> Callable[[Any, Any], list[Any]]:
        return _list_hook(conv, t)

    def optional_hook(t: Any) -> Callable[[Any, Any], Any]:
        return _optional_hook(conv, t)

    conv.register_structure_hook_factory(_is_list_type, list_hook)
    conv.register_structure_hook_factory(_is_optional, optional_hook)


# --------------------------------------------------------------------------
# Generated hooks for the rarer classes
# --------------------------------------------------------------------------

# The raw dict reaches a class's raw field (``data`` / ``raw``) through this
# key, added to a shallow copy of the dict: the generated hook reads fields
# by key.
_RAW_KEY: Final = "\x00ccsdk:raw"

# The classes that keep their raw frame on the instance, not in a field
# (see the messages module): the decoder sets it, the encoder lays the
# fields over it.
_FRAME_ATTR: Final = "_frame"

# Python field name -> wire key, per class; used by the generated hooks
# (as cattrs overrides), by the overlay encoders and by error messages.
_RENAMES: Final[dict[type, dict[str, str]]] = {
    RateLimitInfo: {
        "resets_at": "resetsAt",
        "rate_limit_type": "rateLimitType",
        "overage_status": "overageStatus",
        "overage_resets_at": "overageResetsAt",
        "overage_disabled_reason": "overageDisabledReason",
    },
    AuthStatusMessage: {"is_authenticating": "isAuthenticating"},
    InitInfo: {"permission_mode": "permissionMode", "api_key_source": "apiKeySource"},
    StatusInfo: {"permission_mode": "permissionMode"},
}

# The informational top-level messages: wire ``type`` -> class.  Each is
# decoded leniently (see the module docstring) and keeps its frame, in
# ``data`` (ccsdk's own classes) or on the instance (the official ones).
_INFO_CLASSES: Final[dict[str, type[Any]]] = {
    "rate_limit_event": RateLimitEvent,
    "tool_progress": ToolProgressMessage,
    "tool_use_summary": ToolUseSummaryMessage,
    "prompt_suggestion": PromptSuggestionMessage,
    "auth_status": AuthStatusMessage,
    "conversation_reset": ConversationResetMessage,
}

_FRAME_CLASSES: Final = (RateLimitEvent, ConversationResetMessage)


def _raw_field(cls: type) -> str | None:
    """Where ``cls`` keeps its raw dict: a field (``data`` / ``raw``), ``_frame``, or nowhere."""
    if cls is RateLimitInfo:
        return "raw"
    if cls in _FRAME_CLASSES:
        return _FRAME_ATTR
    if issubclass(cls, SystemMessage) or cls in _INFO_CLASSES.values():
        return "data"
    return None


def _from_cattrs(exc: BaseException, path: str = "") -> _FieldError:
    """Flatten a cattrs validation error into paths with wire keys."""
    from cattrs.errors import AttributeValidationNote, BaseValidationError, ClassValidationError

    problems: list[tuple[str, str]] = []

    def walk(e: BaseException, at: str) -> None:
        if isinstance(e, _FieldError):
            problems.extend(e.under(at).problems)
        elif isinstance(e, control.WrongType):
            problems.append((at, f"must be {e.expected}, got {_kind(e.value)}"))
        elif isinstance(e, ClassValidationError):
            renames = _RENAMES.get(e.cl) or _wire_names(e.cl)
            for sub in e.exceptions:
                name = next(
                    (
                        n.name
                        for n in getattr(sub, "__notes__", ())
                        if isinstance(n, AttributeValidationNote)
                    ),
                    None,
                )
                walk(sub, f"{at}.{renames.get(name, name)}" if name else at)
        elif isinstance(e, BaseValidationError):
            for sub in e.exceptions:
                walk(sub, at)
        elif isinstance(e, KeyError):
            problems.append((at, "is missing"))
        else:
            problems.append((at, f"is invalid ({type(e).__name__}: {e})"))

    walk(exc, path)
    return _FieldError(problems or [(path, "is invalid")])


def _generated_decoder(cls: type[T]) -> Callable[[JSONDict], T]:
    """A cattrs-generated decoder for ``cls`` (built now, with cattrs)."""
    from cattrs.errors import BaseValidationError
    from cattrs.gen import make_dict_structure_fn, override

    renames = _RENAMES.get(cls, {})
    overrides = {name: override(rename=key) for name, key in renames.items()}
    raw_name = _raw_field(cls)
    in_field = raw_name is not None and raw_name != _FRAME_ATTR
    if in_field:
        overrides[cast(str, raw_name)] = override(rename=_RAW_KEY)
    for f in dataclasses.fields(cast(Any, cls)):
        nested = _nested_field_hook(f.type)
        if nested is not None:
            overrides[f.name] = override(rename=renames.get(f.name), struct_hook=nested)
    conv = _cattrs().converter
    generated = make_dict_structure_fn(cls, conv, **cast(dict[str, Any], overrides))
    keeps_frame = raw_name == _FRAME_ATTR

    def decode(obj: JSONDict) -> T:
        try:
            out = generated({**obj, _RAW_KEY: obj} if in_field else obj, cls)
        except (BaseValidationError, _FieldError, KeyError, TypeError, ValueError) as e:
            raise _from_cattrs(e) from None
        if keeps_frame:
            out.__dict__[_FRAME_ATTR] = obj
        return out

    return decode


def _structure_task_usage(o: JSONDict) -> JSONDict:
    """A :class:`TaskUsage`: the wire object itself, its three counts checked."""
    for key in ("total_tokens", "tool_uses", "duration_ms"):
        if type(o.get(key)) is not int:
            raise _bad(o, key, "an integer")
    return o


def _nested_field_hook(t: Any) -> Callable[[Any, Any], Any] | None:
    """The hook for a field holding a nested value (``RateLimitInfo``, ...), or ``None``.

    Used inside generated hooks, so it raises :class:`_FieldError` (the
    converter's own hooks for these classes raise ``MessageParseError``).
    """
    optional = _is_optional(t)
    inner = next(a for a in get_args(t) if a is not NoneType) if optional else t
    decode = _NESTED_DECODERS.get(inner)
    if decode is None:
        return None
    expected = "an object or null" if optional else "an object"

    def structure_nested(value: Any, _: Any) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, dict):
            raise _wrong(value, expected)
        return decode(value)

    return structure_nested


def _generated_encoder(cls: type[T], tag: str | None) -> Callable[[T], JSONDict]:
    """A cattrs-generated encoder for ``cls`` (built now, with cattrs)."""
    from cattrs.gen import make_dict_unstructure_fn

    generated = make_dict_unstructure_fn(cls, _cattrs().converter, _cattrs_omit_if_default=True)
    if tag is None:
        return generated

    def encode(obj: T) -> JSONDict:
        out: JSONDict = {"type": tag}
        out.update(generated(obj))
        return out

    return encode


class _Cattrs:
    """cattrs and what is built with it: made on first use, once (see :func:`_cattrs`)."""

    def __init__(self) -> None:
        import cattrs

        self.converter = cattrs.Converter()
        _strict(self.converter)
        _register(self.converter)
        self.decoders: dict[type, Callable[[JSONDict], Any]] = {}
        self.answer_decoders: dict[type, Callable[[JSONDict, JSONDict], Any]] = {}
        self.encoders: dict[type, Callable[[Any], JSONDict]] = {}


_lazy: Final[dict[str, _Cattrs]] = {}


def _cattrs() -> _Cattrs:
    """The one :class:`_Cattrs`, made on the first call.

    No lock (this module draws in no threading): two threads racing here
    may both build one, but ``setdefault`` keeps the first for both.
    """
    state = _lazy.get("state")
    if state is None:
        state = _lazy.setdefault("state", _Cattrs())
    return state


def _lazy_decoder(cls: type[T]) -> Callable[[JSONDict], T]:
    """A decoder for ``cls`` that generates the real one on its first call."""

    def decode(obj: JSONDict) -> T:
        decoders = _cattrs().decoders
        generated = decoders.get(cls)
        if generated is None:
            generated = decoders.setdefault(cls, _generated_decoder(cls))
        return cast(T, generated(obj))

    return decode


def _lazy_encoder(cls: type[T], tag: str | None) -> Callable[[T], JSONDict]:
    """An encoder for ``cls`` that generates the real one on its first call."""

    def encode(obj: T) -> JSONDict:
        encoders = _cattrs().encoders
        generated = encoders.get(cls)
        if generated is None:
            generated = encoders.setdefault(cls, _generated_encoder(cls, tag))
        return generated(obj)

    return encode


# --------------------------------------------------------------------------
# Content blocks
# --------------------------------------------------------------------------


def _text(o: JSONDict) -> TextBlock:
    text = o.get("text")
    if isinstance(text, str):
        return TextBlock(text)
    raise _bad(o, "text", "a string")


def _thinking(o: JSONDict) -> ThinkingBlock:
    thinking = o.get("thinking")
    if not isinstance(thinking, str):
        raise _bad(o, "thinking", "a string")
    signature = o.get("signature", "")
    if not isinstance(signature, str):
        raise _bad(o, "signature", "a string")
    return ThinkingBlock(thinking, signature)


def _id_name_input(o: JSONDict) -> tuple[str, str, JSONDict]:
    """A tool call's three fields, checked: a ``tool_use`` block or a deferred one."""
    id_, name, input_ = o.get("id"), o.get("name"), o.get("input")
    if not isinstance(id_, str):
        raise _bad(o, "id", "a string")
    if not isinstance(name, str):
        raise _bad(o, "name", "a string")
    if not isinstance(input_, dict):
        raise _bad(o, "input", "an object")
    return id_, name, cast(JSONDict, input_)


def _tool_use(o: JSONDict) -> ToolUseBlock:
    return ToolUseBlock(*_id_name_input(o))


def _tool_result(o: JSONDict) -> ToolResultBlock:
    tool_use_id = o.get("tool_use_id")
    if not isinstance(tool_use_id, str):
        raise _bad(o, "tool_use_id", "a string")
    content = o.get("content")
    if isinstance(content, list):
        for i, item in enumerate(content):
            if not isinstance(item, dict):
                raise _FieldError([(f".content[{i}]", f"must be an object, got {_kind(item)}")])
    elif content is not None and not isinstance(content, str):
        raise _bad(o, "content", "a string, an array or null")
    is_error = o.get("is_error")
    if is_error is not None and not isinstance(is_error, bool):
        raise _bad(o, "is_error", "a boolean or null")
    return ToolResultBlock(tool_use_id, content, is_error)


_BLOCK_DECODERS: Final[dict[str, Callable[[JSONDict], ContentBlock]]] = {
    "text": _text,
    "thinking": _thinking,
    "tool_use": _tool_use,
    "tool_result": _tool_result,
    "redacted_thinking": _lazy_decoder(RedactedThinkingBlock),
    "image": _lazy_decoder(ImageBlock),
    "server_tool_use": _lazy_decoder(ServerToolUseBlock),
}


def _server_tool_result(o: JSONDict) -> ServerToolResultBlock:
    tool_use_id = o.get("tool_use_id")
    if not isinstance(tool_use_id, str):
        raise _bad(o, "tool_use_id", "a string")
    if "content" not in o:
        raise _bad(o, "content", "present")
    block = ServerToolResultBlock(tool_use_id, o["content"])
    block.__dict__[_FRAME_ATTR] = o
    return block


def _block(o: Any) -> ContentBlock:
    if not isinstance(o, dict):
        raise _wrong(o, "an object")
    kind = o.get("type")
    if not isinstance(kind, str):
        raise _bad(o, "type", "a string")
    decode = _BLOCK_DECODERS.get(kind)
    if decode is not None:
        return decode(o)
    if kind.endswith("_tool_result"):
        return _server_tool_result(o)
    return UnknownBlock(kind, o)


def _blocks(content: list[Any], path: str) -> list[ContentBlock]:
    try:
        return [_block(item) for item in content]
    except _FieldError:
        pass
    for i, item in enumerate(content):  # error path only: find which one
        try:
            _block(item)
        except _FieldError as e:
            raise e.under(f"{path}[{i}]") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _encode_unknown_block(b: UnknownBlock) -> JSONDict:
    out = dict(b.raw)
    out["type"] = b.type
    return out


def _encode_tool_result(b: ToolResultBlock) -> JSONDict:
    out: JSONDict = {"type": "tool_result", "tool_use_id": b.tool_use_id}
    if b.content is not None:
        out["content"] = b.content
    if b.is_error is not None:
        out["is_error"] = b.is_error
    return out


_BLOCK_ENCODERS: Final[dict[type, Callable[[Any], JSONDict]]] = {
    TextBlock: lambda b: {"type": "text", "text": b.text},
    ThinkingBlock: lambda b: {"type": "thinking", "thinking": b.thinking, "signature": b.signature},
    ToolUseBlock: lambda b: {"type": "tool_use", "id": b.id, "name": b.name, "input": b.input},
    ToolResultBlock: _encode_tool_result,
    RedactedThinkingBlock: _lazy_encoder(RedactedThinkingBlock, "redacted_thinking"),
    ImageBlock: _lazy_encoder(ImageBlock, "image"),
    ServerToolUseBlock: _lazy_encoder(ServerToolUseBlock, "server_tool_use"),
    ServerToolResultBlock: lambda b: {
        "type": b.type,
        "tool_use_id": b.tool_use_id,
        "content": b.content,
    },
    UnknownBlock: _encode_unknown_block,
}


def _encode_block(b: ContentBlock) -> JSONDict:
    return _BLOCK_ENCODERS[type(b)](b)


# --------------------------------------------------------------------------
# Messages: the hot path, hand-written
# --------------------------------------------------------------------------


def _uuids(o: JSONDict) -> tuple[str | None, list[str] | None]:
    """``user_message_uuid`` and ``user_message_uuids``, checked (absent: ``None``)."""
    one, many = o.get("user_message_uuid"), o.get("user_message_uuids")
    if one is not None and not isinstance(one, str):
        raise _bad(o, "user_message_uuid", "a string or null")
    if many is not None:
        if not isinstance(many, list):
            raise _bad(o, "user_message_uuids", "an array or null")
        for i, item in enumerate(many):
            if not isinstance(item, str):
                raise _FieldError(
                    [(f".user_message_uuids[{i}]", f"must be a string, got {_kind(item)}")]
                )
    return one, many


def _put_uuids(out: JSONDict, one: str | None, many: list[str] | None) -> None:
    if one is not None:
        out["user_message_uuid"] = one
    if many is not None:
        out["user_message_uuids"] = many


def _origin(o: JSONDict) -> Any:
    """``origin`` as claude_agent_sdk reads it: an object with a string ``kind``, else None."""
    origin = o.get("origin")
    if isinstance(origin, dict) and isinstance(origin.get("kind"), str):
        return origin
    return None


def _assistant(o: JSONDict) -> AssistantMessage:
    m = o.get("message")
    if not isinstance(m, dict):
        raise _bad(o, "message", "an object")
    content = m.get("content")
    if not isinstance(content, list):
        raise _bad(m, "content", "an array", ".message")
    model = m.get("model")
    if not isinstance(model, str):
        raise _bad(m, "model", "a string", ".message")
    message_id = m.get("id")
    if message_id is not None and not isinstance(message_id, str):
        raise _bad(m, "id", "a string or null", ".message")
    usage = m.get("usage")
    if usage is not None and not isinstance(usage, dict):
        raise _bad(m, "usage", "an object or null", ".message")
    stop_reason = m.get("stop_reason")
    if stop_reason is not None and not isinstance(stop_reason, str):
        raise _bad(m, "stop_reason", "a string or null", ".message")
    parent = o.get("parent_tool_use_id")
    if parent is not None and not isinstance(parent, str):
        raise _bad(o, "parent_tool_use_id", "a string or null")
    session_id = o.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        raise _bad(o, "session_id", "a string or null")
    uuid = o.get("uuid")
    if uuid is not None and not isinstance(uuid, str):
        raise _bad(o, "uuid", "a string or null")
    error = o.get("error")
    if error is not None and not isinstance(error, str):
        raise _bad(o, "error", "a string or null")
    one, many = o.get("user_message_uuid"), o.get("user_message_uuids")
    if one is not None or many is not None:
        one, many = _uuids(o)
    out = AssistantMessage(
        _blocks(content, ".message.content"),
        model,
        parent,
        error,  # type: ignore[arg-type]  # a string, as sent (a Literal's member or a newer one)
        usage,
        message_id,
        stop_reason,
        session_id,
        uuid,
        one,
        many,
    )
    out.__dict__["_frame"] = o  # _FRAME_ATTR, spelled out: a hot path
    return out


def _encode_assistant(a: AssistantMessage) -> JSONDict:
    message: JSONDict = {} if a.message_id is None else {"id": a.message_id}
    message["type"] = "message"
    message["role"] = "assistant"
    message["model"] = a.model
    message["content"] = [_encode_block(b) for b in a.content]
    message["stop_reason"] = a.stop_reason
    if a.usage is not None:
        message["usage"] = a.usage
    out: JSONDict = {
        "type": "assistant",
        "message": message,
        "parent_tool_use_id": a.parent_tool_use_id,
    }
    if a.session_id is not None:
        out["session_id"] = a.session_id
    if a.uuid is not None:
        out["uuid"] = a.uuid
    if a.error is not None:
        out["error"] = a.error
    if a.aborted:
        out["aborted"] = True
    _put_uuids(out, a.user_message_uuid, a.user_message_uuids)
    return out


def _user(o: JSONDict) -> UserMessage:
    m = o.get("message")
    if not isinstance(m, dict):
        raise _bad(o, "message", "an object")
    content = m.get("content")
    if isinstance(content, list):
        content = _blocks(content, ".message.content")
    elif not isinstance(content, str):
        raise _bad(m, "content", "a string or an array", ".message")
    parent = o.get("parent_tool_use_id")
    if parent is not None and not isinstance(parent, str):
        raise _bad(o, "parent_tool_use_id", "a string or null")
    uuid = o.get("uuid")
    if uuid is not None and not isinstance(uuid, str):
        raise _bad(o, "uuid", "a string or null")
    origin = o.get("origin")
    if origin is not None and (
        not isinstance(origin, dict) or not isinstance(origin.get("kind"), str)
    ):
        origin = None  # as _origin(o), inline: a hot path
    out = UserMessage(content, uuid, parent, o.get("tool_use_result"), origin)  # type: ignore[arg-type]
    out.__dict__["_frame"] = o  # _FRAME_ATTR, spelled out: a hot path
    return out


def _encode_user(u: UserMessage) -> JSONDict:
    content = u.content if isinstance(u.content, str) else [_encode_block(b) for b in u.content]
    out: JSONDict = {
        "type": "user",
        "message": {"role": "user", "content": content},
        "parent_tool_use_id": u.parent_tool_use_id,
    }
    session_id = u.session_id
    if session_id is not None:
        out["session_id"] = session_id
    if u.uuid is not None:
        out["uuid"] = u.uuid
    if u.tool_use_result is not None:
        out["tool_use_result"] = u.tool_use_result
    if u.is_replay:
        out["isReplay"] = True
    if u.origin is not None:
        out["origin"] = u.origin
    return out


def _stream_event(o: JSONDict) -> StreamEvent:
    uuid, session_id, event = o.get("uuid"), o.get("session_id"), o.get("event")
    if not isinstance(uuid, str):
        raise _bad(o, "uuid", "a string")
    if not isinstance(session_id, str):
        raise _bad(o, "session_id", "a string")
    if not isinstance(event, dict):
        raise _bad(o, "event", "an object")
    parent = o.get("parent_tool_use_id")
    if parent is not None and not isinstance(parent, str):
        raise _bad(o, "parent_tool_use_id", "a string or null")
    one, many = o.get("user_message_uuid"), o.get("user_message_uuids")
    if one is not None or many is not None:
        one, many = _uuids(o)
    out = StreamEvent(uuid, session_id, event, parent, one, many)
    out.__dict__["_frame"] = o  # _FRAME_ATTR, spelled out: a hot path
    return out


def _encode_stream_event(s: StreamEvent) -> JSONDict:
    out: JSONDict = {
        "type": "stream_event",
        "uuid": s.uuid,
        "session_id": s.session_id,
        "event": s.event,
        "parent_tool_use_id": s.parent_tool_use_id,
    }
    _put_uuids(out, s.user_message_uuid, s.user_message_uuids)
    api_message_id, abandoned = s.api_message_id, s.abandoned_blocks
    if api_message_id is not None:
        out["api_message_id"] = api_message_id
    if abandoned is not None:
        out["abandoned_blocks"] = abandoned
    return out


def _result(o: JSONDict) -> ResultMessage:
    get = o.get
    subtype, session_id, is_error = get("subtype"), get("session_id"), get("is_error")
    duration_ms, duration_api_ms, num_turns = (
        get("duration_ms"),
        get("duration_api_ms"),
        get("num_turns"),
    )
    if not isinstance(subtype, str):
        raise _bad(o, "subtype", "a string")
    if type(duration_ms) is not int:
        raise _bad(o, "duration_ms", "an integer")
    if type(duration_api_ms) is not int:
        raise _bad(o, "duration_api_ms", "an integer")
    if not isinstance(is_error, bool):
        raise _bad(o, "is_error", "a boolean")
    if type(num_turns) is not int:
        raise _bad(o, "num_turns", "an integer")
    if not isinstance(session_id, str):
        raise _bad(o, "session_id", "a string")
    cost = get("total_cost_usd")
    if cost is not None and type(cost) is not float and type(cost) is not int:
        raise _bad(o, "total_cost_usd", "a number or null")
    usage, model_usage = get("usage"), get("modelUsage")
    if usage is not None and not isinstance(usage, dict):
        raise _bad(o, "usage", "an object or null")
    if model_usage is not None and not isinstance(model_usage, dict):
        raise _bad(o, "modelUsage", "an object or null")
    result, terminal_reason, stop_reason, uuid = (
        get("result"),
        get("terminal_reason"),
        get("stop_reason"),
        get("uuid"),
    )
    if result is not None and not isinstance(result, str):
        raise _bad(o, "result", "a string or null")
    if terminal_reason is not None and not isinstance(terminal_reason, str):
        raise _bad(o, "terminal_reason", "a string or null")
    if stop_reason is not None and not isinstance(stop_reason, str):
        raise _bad(o, "stop_reason", "a string or null")
    if uuid is not None and not isinstance(uuid, str):
        raise _bad(o, "uuid", "a string or null")
    api_error_status = get("api_error_status")
    if api_error_status is not None and type(api_error_status) is not int:
        raise _bad(o, "api_error_status", "an integer or null")
    denials = get("permission_denials")
    if denials is not None and not isinstance(denials, list):
        raise _bad(o, "permission_denials", "an array or null")
    errors = get("errors")
    if errors is not None:
        if not isinstance(errors, list):
            raise _bad(o, "errors", "an array or null")
        for i, item in enumerate(errors):
            if not isinstance(item, str):
                raise _FieldError([(f".errors[{i}]", f"must be a string, got {_kind(item)}")])
    deferred = get("deferred_tool_use")
    if deferred is not None:
        if not isinstance(deferred, dict):
            raise _bad(o, "deferred_tool_use", "an object or null")
        try:
            deferred = _deferred_tool_use(deferred)
        except _FieldError as e:
            raise e.under(".deferred_tool_use") from None
    one, many = get("user_message_uuid"), get("user_message_uuids")
    if one is not None or many is not None:
        one, many = _uuids(o)
    return ResultMessage(
        subtype,
        duration_ms,
        duration_api_ms,
        is_error,
        num_turns,
        session_id,
        stop_reason,
        cost,
        usage,
        result,
        get("structured_output"),
        model_usage,
        denials,
        deferred,
        errors,
        api_error_status,
        uuid,
        terminal_reason,
        _origin(o),
        one,
        many,
    )


def _deferred_tool_use(o: JSONDict) -> DeferredToolUse:
    return DeferredToolUse(*_id_name_input(o))


def _encode_result(r: ResultMessage) -> JSONDict:
    out: JSONDict = {
        "type": "result",
        "subtype": r.subtype,
        "duration_ms": r.duration_ms,
        "duration_api_ms": r.duration_api_ms,
        "is_error": r.is_error,
        "num_turns": r.num_turns,
        "session_id": r.session_id,
    }
    optional = (
        ("permission_denials", r.permission_denials),
        ("total_cost_usd", r.total_cost_usd),
        ("usage", r.usage),
        ("result", r.result),
        ("terminal_reason", r.terminal_reason),
        ("stop_reason", r.stop_reason),
        ("api_error_status", r.api_error_status),
        ("structured_output", r.structured_output),
        ("modelUsage", r.model_usage),
        ("uuid", r.uuid),
        ("origin", r.origin),
        ("user_message_uuid", r.user_message_uuid),
        ("user_message_uuids", r.user_message_uuids),
        ("errors", r.errors),
    )
    for key, value in optional:
        if value is not None:
            out[key] = value
    if r.deferred_tool_use is not None:
        d = r.deferred_tool_use
        out["deferred_tool_use"] = {"id": d.id, "name": d.name, "input": d.input}
    return out


# --------------------------------------------------------------------------
# system, rate_limit_event, unknown frames
# --------------------------------------------------------------------------

# The system subtypes that become a SystemMessage subclass, as in
# claude_agent_sdk's parser; every other subtype is a plain SystemMessage.
_SYSTEM_CLASSES: Final[dict[str, type[SystemMessage]]] = {
    "task_started": TaskStartedMessage,
    "task_progress": TaskProgressMessage,
    "task_updated": TaskUpdatedMessage,
    "task_notification": TaskNotificationMessage,
    "hook_started": HookEventMessage,
    "hook_response": HookEventMessage,
    "mirror_error": MirrorErrorMessage,
}


def _opt_str(o: JSONDict, key: str) -> str | None:
    value = o.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _bad(o, key, "a string or null")


def _task_updated(o: JSONDict) -> TaskUpdatedMessage:
    """As claude_agent_sdk: never fails on a missing ``task_id`` or ``patch``."""
    task_id = o.get("task_id", "")
    if not isinstance(task_id, str):
        raise _bad(o, "task_id", "a string")
    patch = o.get("patch")
    if not isinstance(patch, dict):
        patch = {}
    status = patch.get("status")
    return TaskUpdatedMessage(
        o["subtype"],
        o,
        task_id,
        patch,
        status if isinstance(status, str) else None,  # type: ignore[arg-type]  # as sent
        _opt_str(o, "session_id"),
        _opt_str(o, "uuid"),
    )


def _hook_event(o: JSONDict) -> HookEventMessage:
    """``hook_event_name`` is the first of ``hook_event``, ``hook_name``, ``hook_event_name``."""
    name = o.get("hook_event") or o.get("hook_name") or o.get("hook_event_name") or ""
    if not isinstance(name, str):
        raise _bad(o, "hook_event", "a string")
    return HookEventMessage(o["subtype"], o, name, _opt_str(o, "session_id"), _opt_str(o, "uuid"))


def _mirror_error(o: JSONDict) -> MirrorErrorMessage:
    key, error = o.get("key"), o.get("error", "")
    if key is not None and not isinstance(key, dict):
        raise _bad(o, "key", "an object or null")
    if not isinstance(error, str):
        raise _bad(o, "error", "a string")
    return MirrorErrorMessage(o["subtype"], o, cast(Any, key), error)


# Strict: a frame that does not fit raises.  Used by the converter's hooks.
_STRICT_SYSTEM_DECODERS: Final[dict[str, Callable[[JSONDict], SystemMessage]]] = {
    "task_started": _lazy_decoder(TaskStartedMessage),
    "task_progress": _lazy_decoder(TaskProgressMessage),
    "task_notification": _lazy_decoder(TaskNotificationMessage),
    "task_updated": _task_updated,
    "hook_started": _hook_event,
    "hook_response": _hook_event,
    "mirror_error": _mirror_error,
}


def _or_untyped(
    decode: Callable[[JSONDict], T], untyped: Callable[[JSONDict], T]
) -> Callable[[JSONDict], T]:
    """``decode``, but a frame that does not fit becomes ``untyped(frame)`` instead."""

    def decode_or_untyped(o: JSONDict) -> T:
        try:
            return decode(o)
        except _FieldError:
            return untyped(o)

    return decode_or_untyped


def _plain_system(o: JSONDict) -> SystemMessage:
    return SystemMessage(o["subtype"], o)


def _untyped_frame(o: JSONDict) -> Message:
    return UnknownMessage(o["type"], o)


# What decode_message uses: every typed subtype falls back to a plain SystemMessage.
_SYSTEM_DECODERS: Final[dict[str, Callable[[JSONDict], SystemMessage]]] = {
    subtype: _or_untyped(decode, _plain_system)
    for subtype, decode in _STRICT_SYSTEM_DECODERS.items()
}


def _system(o: JSONDict) -> SystemMessage:
    subtype = o.get("subtype")
    if not isinstance(subtype, str):
        raise _bad(o, "subtype", "a string")
    decode = _SYSTEM_DECODERS.get(subtype)
    if decode is None:
        return SystemMessage(subtype, o)
    return decode(o)


# --------------------------------------------------------------------------
# Typed views of plain system messages (SystemMessage.info)
# --------------------------------------------------------------------------

# The view of each system subtype that has one.  A view's fields, their
# JSON types and defaults are its dataclass's annotations; wire keys are the
# field names but for the renames below.  An absent field with a default
# takes it; a null is accepted only where the annotation says ``| None``.
_INFO_VIEWS: Final[dict[str, type]] = {
    "init": InitInfo,
    "status": StatusInfo,
    "api_retry": ApiRetryInfo,
    "session_state_changed": SessionStateInfo,
    "permission_denied": PermissionDeniedInfo,
    "hook_started": HookStartedInfo,
    "hook_progress": HookProgressInfo,
    "hook_response": HookResponseInfo,
}

_NUMBER: Final = (int, float)
_REQUIRED: Final = object()

# A check takes a value and raises _FieldError (path relative to the value).
_Check = Callable[[Any], None]


def _check_of(t: Any) -> _Check:
    """The JSON check for a view field annotated ``t``: str, int, float, bool, list, X | None."""
    if _is_optional(t):
        inner = _check_of(next(a for a in get_args(t) if a is not NoneType))
        expected = f"{_expected(next(a for a in get_args(t) if a is not NoneType))} or null"

        def optional(value: Any) -> None:
            if value is not None:
                try:
                    inner(value)
                except _FieldError:
                    raise _wrong(value, expected) from None

        return optional
    if _is_list_type(t):
        (item_type,) = get_args(t)
        item_kind = get_origin(item_type) or item_type

        def array(value: Any) -> None:
            if not isinstance(value, list):
                raise _wrong(value, "an array")
            for i, element in enumerate(value):
                if not isinstance(element, item_kind):
                    raise _wrong(element, _JSON_KIND[item_kind]).under(f"[{i}]")

        return array
    if t is float:

        def number(value: Any) -> None:
            if type(value) not in _NUMBER:
                raise _wrong(value, "a number")

        return number
    if t is int:

        def integer(value: Any) -> None:
            if type(value) is not int:
                raise _wrong(value, "an integer")

        return integer
    if t is str or t is bool:
        expected = _JSON_KIND[t]

        def scalar(value: Any) -> None:
            if not isinstance(value, t):
                raise _wrong(value, expected)

        return scalar
    raise TypeError(f"no JSON check for a view field of type {t!r}")


def _view_fields(cls: type) -> tuple[tuple[str, _Check, Any], ...]:
    """``cls``'s fields in order: (wire key, check, default thunk or ``_REQUIRED``)."""
    hints = get_type_hints(cls)
    renames = _RENAMES.get(cls, {})
    out: list[tuple[str, _Check, Any]] = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default: Any = (lambda v: lambda: v)(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory
        else:
            default = _REQUIRED
        out.append((renames.get(f.name, f.name), _check_of(hints[f.name]), default))
    return tuple(out)


_VIEW_FIELDS: Final = {subtype: _view_fields(cls) for subtype, cls in _INFO_VIEWS.items()}


def _strict_info(o: JSONDict, cls: type, fields: tuple[tuple[str, _Check, Any], ...]) -> Any:
    """The view ``cls`` of frame ``o``; raises :class:`_FieldError` naming every bad field."""
    values: list[Any] = []
    problems: list[tuple[str, str]] = []
    for key, check, default in fields:
        if key not in o:
            if default is _REQUIRED:
                problems.append((f".{key}", "is missing"))
            else:
                values.append(default())
            continue
        value = o[key]
        try:
            check(value)
        except _FieldError as e:
            problems.extend(e.under(f".{key}").problems)
        else:
            values.append(value)
    if problems:
        raise _FieldError(problems)
    return cls(*values)


def system_info(message: SystemMessage) -> SystemInfo | None:
    """The typed view of ``message.data`` (:attr:`SystemMessage.info`), or ``None``.

    ``None`` for a subtype without a view, and for a frame that does not
    fit its view (a CLI that changed its shape).
    """
    cls = _INFO_VIEWS.get(message.subtype)
    if cls is None or not isinstance(message.data, dict):  # pyright: ignore[reportUnnecessaryIsInstance]
        return None
    try:
        return cast(SystemInfo, _strict_info(message.data, cls, _VIEW_FIELDS[message.subtype]))
    except _FieldError:
        return None


def _info_decoder(subtype: str) -> Callable[[JSONDict], Any]:
    cls, fields = _INFO_VIEWS[subtype], _VIEW_FIELDS[subtype]

    def decode(o: JSONDict) -> Any:
        return _strict_info(o, cls, fields)

    return decode


# --------------------------------------------------------------------------
# Encoders of the raw-keeping classes
# --------------------------------------------------------------------------

_MISSING: Final = object()

# Fields computed from another part of the frame: never written back.
_DERIVED: Final[dict[type, frozenset[str]]] = {
    TaskUpdatedMessage: frozenset({"status"}),
    HookEventMessage: frozenset({"hook_event_name"}),
}
# Values a decoder gives a required field the frame lacks: not written back.
_ABSENT: Final[dict[type, dict[str, Any]]] = {
    TaskUpdatedMessage: {"task_id": "", "patch": {}},
}


def _default_of(f: "dataclasses.Field[Any]") -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return _MISSING


def _wire(value: Any) -> Any:
    """A typed field's value as JSON: a nested value is encoded, the rest is JSON already."""
    encode = _NESTED_ENCODERS.get(type(value))
    return value if encode is None else encode(value)


def _overlay_encoder(cls: type, tag: str | None) -> Callable[[Any], JSONDict]:
    """The raw dict (``data`` / ``raw`` / the kept frame) with the typed fields laid over it.

    A field is written when the raw dict has its key or its value is not
    the default, so a decoded value encodes back to exactly its dict, and
    a ``dataclasses.replace``-d one carries the change.  ``tag`` is the
    ``type`` to write (``None``: none); a ``SystemMessage`` writes
    ``system`` and its ``subtype``.
    """
    raw_name = _raw_field(cls)
    assert raw_name is not None
    renames = _RENAMES.get(cls, {})
    derived = _DERIVED.get(cls, frozenset())
    absent = _ABSENT.get(cls, {})
    spec = [
        (renames.get(f.name, f.name), f.name, absent.get(f.name, _default_of(f)))
        for f in dataclasses.fields(cls)
        if f.name not in ("subtype", raw_name) and f.name not in derived
    ]
    system = issubclass(cls, SystemMessage)

    def encode(m: Any) -> JSONDict:
        raw = getattr(m, raw_name)
        out = {} if raw is None else dict(raw)
        if system:
            out["type"] = "system"
            out["subtype"] = m.subtype
        elif tag is not None:
            out["type"] = tag
        for key, name, default in spec:
            value = getattr(m, name)
            if key in out or value != default:
                out[key] = _wire(value)
        return out

    return encode


_NESTED_DECODERS: Final[dict[Any, Callable[[JSONDict], Any]]] = {
    RateLimitInfo: _lazy_decoder(RateLimitInfo),
    TaskUsage: _structure_task_usage,
}
_NESTED_ENCODERS: Final[dict[type, Callable[[Any], JSONDict]]] = {
    RateLimitInfo: _overlay_encoder(RateLimitInfo, None),
    DeferredToolUse: lambda d: {"id": d.id, "name": d.name, "input": d.input},
}


def _encode_plain_system(m: SystemMessage) -> JSONDict:
    out = dict(m.data)
    out["type"] = "system"
    out["subtype"] = m.subtype
    return out


def _encode_unknown(m: UnknownMessage) -> JSONDict:
    out = dict(m.data)
    out["type"] = m.type
    return out


_DECODERS: Final[dict[str, Callable[[JSONDict], Message]]] = {
    "assistant": _assistant,
    "user": _user,
    "stream_event": _stream_event,
    "result": _result,
    "system": _system,
}
# Strict, for the converter's hooks; decode_message uses the lenient ones.
_STRICT_INFO_DECODERS: Final[dict[str, Callable[[JSONDict], Message]]] = {
    kind: _lazy_decoder(cls) for kind, cls in _INFO_CLASSES.items()
}
_DECODERS.update(
    {kind: _or_untyped(decode, _untyped_frame) for kind, decode in _STRICT_INFO_DECODERS.items()}
)

_ENCODERS: Final[dict[type, Callable[[Any], JSONDict]]] = {
    AssistantMessage: _encode_assistant,
    UserMessage: _encode_user,
    StreamEvent: _encode_stream_event,
    ResultMessage: _encode_result,
    SystemMessage: _encode_plain_system,
    **{cls: _overlay_encoder(cls, None) for cls in _SYSTEM_CLASSES.values()},
    **{cls: _overlay_encoder(cls, kind) for kind, cls in _INFO_CLASSES.items()},
    UnknownMessage: _encode_unknown,
}


# --------------------------------------------------------------------------
# The public functions
# --------------------------------------------------------------------------


def decode_message(obj: JSONDict) -> Message:
    """Build the message for one parsed stdout frame.

    Unknown ``type``s, ``system`` subtypes and content blocks are kept as
    ``UnknownMessage`` / ``SystemMessage`` / ``UnknownBlock``.  Raises
    :class:`MessageParseError` (with the frame in ``.data``) when the frame
    is not an object, has no string ``type``, or is of a known type and
    lacks a required field or has one of the wrong JSON type.
    """
    if not isinstance(obj, dict):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise MessageParseError(f"a frame must be a JSON object, got {_kind(obj)}", None)
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise _parse_error("frame", _bad(obj, "type", "a string"), obj)
    decode = _DECODERS.get(kind)
    if decode is None:
        return UnknownMessage(kind, obj)
    try:
        return decode(obj)
    except _FieldError as e:
        raise _parse_error(_frame_label(obj), e, obj) from None
    except (ExceptionGroup, KeyError, TypeError, ValueError, AttributeError) as e:
        # Not expected (every check above raises _FieldError); a safety net
        # so that a bug here cannot end a session with a foreign exception.
        # (ExceptionGroup covers cattrs' BaseValidationError without importing it.)
        raise MessageParseError(f"invalid {_frame_label(obj)}: {e!r}", obj) from e


def encode_message(msg: Message) -> JSONDict:
    """The wire frame for ``msg``; ``decode_message(encode_message(m)) == m``.

    ``SystemMessage`` and ``UnknownMessage`` encode from their raw ``data``
    (with typed fields of a ``SystemMessage`` subclass laid over it).
    """
    encode = _ENCODERS.get(type(msg))
    if encode is None:
        raise TypeError(f"not a ccsdk message: {msg!r}")
    return encode(msg)


def decode_block(obj: JSONDict) -> ContentBlock:
    """Build one content block; unknown block types become :class:`UnknownBlock`.

    Raises :class:`MessageParseError` like :func:`decode_message`.
    """
    try:
        return _block(obj)
    except _FieldError as e:
        raise _parse_error(_block_label(obj), e, obj) from None
    except (ExceptionGroup, KeyError, TypeError, ValueError, AttributeError) as e:
        raise MessageParseError(f"invalid {_block_label(obj)}: {e!r}", obj) from e


def encode_block(block: ContentBlock) -> JSONDict:
    """The wire dict for one content block; ``decode_block(encode_block(b)) == b``."""
    encode = _BLOCK_ENCODERS.get(type(block))
    if encode is None:
        raise TypeError(f"not a ccsdk content block: {block!r}")
    return encode(block)


# --------------------------------------------------------------------------
# The control protocol: every frame we write, encoded here (and only here)
# --------------------------------------------------------------------------

# A hook callback's keys that are Python keywords, and their wire names.
_HOOK_RENAMES: Final = {"async_": "async", "continue_": "continue"}

# Per class: (tag key, tag value) to put first, and (name, wire key, omit if None).
_ControlPlan = tuple[tuple[str, str] | None, tuple[tuple[str, str, bool], ...]]
_CONTROL_PLANS: Final[dict[type, _ControlPlan]] = {}


def _control_plan(cls: type) -> _ControlPlan:
    """How ``cls``'s fields go on the wire, from its attrs field metadata."""
    plan = _CONTROL_PLANS.get(cls)
    if plan is None:
        fields = tuple(
            (
                f.name,
                f.metadata.get(control.WIRE, f.name),
                bool(f.metadata.get(control.OMIT_IF_NONE)),
            )
            for f in attrs.fields(cls)
        )
        tag: tuple[str, str] | None = None
        for key in ("subtype", "behavior"):
            value = cls.__dict__.get(key)
            if isinstance(value, str):
                tag = (key, value)
        plan = _CONTROL_PLANS.setdefault(cls, (tag, fields))
    return plan


def _control_fields(obj: Any) -> JSONDict:
    tag, fields = _control_plan(type(obj))
    out: JSONDict = {} if tag is None else {tag[0]: tag[1]}
    for name, key, omit_if_none in fields:
        value = getattr(obj, name)
        if value is None and omit_if_none:
            continue
        out[key] = value
    return out


def _request_body(request: Any) -> JSONDict:
    if isinstance(request, dict):
        return request
    if isinstance(request, control.OtherRequest):
        return {"subtype": request.subtype, **request.fields}
    return _control_fields(request)


def _answer_body(payload: Any) -> JSONDict:
    if payload is None:
        return {}
    if isinstance(payload, dict):
        return payload
    if isinstance(payload, control.HookOutput):
        return {_HOOK_RENAMES.get(str(k), str(k)): v for k, v in payload.output.items()}
    if isinstance(payload, control.UserDialogAnswer) and payload.behavior != "completed":
        return {"behavior": payload.behavior}  # no result when cancelled
    if isinstance(payload, control.CanUseToolDeny):
        # ``interrupt`` is sent only when true.
        out: JSONDict = {"behavior": "deny", "message": payload.message}
        if payload.interrupt:
            out["interrupt"] = True
        return out
    return _control_fields(payload)


def encode_control(obj: Any) -> JSONDict:
    """The wire dict of a :mod:`ccsdk.protocol.control` model.

    A :class:`~control.UserInput`, :class:`~control.ControlRequest`,
    :class:`~control.ControlSuccess` or :class:`~control.ControlError` gives
    the whole frame; one of our requests gives the ``request`` object, an
    answer payload the ``response`` object.
    """
    if isinstance(obj, control.UserInput):
        frame: JSONDict = {
            "type": "user",
            "message": {"role": "user", "content": obj.content},
            "parent_tool_use_id": obj.parent_tool_use_id,
            "session_id": obj.session_id,
        }
        if obj.client_composed:
            frame["client_composed"] = True
        return frame
    if isinstance(obj, control.ControlRequest):
        return {
            "type": "control_request",
            "request_id": obj.request_id,
            "request": _request_body(obj.request),
        }
    if isinstance(obj, control.ControlSuccess):
        body: JSONDict = {
            "subtype": "success",
            "request_id": obj.request_id,
            "response": _answer_body(obj.response),
        }
        return {"type": "control_response", "response": body}
    if isinstance(obj, control.ControlError):
        body = {"subtype": "error", "request_id": obj.request_id, "error": obj.error}
        return {"type": "control_response", "response": body}
    if isinstance(obj, control.OtherRequest):
        return _request_body(obj)
    if type(obj) in _CONTROL_ANSWERS:
        return _answer_body(obj)
    if type(obj) in _CONTROL_REQUESTS:
        return _control_fields(obj)
    raise TypeError(f"not a ccsdk control model: {obj!r}")


_CONTROL_REQUESTS: Final = frozenset(
    {
        control.Initialize,
        control.Interrupt,
        control.SetPermissionMode,
        control.SetModel,
        control.McpStatus,
        control.GetContextUsage,
        control.RewindFiles,
        control.McpReconnect,
        control.McpToggle,
        control.McpSetServers,
        control.StopTask,
        control.SetMaxThinkingTokens,
        control.McpMessage,
    }
)
_CONTROL_ANSWERS: Final = frozenset(
    {
        control.CanUseToolAllow,
        control.CanUseToolDeny,
        control.HookOutput,
        control.ElicitationAnswer,
        control.UserDialogAnswer,
        control.McpResponse,
    }
)
_CONTROL_FRAMES: Final = frozenset(
    {
        control.UserInput,
        control.ControlRequest,
        control.ControlSuccess,
        control.ControlError,
        control.OtherRequest,
    }
)


# --------------------------------------------------------------------------
# The CLI's answers to our requests (ServerInfo, RewindFilesResult, ...)
# --------------------------------------------------------------------------


def _is_answer_class(t: Any) -> bool:
    """An attrs class with a field marked :data:`control.RAW` (see :func:`decode_answer`)."""
    return (
        isinstance(t, type)
        and attrs.has(t)
        and any(f.metadata.get(control.RAW) for f in attrs.fields(t))
    )


def _wire_names(cls: type) -> dict[str, str]:
    """Python field name -> wire key, from the fields' :data:`control.WIRE` metadata."""
    if not attrs.has(cls):
        return {}
    return {
        f.name: f.metadata[control.WIRE] for f in attrs.fields(cls) if control.WIRE in f.metadata
    }


# The request id of one of the CLI's requests reaches the event's
# ``request_id`` field through this key (it is outside the request body).
_REQUEST_ID_KEY: Final = "\x00ccsdk:request_id"


def _answer_decoder(cls: type) -> Callable[[JSONDict, JSONDict], Any]:
    """Read ``body`` as ``cls``, with ``extra`` keys added; raises :class:`_FieldError`.

    A key that is absent or ``null`` takes the field's default (the CLI
    leaves out what it has nothing for); the :data:`control.RAW` field gets
    the whole ``body``, a ``request_id`` field the request id in ``extra``.
    A field's own :data:`control.HOOK` replaces the converter's for it.
    """
    from cattrs.errors import BaseValidationError
    from cattrs.gen import make_dict_structure_fn, override

    overrides: dict[str, Any] = {}
    for f in attrs.fields(cls):
        if f.metadata.get(control.RAW):
            overrides[f.name] = override(rename=_RAW_KEY)
        elif f.name == "request_id":
            overrides[f.name] = override(rename=_REQUEST_ID_KEY)
        else:
            overrides[f.name] = override(
                rename=f.metadata.get(control.WIRE), struct_hook=f.metadata.get(control.HOOK)
            )
    conv = _cattrs().converter
    generated: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, conv, **overrides)

    def decode(body: JSONDict, extra: JSONDict) -> Any:
        present = {k: v for k, v in body.items() if v is not None}
        present[_RAW_KEY] = body
        present.update(extra)
        try:
            return generated(present, cls)
        except (BaseValidationError, _FieldError, KeyError, TypeError, ValueError) as e:
            raise _from_cattrs(e) from None

    return decode


def _cached_answer_decoder(cls: type) -> Callable[[JSONDict, JSONDict], Any]:
    decoders = _cattrs().answer_decoders
    decode = decoders.get(cls)
    if decode is None:
        decode = decoders.setdefault(cls, _answer_decoder(cls))
    return decode


def _answer_hook(cls: type) -> Callable[[Any, Any], Any]:
    """The converter's structure hook for an answer class (nested ones included)."""

    def structure_answer(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise _wrong(value, "an object")
        return _cached_answer_decoder(cls)(value, {})

    return structure_answer


def decode_request(cls: type[T], request_id: str, body: JSONDict) -> T:
    """Read ``body``, the ``request`` object of one of the CLI's control requests, as ``cls``.

    ``cls`` is one of :data:`~ccsdk.protocol.events.IncomingRequest`'s
    classes (its ``request_id`` is ``request_id``, its ``raw`` ``body``).

    Raises:
        MessageParseError: a required field is missing or a field has the
            wrong JSON type; the message names it, ``.data`` is ``body``.
    """
    try:
        return cast(T, _cached_answer_decoder(cls)(body, {_REQUEST_ID_KEY: request_id}))
    except _FieldError as e:
        raise _parse_error(f"{body.get('subtype')!r} control request", e, body) from None


def decode_answer(cls: type[T], data: JSONDict, label: str) -> T:
    """Read ``data``, the CLI's answer to one of our requests, as ``cls``.

    ``cls`` is an attrs class with a :data:`control.RAW` field, such as
    :class:`ccsdk.ServerInfo`; ``label`` names the answer in errors.

    Raises:
        MessageParseError: a field has the wrong JSON type, or a required
            one is missing; the message names its path, ``data`` is kept.
    """
    try:
        return _cattrs().converter.structure(data, cls)
    except _FieldError as e:
        raise _parse_error(label, e, data) from None


# --------------------------------------------------------------------------
# Registration: the converter knows every model both ways
# --------------------------------------------------------------------------


def _hook(decode: Callable[[JSONDict], T], label: Callable[[Any], str]) -> Callable[[Any, Any], T]:
    def structure(obj: Any, _: Any) -> T:
        if not isinstance(obj, dict):
            raise MessageParseError(f"invalid {label(obj)}: must be an object, got {_kind(obj)}")
        try:
            return decode(obj)
        except _FieldError as e:
            raise _parse_error(label(obj), e, obj) from None

    return structure


def _object_label(cls: type) -> Callable[[Any], str]:
    """The label of a nested value in errors: ``RateLimitInfo object``."""
    label = f"{cls.__name__} object"
    return lambda _: label


def _unknown_message(o: JSONDict) -> UnknownMessage:
    kind = o.get("type")
    if not isinstance(kind, str):
        raise _bad(o, "type", "a string")
    return UnknownMessage(kind, o)


def _unknown_block(o: JSONDict) -> UnknownBlock:
    kind = o.get("type")
    if not isinstance(kind, str):
        raise _bad(o, "type", "a string")
    return UnknownBlock(kind, o)


_MESSAGE_CLASSES: Final[dict[str, type[Any]]] = {
    "assistant": AssistantMessage,
    "user": UserMessage,
    "stream_event": StreamEvent,
    "result": ResultMessage,
    "system": SystemMessage,
}
_BLOCK_CLASSES: Final[dict[str, type[Any]]] = {
    "text": TextBlock,
    "thinking": ThinkingBlock,
    "tool_use": ToolUseBlock,
    "tool_result": ToolResultBlock,
    "redacted_thinking": RedactedThinkingBlock,
    "image": ImageBlock,
    "server_tool_use": ServerToolUseBlock,
}


def _register(conv: "cattrs.Converter") -> None:
    structure = conv.register_structure_hook
    for kind, cls in _MESSAGE_CLASSES.items():
        structure(cls, _hook(_DECODERS[kind], _frame_label))
    for kind, cls in _INFO_CLASSES.items():
        structure(cls, _hook(_STRICT_INFO_DECODERS[kind], _frame_label))
    for subtype, cls in _SYSTEM_CLASSES.items():
        structure(cls, _hook(_STRICT_SYSTEM_DECODERS[subtype], _frame_label))
    for subtype, cls in _INFO_VIEWS.items():
        structure(cls, _hook(_info_decoder(subtype), _frame_label))
    for cls, decode in _NESTED_DECODERS.items():
        structure(cls, _hook(decode, _object_label(cls)))
    structure(DeferredToolUse, _hook(_deferred_tool_use, _object_label(DeferredToolUse)))
    structure(UnknownMessage, _hook(_unknown_message, _frame_label))
    for kind, cls in _BLOCK_CLASSES.items():
        structure(cls, _hook(_BLOCK_DECODERS[kind], _block_label))
    structure(ServerToolResultBlock, _hook(_server_tool_result, _block_label))
    structure(UnknownBlock, _hook(_unknown_block, _block_label))
    # The unions: dispatch on "type" (and "subtype").
    conv.register_structure_hook_func(lambda t: t == Message, lambda obj, _: decode_message(obj))
    conv.register_structure_hook_func(lambda t: t == ContentBlock, lambda obj, _: decode_block(obj))
    for cls, encode in (_ENCODERS | _BLOCK_ENCODERS | _NESTED_ENCODERS).items():
        conv.register_unstructure_hook(cls, encode)
    for cls in _CONTROL_REQUESTS | _CONTROL_ANSWERS | _CONTROL_FRAMES:
        conv.register_unstructure_hook(cls, encode_control)

    conv.register_structure_hook_factory(_is_answer_class, _answer_hook)


def __getattr__(name: str) -> Any:
    """``converter``, made (with cattrs imported) on first access."""
    if name == "converter":
        conv = globals()["converter"] = _cattrs().converter
        return conv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
