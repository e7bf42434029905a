"""Must FAIL ``mypy --strict`` (tests/python_binding.rs checks each error below is
reported): the mistakes the TypedDict and the Literal options exist to catch."""

from __future__ import annotations

import gemini_live as gl


def main(s: gl.Session) -> None:
    m = s.metrics()
    print(m["last_turn_complete"])  # error: the C name is last_turn_complete_us
    seconds: float = m["connect_total_us"] + m["state_name"]  # error: no such key
    gl.Config(modality="txt")  # error: not a modality
    gl.Config(activity_handling="NO_INTERRUPTIONS")  # error: not an accepted value
    print(seconds)
