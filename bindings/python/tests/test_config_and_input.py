"""Config's keyword parameters, the CLI's names, the quota delay, and refusal of what C cannot
carry: strings with a NUL character, integers outside their C type."""

import unittest

from _support import TEXT_MODEL, collect_turn, gl

from gemini_live import _lib


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self.fake = gl.FakeServer()
        self.addCleanup(self.fake.close)

    def test_modality_is_an_alias_of_response_modality(self):
        for value in ("text", gl.Modality.TEXT, "TEXT"):
            with gl.connect(endpoint=self.fake.endpoint, modality=value, model=TEXT_MODEL) as s:
                s.send_text("hi")
                text, pcm, _ = collect_turn(s)
                self.assertEqual((text, pcm), ("[turn 1] echo: hi", b""), value)
        with self.assertRaises(TypeError):
            gl.Config(modality="text", model=TEXT_MODEL, response_modality="audio")
        with self.assertRaises(gl.InvalidArgumentError) as cm:
            gl.Config(modality="video")
        self.assertIn("text+audio", cm.exception.detail)

    def test_set_takes_parameter_names_and_aliases(self):
        cfg = gl.Config()
        self.addCleanup(cfg.close)
        self.assertIs(cfg.set("modality", "text"), cfg)
        cfg.set("model", TEXT_MODEL)
        cfg.set("endpoint", self.fake.endpoint).set("phase_timeout_ms", {"setup": 2000})
        with self.assertRaises(TypeError):
            cfg.set("no_such_option", 1)
        with gl.Session.connect(cfg) as s:
            s.send_text("configured")
            self.assertEqual(collect_turn(s)[0], "[turn 1] echo: configured")

    def test_setup_fields_are_accepted_and_checked(self):
        cfg = gl.Config(
            endpoint=self.fake.endpoint,
            modality="text", model=TEXT_MODEL,
            initial_history_in_client_content=False,
            safety_settings=[("HARM_CATEGORY_HARASSMENT", "BLOCK_ONLY_HIGH")],
            input_transcription=True,
            input_transcription_options={"language_codes": ["en-US"], "mode": "VERBATIM"},
            extra_setup={"generationConfig": {"candidateCount": 1}},
            skip_model_check=True,
            functions=[{"name": "f", "behavior": "NON_BLOCKING"}],
        )
        self.addCleanup(cfg.close)
        cfg.validate()
        with self.assertRaises(TypeError):
            gl.Config(proactivity={"sound": True})
        with self.assertRaises(TypeError):
            gl.Config(extra_setup={}, extra_setup_json="{}")
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(functions=[{"name": "f", "behavior": "SOMETIMES"}])
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(extra_setup_json="[1]")  # not an object
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(translation="es\x00")

    def test_wrong_types_and_out_of_range_integers_are_refused(self):
        with self.assertRaises(TypeError):
            gl.Config(connect_timeout_ms="3000")
        with self.assertRaises(TypeError):
            gl.Config(model=42)
        with self.assertRaises(TypeError):
            gl.Config(temperature="hot")
        for bad in (-1, 2**32):
            with self.assertRaises(gl.InvalidArgumentError) as cm:
                gl.Config(connect_timeout_ms=bad)  # would wrap around in ctypes
            self.assertIsInstance(cm.exception, ValueError)
            self.assertIn("connect_timeout_ms", cm.exception.detail)
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(phase_timeouts_ms={"dns": 10})

    def test_nul_in_config_strings_is_refused(self):
        for name in ("model", "system_instruction", "endpoint", "api_key", "voice"):
            with self.assertRaises(gl.InvalidArgumentError) as cm:
                gl.Config(**{name: "ab\x00cd"})
            e = cm.exception
            self.assertIsInstance(e, ValueError)
            self.assertEqual(e.code, 201)
            self.assertIn(name, e.detail)
            self.assertIn("NUL", e.detail)
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(functions=[{"name": "f\x00"}])
        with self.assertRaises(gl.InvalidArgumentError):
            gl.FakeServer(faults="1@2:close=1011\x00")


class QuotaDelayTest(unittest.TestCase):
    """``quota_delay_ms`` sets the least delay before reconnecting after a quota close."""

    REASON = "RESOURCE_EXHAUSTED: Quota exceeded for concurrent sessions per project"

    def reconnecting_after_a_quota_close(self, **options):
        # Connection 1 closes 1011 with the quota reason right after the first question.
        with gl.FakeServer(faults=f"1@2:close=1011/{self.REASON}") as fake, gl.connect(
            endpoint=fake.endpoint,
            modality="text",
            model=TEXT_MODEL,
            reconnect_delays_ms=(1, 2),
            **options,
        ) as s:
            s.send_text("hello")
            while True:
                ev = s.next_event(10)
                self.assertIsNotNone(ev, "no RECONNECTING event within 10 s")
                if isinstance(ev, gl.ReconnectingEvent):
                    return ev

    def test_the_quota_delay_is_the_least_delay_after_a_quota_close(self):
        ev = self.reconnecting_after_a_quota_close(quota_delay_ms=300)
        self.assertEqual(ev.cause.code, _lib.SERVER_CLOSED_RETRYABLE, ev)
        self.assertIn("Quota exceeded", str(ev.cause))
        self.assertTrue(240 <= ev.delay_ms <= 360, ev)  # 300 ms, jittered ±20 %
        default = self.reconnecting_after_a_quota_close()
        self.assertTrue(8000 <= default.delay_ms <= 12000, default)  # 10 s by default
        zero = self.reconnecting_after_a_quota_close(quota_delay_ms=0)
        self.assertLessEqual(zero.delay_ms, 2, zero)  # only the ordinary delays


class NulInputTest(unittest.TestCase):
    def test_nul_in_sent_text_is_refused_and_nothing_is_sent(self):
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
            for send in (s.send_text, s.send_realtime_text):
                with self.assertRaises(gl.InvalidArgumentError) as cm:
                    send("a\x00b")
                self.assertIn("NUL character at index 1", cm.exception.detail)
            with self.assertRaises(gl.InvalidArgumentError):
                s.send_tool_response("id\x00", "f", {})
            before = s.metrics()["messages_sent"]
            s.send_text("after")
            # The first turn the server sees is the one after the refused sends.
            self.assertEqual(collect_turn(s)[0], "[turn 1] echo: after")
            self.assertEqual(s.metrics()["messages_sent"], before + 1)


if __name__ == "__main__":
    unittest.main()
