"""The C event as Python holds on to it: ``CEvent`` (a ``Managed`` owner, for audio views and
for the JSON of a structured event not read yet), and reading its strings and JSON."""

from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, Optional

from . import _lib
from ._managed import Managed
from .errors import check

L = _lib.lib


class CEvent(Managed):
    """Owns a C event that Python still reads from: the buffer audio views point into, or
    the JSON of a structured event (code execution, grounding, URL context, unknown) not read
    yet. Freed when no longer needed (the last view or the event garbage-collected, or the
    JSON read)."""

    def __init__(self, ptr: Any) -> None:
        super().__init__(ptr, L.gemini_live_event_free, "event")


def string(ptr: Optional[int], length: Optional[int] = None) -> str:
    if not ptr:
        return ""
    raw = ctypes.string_at(ptr, length) if length is not None else ctypes.string_at(ptr)
    return raw.decode("utf-8", "replace")


def json_of(ev: Any) -> Dict[str, Any]:
    p, n = ctypes.c_void_p(), ctypes.c_size_t()
    check(L.gemini_live_event_json(ev, ctypes.byref(p), ctypes.byref(n)))
    value = json.loads(string(p.value, n.value))
    return value if isinstance(value, dict) else {"type": "unknown", "value": value}
