"""Readers of the fields of protocol.md Part D.3 (``ffi/event/details.rs`` in the C library):
transcription words and speaker labels, signatures, function-call parts, usage labels."""

from __future__ import annotations

import ctypes
from typing import Any, Callable, Dict, List, Optional

from . import _lib
from ._cevent import string
from .errors import check
from .events import (
    Event,
    FunctionCallPartEvent,
    ThoughtSignatureEvent,
    ToolCall,
    TranscriptionDetailEvent,
    VoiceConsentSignatureEvent,
)

L = _lib.lib

_SOURCES = {
    _lib.TRANSCRIPT_INPUT: "input",
    _lib.TRANSCRIPT_INTERIM_INPUT: "interim_input",
    _lib.TRANSCRIPT_OUTPUT: "output",
}


def _ms(v: int) -> Optional[int]:
    return None if v < 0 else v


def _transcription_detail(type_: int, ev: Any) -> TranscriptionDetailEvent:
    source, label = ctypes.c_uint32(), ctypes.c_void_p()
    start, end, count = ctypes.c_int64(), ctypes.c_int64(), ctypes.c_size_t()
    check(
        L.gemini_live_event_transcription_detail(
            ev, ctypes.byref(source), ctypes.byref(label), ctypes.byref(start),
            ctypes.byref(end), ctypes.byref(count),
        )
    )
    words: List[Dict[str, Any]] = []
    word, ws, we = ctypes.c_void_p(), ctypes.c_int64(), ctypes.c_int64()
    for i in range(count.value):
        check(
            L.gemini_live_event_transcription_word(
                ev, i, ctypes.byref(word), ctypes.byref(ws), ctypes.byref(we)
            )
        )
        words.append({"word": string(word.value), "start_ms": _ms(ws.value),
                      "end_ms": _ms(we.value)})
    speaker = None if label.value is None else string(label.value)
    return TranscriptionDetailEvent(
        type_, _SOURCES.get(source.value, "input"), speaker, _ms(start.value), _ms(end.value),
        words,
    )


def _signature(ev: Any) -> str:
    sig = ctypes.c_void_p()
    check(L.gemini_live_event_signature(ev, ctypes.byref(sig)))
    return string(sig.value)


def _function_call_part(type_: int, ev: Any) -> FunctionCallPartEvent:
    import json

    id_, name, args = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    check(
        L.gemini_live_event_tool_call(
            ev, 0, ctypes.byref(id_), ctypes.byref(name), ctypes.byref(args)
        )
    )
    call = ToolCall(string(id_.value), string(name.value), json.loads(string(args.value) or "{}"))
    return FunctionCallPartEvent(type_, call)


def usage_labels(ev: Any) -> Dict[str, Optional[str]]:
    """``traffic_type`` (Vertex AI) and ``service_tier`` (Developer API) of a usage."""
    traffic, tier = ctypes.c_void_p(), ctypes.c_void_p()
    check(L.gemini_live_event_usage_labels(ev, ctypes.byref(traffic), ctypes.byref(tier)))
    return {
        "traffic_type": None if traffic.value is None else string(traffic.value),
        "service_tier": None if tier.value is None else string(tier.value),
    }


BUILD: Dict[int, Callable[[int, Any], Event]] = {
    _lib.EVENT_TRANSCRIPTION_DETAIL: _transcription_detail,
    _lib.EVENT_THOUGHT_SIGNATURE: lambda t, ev: ThoughtSignatureEvent(t, _signature(ev)),
    _lib.EVENT_VOICE_CONSENT_SIGNATURE: lambda t, ev: VoiceConsentSignatureEvent(
        t, _signature(ev)
    ),
    _lib.EVENT_FUNCTION_CALL_PART: _function_call_part,
}
"""How each D.3 kind is read from its C accessors."""
