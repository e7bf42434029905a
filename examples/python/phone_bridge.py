#!/usr/bin/env python3
"""phone_bridge.py - a phone bot's audio path, shaped like a Twilio media stream.

The same scenario as examples/c/phone_bridge.c:

- the caller's audio arrives as Twilio ``media`` messages (JSON, 20 ms of 8 kHz mu-law in
  base64); ``gemini_live.telephony.PhoneIn`` decodes and resamples each to 16 kHz PCM16,
  which is sent at once;
- the model's 24 kHz reply goes through ``PhoneOut`` (band-limited, 8 kHz, mu-law) and
  leaves in 20 ms ``media`` messages, one every 20 ms;
- when the caller barges in (the model's turn is interrupted), ``PhoneOut`` drops what is
  queued and a Twilio ``clear`` message tells the phone side to drop what it holds.

The WebSocket to Twilio is not part of the example: the inbound messages are made here from a
mu-law file (or a generated tone) and the outbound ones are written, one JSON object a line,
to a file.

Run from the repository root after ``cargo build --release``:

    PYTHONPATH=bindings/python python3 examples/python/phone_bridge.py [caller.ulaw [outbound.jsonl]]

It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL. With neither a key
nor an endpoint it starts the embedded fake server and says so on stderr.
"""

from __future__ import annotations

import base64
import json
import math
import os
import sys
import time
from array import array
from typing import Any, Dict, IO, Iterator, Optional

import gemini_live as gl
from gemini_live import telephony
from gemini_live.telephony import FRAME, PhoneIn, PhoneOut

STREAM_SID = "MZ" + "0" * 32


def caller_audio(path: Optional[str]) -> bytes:
    """Raw 8 kHz mu-law from a file, or 1 s of a 440 Hz tone encoded here."""
    if path:
        with open(path, "rb") as f:
            return f.read()
    tone = array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(8000)))
    if sys.byteorder == "big":
        tone.byteswap()
    return telephony.encode(tone.tobytes(), "ulaw")


def twilio_inbound(codes: bytes) -> Iterator[Dict[str, Any]]:
    """What Twilio sends for the caller's audio: one ``media`` message per 20 ms frame."""
    for seq, at in enumerate(range(0, len(codes) - FRAME + 1, FRAME), start=1):
        yield {
            "event": "media",
            "sequenceNumber": str(seq),
            "streamSid": STREAM_SID,
            "media": {
                "track": "inbound",
                "chunk": str(seq),
                "timestamp": str(seq * 20),
                "payload": base64.b64encode(codes[at : at + FRAME]).decode(),
            },
        }


class Outbound:
    """The messages to Twilio: 20 ms ``media`` frames paced at real time, and ``clear``."""

    def __init__(self, out: IO[str], phone_out: PhoneOut) -> None:
        self.out, self.phone_out = out, phone_out
        self.frames = self.clears = 0
        self.next_due = 0.0

    def send(self, message: Dict[str, Any]) -> None:
        self.out.write(json.dumps(message) + "\n")

    def send_frames(self, everything: bool = False) -> None:
        while everything or time.monotonic() >= self.next_due:
            frame = self.phone_out.pop_frame()
            if frame is None:
                return
            self.send({"event": "media", "streamSid": STREAM_SID,
                       "media": {"payload": base64.b64encode(frame).decode()}})
            self.frames += 1
            self.next_due = max(self.next_due, time.monotonic() - 0.02) + 0.02


def run_turn(session: gl.Session, out: Outbound, turn: int) -> None:
    """One model turn: events in, frames out at 20 ms pace; a barge-in clears."""
    text, first = "", out.frames
    out.next_due = 0.0
    while True:
        event = session.next_event(timeout=0.02)
        if event is None:
            out.send_frames()
            continue
        if isinstance(event, (gl.TextEvent, gl.OutputTranscriptionEvent)):
            text += event.text
        before = out.phone_out.stats().buffered
        if out.phone_out.handle_event(event) == "cleared":
            out.send({"event": "clear", "streamSid": STREAM_SID})
            out.clears += 1
            print(f"barge-in: cleared {before} queued codes ({before // 8} ms) after "
                  f"{out.frames - first} frames; sent clear")
        if isinstance(event, gl.TurnCompleteEvent):
            out.send_frames(everything=True)  # Twilio buffers and plays it at its own pace
            break
        out.send_frames()
    sent = out.frames - first
    print(f"[model] {text}")
    print(f"turn {turn}: sent {sent} frames ({sent * 20} ms) to the caller")


def main() -> None:
    codes = caller_audio(sys.argv[1] if len(sys.argv) > 1 else None)
    out_path = sys.argv[2] if len(sys.argv) > 2 else "outbound.jsonl"
    fake: Optional[gl.FakeServer] = None
    endpoint: Optional[str] = None
    if not os.environ.get("GEMINI_API_KEY") and not os.environ.get("GEMINI_LIVE_ENDPOINT"):
        fake = gl.FakeServer()
        endpoint = fake.endpoint
        print("no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake server at "
              + fake.endpoint, file=sys.stderr)
    phone_in, phone_out = PhoneIn("ulaw"), PhoneOut("ulaw")
    with open(out_path, "w") as f, gl.Session.connect(
        endpoint=endpoint, response_modality="text+audio"
    ) as session:
        sent = 0
        for message in twilio_inbound(codes):
            pcm = phone_in.process(base64.b64decode(message["media"]["payload"]))
            if pcm:
                session.send_audio(pcm)
                sent += len(pcm) // 2
        # The caller hung up (Twilio's "stop"): the input short of a frame and the filter's
        # tail still belong to the call.
        pcm = phone_in.finish()
        session.send_audio(pcm)
        sent += len(pcm) // 2
        session.audio_stream_end()
        print(f"caller: {len(codes) // FRAME} frames of mu-law -> {sent} samples at 16 kHz sent")
        out = Outbound(f, phone_out)
        run_turn(session, out, 1)
        # The fake server interrupts a turn that asks for it, as when the caller talks over it.
        session.send_text("interrupt me")
        run_turn(session, out, 2)
        st = phone_out.stats()
        print(f"outbound: {st.frames} frames, {st.cleared} codes cleared, {st.overflowed} "
              f"dropped; {out.clears} clear message(s); written to {out_path}")
    phone_in.close()
    phone_out.close()
    if fake:
        fake.close()


if __name__ == "__main__":
    main()
