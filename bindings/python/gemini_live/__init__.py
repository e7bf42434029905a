"""gemini_live: Python bindings (ctypes) for the gemini_live client of Google's Gemini Live
API, a thin shell over its C ABI (``include/gemini_live.h``).

Quick start::

    import gemini_live as gl

    with gl.Session.connect(response_modality="text") as session:  # reads GEMINI_API_KEY...
        session.send_text("Hello!")
        for event in session.events():
            if isinstance(event, gl.TextEvent):
                print(event.text, end="")
            elif isinstance(event, gl.TurnCompleteEvent):
                break

Offline, start the embedded fake: ``with gl.FakeServer() as fake:`` and connect with
``endpoint=fake.endpoint``. Library logs go to ``logging.getLogger("gemini_live")``.
"""

from . import _lib
from ._logging import set_log_level
from ._logging import install as _install_logging
from .config import Config
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
    QueueFullError,
    ServerClosedError,
    TimeoutError,
    TLSError,
)
from .events import (
    AudioEvent,
    ClosedEvent,
    ErrorEvent,
    Event,
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
    ResumedEvent,
    ResumptionUpdateEvent,
    SetupCompleteEvent,
    StateChangedEvent,
    TextEvent,
    TextFinishedEvent,
    ThoughtEvent,
    ToolCall,
    ToolCallCancellationEvent,
    ToolCallEvent,
    ToolResponsesDroppedEvent,
    TranscriptionEvent,
    TurnCompleteEvent,
    UrlContextEvent,
    UsageEvent,
    VadSignalEvent,
    VoiceActivityEvent,
    WaitingForInputEvent,
)
from .fake import FakeServer
from .session import Session, State, connect

__version__ = _lib.lib.gemini_live_version().decode("ascii")
library_path = str(_lib.path)

_install_logging()

__all__ = [name for name in dir() if not name.startswith("_")]
