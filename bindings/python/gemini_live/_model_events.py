"""The events of what the model says: setup, text, audio, inline data, transcriptions and
their details, voice activity, grounding, URL context, tool calls and function-call parts,
signatures, the turn's end and usage (``gemini_live.events`` re-exports them)."""

from __future__ import annotations

from array import array
from typing import Any, Dict, List, Optional, Tuple

from ._event_base import Event, Usage

class SetupCompleteEvent(Event):
    """The session is ready (always first): ``session_id`` is the server's session id, or
    None if it sent none."""

    __slots__ = ("session_id",)
    _FIELDS = ("session_id",)

    def __init__(self, type_: int, session_id: Optional[str]) -> None:
        super().__init__(type_)
        self.session_id = session_id


class TextEvent(Event):
    """Model text (in TEXT_AND_AUDIO mode: the transcription of the model's audio)."""

    __slots__ = ("text",)
    _FIELDS = ("text",)

    def __init__(self, type_: int, text: str) -> None:
        super().__init__(type_)
        self.text = text


class ThoughtEvent(TextEvent):
    """A thought summary."""


class AudioEvent(Event):
    """Model audio, 16-bit mono at ``sample_rate`` Hz (24000 from the service).

    ``samples`` is a read-only ``memoryview`` of format ``'h'`` (native-endian ``int16``)
    and ``pcm`` one of format ``'B'`` (little-endian bytes), both over the C event's own
    buffer without a copy; ``bytes(ev.pcm)`` or ``ev.samples.tolist()`` copy when needed.
    On a big-endian host ``pcm`` is a little-endian copy."""

    __slots__ = ("samples", "pcm", "sample_rate")
    _FIELDS = ("sample_rate",)

    def __init__(self, type_: int, samples: memoryview, pcm: memoryview, rate: int) -> None:
        super().__init__(type_)
        self.samples = samples
        self.pcm = pcm
        self.sample_rate = rate

    @property
    def data(self) -> Dict[str, Any]:
        return {"type": "audio", "sample_rate": self.sample_rate, "samples": len(self.samples)}

    def to_array(self) -> "array[int]":
        """A copy of the samples as ``array('h')``."""
        return array("h", self.samples)


class InlineDataEvent(Event):
    """Inline data that is not audio: ``mime_type`` and ``payload`` (bytes)."""

    __slots__ = ("mime_type", "payload")
    _FIELDS = ("mime_type",)

    def __init__(self, type_: int, mime_type: str, payload: bytes) -> None:
        super().__init__(type_)
        self.mime_type, self.payload = mime_type, payload


class TranscriptionEvent(Event):
    """Base of the transcription events: ``text``, ``finished`` and ``language_code`` (the
    detected language, BCP-47, or None)."""

    __slots__ = ("text", "finished", "language_code")
    _FIELDS = ("text", "finished", "language_code")

    def __init__(
        self, type_: int, text: str, finished: bool, language_code: Optional[str]
    ) -> None:
        super().__init__(type_)
        self.text, self.finished, self.language_code = text, finished, language_code


class InputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the user's audio."""


class OutputTranscriptionEvent(TranscriptionEvent):
    """Transcription of the model's audio (AUDIO mode)."""


class InterimInputTranscriptionEvent(Event):
    """An interim (not final) transcription of the user's audio: ``text`` and
    ``language_code``."""

    __slots__ = ("text", "language_code")
    _FIELDS = ("text", "language_code")

    def __init__(self, type_: int, text: str, language_code: Optional[str]) -> None:
        super().__init__(type_)
        self.text, self.language_code = text, language_code


class TextFinishedEvent(Event):
    """TEXT_AND_AUDIO mode: the transcription delivered as text events is final."""


class WaitingForInputEvent(Event):
    """The model is idle and expects more user input."""


class VoiceActivityEvent(Event):
    """The server's VAD saw the user start or stop speaking: ``activity`` ``"start"`` or
    ``"end"`` (``data["kind"]``), at ``audio_offset_ms`` into the input audio (or None)."""

    __slots__ = ("activity", "audio_offset_ms")
    _FIELDS = ("activity", "audio_offset_ms")
    _KEYS = {"activity": "kind"}

    def __init__(self, type_: int, activity: str, audio_offset_ms: Optional[int]) -> None:
        super().__init__(type_)
        self.activity, self.audio_offset_ms = activity, audio_offset_ms


class VadSignalEvent(Event):
    """``voiceActivityDetectionSignal``: ``signal`` ``"start_of_speech"``,
    ``"end_of_speech"`` or the value as sent."""

    __slots__ = ("signal",)
    _FIELDS = ("signal",)

    def __init__(self, type_: int, signal: str) -> None:
        super().__init__(type_)
        self.signal = signal


class GroundingEvent(Event):
    """Search grounding: ``web_search_queries``, ``sources`` (``uri``, ``title``);
    ``data`` also has ``search_entry_point`` and ``metadata`` (as sent)."""

    @property
    def web_search_queries(self) -> List[str]:
        return [str(q) for q in self.data.get("web_search_queries") or []]

    @property
    def sources(self) -> List[Dict[str, Any]]:
        return [s for s in self.data.get("sources") or [] if isinstance(s, dict)]


class UrlContextEvent(Event):
    """URL-context tool metadata: ``urls`` (``retrieved_url``, ``status``)."""

    @property
    def urls(self) -> List[Dict[str, Any]]:
        return [u for u in self.data.get("urls") or [] if isinstance(u, dict)]


class ToolCall:
    """One function call: answer with ``Session.send_tool_response(call.id, call.name, ...)``.

    Streamed arguments (Vertex AI): ``partial_args`` are the call's pieces as sent, each a
    dict with ``json_path`` and one of ``string_value``, ``number_value``, ``bool_value`` or
    ``null_value`` (and ``will_continue`` while that value goes on); ``will_continue`` says
    more of this call follows (same ``id``). Empty and ``False`` for a call not streamed."""

    __slots__ = ("id", "name", "args", "partial_args", "will_continue")

    def __init__(
        self,
        id_: str,
        name: str,
        args: Dict[str, Any],
        partial_args: Optional[List[Dict[str, Any]]] = None,
        will_continue: bool = False,
    ) -> None:
        self.id, self.name, self.args = id_, name, args
        self.partial_args = [] if partial_args is None else partial_args
        self.will_continue = will_continue

    def _key(self) -> Tuple[Any, ...]:
        return (self.id, self.name, self.args, self.partial_args, self.will_continue)

    def __repr__(self) -> str:
        streamed = ""
        if self.partial_args or self.will_continue:
            streamed = f", partial_args={self.partial_args!r}, will_continue={self.will_continue}"
        return f"ToolCall(id={self.id!r}, name={self.name!r}, args={self.args!r}{streamed})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToolCall):
            return NotImplemented
        return self._key() == other._key()


class ToolCallEvent(Event):
    """The model calls functions: ``calls`` is a list of ``ToolCall``."""

    __slots__ = ("calls",)
    _FIELDS = ("calls",)

    def __init__(self, type_: int, calls: List[ToolCall]) -> None:
        super().__init__(type_)
        self.calls = calls


class ToolCallCancellationEvent(Event):
    """These call ``ids`` are abandoned."""

    __slots__ = ("ids",)
    _FIELDS = ("ids",)

    def __init__(self, type_: int, ids: List[str]) -> None:
        super().__init__(type_)
        self.ids = ids


class InterruptedEvent(Event):
    """User input interrupted the model: drop queued playback."""


class GenerationCompleteEvent(Event):
    """The model finished generating."""


class TurnCompleteEvent(Event):
    """The turn is over: ``interaction_status``, ``usage`` (a ``Usage`` dict, or None when
    the turn came without ``usageMetadata``) and ``reason`` (``turnCompleteReason``, or
    None)."""

    __slots__ = ("interaction_status", "usage", "reason")
    _FIELDS = ("usage", "reason", "interaction_status")

    def __init__(
        self, type_: int, interaction: Optional[str], usage: Optional[Usage], reason: Optional[str]
    ) -> None:
        super().__init__(type_)
        #: ``"in_progress"`` (extended thinking: more output follows without new input),
        #: ``"requires_action"`` (the model waits for a tool response; not finished either),
        #: ``"idle"``, or None where the model sends no status.
        self.interaction_status = interaction
        self.usage, self.reason = usage, reason

    @property
    def in_progress(self) -> bool:
        """True when the interaction goes on after this turn (wait for an idle one): any
        status but ``"idle"``, as Google's SDK reads it."""
        return self.interaction_status in ("in_progress", "requires_action")


class UsageEvent(Event):
    """Token ``usage`` (a ``Usage`` dict) outside a turn's end."""

    __slots__ = ("usage",)
    _FIELDS = ("usage",)

    def __init__(self, type_: int, usage: Usage) -> None:
        super().__init__(type_)
        self.usage = usage


class TranscriptionDetailEvent(Event):
    """The word timings, speaker label and offsets of the transcription fragment just
    delivered (``wordTimestamp``, ``diarization``): ``source`` (``"input"``,
    ``"interim_input"`` or ``"output"``), ``speaker_label`` (or None), ``start_ms`` /
    ``end_ms`` (or None) and ``words`` (dicts with ``word``, ``start_ms``, ``end_ms``)."""

    __slots__ = ("source", "speaker_label", "start_ms", "end_ms", "words")
    _FIELDS = ("source", "speaker_label", "start_ms", "end_ms", "words")

    def __init__(
        self,
        type_: int,
        source: str,
        speaker_label: Optional[str],
        start_ms: Optional[int],
        end_ms: Optional[int],
        words: List[Dict[str, Any]],
    ) -> None:
        super().__init__(type_)
        self.source, self.speaker_label = source, speaker_label
        self.start_ms, self.end_ms, self.words = start_ms, end_ms, words


class ThoughtSignatureEvent(Event):
    """The thought ``signature`` (base64) of the model part just delivered: give it back
    with that part when the turn goes into history."""

    __slots__ = ("signature",)
    _FIELDS = ("signature",)

    def __init__(self, type_: int, signature: str) -> None:
        super().__init__(type_)
        self.signature = signature


class VoiceConsentSignatureEvent(ThoughtSignatureEvent):
    """The service verified a replicated voice's consent recording: send ``signature`` in
    later setups instead of the recording."""

    __slots__ = ()


class FunctionCallPartEvent(Event):
    """A ``functionCall`` part of the model's turn (``id``, ``name``, ``args``), a record
    for history: answer the ``ToolCallEvent``, not this."""

    __slots__ = ("id", "name", "args")
    _FIELDS = ("id", "name", "args")

    def __init__(self, type_: int, call: ToolCall) -> None:
        super().__init__(type_)
        self.id, self.name, self.args = call.id, call.name, call.args
