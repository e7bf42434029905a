#!/usr/bin/env python3
"""audio_pipeline.py - the audio path of a voice app with the gemini_live Python binding.

The same scenario as examples/c/audio_pipeline.c:

- the "microphone" (a WAV file, any rate and channel count) is resampled to 16 kHz mono with
  ``gemini_live.audio.Resampler`` and streamed from a sender thread in 20 ms chunks;
- the model's 24 kHz reply plays through ``gemini_live.audio.Player`` from a simulated sound
  card callback thread (48 kHz stereo, every 10 ms, ``read_into`` a preallocated buffer);
- the second reply is interrupted on purpose once 200 ms of it have played: ``flush``
  silences it at once and reports how much was heard; the transcript is cut there;
- the session is recorded (``Config(record=...)``) to session.jsonl, which
  ``gemini-live fake-server --replay session.jsonl`` serves back. It goes to the directory
  given with ``--out DIR``, else to a new temporary directory (never the current directory
  or the source tree); the last line says where.

Run from the repository root after ``cargo build --release``:

    PYTHONPATH=bindings/python python3 examples/python/audio_pipeline.py [input.wav] [--out DIR]

It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL. With neither a key
nor an endpoint it starts the embedded fake server and says so on stderr.
"""

from __future__ import annotations

import argparse
import ctypes
import math
import os
import sys
import tempfile
import threading
import time
import wave
from array import array
from typing import Any, Dict, Optional, Tuple

import gemini_live as gl
from gemini_live.audio import Player, Resampler

DEVICE_RATE, DEVICE_CHANNELS = 48000, 2
PERIOD = DEVICE_RATE // 100  # 10 ms of frames


def read_input(path: Optional[str]) -> Tuple[bytes, int, int]:
    """Interleaved PCM16 bytes, rate and channels of a WAV file (or a 1.5 s tone)."""
    if path is None:
        tone = array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / 16000)) for i in range(24000)))
        if sys.byteorder == "big":
            tone.byteswap()
        return tone.tobytes(), 16000, 1
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            raise SystemExit(f"{path}: only 16-bit PCM is supported")
        return w.readframes(w.getnframes()), w.getframerate(), w.getnchannels()


def sender(session: gl.Session, pcm: bytes, rate: int, channels: int, result: Dict[str, Any]) -> None:
    """The microphone thread: 20 ms chunks, resampled to 16 kHz mono, at real-time pace."""
    try:
        resampler = Resampler(rate, channels)
        step = rate // 50 * channels * 2
        for at in range(0, len(pcm), step):
            out = resampler.process(pcm[at : at + step])
            if out:
                session.send_audio(out)
                result["sent"] += len(out) // 2
            time.sleep(0.02)
        tail = resampler.flush()
        if tail:
            session.send_audio(tail)
            result["sent"] += len(tail) // 2
        session.audio_stream_end()
    except gl.GeminiLiveError as e:
        result["error"] = e


class Device(threading.Thread):
    """A simulated sound card: its 'callback' reads the player every 10 ms."""

    def __init__(self, player: Player) -> None:
        super().__init__(daemon=True)
        self.player, self.stop, self.reads, self.worst = player, threading.Event(), 0, 0.0
        self.buf = (ctypes.c_int16 * (PERIOD * DEVICE_CHANNELS))()

    def run(self) -> None:
        due = time.monotonic()
        while not self.stop.is_set():
            t0 = time.perf_counter()
            self.player.read_into(self.buf)  # the callback's one call
            self.worst = max(self.worst, time.perf_counter() - t0)
            self.reads += 1
            due += 0.01
            time.sleep(max(0.0, due - time.monotonic()))


def drain(session: gl.Session, player: Player) -> str:
    """Feeds one turn's events to the player; returns the reply text."""
    text = ""
    for event in session.events(timeout=30):
        player.handle_event(event)  # also flushes on ReplyDiscardedEvent
        if isinstance(event, gl.ReplyDiscardedEvent):
            text = ""  # a lost connection cut the reply: it comes again from the start
        if isinstance(event, gl.TextEvent):
            text += event.text
        elif isinstance(event, gl.ClosedEvent):
            raise SystemExit(f"session closed: {event.error or event.reason}")
        elif isinstance(event, gl.TurnCompleteEvent):
            return text
    raise SystemExit("no reply within 30 s")


def main() -> None:
    parser = argparse.ArgumentParser(description="The audio path of a voice app, offline.")
    parser.add_argument("input", nargs="?", help="16-bit PCM WAV (default: a 1.5 s tone)")
    parser.add_argument("--tone", action="store_true", help="use the tone (the default)")
    parser.add_argument("--out", metavar="DIR",
                        help="where session.jsonl goes (default: a new temporary directory)")
    args = parser.parse_args()
    path: Optional[str] = None if args.tone else args.input
    out = args.out or tempfile.mkdtemp(prefix="gemini_live_audio_pipeline_")
    os.makedirs(out, exist_ok=True)
    record = os.path.join(out, "session.jsonl")
    pcm, rate, channels = read_input(path)
    fake: Optional[gl.FakeServer] = None
    endpoint: Optional[str] = None
    if not os.environ.get("GEMINI_API_KEY") and not os.environ.get("GEMINI_LIVE_ENDPOINT"):
        fake = gl.FakeServer()
        endpoint = fake.endpoint
        print("no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake server at "
              + fake.endpoint, file=sys.stderr)
    player = Player(device_rate=DEVICE_RATE, channels=DEVICE_CHANNELS)
    device = Device(player)
    device.start()
    with gl.Session.connect(endpoint=endpoint, response_modality="text+audio",
                            record=record) as session:
        result: Dict[str, Any] = {"sent": 0, "error": None}
        mic = threading.Thread(target=sender, args=(session, pcm, rate, channels, result))
        mic.start()
        print("model:", drain(session, player))
        mic.join()
        if result["error"]:
            raise SystemExit(f"sending audio failed: {result['error']}")
        deadline = time.monotonic() + 5
        while player.stats().buffered and time.monotonic() < deadline:
            time.sleep(0.01)

        # The second reply: the user barges in once 200 ms of it have played.
        session.send_text("Tell me a long story.")
        text = drain(session, player)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            now = player.current()
            if now.heard_ms >= 200 or now.heard >= now.received:
                break
            time.sleep(0.005)
        cut = player.flush()
        print(f"model (turn {cut.turn}): {text}")
        print(f"barge-in: heard {cut.heard_ms} ms of {cut.received_ms} ms of the reply "
              f"({100 * cut.heard_fraction:.0f}%); the user heard: \"{cut.cut_transcript(text)}\"")
        time.sleep(0.03)  # a few silent periods after the flush
    device.stop.set()
    device.join()
    st = player.stats()

    def ms(n: int) -> int:
        return n * 1000 // DEVICE_RATE

    print(f"sent {result['sent']} samples at 16000 Hz (from {rate} Hz x{channels})")
    print(f"player: {device.reads} reads of {PERIOD} frames (worst {device.worst * 1e6:.0f} us, "
          f"Python included), played {ms(st.played)} ms, {st.underruns} underruns "
          f"({ms(st.underrun_samples)} ms of silence), {ms(st.dropped + st.overflowed)} ms "
          f"dropped, {ms(st.flushed)} ms flushed")
    print(f"recorded the session to {record}")
    player.close()
    if fake:
        fake.close()


if __name__ == "__main__":
    main()
