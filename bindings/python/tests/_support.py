"""Shared helpers of the binding tests: import path, FNV-1a, turn collection."""

import sys
from array import array
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
HEADER = REPO / "include" / "gemini_live.h"

if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

import gemini_live as gl  # noqa: E402

# The fake's own conversational model that answers in TEXT: no current Google conversational
# model does (the default, gemini-3.8-live, answers in audio plus its transcription).
TEXT_MODEL = "fake-text-live"


def fnv1a64(data):
    """FNV-1a 64 of bytes: the checksum the fake server reports."""
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def tone(n, rate=16000, freq=440.0):
    """``n`` samples of a sine tone as ``array('h')``."""
    import math

    return array("h", (int(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(n)))


def le_bytes(samples):
    """Little-endian bytes of an ``array('h')``."""
    a = array("h", samples)
    if sys.byteorder == "big":
        a.byteswap()
    return a.tobytes()


def collect_turn(session, timeout=10):
    """Events up to and including TurnComplete: (text, audio bytes, events)."""
    text, pcm, events = [], bytearray(), []
    while True:
        ev = session.next_event(timeout)
        if ev is None:
            raise AssertionError(f"no TurnComplete within {timeout}s; got {events}")
        events.append(ev)
        if isinstance(ev, gl.TextEvent):
            text.append(ev.text)
        elif isinstance(ev, gl.AudioEvent):
            pcm += ev.pcm
        elif isinstance(ev, gl.ClosedEvent):
            raise AssertionError(f"closed during the turn: {ev!r}")
        elif isinstance(ev, gl.TurnCompleteEvent):
            return "".join(text), bytes(pcm), events


class ScriptedServer:
    """A one-connection WebSocket server on 127.0.0.1 that answers the client's first frame
    (its setup) with ``frames`` (JSON strings, in order), then waits for the client to close:
    for server messages the fake never sends (a session id, voice activity, VAD signals...).
    """

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, frames):
        import socket
        import threading

        self.frames = list(frames)
        self.received = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(20)
        self.endpoint = "ws://127.0.0.1:%d" % self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._thread.join(20)
        self._listener.close()

    @staticmethod
    def _read_exactly(conn, n):
        out = b""
        while len(out) < n:
            chunk = conn.recv(n - len(out))
            if not chunk:
                raise EOFError
            out += chunk
        return out

    def _read_frame(self, conn):
        b0, b1 = self._read_exactly(conn, 2)
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(self._read_exactly(conn, 2), "big")
        elif n == 127:
            n = int.from_bytes(self._read_exactly(conn, 8), "big")
        mask = self._read_exactly(conn, 4) if b1 & 0x80 else b"\0\0\0\0"
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read_exactly(conn, n)))
        return b0 & 0x0F, data

    @staticmethod
    def _frame(opcode, payload):
        n = len(payload)
        if n < 126:
            head = bytes([0x80 | opcode, n])
        elif n < 65536:
            head = bytes([0x80 | opcode, 126]) + n.to_bytes(2, "big")
        else:
            head = bytes([0x80 | opcode, 127]) + n.to_bytes(8, "big")
        return head + payload

    def _serve(self):
        import base64
        import hashlib

        conn, _ = self._listener.accept()
        with conn:
            conn.settimeout(20)
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            key = ""
            for line in request.decode("latin-1").split("\r\n"):
                name, _, value = line.partition(":")
                if name.strip().lower() == "sec-websocket-key":
                    key = value.strip()
            accept = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest())
            conn.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            try:
                _, setup = self._read_frame(conn)
                self.received.append(setup.decode())
                for f in self.frames:
                    conn.sendall(self._frame(0x1, f.encode()))
                while True:
                    opcode, data = self._read_frame(conn)
                    if opcode == 0x8:
                        conn.sendall(self._frame(0x8, data[:2]))
                        return
                    if opcode == 0x9:
                        conn.sendall(self._frame(0xA, data))
                    elif opcode in (0x1, 0x2):
                        self.received.append(data.decode())
            except (EOFError, OSError):
                return
