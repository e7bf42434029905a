"""Optional OpenTelemetry instrumentation: traces and metrics where users already look.

Needs ``opentelemetry-api`` (``pip install opentelemetry-api``; an SDK and an exporter to
see anything); nothing of it is imported until ``instrument()`` is called, and without it
``instrument()`` raises ``ImportError`` naming the package. ::

    from gemini_live import otel
    otel.instrument()            # every session connected from now on
    with gl.connect(...) as s:   # a span for the session, one per turn
        ...

What is recorded, following the GenAI semantic conventions (``gen_ai.*``) where they apply:

- a span per session, ``session {model}`` (kind CLIENT, a child of the span current at
  connect), with ``gen_ai.provider.name`` (``gcp.gemini``, or ``gcp.vertex_ai`` with a
  Vertex target), ``gen_ai.request.model``, ``gen_ai.conversation.id`` (the server's session
  id, when it sends one), ``server.address``/``server.port``; reconnections are its events
  (``gemini_live.reconnecting`` with the attempt, delay and cause, ``gemini_live.resumed``,
  ``gemini_live.new_session``, ``gemini_live.context_restored`` / ``_lost``,
  ``gemini_live.go_away``); it ends with the session, in error
  (``error.type``) when the session ended with one. A failed connect is a span in error.
- a span per turn, ``chat {model}`` (``gen_ai.operation.name`` ``chat``), a child of the
  session's, from the first input after the previous turn to its ``TurnComplete``, with
  ``gen_ai.usage.input_tokens``/``output_tokens``, ``gen_ai.output.type`` (``speech`` or
  ``text``), ``gen_ai.response.finish_reasons``, ``gemini_live.interrupted`` and the
  latencies below as attributes;
- histograms (seconds): ``gen_ai.client.operation.duration``, the turn latency (last input
  sent to turn complete, measured by the library), and
  ``gen_ai.client.operation.time_to_first_chunk``, the time to first audio (or to the first
  text of a text-only turn; ``gen_ai.output.type`` tells which); and
  ``gen_ai.client.token.usage`` (``gen_ai.token.type`` ``input``/``output``).

No prompt, reply, audio or credential is ever recorded.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import urlsplit

from . import _hooks
from .events import (
    AudioEvent,
    ClosedEvent,
    ContextLostEvent,
    ContextRestoredEvent,
    ErrorEvent,
    Event,
    GoAwayEvent,
    InterruptedEvent,
    NewSessionEvent,
    ReconnectingEvent,
    ReplyDiscardedEvent,
    ResumedEvent,
    SetupCompleteEvent,
    TextEvent,
    TurnCompleteEvent,
    UsageEvent,
)

__all__ = ["instrument", "uninstrument", "is_instrumented", "SCOPE"]

#: The instrumentation scope (tracer and meter name).
SCOPE = "gemini_live"
_DEFAULT_HOST = "generativelanguage.googleapis.com"
# Bucket boundaries the GenAI conventions give for durations and token counts.
_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
                     20.48, 40.96, 81.92]
_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
                  16777216, 67108864]

_lock = threading.Lock()
_hook: Optional[Any] = None


def _missing() -> ImportError:
    return ImportError(
        "gemini_live.otel needs the OpenTelemetry API: pip install opentelemetry-api "
        "(and opentelemetry-sdk with an exporter to see the data)"
    )


class _Instruments:
    """The tracer and the three histograms, made once per ``instrument()``."""

    def __init__(self, tracer_provider: Any, meter_provider: Any) -> None:
        try:  # imported by name: type-checking the package needs no OpenTelemetry
            trace: Any = importlib.import_module("opentelemetry.trace")
            metrics: Any = importlib.import_module("opentelemetry.metrics")
        except ImportError:
            raise _missing() from None
        from . import __version__

        self.trace = trace
        self.tracer = trace.get_tracer(SCOPE, __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter(SCOPE, __version__, meter_provider=meter_provider)

        def histogram(name: str, unit: str, description: str, buckets: List[float]) -> Any:
            try:  # explicit buckets: opentelemetry-api 1.23 and later
                return meter.create_histogram(
                    name, unit=unit, description=description,
                    explicit_bucket_boundaries_advisory=buckets,
                )
            except TypeError:
                return meter.create_histogram(name, unit=unit, description=description)

        self.duration = histogram(
            "gen_ai.client.operation.duration", "s",
            "Turn latency: the last input sent to the turn complete", _DURATION_BUCKETS)
        self.first_chunk = histogram(
            "gen_ai.client.operation.time_to_first_chunk", "s",
            "Time to first audio (or first text in a text-only turn) after the last input",
            _DURATION_BUCKETS)
        self.tokens = histogram(
            "gen_ai.client.token.usage", "{token}", "Input and output tokens per turn",
            [float(b) for b in _TOKEN_BUCKETS])


def _fail(inst: _Instruments, span: Any, error: BaseException) -> None:
    """Marks ``span`` failed with ``error`` (``error.type``: its class, a low-cardinality
    name such as ``ServerClosedError``)."""
    span.set_attribute("error.type", type(error).__name__)
    span.set_status(inst.trace.Status(inst.trace.StatusCode.ERROR, str(error)))


def _base_attributes(info: Mapping[str, Any]) -> Dict[str, Any]:
    attrs: Dict[str, Any] = {
        "gen_ai.provider.name": "gcp.vertex_ai" if info.get("vertex") else "gcp.gemini",
    }
    model = info.get("model")
    if model:
        name = str(model)
        attrs["gen_ai.request.model"] = name[7:] if name.startswith("models/") else name
    endpoint = info.get("endpoint")
    if endpoint:
        parts = urlsplit(str(endpoint))
        if parts.hostname:
            attrs["server.address"] = parts.hostname
        port = parts.port or (443 if parts.scheme == "wss" else 80)
        attrs["server.port"] = port
    elif not info.get("vertex"):
        attrs["server.address"], attrs["server.port"] = _DEFAULT_HOST, 443
    return attrs


class _SessionTelemetry:
    """The observer of one session (see ``gemini_live._hooks``): its span, its turns."""

    def __init__(self, inst: _Instruments, session: Any, info: Mapping[str, Any],
                 start_ns: int) -> None:
        self.inst, self.session = inst, session
        self.attrs = _base_attributes(info)
        model = self.attrs.get("gen_ai.request.model")
        self.model_suffix = f" {model}" if model else ""
        trace = inst.trace
        self.span = inst.tracer.start_span(
            "session" + self.model_suffix, kind=trace.SpanKind.CLIENT, start_time=start_ns,
            attributes=dict(self.attrs),
        )
        self.context = trace.set_span_in_context(self.span)
        self.lock = threading.Lock()
        self.turn: Any = None
        self.turns = 0
        self.turn_audio = False
        self.turn_text = False
        self.conversation: Optional[str] = None

    # ---- turns --------------------------------------------------------------------------

    def _open_turn(self) -> Any:
        if self.turn is None:
            self.turns += 1
            attrs = dict(self.attrs)
            attrs["gen_ai.operation.name"] = "chat"
            attrs["gemini_live.turn"] = self.turns
            if self.conversation:
                attrs["gen_ai.conversation.id"] = self.conversation
            self.turn = self.inst.tracer.start_span(
                "chat" + self.model_suffix, context=self.context,
                kind=self.inst.trace.SpanKind.CLIENT, attributes=attrs,
            )
            self.turn_audio = self.turn_text = False
        return self.turn

    def _metric_attributes(self) -> Dict[str, Any]:
        keep = ("gen_ai.provider.name", "gen_ai.request.model", "server.address", "server.port")
        out = {k: v for k, v in self.attrs.items() if k in keep}
        out["gen_ai.operation.name"] = "chat"
        return out

    def _usage(self, span: Any, usage: Optional[Mapping[str, Any]]) -> None:
        if not usage:
            return
        pairs = (("input", "prompt_token_count", "gen_ai.usage.input_tokens"),
                 ("output", "response_token_count", "gen_ai.usage.output_tokens"))
        for kind, key, attr in pairs:
            value = usage.get(key)
            if isinstance(value, int) and value >= 0:
                span.set_attribute(attr, value)
                attrs = self._metric_attributes()
                attrs["gen_ai.token.type"] = kind
                self.inst.tokens.record(value, attrs)

    def _end_turn(self, event: Optional[TurnCompleteEvent], error: Optional[BaseException]) -> None:
        span, self.turn = self.turn, None
        if span is None:
            return
        span.set_attribute("gen_ai.output.type", "speech" if self.turn_audio else "text")
        if event is not None:
            self._usage(span, event.usage)
            if event.reason:
                span.set_attribute("gen_ai.response.finish_reasons", [event.reason])
            self._latencies(span)
        if error is not None:
            self._fail(span, error)
        span.end()

    def _latencies(self, span: Any) -> None:
        try:
            m = self.session.metrics()
        except Exception:
            return
        attrs = self._metric_attributes()
        total = m.get("last_turn_complete_us")
        if total is not None:
            span.set_attribute("gemini_live.turn_latency_ms", total / 1000.0)
            self.inst.duration.record(total / 1e6, attrs)
        first = m.get("last_first_audio_us") if self.turn_audio else (
            m.get("last_first_reply_us") if self.turn_text else None)
        if first is not None:
            span.set_attribute("gemini_live.time_to_first_audio_ms" if self.turn_audio
                               else "gemini_live.time_to_first_text_ms", first / 1000.0)
            chunk = dict(attrs)
            chunk["gen_ai.output.type"] = "speech" if self.turn_audio else "text"
            self.inst.first_chunk.record(first / 1e6, chunk)

    def _fail(self, span: Any, error: BaseException) -> None:
        _fail(self.inst, span, error)

    # ---- the observer's calls -----------------------------------------------------------

    def on_send(self, kind: str) -> None:
        with self.lock:
            if self.span is not None:
                self._open_turn()

    def on_event(self, event: Event) -> None:
        with self.lock:
            if self.span is None:
                return
            self._event(event)

    def _event(self, event: Event) -> None:
        span = self.span
        if isinstance(event, SetupCompleteEvent):
            if event.session_id:
                self.conversation = event.session_id
                span.set_attribute("gen_ai.conversation.id", event.session_id)
        elif isinstance(event, AudioEvent):
            self._open_turn()
            self.turn_audio = True
        elif isinstance(event, TextEvent):
            self._open_turn()
            self.turn_text = True
        elif isinstance(event, UsageEvent):
            if self.turn is not None:
                self._usage(self.turn, event.usage)
        elif isinstance(event, InterruptedEvent):
            if self.turn is not None:
                self.turn.set_attribute("gemini_live.interrupted", True)
        elif isinstance(event, ReplyDiscardedEvent):
            if self.turn is not None:
                self.turn.add_event("gemini_live.reply_discarded")
        elif isinstance(event, TurnCompleteEvent):
            if not event.in_progress:
                if self.turn is None and (event.usage or event.reason):
                    self._open_turn()
                self._end_turn(event, None)
        elif isinstance(event, ReconnectingEvent):
            attrs: Dict[str, Any] = {"gemini_live.attempt": event.attempt,
                                     "gemini_live.delay_ms": event.delay_ms}
            if event.cause is not None:
                attrs["error.type"] = type(event.cause).__name__
            span.add_event("gemini_live.reconnecting", attrs)
        elif isinstance(event, ResumedEvent):
            span.add_event("gemini_live.resumed")
        elif isinstance(event, NewSessionEvent):
            span.add_event("gemini_live.new_session")
        elif isinstance(event, ContextRestoredEvent):
            span.add_event("gemini_live.context_restored", {
                "gemini_live.turns": event.turns, "gemini_live.chars": event.chars,
                "gemini_live.dropped": event.dropped})
        elif isinstance(event, ContextLostEvent):
            span.add_event("gemini_live.context_lost", {"gemini_live.turns": event.turns})
        elif isinstance(event, GoAwayEvent):
            attrs = {} if event.time_left_ms is None else {
                "gemini_live.time_left_ms": event.time_left_ms}
            span.add_event("gemini_live.go_away", attrs)
        elif isinstance(event, ErrorEvent):
            if event.error is not None:
                span.add_event("gemini_live.error", {"error.type": type(event.error).__name__})
        elif isinstance(event, ClosedEvent):
            self._finish(event.error)

    def on_close(self) -> None:
        with self.lock:
            self._finish(None)

    def _finish(self, error: Optional[BaseException]) -> None:
        span, self.span = self.span, None
        if span is None:
            return
        self._end_turn(None, error)
        try:
            m = self.session.metrics()
            span.set_attribute("gemini_live.reconnects", m["reconnects"])
            span.set_attribute("gemini_live.messages_sent", m["messages_sent"])
            span.set_attribute("gemini_live.messages_received", m["messages_received"])
        except Exception:
            pass  # closed already: the counts are gone with it
        span.set_attribute("gemini_live.turns", self.turns)
        if error is not None:
            self._fail(span, error)
        span.end()


class _Hook:
    def __init__(self, inst: _Instruments) -> None:
        self.inst = inst

    def __call__(self, session: Any, info: Mapping[str, Any], start_ns: int,
                 error: Optional[BaseException]) -> Optional[_SessionTelemetry]:
        if session is not None:
            return _SessionTelemetry(self.inst, session, info, start_ns)
        # A failed connect: a session span in error, ended at once.
        attrs = _base_attributes(info)
        model = attrs.get("gen_ai.request.model")
        span = self.inst.tracer.start_span(
            "session" + (f" {model}" if model else ""), kind=self.inst.trace.SpanKind.CLIENT,
            start_time=start_ns, attributes=attrs,
        )
        if error is not None:
            _fail(self.inst, span, error)
        span.end()
        return None


def instrument(tracer_provider: Any = None, meter_provider: Any = None) -> None:
    """Instruments every session connected from now on (idempotent: a second call replaces
    the providers). ``tracer_provider`` / ``meter_provider`` default to OpenTelemetry's
    global ones. Raises ``ImportError`` without ``opentelemetry-api``."""
    global _hook
    inst = _Instruments(tracer_provider, meter_provider)
    with _lock:
        if _hook is not None and _hook in _hooks.CONNECT_HOOKS:
            _hooks.CONNECT_HOOKS.remove(_hook)
        _hook = _Hook(inst)
        _hooks.CONNECT_HOOKS.append(_hook)


def uninstrument() -> None:
    """Stops instrumenting new sessions (the ones already connected keep their spans)."""
    global _hook
    with _lock:
        if _hook is not None and _hook in _hooks.CONNECT_HOOKS:
            _hooks.CONNECT_HOOKS.remove(_hook)
        _hook = None


def is_instrumented() -> bool:
    """Whether ``instrument()`` is in effect."""
    return _hook is not None
