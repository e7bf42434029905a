"""gemini_live: Python bindings (ctypes) for the gemini_live client of Google's Gemini Live
API, a thin shell over its C ABI (``include/gemini_live.h``).

Quick start::

    import gemini_live as gl

    with gl.connect() as session:  # reads GEMINI_API_KEY...; text events carry the transcript
        session.send_text("Hello!")
        for event in session:
            if isinstance(event, gl.TextEvent):
                print(event.text, end="")
            elif isinstance(event, gl.TurnCompleteEvent):
                break

Offline, start the embedded fake: ``with gl.FakeServer() as fake:`` and connect with
``endpoint=fake.endpoint``. Library logs go to ``logging.getLogger("gemini_live")``.
For asyncio, ``gemini_live.aio.connect(...)`` (``async with`` / ``async for``).
"""

from __future__ import annotations

from . import _lib
from ._logging import set_log_level
from ._logging import install as _install_logging
from .config import Config, ConfigOptions, FunctionDeclaration, Proactivity, TranscriptionOptions
from .enums import (
    EventType,
    Interaction,
    LogLevel,
    Modality,
    Phase,
    State,
    TokenResult,
    Transcription,
)
from .errors import (
    ClosedError,
    ConnectionFailedError,
    ConnectTimeoutError,
    GeminiLiveError,
    HTTPError,
    InternalError,
    InvalidArgumentError,
    InvalidConfigError,
    MessageTooLargeError,
    ModelNotFoundError,
    PanicError,
    ProxyError,
    QueueFullError,
    ServerClosedError,
    TimeoutError,
    TLSError,
)
from .events import (
    AudioEvent,
    ClosedEvent,
    ContextLostEvent,
    ContextRestoredEvent,
    ErrorEvent,
    Event,
    FunctionCallPartEvent,
    GenerationCompleteEvent,
    GoAwayEvent,
    GroundingEvent,
    InlineDataEvent,
    InputDroppedEvent,
    InputTranscriptionEvent,
    InterimInputTranscriptionEvent,
    InterruptedEvent,
    NewSessionEvent,
    OutputTranscriptionEvent,
    ReconnectingEvent,
    ReplyDiscardedEvent,
    ResumedEvent,
    ResumptionUpdateEvent,
    SetupCompleteEvent,
    StateChangedEvent,
    TextEvent,
    TextFinishedEvent,
    ThoughtEvent,
    ThoughtSignatureEvent,
    ToolCall,
    ToolCallCancellationEvent,
    ToolCallEvent,
    ToolResponsesDroppedEvent,
    ToolCallsAbandonedEvent,
    TranscriptionDetailEvent,
    TranscriptionEvent,
    TurnCompleteEvent,
    UrlContextEvent,
    UsageEvent,
    VadSignalEvent,
    VoiceActivityEvent,
    VoiceConsentSignatureEvent,
    WaitingForInputEvent,
)
from .fake import FakeServer
from .session import Audio, Session, connect
from .types import Metrics

__version__: str = _lib.lib.gemini_live_version().decode("ascii")
#: The shared library in use.
library_path: str = str(_lib.path)

_install_logging()

__all__ = [
    "Audio", "AudioEvent", "ClosedError", "ClosedEvent", "Config", "ConfigOptions",
    "ConnectTimeoutError", "ConnectionFailedError", "ContextLostEvent", "ContextRestoredEvent", "ErrorEvent",
    "Event", "EventType", "FakeServer", "FunctionDeclaration", "GeminiLiveError",
    "GenerationCompleteEvent", "GoAwayEvent", "GroundingEvent", "HTTPError",
    "InlineDataEvent", "InputDroppedEvent", "InputTranscriptionEvent", "Interaction",
    "InterimInputTranscriptionEvent", "InternalError", "InterruptedEvent",
    "InvalidArgumentError", "InvalidConfigError", "LogLevel", "MessageTooLargeError",
    "Modality", "ModelNotFoundError", "NewSessionEvent", "OutputTranscriptionEvent",
    "PanicError", "Phase", "Proactivity", "ProxyError", "QueueFullError", "ReconnectingEvent",
    "ReplyDiscardedEvent", "ResumedEvent", "ResumptionUpdateEvent", "ServerClosedError",
    "Session", "SetupCompleteEvent", "State", "StateChangedEvent", "TLSError", "TextEvent",
    "TextFinishedEvent", "ThoughtEvent", "TimeoutError", "TokenResult", "ToolCall",
    "ToolCallCancellationEvent", "ToolCallEvent", "ToolResponsesDroppedEvent", "ToolCallsAbandonedEvent",
    "Transcription", "TranscriptionEvent", "TranscriptionOptions", "TurnCompleteEvent",
    "UrlContextEvent", "UsageEvent", "VadSignalEvent", "VoiceActivityEvent",
    "WaitingForInputEvent", "aio", "connect", "library_path", "set_log_level", "vertex",
    "Metrics", "types",
    "FunctionCallPartEvent", "ThoughtSignatureEvent", "TranscriptionDetailEvent",
    "VoiceConsentSignatureEvent",
]
from . import aio  # noqa: E402  (gemini_live.aio.connect)
from . import vertex  # noqa: E402  (gemini_live.vertex.VertexFakeServer, RetryLater)
from . import types  # noqa: E402  (gemini_live.types.Metrics, the Literal options)
