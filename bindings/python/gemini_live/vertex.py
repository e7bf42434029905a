"""Vertex AI (Gemini Enterprise Agent Platform): a project and location instead of the
Developer API, and OAuth access tokens from a Python callable asked before every connect
(the first, each reconnection and each GoAway handover), so a long session outlives any one
token::

    import subprocess
    from gemini_live import Config, Session

    def token():
        return subprocess.run(["gcloud", "auth", "print-access-token"], check=True,
                              capture_output=True, text=True).stdout.strip()

    config = Config(vertex=("my-project", "us-central1"), access_token_provider=token,
                    model="gemini-live-2.5-flash-native-audio")
    with Session.connect(config) as s:
        ...

``Config`` options: ``vertex=(project, location)`` (``global`` for the global host, ``us`` or
``eu`` for the multi-regions; set it before the others; ``("", location)`` with ``api_key=``
is express mode, as in Google's SDKs), ``vertex_api_version="v1beta1"`` (default) or ``"v1"``,
``vertex_user_project="billing-project"`` (``x-goog-user-project``),
``vertex_transparent_resumption=True`` (resumption updates then carry
``ResumptionUpdateEvent.last_consumed_index``), ``access_token_provider=callable``.

The provider is called on the library's connecting thread (the caller of ``connect`` for the
first connect, the session's reader thread afterwards), with the GIL taken for the call. It
returns the token as ``str``; raising ``RetryLater`` makes the failure retryable (the session
backs off and asks again), any other exception ends the connect or the session with
``ConnectionFailedError`` (code ``ACCESS_TOKEN``). It must return promptly and must not call
into the session. The callable stays alive as long as any config or session uses it.
"""

from __future__ import annotations

import ctypes
import itertools
import threading
from typing import Any, Callable, Dict, Optional, Tuple, Union

from . import _lib
from ._managed import Managed
from .errors import InternalError, check, cstr
from .fake import FakeServer

L = _lib.lib

__all__ = ["RetryLater", "VertexFakeServer", "live_providers"]


class RetryLater(Exception):
    """Raise from an access-token provider for a transient failure (worth another attempt)."""


# The providers the library still holds, by user_data key; removed when the library calls
# user_data_free (once no config or session uses the callback any more).
_LIVE: Dict[int, Any] = {}
_LOCK = threading.Lock()
_KEYS = itertools.count(1)


def _release(user_data: Optional[int]) -> None:
    try:
        with _LOCK:
            _LIVE.pop(user_data or 0, None)
    except Exception:  # noqa: BLE001 - at interpreter exit the module may be half torn down
        pass


_RELEASE = _lib.USER_DATA_FREE(_release)


def _write(buf: int, length: int, data: bytes) -> None:
    data = data[: max(length - 1, 0)]
    ctypes.memmove(buf, data, len(data))
    ctypes.memset(buf + len(data), 0, 1)


def _thunk(provider: Callable[[], Union[str, bytes]]) -> Any:
    def call(user_data: Optional[int], buf: int, length: int) -> int:
        try:
            token = provider()
        except RetryLater as e:
            _write(buf, length, str(e).encode("utf-8", "replace"))
            return _lib.TOKEN_RETRY_LATER
        except BaseException as e:  # noqa: BLE001 - nothing may unwind into C
            _write(buf, length, f"{type(e).__name__}: {e}".encode("utf-8", "replace"))
            return _lib.TOKEN_FAILED
        if not isinstance(token, (str, bytes)):
            _write(buf, length, b"the access token provider did not return a str")
            return _lib.TOKEN_FAILED
        data = token.encode("utf-8") if isinstance(token, str) else token
        if len(data) + 1 > length or b"\0" in data:
            _write(buf, length, b"the access token is too long or contains a NUL character")
            return _lib.TOKEN_FAILED
        _write(buf, length, data)
        return _lib.TOKEN_OK

    return _lib.TOKEN_CALLBACK(call)


def set_token_provider(config: Managed, provider: Optional[Callable[[], str]]) -> Any:
    """Sets ``provider`` (a callable returning a token, or None to remove credentials) on
    ``config`` (a ``Config``); returns the C callback, which the config keeps alive."""
    fn = L.gemini_live_config_set_access_token_callback
    if provider is None:
        check(config._call(fn, _lib.TOKEN_CALLBACK(), None, _lib.USER_DATA_FREE()))
        return None
    if not callable(provider):
        raise TypeError("access_token_provider must be callable")
    thunk = _thunk(provider)
    key = next(_KEYS)
    with _LOCK:
        _LIVE[key] = thunk
    check(config._call(fn, thunk, key, _RELEASE))
    return thunk


def set_target(config: Managed, value: Optional[Tuple[str, str]]) -> None:
    """Sets the Vertex target ``(project, location)`` on ``config``; ``None`` removes it."""
    project, location = ("", "") if value is None else value
    fn = L.gemini_live_config_set_vertex
    check(config._call(fn, cstr(project, "vertex project"), cstr(location, "vertex location")))


def live_providers() -> int:
    """How many providers the library still holds (for tests)."""
    with _LOCK:
        return len(_LIVE)


class VertexFakeServer(FakeServer):
    """A ``FakeServer`` that also serves the Vertex path for ``project`` and ``location``:
    every connection must present a bearer token no earlier one presented (HTTP 401
    otherwise), and the model must be ``projects/{project}/locations/{location}/...``."""

    def __init__(self, project: str, location: str, port: int = 0, faults: str = "") -> None:
        if "gemini_live_fake_server_start_vertex" in _lib.MISSING:
            raise InternalError(
                _lib.INTERNAL,
                f"the library at {_lib.path} was built without the embedded fake server",
            )
        handle = _lib.FAKE_P()
        check(
            L.gemini_live_fake_server_start_vertex(
                port,
                cstr(project, "project"),
                cstr(location, "location"),
                cstr(faults, "faults"),
                ctypes.byref(handle),
            )
        )
        self._adopt(handle)
