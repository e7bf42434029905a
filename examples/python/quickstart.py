#!/usr/bin/env python3
"""quickstart.py - one text turn and one audio turn with the gemini_live Python binding.

Install the package (it builds and bundles the library), then run it from anywhere:

    pip install ./bindings/python && python3 examples/python/quickstart.py

or from a source checkout after `cargo build --release`:

    PYTHONPATH=bindings/python python3 examples/python/quickstart.py

It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL. With neither a key
nor an endpoint it starts the embedded fake server (through the C API) and says so on stderr.
Set GEMINI_LIVE_LIBRARY to use a specific build of the library.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from array import array
from typing import List, Optional

import gemini_live as gl


def run_turn(session: gl.Session, label: str) -> None:
    """Prints the reply text of one turn once it is complete, and how much audio came back.

    A reply cut off by a lost connection is announced by a ``ReplyDiscardedEvent`` and comes
    again from the start, so what was collected of it is dropped."""
    text: List[str] = []
    samples, rate = 0, 0
    for event in session.events(timeout=30):
        if isinstance(event, gl.TextEvent):
            text.append(event.text)
        elif isinstance(event, gl.AudioEvent):
            samples += len(event.samples)
            rate = event.sample_rate
        elif isinstance(event, gl.ReplyDiscardedEvent):
            text, samples = [], 0
        elif isinstance(event, gl.ClosedEvent):
            raise SystemExit(f"session closed: {event.error or event.reason}")
        elif isinstance(event, gl.TurnCompleteEvent) and not event.in_progress:
            break  # (extended thinking: a segment in progress is followed by the answer)
    else:
        raise SystemExit("no reply within 30 s")
    print(f"{label} reply: {''.join(text)}")
    print(f"{label} audio: {samples} samples at {rate} Hz")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    fake: Optional[gl.FakeServer] = None
    endpoint: Optional[str] = None  # None: GEMINI_LIVE_ENDPOINT, else Google
    if not os.environ.get("GEMINI_API_KEY") and not os.environ.get("GEMINI_LIVE_ENDPOINT"):
        fake = gl.FakeServer()
        endpoint = fake.endpoint
        print(
            "no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake server at "
            + fake.endpoint,
            file=sys.stderr,
        )
    print(f"gemini_live {gl.__version__} ({gl.library_path})")
    try:
        with gl.connect(endpoint=endpoint) as session:
            session.send_text("Hello from Python!")
            run_turn(session, "text turn")

            # One second of a 440 Hz tone at 16 kHz, in 20 ms chunks, then end of stream.
            tone = array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / 16000))
                               for i in range(16000)))
            for i in range(0, len(tone), 320):
                session.send_audio(tone[i:i + 320])
            session.audio_stream_end()
            run_turn(session, "audio turn")
    except gl.GeminiLiveError as e:
        raise SystemExit(f"failed: {e}")
    finally:
        if fake is not None:
            fake.close()


if __name__ == "__main__":
    main()
