"""gemini_live.audio: the resampler, the player (flush on an interruption from the fake, heard
position) and the wire recorder option."""

import ctypes
import json
import math
import os
import tempfile
import unittest
from array import array

from _support import TEXT_MODEL, gl, tone

from gemini_live.audio import Player, Resampler, cut_transcript


class ResamplerTest(unittest.TestCase):
    def test_44k_stereo_becomes_16k_mono_the_same_in_any_chunking(self):
        stereo = array("h")
        for s in tone(44100, rate=44100, freq=440.0):
            stereo.extend((s, s))
        with Resampler(44100, channels=2) as whole:
            one = whole.process(stereo) + whole.flush()
        self.assertEqual(len(one), 16000 * 2)
        pieces = Resampler(44100, channels=2)
        raw = stereo.tobytes()
        out = b""
        for at in range(0, len(raw), 1234):  # 617 samples: frames split across calls
            out += pieces.process(raw[at : at + 1234])
        out += pieces.flush()
        self.assertEqual(out, one)
        self.assertGreater(pieces.latency_ms, 0)

    def test_float_input_and_bad_rates(self):
        r = Resampler(48000, channels=1)
        out = r.process_f32([math.sin(i * 0.05) * 0.5 for i in range(4800)]) + r.flush()
        self.assertEqual(len(out), 1600 * 2)
        with self.assertRaises(gl.InvalidArgumentError):
            Resampler(0)


class PlayerTest(unittest.TestCase):
    def test_interrupted_from_the_fake_flushes_and_reports_the_heard_part(self):
        player = Player(device_rate=48000, channels=2, start_threshold_ms=0)
        buf = (ctypes.c_int16 * (480 * 2))()
        read_frames = 0
        flushed = None
        with gl.FakeServer() as fake:
            with gl.Session.connect(
                endpoint=fake.endpoint, response_modality="audio", output_transcription=True
            ) as s:
                s.send_text("interrupt me")
                for ev in s.events(timeout=5):
                    p = player.handle_event(ev)
                    if p is not None and p.interrupted:
                        flushed = p
                        self.assertEqual(player.read_into(buf), 0, "nothing plays after a flush")
                    if isinstance(ev, gl.AudioEvent):
                        read_frames += player.read_into(buf)
                    if isinstance(ev, gl.TurnCompleteEvent):
                        break
        self.assertIsNotNone(flushed)
        self.assertGreater(flushed.received, 0)
        # 48 kHz device frames -> 24 kHz model samples.
        self.assertEqual(flushed.heard, read_frames // 2)
        st = player.stats()
        self.assertEqual(st.flushes, 1)
        self.assertEqual(st.buffered, 0)
        self.assertEqual(player.last().turn, 1)
        player.close()

    def test_threshold_underrun_and_transcript_cut(self):
        p = Player(start_threshold_ms=10)  # 240 samples
        p.push(array("h", [5] * 200))
        self.assertEqual(p.read(100), b"\0\0" * 100)
        p.push(array("h", [5] * 100))
        self.assertEqual(p.read(300), array("h", [5] * 300).tobytes())
        p.read(10)
        self.assertEqual(p.stats().underruns, 1)
        self.assertEqual(cut_transcript("one two three four", 0.5), "one two")


class RecordTest(unittest.TestCase):
    def test_record_option_writes_jsonl_without_the_key(self):
        key = "AIzaPYTHONRECORDKEY0123456789"
        path = os.path.join(tempfile.mkdtemp(), "rec.jsonl")
        with gl.FakeServer() as fake:
            with gl.Session.connect(
                endpoint=fake.endpoint, response_modality="text", model=TEXT_MODEL, api_key=key, record=path
            ) as s:
                s.send_text("hello")
                for ev in s.events(timeout=5):
                    if isinstance(ev, gl.TurnCompleteEvent):
                        break
        with open(path) as f:
            text = f.read()
        lines = [json.loads(line) for line in text.splitlines()]
        self.assertEqual(lines[0]["gemini_live_recording"], 1)
        dirs = [line.get("dir") for line in lines[1:]]
        self.assertIn("send", dirs)
        self.assertIn("recv", dirs)
        self.assertNotIn(key, text)


if __name__ == "__main__":
    unittest.main()
