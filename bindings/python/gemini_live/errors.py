"""Exceptions: every failing C result code becomes a ``GeminiLiveError`` subclass.

Hierarchy (by result-code group)::

    GeminiLiveError
    ├── ClosedError                    102 the session (or config, fake server) is closed
    ├── QueueFullError                 101 WOULD_BLOCK, 103 SEND_TIMEOUT
    ├── InvalidArgumentError           2xx (also a ValueError)
    │   ├── InvalidConfigError         203
    │   └── MessageTooLargeError       205
    ├── ConnectionFailedError          3xx (also a ConnectionError); .retryable
    │   ├── ConnectTimeoutError        300 (also a TimeoutError)
    │   ├── TLSError                   302
    │   ├── HTTPError                  303
    │   ├── ServerClosedError          304, 305
    │   ├── ModelNotFoundError         306
    │   ├── ProxyError                 311 (the proxy refused the tunnel; .retryable None)
    │   └── (310 ACCESS_TOKEN: the Vertex AI token provider failed; .retryable None)
    └── InternalError                  9xx
        └── PanicError                 900

Strings the C API cannot carry (an embedded NUL character, e.g. ``send_text("a\\x00b")``)
are refused before any call with ``InvalidArgumentError`` (code 201, ``INVALID_ARGUMENT``),
which is also a ``ValueError``; nothing is sent or set.
"""

from __future__ import annotations

import builtins
import ctypes
from typing import Dict, Optional, Type, Union

from . import _lib
from ._messages import pythonize


class GeminiLiveError(Exception):
    """A failed call: ``code`` (the C result code), ``name`` (e.g. ``"MODEL_NOT_FOUND"``)
    and ``detail`` (the library's message)."""

    def __init__(self, code: int, detail: str = "") -> None:
        self.code = int(code)
        self.name = _NAMES.get(self.code, "UNKNOWN")
        # The library's text in Python's terms (no Rust or C names): _messages.pythonize.
        self.detail = pythonize(detail or describe(self.code))
        super().__init__(f"{self.name} ({self.code}): {self.detail}")


class ClosedError(GeminiLiveError):
    """The session is closed (and every event was delivered), or the object was closed."""


class QueueFullError(GeminiLiveError):
    """The send queue is full: WOULD_BLOCK (try_send) or SEND_TIMEOUT."""


class InvalidArgumentError(GeminiLiveError, ValueError):
    """The caller passed something wrong (2xx); nothing was done."""


class InvalidConfigError(InvalidArgumentError):
    """The configuration is invalid."""


class MessageTooLargeError(InvalidArgumentError):
    """A message exceeds the configured maximum size."""


class ConnectionFailedError(GeminiLiveError, builtins.ConnectionError):
    """The connection failed or the server ended it (3xx). ``retryable`` says whether a
    reconnection may succeed (None when it depends, e.g. on an HTTP status)."""

    @property
    def retryable(self) -> Optional[bool]:
        if self.code in (CONNECT_TIMEOUT_CODES | RETRYABLE_CODES):
            return True
        # Depends on the status / the provider / the proxy's answer.
        if self.code in (_lib.HTTP, _lib.ACCESS_TOKEN, _lib.PROXY):
            return None
        return False


class ConnectTimeoutError(ConnectionFailedError, builtins.TimeoutError):
    """A connection phase did not finish in time."""


class TLSError(ConnectionFailedError):
    """The TLS handshake or certificate check failed."""


class HTTPError(ConnectionFailedError):
    """The server refused the WebSocket upgrade with an HTTP status."""


class ProxyError(ConnectionFailedError):
    """The proxy refused or could not open the tunnel: 407 (credentials wrong or missing),
    403 (not allowed), 502 (it could not reach the host), or a SOCKS5 refusal; the message
    names the proxy (never its credentials) and its answer. 407, 403 and SOCKS
    authentication or rule-set refusals are not retried by the library."""


class ServerClosedError(ConnectionFailedError):
    """The server closed the connection (fatal or retryable, see ``retryable``)."""


class ModelNotFoundError(ConnectionFailedError):
    """The model is not served by this endpoint: choose another."""


class InternalError(GeminiLiveError):
    """A bug inside the library."""


class PanicError(InternalError):
    """A Rust panic was caught at the C boundary (a bug)."""


# The name this module also exports for connect timeouts.
TimeoutError = ConnectTimeoutError  # noqa: A001

CONNECT_TIMEOUT_CODES = {_lib.CONNECT_TIMEOUT}
RETRYABLE_CODES = {
    _lib.IO,
    _lib.SERVER_CLOSED_RETRYABLE,
    _lib.PROTOCOL,
    _lib.CONNECTION_LOST,
    _lib.STALLED,
}

# The header's other groups of constants (enums.py), not result codes.
_ENUM_PREFIXES = (
    "MODALITY_", "EVENT_", "STATE_", "LOG_", "PHASE_", "INTERACTION_", "TRANSCRIPTION_",
    "TOKEN_", "RECORD_AUDIO_", "USAGE_", "VOICE_ACTIVITY_", "VAD_SIGNAL_", "TRANSCRIPT_",
    "NOISE_SUPPRESSION_",
    "G711_", "PHONE_", "CLIENT_VAD_",
)

#: The result codes of the header, by number (a test checks them against it).
RESULT_CODES: Dict[str, int] = {
    name: value
    for name, value in vars(_lib).items()
    if name.isupper()
    and isinstance(value, int)
    and not name.startswith(_ENUM_PREFIXES)
}
_NAMES: Dict[int, str] = {value: name for name, value in RESULT_CODES.items()}

_CLASSES: Dict[int, Type[GeminiLiveError]] = {
    _lib.CLOSED: ClosedError,
    _lib.WOULD_BLOCK: QueueFullError,
    _lib.SEND_TIMEOUT: QueueFullError,
    _lib.INVALID_CONFIG: InvalidConfigError,
    _lib.MESSAGE_TOO_LARGE: MessageTooLargeError,
    _lib.CONNECT_TIMEOUT: ConnectTimeoutError,
    _lib.TLS: TLSError,
    _lib.HTTP: HTTPError,
    _lib.PROXY: ProxyError,
    _lib.SERVER_CLOSED_FATAL: ServerClosedError,
    _lib.SERVER_CLOSED_RETRYABLE: ServerClosedError,
    _lib.MODEL_NOT_FOUND: ModelNotFoundError,
    _lib.PANIC: PanicError,
}


def describe(code: int) -> str:
    """The library's static description of a result code."""
    text = _lib.lib.gemini_live_result_str(code)
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else ""


def last_error_message() -> str:
    """The detail text of the calling thread's latest failed call."""
    needed = ctypes.c_size_t(0)
    _lib.lib.gemini_live_last_error_message(None, 0, ctypes.byref(needed))
    buf = ctypes.create_string_buffer(max(needed.value, 1))
    if _lib.lib.gemini_live_last_error_message(buf, len(buf), None) != _lib.OK:
        return ""
    return buf.value.decode("utf-8", "replace")


def error_for(code: int, detail: Optional[str] = None) -> GeminiLiveError:
    """The exception for ``code``; ``detail`` defaults to this thread's last error text."""
    if detail is None:
        detail = last_error_message()
        prefix = _NAMES.get(int(code), "") + ": "
        if detail.startswith(prefix):
            detail = detail[len(prefix):]
    cls: Type[GeminiLiveError]
    if code in _CLASSES:
        cls = _CLASSES[code]
    elif 200 <= code < 300:
        cls = InvalidArgumentError
    elif 300 <= code < 400:
        cls = ConnectionFailedError
    elif code >= 900:
        cls = InternalError
    else:
        cls = GeminiLiveError
    return cls(code, detail)


def check(code: int) -> None:
    """Raises the exception for a failing result code."""
    if code != _lib.OK:
        raise error_for(code)


def cstr(value: Union[str, bytes], what: str) -> bytes:
    """``value`` as NUL-free UTF-8 for a ``const char *`` argument named ``what``.

    Raises ``InvalidArgumentError`` (a ``ValueError``) for an embedded NUL, which C would
    silently cut the string at, and ``TypeError`` for anything but ``str``/``bytes``."""
    if isinstance(value, str):
        raw = value.encode("utf-8")
    elif isinstance(value, (bytes, bytearray)):
        raw = bytes(value)
    else:
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if b"\0" in raw:
        raise InvalidArgumentError(
            _lib.INVALID_ARGUMENT,
            f"{what} contains a NUL character at index {raw.index(0)}; C strings end there",
        )
    return raw
