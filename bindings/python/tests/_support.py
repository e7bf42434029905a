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
