"""The events of the session's own life: GoAway, resumption, state, reconnection, resumed and
new sessions, discarded replies, lost and restored context, abandoned tool calls, dropped
input, errors and the end (``gemini_live.events`` re-exports them)."""

from __future__ import annotations

from typing import List, Optional

from ._event_base import Event
from .enums import State
from .errors import GeminiLiveError

class GoAwayEvent(Event):
    """The server will end the connection after ``time_left`` seconds (``time_left_ms``
    milliseconds), or None when it did not say."""

    __slots__ = ("time_left_ms",)
    _FIELDS = ("time_left_ms",)

    def __init__(self, type_: int, time_left_ms: Optional[int]) -> None:
        super().__init__(type_)
        self.time_left_ms = time_left_ms

    @property
    def time_left(self) -> Optional[float]:
        ms = self.time_left_ms
        return None if ms is None else float(ms) / 1000.0


class ResumptionUpdateEvent(Event):
    """A new resumption ``handle`` (None when not ``resumable``); ``last_consumed_index``
    is Vertex AI's ``lastConsumedClientMessageIndex`` with transparent resumption (None
    when the update carried none)."""

    __slots__ = ("handle", "resumable", "last_consumed_index")
    _FIELDS = ("handle", "resumable", "last_consumed_index")

    def __init__(
        self,
        type_: int,
        handle: Optional[str],
        resumable: bool,
        last_consumed_index: Optional[int],
    ) -> None:
        super().__init__(type_)
        self.handle, self.resumable = handle, resumable
        self.last_consumed_index = last_consumed_index


class StateChangedEvent(Event):
    """The session changed state: ``state`` is a ``State``."""

    __slots__ = ("state",)
    _FIELDS = ("state",)

    def __init__(self, type_: int, state: State) -> None:
        super().__init__(type_)
        self.state = state


class ReconnectingEvent(Event):
    """The connection was lost; reconnection ``attempt`` (1-based) starts after ``delay``
    seconds (``delay_ms`` milliseconds). ``cause`` is the exception that ended the
    connection (None for a GoAway handover)."""

    __slots__ = ("attempt", "delay_ms", "cause")
    _FIELDS = ("attempt", "delay_ms", "cause")

    def __init__(
        self, type_: int, attempt: int, delay_ms: int, cause: Optional[GeminiLiveError]
    ) -> None:
        super().__init__(type_)
        self.attempt, self.delay_ms, self.cause = attempt, delay_ms, cause

    @property
    def delay(self) -> float:
        return float(self.delay_ms) / 1000.0


class ResumedEvent(Event):
    """Reconnected and resumed; ``replayed`` input messages were re-sent."""

    __slots__ = ("replayed",)
    _FIELDS = ("replayed",)

    def __init__(self, type_: int, replayed: int) -> None:
        super().__init__(type_)
        self.replayed = replayed


class NewSessionEvent(ResumedEvent):
    """Reconnected to a new session: the server's history was lost."""


class ReplyDiscardedEvent(Event):
    """The reply in progress was cut off by a lost connection and is void: drop what was
    delivered for it since the last turn that ended an interaction (text, audio, tool
    calls); the question is asked again after the reconnection, so the whole reply comes
    again, once. ``turn`` is the session's turn number (1-based)."""

    __slots__ = ("turn",)
    _FIELDS = ("turn",)

    def __init__(self, type_: int, turn: int) -> None:
        super().__init__(type_)
        self.turn = turn


class ContextLostEvent(Event):
    """Resumed with a handle older than some answered turns: their replies were delivered,
    but the model no longer remembers those exchanges; ``turns`` is how many (an ``int``)."""

    __slots__ = ("turns",)
    _FIELDS = ("turns",)

    def __init__(self, type_: int, turns: int) -> None:
        super().__init__(type_)
        self.turns = turns


class ContextRestoredEvent(Event):
    """The server had lost part of the conversation and it was put back as history, before
    unanswered input was replayed: ``turns`` exchanges of ``chars`` characters; ``dropped``
    exchanges it lost did not fit the context budget (``Config(context_budget_chars=...,
    context_budget_turns=...)``) and are gone (each restore counts what its server lacks, so
    a later one reports the same exchanges again: do not sum ``dropped`` over events). Comes
    instead of ``ContextLostEvent``."""

    __slots__ = ("turns", "chars", "dropped")
    _FIELDS = ("turns", "chars", "dropped")

    def __init__(self, type_: int, turns: int, chars: int, dropped: int) -> None:
        super().__init__(type_)
        self.turns, self.chars, self.dropped = turns, chars, dropped


class ToolCallsAbandonedEvent(Event):
    """New content was sent while BLOCKING function calls (``ids``) were pending: the
    service drops them without a cancellation, while their side effects may still happen.
    Declare an explicit ``behavior`` on every function."""

    __slots__ = ("ids",)
    _FIELDS = ("ids",)

    def __init__(self, type_: int, ids: List[str]) -> None:
        super().__init__(type_)
        self.ids = ids


class InputDroppedEvent(Event):
    """Input was dropped (replay buffer overflow): ``messages`` of ``bytes`` bytes in all."""

    __slots__ = ("messages", "bytes")
    _FIELDS = ("messages", "bytes")

    def __init__(self, type_: int, messages: int, bytes_: int) -> None:
        super().__init__(type_)
        self.messages, self.bytes = messages, bytes_


class ToolResponsesDroppedEvent(Event):
    """Tool responses were not sent: their calls (``ids``) are gone."""

    __slots__ = ("ids",)
    _FIELDS = ("ids",)

    def __init__(self, type_: int, ids: List[str]) -> None:
        super().__init__(type_)
        self.ids = ids


class ErrorEvent(Event):
    """An error that did not end the session: ``error`` is a ``GeminiLiveError``."""

    __slots__ = ("error",)
    _FIELDS = ("error",)

    def __init__(self, type_: int, error: Optional[GeminiLiveError]) -> None:
        super().__init__(type_)
        self.error = error


class ClosedEvent(Event):
    """The session ended (always the last event): close ``code``, ``reason`` and ``error``
    (a ``GeminiLiveError``, or None when it ended on request)."""

    __slots__ = ("code", "reason", "error")
    _FIELDS = ("code", "reason", "error")

    def __init__(
        self, type_: int, code: int, reason: str, error: Optional[GeminiLiveError]
    ) -> None:
        super().__init__(type_)
        self.code, self.reason, self.error = code, reason, error

