"""Turns against the embedded fake server: text, audio with checksum, tools, threads,
context manager, events iterator, metrics, logging."""

import logging
import threading
import unittest
from array import array

from _support import TEXT_MODEL, collect_turn, fnv1a64, gl, le_bytes, tone


class SessionTest(unittest.TestCase):
    def setUp(self):
        self.fake = gl.FakeServer()
        self.addCleanup(self.fake.close)

    def connect(self, **options):
        s = gl.Session.connect(endpoint=self.fake.endpoint, **options)
        self.addCleanup(s.close)
        return s

    def test_text_turn_echoes_the_text(self):
        s = self.connect(response_modality="text", model=TEXT_MODEL)
        first = s.next_event(5)
        self.assertIsInstance(first, gl.SetupCompleteEvent)
        s.send_text("hello from Python")
        text, pcm, _ = collect_turn(s)
        self.assertEqual(text, "[turn 1] echo: hello from Python")
        self.assertEqual(pcm, b"")

    def test_turns_in_a_row_each_get_their_own_reply(self):
        s = self.connect(response_modality="text", model=TEXT_MODEL)
        for i in range(3):
            s.send_text(f"question {i}")
            text, _, _ = collect_turn(s)
            self.assertEqual(text, f"[turn {i + 1}] echo: question {i}")
        s.close()

    def test_audio_turn_reports_the_checksum_of_what_was_sent(self):
        s = self.connect()  # text+audio: the reply text is the audio's transcription
        samples = tone(16000)
        chunks = [samples[i:i + 320] for i in range(0, len(samples), 320)]
        # Every accepted input shape: array('h'), bytes, list of ints, memoryview.
        for i, chunk in enumerate(chunks):
            shape = i % 4
            if shape == 0:
                s.send_audio(chunk)
            elif shape == 1:
                s.send_audio(le_bytes(chunk))
            elif shape == 2:
                s.send_audio(list(chunk))
            else:
                s.send_audio(memoryview(chunk))
        s.audio_stream_end()
        text, pcm, events = collect_turn(s)
        raw = le_bytes(samples)
        expected = f"[turn 1] heard {len(raw)} bytes of audio, checksum {fnv1a64(raw):016x}"
        self.assertEqual(text, expected)
        self.assertGreater(len(pcm), 0)
        audio = [e for e in events if isinstance(e, gl.AudioEvent)]
        self.assertTrue(all(e.sample_rate == 24000 for e in audio))
        self.assertEqual(sum(len(e.samples) for e in audio), len(pcm) // 2)
        heard = [e for e in events if isinstance(e, gl.InputTranscriptionEvent)]
        self.assertTrue(heard and heard[0].text == f"{len(raw)} bytes of audio", events)

    def test_try_send_audio_and_audio_rate(self):
        s = self.connect(response_modality="text", model=TEXT_MODEL)
        samples = tone(800, rate=8000)
        self.assertTrue(s.try_send_audio(samples, 8000))
        s.send_audio_rate(samples, 8000)
        s.audio_stream_end()
        text, _, _ = collect_turn(s)
        raw = le_bytes(samples) * 2
        self.assertIn(f"heard {len(raw)} bytes of audio, checksum {fnv1a64(raw):016x}", text)

    def test_tool_call_round_trip(self):
        s = self.connect(
            response_modality="text", model=TEXT_MODEL,
            functions=[{"name": "get_weather", "description": "Weather by city",
                        "parameters": {"type": "OBJECT",
                                       "properties": {"city": {"type": "STRING"}}}}],
        )
        s.send_text('call tool get_weather with {"city": "Paris"}')
        ev = s.next_event(5)
        while not isinstance(ev, gl.ToolCallEvent):
            self.assertIsNotNone(ev, "no tool call")
            ev = s.next_event(5)
        self.assertEqual(len(ev.calls), 1)
        call = ev.calls[0]
        self.assertEqual((call.name, call.args), ("get_weather", {"city": "Paris"}))
        self.assertTrue(call.id)
        s.send_tool_response(call.id, call.name, {"result": "sunny, 21C"})
        text, _, _ = collect_turn(s)
        self.assertIn("tool get_weather returned", text)
        self.assertIn("sunny, 21C", text)

    def test_context_manager_closes_and_frees_the_session(self):
        with gl.Session.connect(endpoint=self.fake.endpoint, response_modality="text", model=TEXT_MODEL) as s:
            s.send_text("bye")
            collect_turn(s)
            self.assertEqual(s.state, gl.State.CONNECTED)
            self.assertFalse(s.closed)
        self.assertTrue(s.closed)
        self.assertTrue(s._owner._freed, "close() must free the C session, not only close it")
        self.assertEqual(s.state, gl.State.CLOSED)
        with self.assertRaises(gl.ClosedError):
            s.send_text("too late")
        self.assertEqual(list(s.events()), [])
        with self.assertRaises(gl.ClosedError):
            s.next_event(1)
        with self.assertRaises(gl.ClosedError):
            s.metrics()
        s.close()  # twice is fine

    def test_close_while_another_thread_waits_frees_after_its_call_returns(self):
        s = gl.Session.connect(endpoint=self.fake.endpoint, response_modality="text", model=TEXT_MODEL)
        self.assertIsInstance(s.next_event(5), gl.SetupCompleteEvent)
        waiting = threading.Event()
        seen = []
        real_next = s._next

        def traced_next(timeout_ms):
            waiting.set()
            return real_next(timeout_ms)

        s._next = traced_next

        def reader():
            seen.extend(s.events())  # blocks in next_event until close() wakes it

        t = threading.Thread(target=reader)
        t.start()
        self.assertTrue(waiting.wait(10))
        s.close()
        t.join(10)
        self.assertFalse(t.is_alive(), "close() did not wake the waiting reader")
        self.assertTrue(s._owner._freed)
        # Whatever the reader got before the free is complete events, ending at most with
        # the ClosedEvent; nothing after it.
        self.assertTrue(all(isinstance(e, gl.Event) for e in seen), seen)
        if seen:
            self.assertNotIn(gl.ClosedEvent, [type(e) for e in seen[:-1]])

    def test_one_thread_sends_audio_while_another_reads_events(self):
        s = self.connect(response_modality="text", model=TEXT_MODEL)
        samples = tone(32000)
        errors = []

        def sender():
            try:
                for i in range(0, len(samples), 320):
                    s.send_audio(samples[i:i + 320])
                s.audio_stream_end()
            except Exception as e:  # reported by the main thread
                errors.append(e)

        t = threading.Thread(target=sender)
        t.start()
        text, _, _ = collect_turn(s, timeout=20)
        t.join(20)
        self.assertFalse(t.is_alive())
        self.assertEqual(errors, [])
        raw = le_bytes(samples)
        self.assertIn(f"heard {len(raw)} bytes of audio, checksum {fnv1a64(raw):016x}", text)

    def test_metrics_and_resumption_handle(self):
        s = self.connect(response_modality="text", model=TEXT_MODEL)
        s.send_text("count me")
        collect_turn(s)
        m = s.metrics()
        # The C struct's names and units (microseconds); None where C says -1.
        self.assertGreaterEqual(m["messages_sent"], 1)
        self.assertGreater(m["bytes_received"], 0)
        self.assertIsInstance(m["connect_total_us"], int)
        self.assertGreater(m["connect_total_us"], 0)
        self.assertIsInstance(m["last_turn_complete_us"], int)
        self.assertGreaterEqual(m["last_turn_complete_us"], m["last_first_reply_us"])
        self.assertEqual(m["state"], gl.State.CONNECTED)
        self.assertGreaterEqual(m["send_latency_count"], 1)
        self.assertIsNotNone(m["send_latency_max_us"])
        self.assertEqual(set(m), set(gl.Metrics.__annotations__))
        self.assertIsNone(m["last_close_code"])
        self.assertIsNone(m["last_close_reason"])
        # The fake issues a new handle after each turn; wait for it.
        handle = None
        while handle is None:
            ev = s.next_event(5)
            self.assertIsNotNone(ev)
            if isinstance(ev, gl.ResumptionUpdateEvent) and ev.resumable:
                handle = ev.handle
        self.assertEqual(s.resumption_handle, handle)

    def test_library_logs_reach_python_logging(self):
        with self.assertLogs("gemini_live", level="INFO") as logs:
            s = gl.Session.connect(endpoint=self.fake.endpoint)
            s.close()
        text = "\n".join(logs.output)
        self.assertIn("connected to " + self.fake.endpoint, text)
        self.assertIn("closing session", text)
        self.assertTrue(any(r.name.startswith("gemini_live.") for r in logs.records))
        gl.set_log_level(logging.WARNING)
        self.addCleanup(gl.set_log_level, logging.INFO)

    def test_send_client_content_and_realtime_text(self):
        s = self.connect(response_modality="text", model=TEXT_MODEL)
        s.send_client_content([{"role": "user", "parts": [{"text": "history turn"}]}])
        text, _, _ = collect_turn(s)
        self.assertEqual(text, "[turn 1] echo: history turn")
        s.send_realtime_text("typed")
        text, _, _ = collect_turn(s)
        self.assertEqual(text, "[turn 2] echo: typed")

    def test_event_json_for_generic_events(self):
        s = self.connect(response_modality="text", model=TEXT_MODEL)
        s.send_text("send unknown")
        found = None
        while found is None:
            ev = s.next_event(5)
            self.assertIsNotNone(ev)
            if ev.kind == "unknown":
                found = ev
        self.assertEqual(type(found), gl.Event)
        self.assertEqual(found.data["key"], "someFutureMessage")
        self.assertEqual(found.data["value"], {"x": 1})


class AudioShapesTest(unittest.TestCase):
    def test_pcm_conversion_accepts_every_shape(self):
        from gemini_live.audio import to_pcm16 as _pcm_bytes

        a = array("h", [1, -2, 300])
        raw = le_bytes(a)
        self.assertEqual(_pcm_bytes(a), raw)
        self.assertEqual(_pcm_bytes([1, -2, 300]), raw)
        self.assertEqual(_pcm_bytes(memoryview(a)), raw)
        self.assertEqual(_pcm_bytes(bytearray(raw)), raw)
        with self.assertRaises(TypeError):
            _pcm_bytes(array("i", [1]))


if __name__ == "__main__":
    unittest.main()
