"""Audio input through every entry point (sends, Resampler.process/process_f32,
Player.push/read_into, to_pcm16, aio): int16, float32 and float64, numpy arrays and
buffers, (frames,) and (frames, channels); anything else a TypeError naming dtype and
shape. numpy is needed for the numpy half: skipped with a message outside CI (the package
is `numpy`; .ci/run installs it), a failure under CI=true."""

import asyncio
import math
import os
import subprocess
import sys
import unittest
from array import array

from _support import TEXT_MODEL, HERE, collect_turn, fnv1a64, gl, le_bytes

from gemini_live.audio import Player, Resampler, to_pcm16

try:
    import numpy as np
except ImportError:  # pragma: no cover - depends on the machine
    np = None

UNDER_CI = os.environ.get("CI", "") not in ("", "0", "false")


def needs_numpy(test):
    """Skips ``test`` without numpy, except under CI, where it must be installed."""
    if np is not None:
        return test
    if UNDER_CI:
        def fail(self):
            self.fail("numpy is not installed: CI must install it (python3 -m pip install numpy)")
        fail.__name__ = test.__name__
        return fail
    return unittest.skip("numpy is not installed (pip install numpy)")(test)


N = 480
#: The reference mono signal (int16) and a stereo pair whose channel mean is exactly it.
REF = array("h", (int(9000 * math.sin(2 * math.pi * 440 * i / 16000)) for i in range(N)))
DIFF = array("h", ((i % 7) * 2 - 6 for i in range(N)))  # even, so (L + R) / 2 is exact
LEFT = array("h", (r + d for r, d in zip(REF, DIFF)))
RIGHT = array("h", (r - d for r, d in zip(REF, DIFF)))
INTERLEAVED = array("h", (v for pair in zip(LEFT, RIGHT) for v in pair))


def as_floats(samples, code="f"):
    return array(code, (v / 32768.0 for v in samples))


def stereo_view(samples, code):
    """A 2-D (frames, 2) memoryview of interleaved ``samples`` of typecode ``code``."""
    return memoryview(samples if samples.typecode == code else array(code, samples)).cast(
        "B"
    ).cast(code, (len(samples) // 2, 2))


class BufferInputTest(unittest.TestCase):
    """Without numpy: buffers and lists."""

    def test_every_buffer_kind_gives_the_same_pcm(self):
        mono = le_bytes(REF)
        cases = {
            "array('h')": REF,
            "array('f')": as_floats(REF, "f"),
            "array('d')": as_floats(REF, "d"),
            "memoryview h": memoryview(REF),
            "memoryview f": memoryview(as_floats(REF, "f")),
            "bytes": mono,
            "bytearray": bytearray(mono),
            "list of ints": list(REF),
            "list of floats": list(as_floats(REF, "d")),
            "stereo memoryview h": stereo_view(INTERLEAVED, "h"),
            "stereo memoryview f": stereo_view(as_floats(INTERLEAVED, "f"), "f"),
            "stereo memoryview d": stereo_view(as_floats(INTERLEAVED, "d"), "d"),
            "list of rows": [[l, r] for l, r in zip(LEFT, RIGHT)],
            "list of float rows": [[l / 32768, r / 32768] for l, r in zip(LEFT, RIGHT)],
        }
        for name, audio in cases.items():
            with self.subTest(name):
                self.assertEqual(to_pcm16(audio), mono)
        self.assertEqual(to_pcm16(stereo_view(INTERLEAVED, "h"), channels=2), le_bytes(INTERLEAVED))

    def test_floats_are_scaled_rounded_and_clipped(self):
        values = [0.5, -0.5, 1.0, -1.0, 1.5, -1.5, float("nan"), 1 / 65536, 3 / 65536,
                  float("inf"), -float("inf"), 32767 / 32768]
        want = [16384, -16384, 32767, -32768, 32767, -32768, 0, 0, 2, 32767, -32768, 32767]
        for code in ("f", "d"):
            self.assertEqual(to_pcm16(array(code, values)), le_bytes(array("h", want)))

    def test_anything_else_is_a_type_error_naming_dtype_and_shape(self):
        cases = {
            "array('i')": (array("i", [1, 2]), ["int32", "(2,)"]),
            "array('b')": (array("b", [1, 2]), ["int8"]),
            "3-D view": (memoryview(bytes(16)).cast("h", (2, 2, 2)), ["int16", "(2, 2, 2)"]),
            "int32 view": (memoryview(array("i", [1, 2, 3, 4])).cast("B").cast("i", (2, 2)),
                           ["int32", "(2, 2)"]),
            "str": ("hello", ["str"]),
            "list of str": (["a", "b"], ["list of str"]),
            "None": (None, ["NoneType"]),
            "ragged rows": ([[1, 2], [3]], ["rows of different lengths"]),
        }
        for name, (audio, words) in cases.items():
            with self.subTest(name), self.assertRaises(TypeError) as cm:
                to_pcm16(audio)
            for w in words:
                self.assertIn(w, str(cm.exception))
            self.assertIn("expected int16, float32 or float64", str(cm.exception))
        with self.assertRaises(gl.InvalidArgumentError) as cm:  # also a ValueError
            to_pcm16([40000])
        self.assertIn("40000", str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            to_pcm16(stereo_view(INTERLEAVED, "h"), channels=3)
        self.assertIn("this takes 3 channels", str(cm.exception))

    def test_numpy_is_never_imported_for_buffers(self):
        script = (
            "import sys\n"
            f"sys.path.insert(0, {str(HERE)!r}); sys.path.insert(0, {str(HERE.parent)!r})\n"
            "import gemini_live as gl\n"
            "from array import array\n"
            "from gemini_live.audio import Player, Resampler, to_pcm16\n"
            "f = array('f', [0.25] * 960)\n"
            "r = Resampler(48000, channels=2)\n"
            "assert len(r.process(f) + r.flush()) > 0\n"
            "p = Player(start_threshold_ms=0)\n"
            "p.push(f)\n"
            "out = array('f', [0.0] * 100)\n"
            "assert p.read_into(out) == 100 and out[0] == 0.25, out[:4]\n"
            "assert to_pcm16(memoryview(f).cast('B').cast('f', (480, 2))) == "
            "array('h', [8192] * 480).tobytes()\n"
            "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
            "print('ok')\n"
        )
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "ok")

    def test_player_reads_into_every_writable_buffer_kind(self):
        for buf, expect in [
            ((__import__("ctypes").c_int16 * 8)(), [1000] * 8),
            (array("h", [0] * 8), [1000] * 8),
            (array("f", [0.0] * 8), [1000 / 32768] * 8),
            (array("d", [0.0] * 8), [1000 / 32768] * 8),
            (bytearray(16), list(le_bytes(array("h", [1000] * 8)))),
        ]:
            with self.subTest(type(buf).__name__ + getattr(buf, "typecode", "")):
                p = Player(device_rate=24000, channels=2, start_threshold_ms=0)
                p.push(array("h", [1000] * 4))
                self.assertEqual(p.read_into(buf), 4)
                got = list(buf)
                for g, e in zip(got, expect):
                    self.assertAlmostEqual(g, e, places=6)
        with self.assertRaises(TypeError) as cm:
            Player().read_into(b"\0" * 8)
        self.assertIn("read-only", str(cm.exception))
        with self.assertRaises(TypeError) as cm:
            Player().read_into(array("i", [0] * 8))
        self.assertIn("int32", str(cm.exception))


class ModuleHelperTest(unittest.TestCase):
    def test_the_helper_other_audio_modules_call_converts_too(self):
        from gemini_live.audio import _samples

        _, n, keep = _samples(stereo_view(as_floats(INTERLEAVED), "f"))
        self.assertEqual(n, N)
        self.assertEqual(keep.le_bytes(), le_bytes(REF))
        with self.assertRaises(TypeError) as cm:
            _samples(array("i", [1]), "telephony.encode")
        self.assertIn("telephony.encode: expected", str(cm.exception))


def echo_output(audio):
    """What a fresh EchoCanceller (its player silent) makes of ``audio``."""
    from gemini_live.echo import EchoCanceller

    player = Player(device_rate=16000)
    with EchoCanceller(player) as echo:
        return echo.process(audio)


def telephony_and_vad_outputs(audio):
    """What telephony.encode, PhoneOut.push (its frames), ClientVad.process and
    EchoCanceller.process make of ``audio``: equal for equal samples, whatever their dtype
    and shape."""
    from gemini_live.telephony import PhoneOut, encode
    from gemini_live.vad import ClientVad

    out = PhoneOut("ulaw")
    queued = out.push(audio)
    out.finish()
    with ClientVad("gate") as vad:
        events = vad.process(audio)
        stats = vad.stats()
    return (encode(audio), queued, b"".join(out.frames()), events, stats.speaking,
            echo_output(audio))


class OtherAudioModulesTest(unittest.TestCase):
    """telephony, vad and echo take audio through the same conversion."""

    def test_buffers(self):
        want = telephony_and_vad_outputs(REF)
        self.assertEqual(len(want[0]), N)
        for name, audio in [
            ("array('f')", as_floats(REF)),
            ("bytes", le_bytes(REF)),
            ("stereo view d", stereo_view(as_floats(INTERLEAVED, "d"), "d")),
            ("list of rows", [[l, r] for l, r in zip(LEFT, RIGHT)]),
        ]:
            with self.subTest(name):
                self.assertEqual(telephony_and_vad_outputs(audio), want)
        self.check_refusals(array("i", [1, 2]), "int32")

    def check_refusals(self, bad, words):
        from gemini_live.telephony import PhoneOut, encode
        from gemini_live.vad import ClientVad

        calls = {
            "telephony.encode": lambda: encode(bad),
            "PhoneOut.push": lambda: PhoneOut().push(bad),
            "ClientVad.process": lambda: ClientVad("gate").process(bad),
            "EchoCanceller.process": lambda: echo_output(bad),
        }
        for name, call in calls.items():
            with self.subTest(name), self.assertRaises(TypeError) as cm:
                call()
            self.assertIn(f"{name}: expected", str(cm.exception))
            self.assertIn(words, str(cm.exception))

    @needs_numpy
    def test_numpy(self):
        want = telephony_and_vad_outputs(REF)
        stereo = np.frombuffer(INTERLEAVED.tobytes(), dtype=np.int16).reshape(-1, 2)
        for dtype in (np.int16, np.float32, np.float64):
            scale = 1 if dtype is np.int16 else 32768.0
            two = stereo if scale == 1 else (stereo / scale).astype(dtype)
            mono = np.array(REF, dtype=np.int16) if scale == 1 else (
                np.array(REF, dtype=np.float64) / scale).astype(dtype)
            for name, audio in (("mono", mono), ("stereo", two)):
                with self.subTest(np.dtype(dtype).name, shape=name):
                    self.assertEqual(telephony_and_vad_outputs(audio), want)
        self.check_refusals(np.zeros((480, 2), np.int32), "dtype int32, shape (480, 2)")

    def test_client_vad_push_sends_float_input_as_int16(self):
        from gemini_live.vad import ClientVad

        # A voice-like signal (a 140 Hz buzz with harmonics, in 200 ms syllables) as floats,
        # between silences: one utterance, answered once activityEnd closes it.
        voice = array("f")
        for i in range(int(1.2 * 16000)):
            t = i / 16000
            env = 0.5 - 0.5 * math.cos(2 * math.pi * t / 0.2)
            v = sum(math.sin(2 * math.pi * 140 * k * t) / k for k in range(1, 12))
            voice.append(6000 * env * v / 32768)
        audio = array("f", [0.0] * 8000) + voice + array("f", [0.0] * 16000)
        with gl.FakeServer() as fake:
            config = gl.Config(endpoint=fake.endpoint, response_modality="text", model=TEXT_MODEL)
            vad = ClientVad("activity")
            vad.configure(config)
            with gl.Session.connect(config) as session:
                events = []
                for at in range(0, len(audio), 320):
                    events += vad.push(session, audio[at:at + 320])
                vad.finish(session)
                with self.assertRaises(TypeError) as cm:
                    vad.push(session, array("i", [1]))
                self.assertIn("ClientVad.push: expected", str(cm.exception))
                self.assertEqual(events, ["start", "end"])
                sent = vad.stats().sent
                self.assertGreater(sent, 16000)
                reply = ""
                for event in session.events(timeout=10):
                    if isinstance(event, gl.TextEvent):
                        reply += event.text
                    if isinstance(event, gl.TurnCompleteEvent):
                        break
                self.assertIn(f"heard {sent * 2} bytes of audio", reply)


class SendShapesTest(unittest.TestCase):
    """What the fake heard (its checksum of the PCM16 bytes) for each input."""

    def heard(self, session, send, audio):
        send(audio)
        session.audio_stream_end()
        text, _, _ = collect_turn(session)
        return text.split("heard ", 1)[1]

    def expected(self, samples):
        raw = le_bytes(samples)
        return f"{len(raw)} bytes of audio, checksum {fnv1a64(raw):016x}"

    def test_buffers_through_send_and_try_send(self):
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
            want = self.expected(REF)
            for name, audio in [
                ("array('f')", as_floats(REF)),
                ("stereo view d", stereo_view(as_floats(INTERLEAVED, "d"), "d")),
                ("list of rows", [[l, r] for l, r in zip(LEFT, RIGHT)]),
            ]:
                for send in (s.send_audio, s.try_send_audio):
                    with self.subTest(name, send=send.__name__):
                        self.assertEqual(self.heard(s, send, audio), want)
            with self.assertRaises(TypeError) as cm:
                s.send_audio(array("i", [1, 2]))
            self.assertIn("send_audio: expected", str(cm.exception))

    @needs_numpy
    def test_numpy_arrays_of_every_dtype_and_shape_through_the_sends(self):
        want = self.expected(REF)
        ref = np.array(REF, dtype=np.int16)
        stereo = np.stack([np.array(LEFT), np.array(RIGHT)], axis=1).astype(np.int16)
        cases = {}
        for dtype in (np.int16, np.float32, np.float64):
            scale = 1 if dtype is np.int16 else 32768.0
            mono = (ref / scale).astype(dtype) if scale != 1 else ref.copy()
            two = (stereo / scale).astype(dtype) if scale != 1 else stereo.copy()
            name = np.dtype(dtype).name
            cases[f"{name} (frames,)"] = mono
            cases[f"{name} (frames, 1)"] = mono.reshape(-1, 1)
            cases[f"{name} (frames, 2)"] = two
            cases[f"{name} (frames, 2) Fortran order"] = np.asfortranarray(two)
            cases[f"{name} strided"] = np.repeat(mono, 2)[::2]
            cases[f"{name} big-endian"] = mono.astype(np.dtype(dtype).newbyteorder(">"))
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
            for name, audio in cases.items():
                for send in (s.send_audio, s.try_send_audio):
                    with self.subTest(name, send=send.__name__):
                        self.assertEqual(self.heard(s, send, audio), want)
            # The case: float32 (480, 2) failed with numpy's scalar-index error.
            two = (stereo / 32768.0).astype(np.float32)
            self.assertEqual(two.shape, (480, 2))
            self.assertEqual(self.heard(s, s.send_audio, two), want)
            for bad, words in [
                (np.zeros((480, 2), np.int32), "dtype int32, shape (480, 2)"),
                (np.zeros(480, np.uint8), "dtype uint8, shape (480,)"),
                (np.zeros(480, np.float16), "dtype float16"),
                (np.zeros(480, np.complex64), "dtype complex64"),
                (np.zeros((4, 480, 2), np.float32), "shape (4, 480, 2)"),
                (np.zeros((480, 0), np.float32), "shape (480, 0)"),
                (np.float32(0.5), "shape ()"),
            ]:
                for send in (s.send_audio, s.try_send_audio):
                    with self.subTest(words, send=send.__name__), self.assertRaises(TypeError) as cm:
                        send(bad)
                    self.assertIn(words, str(cm.exception))

    @needs_numpy
    def test_aio_send_audio_takes_numpy(self):
        two = (np.stack([np.array(LEFT), np.array(RIGHT)], axis=1) / 32768.0).astype(np.float32)

        async def main():
            with gl.FakeServer() as fake:
                async with gl.aio.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                    await s.send_audio(two)
                    with self.assertRaises(TypeError):
                        await s.send_audio(np.zeros((480, 2), np.int32))
                    await s.audio_stream_end()
                    text = ""
                    async for ev in s:
                        if isinstance(ev, gl.TextEvent):
                            text += ev.text
                        elif isinstance(ev, gl.TurnCompleteEvent):
                            return text

        text = asyncio.run(main())
        self.assertIn("heard " + self.expected(REF), text)


class NumpyConversionTest(unittest.TestCase):
    @needs_numpy
    def test_numpy_and_buffer_paths_agree_on_awkward_values(self):
        rng = np.random.default_rng(7)
        x = rng.uniform(-1.3, 1.3, size=(2000, 2))
        x[::97] = np.nan
        x[5] = [0.5 / 32768, 1.5 / 32768]  # halves round to even
        x[6] = [np.inf, -np.inf]
        for dtype, code in ((np.float32, "f"), (np.float64, "d")):
            a = x.astype(dtype)
            buf = array(code, a.reshape(-1).tolist())
            view = memoryview(buf).cast("B").cast(code, a.shape)
            with self.subTest(np.dtype(dtype).name):
                self.assertEqual(to_pcm16(a), to_pcm16(view))  # downmixed
                self.assertEqual(to_pcm16(a, channels=2), to_pcm16(view, channels=2))
                self.assertEqual(to_pcm16(a[:, 0]), to_pcm16(array(code, a[:, 0].tolist())))
        ints = rng.integers(-32768, 32768, size=(2000, 2)).astype(np.int16)
        view = memoryview(array("h", ints.reshape(-1).tolist())).cast("B").cast("h", (2000, 2))
        self.assertEqual(to_pcm16(ints), to_pcm16(view))


class ResamplerInputTest(unittest.TestCase):
    def reference(self, channels, audio):
        r = Resampler(48000, channels=channels)
        return r.process(audio) + r.flush()

    def run_both(self, channels, audio, method="process"):
        r = Resampler(48000, channels=channels)
        return getattr(r, method)(audio) + r.flush()

    def test_buffers(self):
        ints = self.reference(2, INTERLEAVED)
        floats = self.reference(2, as_floats(INTERLEAVED))
        self.assertEqual(len(ints), len(floats))
        # The float path is the library's float path: within a rounding step of the int16 one.
        diff = max(abs(a - b) for a, b in zip(array("h", ints), array("h", floats)))
        self.assertLessEqual(diff, 2)
        self.assertEqual(self.run_both(2, stereo_view(as_floats(INTERLEAVED), "f"), "process_f32"),
                         floats)
        self.assertEqual(self.run_both(2, list(as_floats(INTERLEAVED, "d")), "process_f32"), floats)
        # A one-channel resampler averages a stereo input.
        self.assertEqual(self.run_both(1, stereo_view(INTERLEAVED, "h")), self.reference(1, REF))
        with self.assertRaises(TypeError) as cm:
            Resampler(48000, channels=2).process(array("i", [0] * 8))
        self.assertIn("Resampler.process: expected", str(cm.exception))

    @needs_numpy
    def test_numpy(self):
        stereo = np.frombuffer(INTERLEAVED.tobytes(), dtype=np.int16).reshape(-1, 2)
        f32 = (stereo / 32768.0).astype(np.float32)
        ints = self.reference(2, INTERLEAVED)
        floats = self.reference(2, as_floats(INTERLEAVED))
        # The case: process(float32 array) read the float bytes as int16 (garbage).
        self.assertEqual(self.run_both(2, f32), floats)
        self.assertEqual(self.run_both(2, f32.reshape(-1)), floats)
        self.assertEqual(self.run_both(2, f32.astype(np.float64)), floats)
        self.assertEqual(self.run_both(2, stereo), ints)
        self.assertEqual(self.run_both(2, np.asfortranarray(stereo)), ints)
        # process_f32 refused (frames, channels).
        self.assertEqual(self.run_both(2, f32, "process_f32"), floats)
        self.assertEqual(self.run_both(2, stereo, "process_f32"), ints)
        # A one-channel resampler averages.
        self.assertEqual(self.run_both(1, stereo), self.reference(1, REF))
        self.assertEqual(self.run_both(1, f32, "process_f32"),
                         self.reference(1, as_floats(REF)))
        for method in ("process", "process_f32"):
            with self.subTest(method), self.assertRaises(TypeError) as cm:
                getattr(Resampler(48000, channels=2), method)(np.zeros((480, 3), np.float32))
            self.assertIn("dtype float32, shape (480, 3)", str(cm.exception))
            self.assertIn("this takes 2 channels", str(cm.exception))
            with self.assertRaises(TypeError) as cm:
                getattr(Resampler(48000), method)(np.zeros(480, np.int32))
            self.assertIn("dtype int32, shape (480,)", str(cm.exception))


class PlayerInputTest(unittest.TestCase):
    def played(self, audio, channels=1):
        p = Player(device_rate=24000, channels=channels, start_threshold_ms=0)
        p.push(audio)
        return p.read(N)

    def test_buffers(self):
        want = self.played(REF)
        self.assertEqual(want[: 2 * N], le_bytes(REF))
        self.assertEqual(self.played(as_floats(REF)), want)
        self.assertEqual(self.played(stereo_view(as_floats(INTERLEAVED, "d"), "d")), want)
        with self.assertRaises(TypeError) as cm:
            Player().push(array("I", [1]))
        self.assertIn("Player.push: expected", str(cm.exception))

    @needs_numpy
    def test_numpy(self):
        want = self.played(REF)
        stereo = np.frombuffer(INTERLEAVED.tobytes(), dtype=np.int16).reshape(-1, 2)
        for dtype in (np.int16, np.float32, np.float64):
            scale = 1 if dtype is np.int16 else 32768.0
            with self.subTest(np.dtype(dtype).name):
                self.assertEqual(self.played((stereo / scale).astype(dtype)
                                             if scale != 1 else stereo), want)
                mono = np.array(REF, dtype=np.float64) / scale
                self.assertEqual(self.played(mono.astype(dtype)), want)
        with self.assertRaises(TypeError) as cm:
            Player().push(np.zeros((480, 2), np.int32))
        self.assertIn("dtype int32, shape (480, 2)", str(cm.exception))

    @needs_numpy
    def test_read_into_numpy_outdata(self):
        # sounddevice hands the callback a (frames, channels) float32 array.
        for dtype in (np.int16, np.float32, np.float64):
            for order in ("C", "F"):
                with self.subTest(np.dtype(dtype).name, order=order):
                    p = Player(device_rate=24000, channels=2, start_threshold_ms=0)
                    p.push(REF)
                    out = np.zeros((N, 2), dtype=dtype, order=order)
                    self.assertEqual(p.read_into(out), N)
                    got = out if dtype is np.int16 else np.rint(out * 32768).astype(np.int16)
                    self.assertEqual(got[:, 0].tolist(), list(REF))
                    self.assertEqual(got[:, 1].tolist(), list(REF))
        p = Player(channels=2)
        with self.assertRaises(TypeError) as cm:
            p.read_into(np.zeros((N, 3), np.float32))
        self.assertIn("shape (480, 3)", str(cm.exception))
        ro = np.zeros((N, 2), np.float32)
        ro.flags.writeable = False
        with self.assertRaises(TypeError) as cm:
            p.read_into(ro)
        self.assertIn("read-only", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
