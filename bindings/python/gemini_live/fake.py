"""``FakeServer``: the library's embedded fake Live server, for tests and offline examples."""

from __future__ import annotations

import ctypes
from typing import Any, Iterable, Union

from . import _lib
from ._managed import Managed
from .errors import InternalError, check, cstr

L = _lib.lib


class FakeServer(Managed):
    """A fake Gemini Live server on 127.0.0.1 (``port=0`` picks a free port).

    It echoes text turns as ``[turn N] echo: <text>``, answers audio turns (ended by
    ``Session.audio_stream_end``) with 24 kHz audio and the text
    ``[turn N] heard B bytes of audio, checksum <FNV-1a 64 hex>``, answers
    ``call tool NAME with {JSON}`` with a tool call, and injects the faults of ``faults``
    (e.g. ``"1@2:close=1011"``; see ``gemini_live_fake_server_start_with_faults``). It
    serves ``models`` (ids, as a list or a comma-separated string), each with its rules from
    the library's capability table; ``None`` serves every model of the table::

        with FakeServer() as fake, connect(endpoint=fake.endpoint) as s:
            ...

    ``close()`` stops it (close its sessions first). Raises ``InternalError`` if this build
    of the library leaves the fake server out.
    """

    def __init__(
        self, port: int = 0, faults: str = "", models: Union[str, Iterable[str], None] = None
    ) -> None:
        if "gemini_live_fake_server_start_with_models" in _lib.MISSING:
            raise InternalError(
                _lib.INTERNAL,
                f"the library at {_lib.path} was built without the embedded fake server",
            )
        served = "" if models is None else models if isinstance(models, str) else ",".join(models)
        handle = _lib.FAKE_P()
        check(
            L.gemini_live_fake_server_start_with_models(
                port, cstr(faults, "faults"), cstr(served, "models"), ctypes.byref(handle)
            )
        )
        self._adopt(handle)

    @classmethod
    def paced(
        cls, audio_reply_ms: int, audio_pace: float, audio_words: bool = True, port: int = 0
    ) -> "FakeServer":
        """A fake whose audio replies last ``audio_reply_ms`` (in 100 ms chunks) and arrive at
        ``audio_pace`` times real time (0.7: slower than they play; 0: as fast as the socket);
        with ``audio_words`` the tone comes in words with 90 ms of silence between them, as
        speech has gaps a player can pause at. See ``gemini_live_fake_server_start_paced``."""
        if "gemini_live_fake_server_start_paced" in _lib.MISSING:
            raise InternalError(
                _lib.INTERNAL,
                f"the library at {_lib.path} was built without the embedded fake server",
            )
        handle = _lib.FAKE_P()
        check(
            L.gemini_live_fake_server_start_paced(
                port, audio_reply_ms, float(audio_pace), bool(audio_words), ctypes.byref(handle)
            )
        )
        server = cls.__new__(cls)
        server._adopt(handle)
        return server

    def _adopt(self, handle: Any) -> None:
        """Takes ownership of a started fake server (also for ``VertexFakeServer``)."""
        super().__init__(handle, L.gemini_live_fake_server_free, "fake server")
        buf = ctypes.create_string_buffer(128)
        check(self._call(L.gemini_live_fake_server_endpoint, buf, len(buf), None))
        self.endpoint: str = buf.value.decode("utf-8")

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.endpoint.rsplit(":", 1)[1])

    def __repr__(self) -> str:
        return f"<gemini_live.FakeServer {self.endpoint}>"


def start(
    port: int = 0, faults: str = "", models: Union[str, Iterable[str], None] = None
) -> FakeServer:
    """Starts a fake server on 127.0.0.1 with ``port`` (0 picks a free port), ``faults`` and
    ``models`` (same as ``FakeServer(...)``)."""
    return FakeServer(port, faults, models)
