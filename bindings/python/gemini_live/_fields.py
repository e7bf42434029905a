"""Reads the event fields of ``ffi/event/fields.rs`` from their typed C accessors (session id,
usage, reason, GoAway time, resumption, reconnection, counts, dropped input, call ids,
language code, voice activity, VAD signal): one C call per field, never the JSON."""

from __future__ import annotations

import ctypes
from typing import Any, Dict, List, Optional, Tuple

from . import _lib
from ._cevent import string
from ._details import usage_labels
from .errors import check

L = _lib.lib

_USAGE_COUNTS = tuple(
    str(field[0]) for field in _lib.Usage._fields_ if field[0] not in ("size", "reserved")
)
_DETAIL_LISTS = (
    ("prompt_tokens_details", _lib.USAGE_PROMPT_DETAILS),
    ("cache_tokens_details", _lib.USAGE_CACHE_DETAILS),
    ("response_tokens_details", _lib.USAGE_RESPONSE_DETAILS),
    ("tool_use_prompt_tokens_details", _lib.USAGE_TOOL_USE_PROMPT_DETAILS),
)
_ACTIVITY = {_lib.VOICE_ACTIVITY_START: "start", _lib.VOICE_ACTIVITY_END: "end"}


def _absent(n: int) -> Optional[int]:
    """-1 (absent) as None."""
    return None if n < 0 else n


def _string_or_none(ev: Any, fn: Any) -> Optional[str]:
    p = ctypes.c_void_p()
    check(fn(ev, ctypes.byref(p)))
    return None if p.value is None else string(p.value)


def _session_id(ev: Any) -> Optional[str]:
    return _string_or_none(ev, L.gemini_live_event_session_id)


def _reason(ev: Any) -> Optional[str]:
    return _string_or_none(ev, L.gemini_live_event_reason)


def _language_code(ev: Any) -> Optional[str]:
    return _string_or_none(ev, L.gemini_live_event_language_code)


def _usage(ev: Any) -> Optional[Dict[str, Any]]:
    """The usage dict (counts, None where absent, and the per-modality lists), or None."""
    u, present = _lib.Usage(), ctypes.c_bool()
    check(L.gemini_live_event_usage(ev, ctypes.byref(u), ctypes.byref(present)))
    if not present.value:
        return None
    out: Dict[str, Any] = {name: _absent(getattr(u, name)) for name in _USAGE_COUNTS}
    n, modality, tokens = ctypes.c_size_t(), ctypes.c_void_p(), ctypes.c_int64()
    for key, which in _DETAIL_LISTS:
        check(L.gemini_live_event_usage_detail_count(ev, which, ctypes.byref(n)))
        items: List[Dict[str, Any]] = []
        for i in range(n.value):
            check(
                L.gemini_live_event_usage_detail(
                    ev, which, i, ctypes.byref(modality), ctypes.byref(tokens)
                )
            )
            items.append({"modality": string(modality.value), "token_count": _absent(tokens.value)})
        out[key] = items
    out.update(usage_labels(ev))
    return out


def _time_left_ms(ev: Any) -> Optional[int]:
    ms = ctypes.c_int64()
    check(L.gemini_live_event_time_left(ev, ctypes.byref(ms)))
    return _absent(ms.value)


def _resumption(ev: Any) -> Tuple[Optional[str], bool]:
    handle, resumable = ctypes.c_void_p(), ctypes.c_bool()
    check(L.gemini_live_event_resumption(ev, ctypes.byref(handle), ctypes.byref(resumable)))
    return (None if handle.value is None else string(handle.value)), bool(resumable.value)


def _reconnecting(ev: Any) -> Tuple[int, int]:
    attempt, delay = ctypes.c_uint32(), ctypes.c_uint64()
    check(L.gemini_live_event_reconnecting(ev, ctypes.byref(attempt), ctypes.byref(delay)))
    return attempt.value, delay.value


def _count(ev: Any) -> int:
    n = ctypes.c_uint64()
    check(L.gemini_live_event_count(ev, ctypes.byref(n)))
    return n.value


def _input_dropped(ev: Any) -> Tuple[int, int]:
    messages, size = ctypes.c_uint64(), ctypes.c_uint64()
    check(L.gemini_live_event_input_dropped(ev, ctypes.byref(messages), ctypes.byref(size)))
    return messages.value, size.value


def _context_restored(ev: Any) -> Tuple[int, int, int]:
    turns, chars, dropped = ctypes.c_uint64(), ctypes.c_uint64(), ctypes.c_uint64()
    check(
        L.gemini_live_event_context_restored(
            ev, ctypes.byref(turns), ctypes.byref(chars), ctypes.byref(dropped)
        )
    )
    return turns.value, chars.value, dropped.value


def _ids(ev: Any) -> List[str]:
    n, p = ctypes.c_size_t(), ctypes.c_void_p()
    check(L.gemini_live_event_id_count(ev, ctypes.byref(n)))
    out = []
    for i in range(n.value):
        check(L.gemini_live_event_id(ev, i, ctypes.byref(p)))
        out.append(string(p.value))
    return out


def _voice_activity(ev: Any) -> Tuple[str, Optional[int]]:
    kind, offset = ctypes.c_uint32(), ctypes.c_int64()
    check(L.gemini_live_event_voice_activity(ev, ctypes.byref(kind), ctypes.byref(offset)))
    return _ACTIVITY.get(kind.value, "unknown"), _absent(offset.value)


def _vad_signal(ev: Any) -> str:
    signal, name = ctypes.c_uint32(), ctypes.c_void_p()
    check(L.gemini_live_event_vad_signal(ev, ctypes.byref(signal), ctypes.byref(name)))
    return string(name.value)
