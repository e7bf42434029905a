"""gemini_live.telephony: the G.711 round trip of every code, the phone-line converters'
rates and levels, the end of a call's tail, and a barge-in clearing what is queued."""

import math
import unittest
from array import array

from _support import gl

from gemini_live import telephony
from gemini_live.telephony import FRAME, PhoneIn, PhoneOut


def tone(n, rate, freq, amp=0.3):
    a = array("h", (int(amp * 32767 * math.sin(2 * math.pi * freq * i / rate)) for i in range(n)))
    return a.tobytes()


def rms(pcm):
    a = array("h")
    a.frombytes(pcm)
    return math.sqrt(sum(v * v for v in a) / max(len(a), 1))


class CodecTest(unittest.TestCase):
    def test_every_code_of_both_laws_survives_decode_then_encode(self):
        codes = bytes(range(256))
        for law in ("ulaw", "alaw"):
            self.assertEqual(telephony.encode(telephony.decode(codes, law), law), codes, law)
        self.assertEqual(telephony.encode(b"\0\0", "ulaw"), b"\xff")
        self.assertEqual(telephony.encode(b"\0\0", "alaw"), b"\xd5")
        with self.assertRaises(ValueError):
            telephony.encode(b"\0\0", "opus")


class ConvertersTest(unittest.TestCase):
    def test_a_second_of_phone_audio_becomes_16k_at_the_same_level(self):
        codes = telephony.encode(tone(8000, 8000, 1000.0), "ulaw")
        with PhoneIn("ulaw") as p:
            out = b"".join(p.process(codes[i : i + FRAME]) for i in range(0, len(codes), FRAME))
        n = len(out) // 2
        self.assertTrue(15800 <= n <= 16000, n)
        level = rms(out[3200:-3200]) / rms(tone(16000, 16000, 1000.0))
        self.assertLess(abs(20 * math.log10(level)), 0.5)

    def test_the_end_of_a_call_gives_the_rest_two_samples_per_code(self):
        # 0.53 s: 26 whole frames and 80 codes more.
        codes = telephony.encode(tone(4240, 8000, 440.0), "alaw")
        with PhoneIn("alaw") as p:
            out = b"".join(p.process(codes[i : i + FRAME]) for i in range(0, len(codes), FRAME))
            self.assertLess(len(out) // 2, 26 * 320)
            tail = p.finish()
            self.assertEqual((len(out) + len(tail)) // 2, 2 * len(codes))
            # The tail carries the tone, not silence.
            self.assertGreater(rms(tail), 0.25 * rms(tone(16000, 16000, 440.0)))
            # Ready for a new call: the same input gives the same output.
            again = p.process(codes) + p.finish()
            self.assertEqual(again, out + tail)

    def test_the_reply_leaves_in_whole_frames_and_a_barge_in_clears_them(self):
        out = PhoneOut("alaw")
        queued = out.push(tone(9600, 24000, 500.0))  # 400 ms
        self.assertTrue(3150 <= queued <= 3200, queued)
        frames = list(out.frames())
        self.assertEqual(len(frames), queued // FRAME)
        self.assertTrue(all(len(f) == FRAME for f in frames))
        out.push(tone(2400, 24000, 500.0))
        dropped = out.clear()
        self.assertGreater(dropped, 0)
        self.assertIsNone(out.pop_frame())
        out.push(tone(2400, 24000, 500.0))
        out.finish()
        self.assertEqual(len(list(out.frames())), 5)  # 100 ms, padded to whole frames
        st = out.stats()
        self.assertEqual((st.buffered, st.cleared), (0, dropped))
        out.close()

    def test_interrupted_from_the_fake_clears_the_queue(self):
        with gl.FakeServer() as fake, gl.Session.connect(
            endpoint=fake.endpoint, response_modality="audio"
        ) as session:
            out = PhoneOut("ulaw")
            session.send_text("interrupt me")
            actions = []
            for event in session.events(timeout=10):
                action = out.handle_event(event)
                if action:
                    actions.append(action)
                if isinstance(event, gl.TurnCompleteEvent):
                    break
            self.assertEqual(actions, ["queued", "queued", "cleared", "finished"])
            # 200 ms at 8 kHz, less the filter's 2.7 ms still in flight.
            self.assertTrue(1570 <= out.stats().cleared <= 1600, out.stats())
            self.assertIsNone(out.pop_frame())
            out.close()


if __name__ == "__main__":
    unittest.main()
