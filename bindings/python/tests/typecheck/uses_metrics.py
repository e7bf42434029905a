"""Type-checked with ``mypy --strict`` by tests/python_binding.rs (and run by it): a script
using the metrics keys (C names), the Literal options and numpy-free audio input as a user
would. Its twin ``misuses_metrics.py`` must fail the same check."""

from __future__ import annotations

from array import array
from typing import Optional

import gemini_live as gl
from gemini_live.types import Metrics


def latency_ms(m: Metrics) -> Optional[float]:
    """The latest turn's latency in milliseconds (None before a turn completed)."""
    us = m["last_turn_complete_us"]
    return None if us is None else us / 1000.0


def main() -> None:
    with gl.FakeServer() as fake:
        with gl.connect(endpoint=fake.endpoint, modality="text", model="fake-text-live", media_resolution="low",
                        vad_start_sensitivity="START_SENSITIVITY_LOW",
                        phase_timeouts_ms={"tcp_connect": 2000}) as s:
            s.send_audio(array("f", [0.0] * 320))
            s.audio_stream_end()
            for ev in s.events(timeout=10):
                if isinstance(ev, gl.TurnCompleteEvent):
                    break
            m = s.metrics()
            sent: int = m["messages_sent"]
            state: gl.State = m["state"]
            first_audio: Optional[int] = m["last_first_audio_us"]
            print(f"sent={sent} state={state.name} first_audio_us={first_audio}"
                  f" turn_ms={latency_ms(m)}")


if __name__ == "__main__":
    main()
