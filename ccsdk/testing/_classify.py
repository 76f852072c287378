"""Which request the CLI sent: a main turn, a fallback, or one of its side requests.

The CLI makes more requests than the "main" ones that a script describes
(a connectivity probe, a session-title request that comes only sometimes,
a model-validation request after ``set_model``, a non-streaming retry after
a broken stream). :func:`classify_request` tells them apart so that only
main turns (and their non-streaming fallbacks) consume the script, and
timing-dependent side requests can never shift it. :class:`RecordedRequest`
is how a test sees a request afterwards.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias, cast

from ccsdk.testing._script import dumps

__all__ = [
    "FakeEvent",
    "RecordedRequest",
    "RequestKind",
    "as_object",
    "classify_request",
    "gateway_env",
]

RequestKind: TypeAlias = Literal[
    "probe",
    "turn",
    "fallback",
    "title",
    "validation",
    "count_tokens",
    "suggestion",
    "summary",
    "other",
]


#: How the CLI's prompt-suggestion request starts its last user message, and
#: what the tool-use-summary request's system prompt says.
_SUGGESTION_MARK: Final = "[SUGGESTION MODE:"
_SUMMARY_MARK: Final = "Write a short summary label"


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake received, as a test sees it afterwards.

    ``turn_index`` is the request's position among turn-consuming requests
    (kinds ``turn`` and ``fallback``), 0-based; it is ``None`` for the other
    kinds.  An index at or past the script's length was answered with
    :data:`EXHAUSTED_TEXT`.
    """

    seq: int
    method: str
    path: str
    kind: RequestKind
    body: Any
    headers: Mapping[str, str]
    turn_index: int | None
    received_at: float = field(repr=False, compare=False)

    @property
    def last_user_text(self) -> str | None:
        """The last text block of the last user message, or ``None``.

        The CLI puts a ``<system-reminder>`` block before the prompt in the
        same message, so the *last* text is what the user typed.
        """
        body = as_object(self.body)
        messages = None if body is None else _as_array(body.get("messages"))
        if messages is None:
            return None
        for item in reversed(messages):
            message = as_object(item)
            if message is None or message.get("role") != "user":
                continue
            content = message.get("content")
            if isinstance(content, str):
                return content
            blocks = _as_array(content)
            if blocks is not None:
                texts = [
                    block["text"]
                    for block in map(as_object, blocks)
                    if block is not None
                    and block.get("type") == "text"
                    and isinstance(block.get("text"), str)
                ]
                if texts:
                    return str(texts[-1])
            return None
        return None


FakeEvent: TypeAlias = dict[str, Any]


# --------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------


def as_object(value: object) -> Mapping[str, Any] | None:
    """``value`` as a JSON object (parsed from a request), or ``None`` if it is not one."""
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else None


def _as_array(value: object) -> Sequence[Any] | None:
    """``value`` as a JSON array (parsed from a request), or ``None`` if it is not one."""
    return cast("Sequence[Any]", value) if isinstance(value, list) else None


def _is_title_request(body: Mapping[str, Any]) -> bool:
    """Recognise the session-title side request (it carries no tools)."""
    if body.get("tools"):
        return False
    output_config = as_object(body.get("output_config"))
    if output_config is not None:
        fmt = as_object(output_config.get("format"))
        if fmt is not None:
            schema = as_object(fmt.get("schema"))
            if schema is not None:
                props = as_object(schema.get("properties"))
                if props is not None and "title" in props:
                    return True
    return "naming a coding session" in _system_text(body.get("system"))


def _system_text(system: Any) -> str:
    if isinstance(system, str):
        return system
    blocks = _as_array(system)
    if blocks is not None:
        return "\n".join(
            str(block.get("text", "")) for block in map(as_object, blocks) if block is not None
        )
    return ""


def classify_request(method: str, path: str, body: Any) -> RequestKind:
    """Say what a request is, and so whether it consumes a scripted turn.

    Only ``turn`` and ``fallback`` consume one.  The rules follow the traffic
    observed from the CLI: any ``HEAD`` is a connectivity probe; the title
    request has no tools and asks for ``{"title": …}``; model validation is
    not streamed and has ``max_tokens: 1``; the prompt-suggestion request's
    last user message starts ``[SUGGESTION MODE:``; the tool-use-summary
    request has no tools and asks for "a short summary label"; a main turn
    is streamed with tools and its fallback is the same request not streamed.
    """
    if method == "HEAD":
        return "probe"
    route = path.split("?", 1)[0].rstrip("/")
    if method != "POST":
        return "other"
    if route.endswith("/v1/messages/count_tokens"):
        return "count_tokens"
    body = as_object(body)
    if not route.endswith("/v1/messages") or body is None:
        return "other"
    streamed = body.get("stream") is True
    if _is_title_request(body):
        return "title"
    if not streamed and body.get("max_tokens") == 1:
        return "validation"
    if _is_suggestion_request(body):
        return "suggestion"
    if not body.get("tools") and _SUMMARY_MARK in _system_text(body.get("system")):
        return "summary"
    return "turn" if streamed else "fallback"


def gateway_env() -> dict[str, str]:
    """Variables that make the CLI take the fake for an LLM gateway, so it reads rate limits.

    CLI 2.1.331 reads the ``anthropic-ratelimit-unified-*`` response headers
    (and sends ``rate_limit_event`` frames) only for a claude.ai sign-in or a
    gateway, never for an API key.  With a custom ``ANTHROPIC_BASE_URL`` it
    takes an ``ANTHROPIC_AUTH_TOKEN`` that is a JWT with ``aud``
    ``claude-gateway`` for a gateway, and does not verify the signature; the
    token here is such a JWT, unsigned.  Lay these over :meth:`FakeModel.env`
    (``ANTHROPIC_API_KEY`` is blanked so that the token is used), and send
    the headers with :attr:`Turn.headers`.
    """

    def part(value: Mapping[str, Any]) -> str:
        return base64.urlsafe_b64encode(dumps(value).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'aud': 'claude-gateway'})}.fake"
    return {"ANTHROPIC_AUTH_TOKEN": token, "ANTHROPIC_API_KEY": ""}


def _is_suggestion_request(body: Mapping[str, Any]) -> bool:
    """The prompt-suggestion side request: its last user text is the suggestion prompt."""
    messages = _as_array(body.get("messages"))
    if not messages:
        return False
    last = as_object(messages[-1])
    if last is None or last.get("role") != "user":
        return False
    content = last.get("content")
    if isinstance(content, str):
        return content.startswith(_SUGGESTION_MARK)
    blocks = _as_array(content)
    if blocks is not None:
        return any(
            block is not None
            and isinstance(text := block.get("text"), str)
            and text.startswith(_SUGGESTION_MARK)
            for block in map(as_object, blocks)
        )
    return False
