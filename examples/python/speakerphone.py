#!/usr/bin/env python3
"""speakerphone.py - echo cancellation with the gemini_live Python binding.

On a speakerphone the model's voice comes back into the microphone and the model hears (and
interrupts) itself. ``gemini_live.echo.EchoCanceller`` takes it out: it is fed by the
``Player`` with exactly what the sound card played, so the playback side needs no extra call.

Simulated and offline: a 48 kHz stereo "sound card" reads the player every 10 ms; the "room"
brings its output back into the 16 kHz microphone 60 ms later at half level; the microphone
thread cleans it and streams it to the session (the embedded fake server, or the real
service with GEMINI_API_KEY). The loudspeaker plays a synthetic voice (a gliding pulse train
with syllables and pauses): the fake server's replies are pure tones, which the canceller
deliberately leaves to its suppressor.

Run from the repository root after ``cargo build --release``:

    PYTHONPATH=bindings/python python3 examples/python/speakerphone.py

With a real sound card: create the ``EchoCanceller`` before the output stream starts, call
``player.read_into`` in the output callback, and in the thread that takes the microphone's
samples (resampled to 16 kHz) send ``echo.process(samples)`` instead of the samples. Where the
microphone arrives in a capture callback, keep the callback short: ``echo.push(samples)``
there, and from the thread that sends, ``session.send_audio`` what ``echo.pull()`` returns
(when not empty).
"""

from __future__ import annotations

import math
import os
import random
import sys
from array import array

import gemini_live as gl
from gemini_live.audio import Player, Resampler
from gemini_live.echo import EchoCanceller

DEVICE_RATE, CHANNELS, MIC_RATE = 48000, 2, 16000
SECONDS = 6


def voice(seconds: float) -> "array[int]":
    """A synthetic voice at 24 kHz: a 100-140 Hz pulse train, 4 syllables a second, a
    pause every 2 s, a little breath noise."""
    rng = random.Random(1)
    out = array("h")
    phase = 0.0
    for i in range(int(24000 * seconds)):
        t = i / 24000
        phase = (phase + (120 + 20 * math.sin(2 * math.pi * 0.7 * t)) / 24000) % 1.0
        syllable = max(0.0, math.sin(2 * math.pi * 4 * t))
        pause = 0.0 if t % 2.0 > 1.7 else 1.0
        s = (0.35 * (2 * phase - 1) + 0.08 * (rng.random() - 0.5)) * syllable * pause
        out.append(int(s * 32767 * 0.8))
    return out


def level_db(pcm: bytes) -> float:
    a = array("h")
    a.frombytes(pcm)
    if sys.byteorder == "big":
        a.byteswap()
    mean = sum(v * v for v in a) / max(len(a), 1)
    return 10 * math.log10(max(mean, 1e-9) / 32768.0**2)


def main() -> None:
    fake = None
    endpoint = os.environ.get("GEMINI_LIVE_ENDPOINT")
    if not endpoint and not os.environ.get("GEMINI_API_KEY"):
        fake = gl.FakeServer()
        endpoint = fake.endpoint
        print("using the embedded fake server at " + endpoint, file=sys.stderr)
    player = Player(device_rate=DEVICE_RATE, channels=CHANNELS)
    echo = EchoCanceller(player, capture_rate=MIC_RATE)  # the switch: fed by the player
    player.push(voice(SECONDS))
    player.end_turn()
    to_mic = Resampler(DEVICE_RATE, channels=CHANNELS, out_rate=MIC_RATE)
    room = array("h", bytes(2 * MIC_RATE * 60 // 1000))  # 60 ms of the room's delay
    raw_tail = clean_tail = b""
    with gl.Session.connect(endpoint=endpoint) as session:  # the default model: audio + text
        for period in range(SECONDS * 100):
            # The sound card's callback (10 ms), and the room carrying it to the microphone.
            played = player.read(DEVICE_RATE // 100)
            mic = array("h")
            mic.frombytes(to_mic.process(played))
            if sys.byteorder == "big":
                mic.byteswap()
            room.extend(v // 2 for v in mic)
            mic = room[: len(mic)]
            del room[: len(mic)]
            if sys.byteorder == "big":
                mic.byteswap()
            # The microphone thread: cancel, then send.
            clean = echo.process(mic.tobytes())
            session.send_audio(clean)
            if period >= 200:  # after 2 s of convergence
                raw_tail += mic.tobytes()
                clean_tail += clean
        session.audio_stream_end()
        reply = ""
        for event in session.events():
            if isinstance(event, gl.TextEvent):
                reply += event.text
            if isinstance(event, gl.TurnCompleteEvent):
                break
        print("the model:", reply)
    stats = echo.stats()
    print(f"microphone (echo only): {level_db(raw_tail):.1f} dBFS; "
          f"after the canceller: {level_db(clean_tail):.1f} dBFS")
    print(f"echo path delay found: {stats.delay_estimate_ms} ms; "
          f"frames: {stats.capture_frames}")
    echo.close()
    player.close()
    if fake:
        fake.close()


if __name__ == "__main__":
    main()
