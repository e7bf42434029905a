#!/usr/bin/env python3
"""aio_quickstart.py - the quickstart's text and audio turns with the asyncio adapter.

    pip install ./bindings/python && python3 examples/python/aio_quickstart.py

It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL; with neither a key
nor an endpoint it starts the embedded fake server and says so on stderr. Events reach the
loop from the library's thread as they arrive (no polling); sends are coroutines.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
from array import array
from typing import List, Optional

import gemini_live as gl


async def run_turn(session: gl.aio.AsyncSession, label: str) -> None:
    """Prints the reply text of one turn once it is complete, and how much audio came back
    (a reply cut off by a lost connection comes again: ``ReplyDiscardedEvent``)."""
    text: List[str] = []
    samples, rate = 0, 0
    async for event in session:
        if isinstance(event, gl.TextEvent):
            text.append(event.text)
        elif isinstance(event, gl.AudioEvent):
            samples += len(event.samples)
            rate = event.sample_rate
        elif isinstance(event, gl.ReplyDiscardedEvent):
            text, samples = [], 0
        elif isinstance(event, gl.ClosedEvent):
            raise SystemExit(f"session closed: {event.error or event.reason}")
        elif isinstance(event, gl.TurnCompleteEvent):
            break
    print(f"{label} reply: {''.join(text)}")
    print(f"{label} audio: {samples} samples at {rate} Hz")


async def talk(endpoint: Optional[str]) -> None:
    async with gl.aio.connect(endpoint=endpoint) as session:
        await session.send_text("Hello from asyncio!")
        await asyncio.wait_for(run_turn(session, "text turn"), 30)

        # One second of a 440 Hz tone at 16 kHz, in 20 ms chunks, then end of stream.
        tone = array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / 16000))
                           for i in range(16000)))
        for i in range(0, len(tone), 320):
            await session.send_audio(tone[i:i + 320])
        await session.audio_stream_end()
        await asyncio.wait_for(run_turn(session, "audio turn"), 30)


def main() -> None:
    fake: Optional[gl.FakeServer] = None
    endpoint: Optional[str] = None  # None: GEMINI_LIVE_ENDPOINT, else Google
    if not os.environ.get("GEMINI_API_KEY") and not os.environ.get("GEMINI_LIVE_ENDPOINT"):
        fake = gl.FakeServer()
        endpoint = fake.endpoint
        print("no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake server at "
              + fake.endpoint, file=sys.stderr)
    print(f"gemini_live {gl.__version__} ({gl.library_path})")
    try:
        asyncio.run(talk(endpoint))
    except asyncio.TimeoutError:
        raise SystemExit("no reply within 30 s")
    except gl.GeminiLiveError as e:
        raise SystemExit(f"failed: {e}")
    finally:
        if fake is not None:
            fake.close()


if __name__ == "__main__":
    main()
