"""Types for type checkers: ``Metrics`` (what ``Session.metrics()`` returns, keyed by the C
struct's field names) and the ``Literal`` string options of ``Config`` and the session.

``mypy --strict`` then catches a misspelt metric (``m["last_turn_complete"]``) or option
value (``modality="txt"``) before anything runs.
"""

from __future__ import annotations

from typing import Literal, Optional, TypedDict

from .enums import State

__all__ = [
    "ActivityHandling", "ApiVersion", "EndSensitivity", "FunctionBehavior", "MediaResolution",
    "Metrics", "ModalityName", "PhaseName", "RecordAudio", "Scheduling", "StartSensitivity",
    "TranscriptionMode", "TurnCoverage", "VertexApiVersion",
]

#: ``modality`` / ``response_modality`` by name (the CLI's ``--modality`` values).
ModalityName = Literal["text", "audio", "text+audio", "text_and_audio"]
#: ``media_resolution`` (``""`` leaves it to the server).
MediaResolution = Literal[
    "MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH",
    "low", "medium", "high", "",
]
#: ``vad_start_sensitivity``.
StartSensitivity = Literal["START_SENSITIVITY_LOW", "START_SENSITIVITY_HIGH", "low", "high", ""]
#: ``vad_end_sensitivity``.
EndSensitivity = Literal["END_SENSITIVITY_LOW", "END_SENSITIVITY_HIGH", "low", "high", ""]
#: ``activity_handling`` (barge-in).
ActivityHandling = Literal["START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION", ""]
#: ``turn_coverage``.
TurnCoverage = Literal[
    "TURN_INCLUDES_ONLY_ACTIVITY", "TURN_INCLUDES_ALL_INPUT",
    "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO", "",
]
#: A function's ``behavior``.
FunctionBehavior = Literal["BLOCKING", "NON_BLOCKING", ""]
#: A transcription's ``mode``.
TranscriptionMode = Literal["VERBATIM", "SMART", ""]
#: ``Session.send_tool_response(scheduling=...)``.
Scheduling = Literal["SILENT", "WHEN_IDLE", "INTERRUPT", ""]
#: ``api_version`` (Developer API).
ApiVersion = Literal["v1alpha", "v1beta", "v1"]
#: ``vertex_api_version``.
VertexApiVersion = Literal["v1", "v1beta1"]
#: The keys of ``phase_timeouts_ms``.
PhaseName = Literal["tcp_connect", "tls_handshake", "upgrade", "setup", "proxy"]
#: ``record=(path, ...)``: keep the audio, or only its length and checksum.
RecordAudio = Literal["keep", "summary"]


class Metrics(TypedDict):
    """``Session.metrics()``: the fields of the C struct ``gemini_live_metrics``, by the same
    names and in the same units (durations in microseconds, ``_us``), except that a value C
    gives as -1 ("not measured yet") is ``None`` and ``state`` is a ``State``; plus
    ``last_close_reason`` (``gemini_live_session_last_close_reason``). A test checks the
    keys against ``include/gemini_live.h``. (``size`` and ``version``, the struct's ABI
    header, are not metrics.)"""

    connect_tcp_us: Optional[int]
    connect_tls_us: Optional[int]
    connect_upgrade_us: Optional[int]
    connect_setup_us: Optional[int]
    connect_total_us: Optional[int]
    messages_sent: int
    bytes_sent: int
    messages_received: int
    bytes_received: int
    send_queue_depth: int
    send_queue_peak: int
    decode_errors: int
    last_first_reply_us: Optional[int]
    last_first_audio_us: Optional[int]
    last_turn_complete_us: Optional[int]
    since_last_received_us: Optional[int]
    reconnects: int
    downtime_us: Optional[int]
    replayed_messages: int
    dropped_messages: int
    last_close_code: Optional[int]
    state: State
    send_latency_count: int
    send_latency_p50_us: Optional[int]
    send_latency_p99_us: Optional[int]
    send_latency_max_us: Optional[int]
    connect_proxy_us: Optional[int]
    last_close_reason: Optional[str]
