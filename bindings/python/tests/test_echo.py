"""gemini_live.echo: the echo canceller fed by a player: the echo of what the player played is
gone from the microphone after a second, the input is not modified, bad arguments raise."""

import random
import unittest
from array import array

from _support import gl

from gemini_live.audio import Player
from gemini_live import _lib
from gemini_live.echo import NOISE_SUPPRESSION, EchoCanceller, EchoStats
from test_header_mirror import c_struct_fields, header_defines


def energy(pcm: bytes) -> float:
    a = array("h")
    a.frombytes(pcm)
    return float(sum(v * v for v in a))


class EchoCancellerTest(unittest.TestCase):
    def test_the_played_audio_is_cancelled_from_the_microphone(self):
        rng = random.Random(3)
        player = Player(device_rate=16000)
        with EchoCanceller(player, capture_rate=16000, device_delay_ms=10) as echo:
            reply = array("h", (rng.randint(-4000, 4000) for _ in range(24000)))
            player.push(reply)
            player.end_turn()
            mic_energy = out_energy = 0.0
            for k in range(100):
                played = array("h")
                played.frombytes(player.read(160))
                mic = array("h", (v // 2 for v in played))
                before = mic.tobytes()
                clean = echo.process(mic)
                self.assertEqual(mic.tobytes(), before, "the input is left alone")
                self.assertEqual(len(clean), 320)
                if k >= 70:
                    mic_energy += energy(mic.tobytes())
                    out_energy += energy(clean)
            self.assertGreater(mic_energy, 0)
            self.assertLess(out_energy * 100, mic_energy, "at least 20 dB less echo")
            stats = echo.stats()
            self.assertIsInstance(stats, EchoStats)
            self.assertEqual(stats.capture_frames, 100)
            self.assertGreaterEqual(stats.reference_frames, 99)
            self.assertEqual(stats.device_delay_ms, 10)
            echo.set_enabled(False)
            self.assertFalse(echo.stats().enabled)
            echo.set_device_delay_ms(30)
            self.assertEqual(echo.stats().device_delay_ms, 30)
            self.assertEqual(echo.process(b""), b"")

    def test_push_from_the_callback_and_pull_on_the_sending_thread(self):
        rng = random.Random(5)
        player = Player(device_rate=16000)
        with EchoCanceller(player) as echo:
            self.assertEqual(echo.pull(), b"")
            player.push(array("h", (rng.randint(-4000, 4000) for _ in range(24000))))
            player.end_turn()
            mic_energy = out_energy = 0.0
            for k in range(100):
                played = array("h")
                played.frombytes(player.read(160))
                mic = array("h", (v // 2 for v in played))
                self.assertEqual(echo.push(mic), 160)
                if k % 2 == 1:
                    clean = echo.pull()
                    self.assertEqual(len(clean), 640)
                    if k >= 71:
                        out_energy += energy(clean)
                if k >= 70:
                    mic_energy += energy(mic.tobytes())
            self.assertLess(out_energy * 100, mic_energy, "at least 20 dB less echo")
            # Nobody pulls for 1.5 s: the ring (1 s) keeps what fits and counts the rest.
            self.assertEqual(echo.push(bytes(48000)), 16000)
            self.assertEqual(len(echo.pull()), 32000)
            self.assertEqual(echo.stats().mic_dropped, 8000)

    def test_bad_arguments_raise(self):
        player = Player(device_rate=48000, channels=2)
        with self.assertRaises(gl.InvalidArgumentError):
            EchoCanceller(player, capture_rate=22050)
        with self.assertRaises(gl.InvalidArgumentError):
            EchoCanceller(player, device_delay_ms=501)
        with self.assertRaises(ValueError):
            EchoCanceller(player, noise_suppression="loud")
        echo = EchoCanceller(player, noise_suppression="moderate")
        with self.assertRaises(gl.InvalidArgumentError):
            echo.set_device_delay_ms(900)
        echo.close()
        with self.assertRaises(gl.ClosedError):
            echo.process(b"\x00\x00")


class EchoHeaderMirrorTest(unittest.TestCase):
    def test_levels_and_stats_struct_match_the_header(self):
        defines = header_defines()
        levels = {n: v for n, v in defines.items() if n.startswith("NOISE_SUPPRESSION_")}
        self.assertEqual(
            levels, {"NOISE_SUPPRESSION_" + k.upper(): v for k, v in NOISE_SUPPRESSION.items()}
        )
        self.assertEqual(
            [(f, t) for f, t in _lib.EchoStats._fields_],
            c_struct_fields("gemini_live_echo_stats"),
        )


if __name__ == "__main__":
    unittest.main()
