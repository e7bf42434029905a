"""gemini_live.vad: the client VAD in front of a session (the fake server): server VAD off in
the setup, each utterance marked with activityStart / activityEnd and answered; silence and
tones are not speech."""

import math
import unittest
from array import array

from _support import TEXT_MODEL, gl

from gemini_live.vad import ClientVad


def syllables(seconds, rate=16000):
    """A voice-like signal: a 140 Hz buzz with harmonics, in 200 ms syllables."""
    out = array("h")
    for i in range(int(seconds * rate)):
        t = i / rate
        env = 0.5 - 0.5 * math.cos(2 * math.pi * t / 0.2)
        v = sum(math.sin(2 * math.pi * 140 * k * t) / k for k in range(1, 12))
        out.append(int(6000 * env * v))
    return out.tobytes()


class ClientVadTest(unittest.TestCase):
    def test_silence_is_not_speech_and_the_stats_count_nothing(self):
        with ClientVad("gate") as vad:
            self.assertEqual(vad.process(b"\0\0" * 16000), [])
            st = vad.stats()
            self.assertFalse(st.speaking)
            self.assertEqual((st.utterances, st.sent), (0, 0))
        with self.assertRaises(ValueError):
            ClientVad("sometimes")
        with self.assertRaises(gl.InvalidArgumentError):
            ClientVad(threshold=2.0)

    def test_activity_mode_turns_server_vad_off_and_marks_the_utterance(self):
        with gl.FakeServer() as fake:
            config = gl.Config(endpoint=fake.endpoint, response_modality="text", model=TEXT_MODEL)
            vad = ClientVad("activity")
            vad.configure(config)
            with gl.Session.connect(config) as session:
                audio = b"\0\0" * 8000 + syllables(1.2) + b"\0\0" * 16000
                events = []
                for at in range(0, len(audio), 640):
                    events += vad.push(session, audio[at : at + 640])
                vad.finish(session)
                st = vad.stats()
                self.assertEqual(events, ["start", "end"])
                self.assertEqual(st.utterances, 1)
                self.assertEqual(st.sent + st.withheld, len(audio) // 2)
                # The fake answers an audio turn only when activityEnd closes it (with server
                # VAD on it would have refused activityStart with 1007).
                reply = ""
                for event in session.events(timeout=10):
                    if isinstance(event, gl.TextEvent):
                        reply += event.text
                    if isinstance(event, gl.TurnCompleteEvent):
                        break
                self.assertIn(f"heard {st.sent * 2} bytes of audio", reply)
            config.close()
            vad.close()


if __name__ == "__main__":
    unittest.main()
