"""The player's adaptive start from Python: the option, and the stats that report it."""

import unittest

from _support import gl  # noqa: F401  (loads the library the tests use)

from gemini_live.audio import Player


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


if __name__ == "__main__":
    unittest.main()
