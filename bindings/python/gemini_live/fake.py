"""``FakeServer``: the library's embedded fake Live server, for tests and offline examples."""

import ctypes
import weakref

from . import _lib
from .errors import check

L = _lib.lib


class FakeServer:
    """A fake Gemini Live server on 127.0.0.1 (``port=0`` picks a free port).

    It echoes text turns as ``[turn N] echo: <text>``, answers audio turns (ended by
    ``Session.audio_stream_end``) with 24 kHz audio and the text
    ``[turn N] heard B bytes of audio, checksum <FNV-1a 64 hex>``, answers
    ``call tool NAME with {JSON}`` with a tool call, and injects the faults of ``faults``
    (e.g. ``"1@2:close=1011"``; see ``gemini_live_fake_server_start_with_faults``)::

        with FakeServer() as fake, Session.connect(endpoint=fake.endpoint) as s:
            ...
    """

    def __init__(self, port=0, faults="", models=None):
        handle = _lib.FAKE_P()
        # models: the model ids it serves (a list or a comma-separated string); None serves
        # every model of the library's capability table, each with its rules.
        if models is None:
            models = ""
        elif not isinstance(models, str):
            models = ",".join(models)
        check(
            L.gemini_live_fake_server_start_with_models(
                port, faults.encode("utf-8"), models.encode("utf-8"), ctypes.byref(handle)
            )
        )
        self._handle = handle
        self._finalizer = weakref.finalize(self, L.gemini_live_fake_server_free, handle)
        buf = ctypes.create_string_buffer(128)
        check(L.gemini_live_fake_server_endpoint(handle, buf, len(buf), None))
        self.endpoint = buf.value.decode("utf-8")

    @property
    def port(self):
        return int(self.endpoint.rsplit(":", 1)[1])

    def close(self):
        """Stops the server (close its sessions first)."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<gemini_live.FakeServer {self.endpoint}>"


def start(port=0, faults="", models=None):
    """Starts a fake server on 127.0.0.1 with ``port`` (0 picks a free port), faults and served models (same as ``FakeServer(...)``)."""
    return FakeServer(port, faults, models)
