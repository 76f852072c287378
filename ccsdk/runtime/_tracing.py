"""OpenTelemetry trace propagation into the CLI's environment.

When the application traces with OpenTelemetry and a span is active as the
CLI starts, the child gets ``TRACEPARENT`` (and ``TRACESTATE`` when the span
has one), the W3C Trace Context carried in environment variables. The CLI's
own telemetry then joins the caller's trace instead of starting a new one.

Two rules keep this free for everyone else:

* ccsdk never imports ``opentelemetry`` itself. It looks in ``sys.modules``:
  if ``opentelemetry.trace`` was not imported by the application, no span
  can be active, and nothing is done. So ``import ccsdk`` stays fast and
  opentelemetry is no dependency.
* Tracing never breaks a spawn: any failure inside opentelemetry is logged
  at DEBUG and the CLI starts without the variables.

The W3C Trace Context propagator is used directly, not the globally
configured one: the variable names are W3C's, and the CLI reads that format
only, whatever propagators the application set up for its HTTP traffic.
Baggage is not forwarded: it may hold data the application did not mean to
hand to a child process.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["TRACE_VARIABLES", "add_trace_context", "trace_context_env"]

log = logging.getLogger("ccsdk")

#: The variables this module sets (and replaces, when a span is active).
TRACE_VARIABLES = ("TRACEPARENT", "TRACESTATE")


def trace_context_env() -> dict[str, str]:
    """``{"TRACEPARENT": ..., "TRACESTATE": ...}`` for the active span, or ``{}``.

    ``{}`` when opentelemetry was not imported by the application, when no
    span is active (or its context is invalid), or when opentelemetry fails.
    """
    if "opentelemetry.trace" not in sys.modules:
        return {}
    try:
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        carrier: dict[str, str] = {}
        # Injects nothing when the current span's context is invalid (no span).
        TraceContextTextMapPropagator().inject(carrier)
    except Exception:  # a broken or partial install must not stop the CLI
        log.debug("could not read the OpenTelemetry trace context", exc_info=True)
        return {}
    env = {}
    for name in TRACE_VARIABLES:
        value = carrier.get(name.lower())
        if value:
            env[name] = value
    return env if "TRACEPARENT" in env else {}


def add_trace_context(env: dict[str, str]) -> None:
    """Put the active span's trace context into ``env``, in place.

    When there is one, inherited ``TRACEPARENT`` / ``TRACESTATE`` values are
    replaced together, so a ``TRACESTATE`` of another trace is never left
    beside the new ``TRACEPARENT``. With no active span, ``env`` is unchanged.
    """
    trace_env = trace_context_env()
    if trace_env:
        for name in TRACE_VARIABLES:
            env.pop(name, None)
        env.update(trace_env)
