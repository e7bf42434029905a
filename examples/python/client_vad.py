#!/usr/bin/env python3
"""client_vad.py - turn-taking decided on the client, with the gemini_live Python binding.

The "microphone" (a 16-bit WAV file, any rate and channel count) is resampled to 16 kHz mono
and fed in 20 ms chunks, at real time, to ``gemini_live.vad.ClientVad`` in ``activity`` mode:
the server's VAD is turned off in the setup, and the client sends ``activityStart``, the
utterance (with 300 ms of pre-roll, so the first syllable is not cut), and ``activityEnd``
500 ms after the speech stops. Each reply is printed as it arrives, from a reader thread.

Run from the repository root after ``cargo build --release``:

    PYTHONPATH=bindings/python python3 examples/python/client_vad.py speech.wav [--fast]

(``espeak-ng -w speech.wav "Hello there. What time is it?"`` makes one.) ``--fast`` feeds the
file as fast as it goes instead of at real time. It honours GEMINI_API_KEY,
GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL; with neither a key nor an endpoint it starts the
embedded fake server and says so on stderr.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import wave
from typing import List, Optional

import gemini_live as gl
from gemini_live.audio import Resampler
from gemini_live.vad import ClientVad


def microphone(path: str) -> bytes:
    """The WAV's audio as 16 kHz mono PCM16."""
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            raise SystemExit(f"{path}: expected 16-bit PCM")
        pcm = w.readframes(w.getnframes())
        rate, channels = w.getframerate(), w.getnchannels()
    with Resampler(rate, channels=channels) as r:
        return r.process(pcm) + r.flush()


def replies(session: gl.Session, done: threading.Event, texts: List[str]) -> None:
    """Prints each reply (text, or the transcript of spoken ones) as it completes."""
    text = ""
    while not done.is_set():
        event = session.next_event(timeout=0.2)
        if isinstance(event, (gl.TextEvent, gl.OutputTranscriptionEvent)):
            text += event.text
        elif isinstance(event, gl.TurnCompleteEvent):
            print(f"model: {text}", flush=True)
            texts.append(text)
            text = ""


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    audio = microphone(sys.argv[1])
    fast = "--fast" in sys.argv[2:]
    fake: Optional[gl.FakeServer] = None
    endpoint: Optional[str] = None
    if not os.environ.get("GEMINI_API_KEY") and not os.environ.get("GEMINI_LIVE_ENDPOINT"):
        fake = gl.FakeServer()
        endpoint = fake.endpoint
        print("no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake server at "
              + fake.endpoint, file=sys.stderr)
    vad = ClientVad("activity")  # threshold 0.5, hangover 500 ms, pre-roll 300 ms
    config = gl.Config(endpoint=endpoint, response_modality="text+audio")
    vad.configure(config)  # server VAD off: the client marks the turns
    texts: List[str] = []
    with gl.Session.connect(config) as session:
        done = threading.Event()
        reader = threading.Thread(target=replies, args=(session, done, texts))
        reader.start()
        start = time.monotonic()
        chunk = 640  # 20 ms
        for i, at in enumerate(range(0, len(audio), chunk)):
            if not fast:
                delay = start + i * 0.02 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            for event in vad.push(session, audio[at : at + chunk]):
                print(f"[{at / 32000:6.2f} s] speech {event}", flush=True)
        vad.finish(session)
        st = vad.stats()
        deadline = time.monotonic() + 10
        while len(texts) < st.utterances and time.monotonic() < deadline:
            time.sleep(0.05)
        done.set()
        reader.join()
        total = st.sent + st.withheld
        print(f"{st.utterances} utterance(s); sent {st.sent * 1000 // 16000} ms of "
              f"{total * 1000 // 16000} ms ({100 * st.sent // max(total, 1)}%)")
    config.close()
    vad.close()
    if fake:
        fake.close()


if __name__ == "__main__":
    main()
