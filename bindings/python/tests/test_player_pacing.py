"""The player's adaptive start from Python: the option, and the stats that report it."""

import math
import struct
import time
import unittest

from _support import gl  # noqa: F401  (loads the library the tests use)

import gemini_live as gl
from gemini_live.audio import Player
from gemini_live.fake import FakeServer


class PlayerPacingTest(unittest.TestCase):
    def test_stats_report_the_start_delay_and_arrival_rate(self):
        for adaptive in (True, False):
            with Player(adaptive_start=adaptive) as p:
                st = p.stats()
                self.assertEqual((st.start_delay, st.start_delay_ms), (0, 0.0))
                self.assertIsNone(st.arrival_rate)
                # Two chunks at once: as fast as the socket, never delayed.
                p.push(b"\x10\x00" * 2400)
                p.push(b"\x10\x00" * 2400)
                got = p.read(480)
                self.assertEqual(len(got), 960)
                self.assertEqual(p.stats().start_delay, 0)
                self.assertEqual((p.stats().pauses, p.stats().paused, p.stats().paused_ms),
                                 (0, 0, 0.0))

    def test_a_first_reply_slower_than_real_time_pauses_at_word_gaps(self):
        # 1.5 s of "words" (a 220 Hz tone, 300 ms) and quiet gaps (100 ms), pushed in 100 ms
        # chunks at 0.7x real time by the wall clock, read 10 ms a tick in the same loop.
        rate, chunk = 24000, 2400
        samples = []
        while len(samples) < 15 * chunk:
            samples += [int(9000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(7200)]
            samples += [0] * 2400
        pcm = struct.pack("<%dh" % (15 * chunk), *samples[: 15 * chunk])
        with Player() as p:
            buf = bytearray(480)
            start, pushed, heard = time.monotonic(), 0, 0
            while heard < 15 * chunk:
                now = time.monotonic() - start
                while pushed < 15 and pushed * 0.1 / 0.7 <= now:
                    p.push(pcm[pushed * chunk * 2 : (pushed + 1) * chunk * 2])
                    pushed += 1
                    if pushed == 15:
                        p.end_turn()
                heard += p.read_into(buf)
                self.assertLess(now, 20.0, "the reply never played out")
                time.sleep(max(0.0, start + (now // 0.01 + 1) * 0.01 - time.monotonic()))
            st = p.stats()
            # Its length unknown, the reply paused between words rather than stall in one.
            self.assertGreater(st.pauses, 0, st)
            self.assertGreater(st.paused_ms, 0.0, st)
            self.assertAlmostEqual(st.arrival_rate or 0.0, 0.7, delta=0.1)


    def test_a_paced_fake_sends_words_at_the_pace_asked(self):
        with self.assertRaises(gl.GeminiLiveError):
            FakeServer.paced(400, -1.0)
        # 600 ms of words at 2x: six chunks over about 250 ms, silent in the gaps.
        with FakeServer.paced(600, 2.0) as fake, gl.Session.connect(
            endpoint=fake.endpoint, response_modality="audio"
        ) as s:
            s.send_text("say something")
            arrivals, pcm = [], b""
            for ev in s.events(timeout=5):
                if isinstance(ev, gl.AudioEvent):
                    arrivals.append(time.monotonic())
                    pcm += bytes(ev.pcm)
                if isinstance(ev, gl.TurnCompleteEvent):
                    break
            self.assertEqual(len(pcm), 600 * 48)
            self.assertGreaterEqual(arrivals[-1] - arrivals[0], 0.2)
            gap = struct.unpack("<%dh" % (80 * 24), pcm[285 * 48 : 365 * 48])
            self.assertEqual(max(abs(v) for v in gap), 0, "the first gap is silent")


if __name__ == "__main__":
    unittest.main()
