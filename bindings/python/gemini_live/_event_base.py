"""``Event``, the base of every event, and ``Usage``: what every event module builds on
(``gemini_live.events`` re-exports them)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _cevent
from ._cevent import CEvent
from .enums import EventType
from .errors import ClosedError

#: Token usage: the counts of ``gemini_live_usage`` by name (``prompt_token_count``, ...,
#: ``total_token_count``; None where the server sent none) and the per-modality lists
#: ``prompt_tokens_details``, ``cache_tokens_details``, ``response_tokens_details`` and
#: ``tool_use_prompt_tokens_details`` (each a list of ``{"modality", "token_count"}``).
Usage = Dict[str, Any]


class Event:
    """Base of all events; also the class of kinds without a dedicated one (code execution,
    unknown server messages), whose ``data`` is the library's JSON rendering."""

    __slots__ = ("type", "_data", "_c")

    #: Fields listed in ``data`` and ``repr`` of events whose fields are all typed.
    _FIELDS: tuple[str, ...] = ()
    #: Attributes whose ``data`` key differs (the JSON rendering's name).
    _KEYS: Dict[str, str] = {}

    def __init__(self, type_: int, c: Optional[CEvent] = None) -> None:
        self.type = EventType(type_) if type_ in _TYPES else type_
        self._data: Optional[Dict[str, Any]] = None
        self._c = c

    @property
    def kind(self) -> str:
        """The event kind, e.g. ``"text"``, ``"turn_complete"``, ``"unknown"``."""
        return _KINDS.get(int(self.type), "unknown")

    @property
    def data(self) -> Dict[str, Any]:
        """The event's fields as a dict, with ``"type"`` its kind: built from the typed
        fields, or, for the structured kinds (code execution, grounding, URL context,
        unknown), the library's JSON rendering, read on first use."""
        if self._data is None:
            c = self._c
            if c is not None:
                try:
                    data: Dict[str, Any] = c._call(_cevent.json_of)
                except ClosedError:  # another thread read it first and freed the C event
                    if self._data is not None:
                        return self._data
                    raise
                self._data = data
                self._c = None
                c.close()  # everything is in Python now
            else:
                self._data = {"type": self.kind}
                for name in self._FIELDS:
                    self._data[self._KEYS.get(name, name)] = getattr(self, name)
        return self._data

    def __repr__(self) -> str:
        fields = {k: v for k, v in self.data.items() if k != "type"}
        return f"{type(self).__name__}({fields})"


_TYPES = frozenset(int(t) for t in EventType)
_KINDS: Dict[int, str] = {int(t): t.name.lower() for t in EventType}
