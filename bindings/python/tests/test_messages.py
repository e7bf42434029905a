"""Messages speak Python: every text a Python user sees from the library (exception
details, event errors, log records) names Python keywords and classes, never a Rust type or
path (``ResponseMode::TextAndAudio``, ``Config::model``, ``Some(..)``, ``Option<..>``) nor
a C function or constant (``gemini_live_config_set_model``, ``GEMINI_LIVE_MODALITY_TEXT``)."""

import logging
import os
import re
import tempfile
import unittest

from _support import TEXT_MODEL, gl

from gemini_live._messages import pythonize
from gemini_live.audio import Player, Resampler

#: Written here, not imported, so that the test does not trust the module it checks.
FOREIGN = re.compile(
    r"::|\bSome\(|\bOption<|\bVec<|&str\b|\bResponseMode\b|\bAuth::|\bError::"
    r"|\bgemini_live_(?:config|session|event|resampler|player|fake)_\w+"
    r"|\bGEMINI_LIVE_(?:MODALITY|EVENT|STATE|INVALID|NULL|CLOSED)\w*"
    r"|\b[A-Z]\w* \{ \w+: "  # a Rust Debug struct
)

MODELS = [
    "gemini-2.5-flash-native-audio-preview-12-2025",
    "gemini-2.5-flash-native-audio-preview-09-2025",
    "gemini-live-2.5-flash-native-audio",
    "gemini-3.1-flash-live-preview",
    "gemini-3.5-live-translate-preview",
    "gemini-3.5-transcribe-live",
    "gemini-3.8-live",
    "gemini-3.8-live-extended-thinking",
    "gemini-2.0-flash-live-001",
]


class TranslationTest(unittest.TestCase):
    def test_rust_and_c_names_become_python_names(self):
        cases = {
            "use ResponseMode::TextAndAudio (CLI --modality text+audio) or ResponseMode::Audio":
                'use modality="text+audio" (CLI --modality text+audio) or modality="audio"',
            'does not accept "TEXT" (response mode Text)': 'does not accept "TEXT" (modality="text")',
            "set an access-token provider (Auth::AccessToken)":
                "set an access-token provider (access_token_provider=)",
            "set Config::model, Config::response_mode or Config::first_connect":
                "set model=, modality= or first_connect_budget=",
            'Config::default().with_api_key("k")': 'api_key="k"',
            "closed: Some(Closed { code: 1011, reason: Some(\"bye\") })":
                'closed: Closed(code=1011, reason="bye")',
            "failed with Error::InvalidConfig": "failed with InvalidConfigError",
            "a Option<u32> in a Vec<String>": "a u32 or None in a list of String",
            "gemini_live_config_set_model: empty": "model=: empty",
            "see gemini_live_config_set_response_modality(GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO)":
                'see modality="text+audio"',
            "call gemini_live_config_add_google_search() first": "call google_search=True first",
            "gemini_live_config_set_phase_timeout_ms": "phase_timeouts_ms=",
            "gemini_live_session_send_audio_bytes: odd length (GEMINI_LIVE_INVALID_ARGUMENT)":
                "Session.send_audio(): odd length (InvalidArgumentError)",
            "after gemini_live_session_close, gemini_live_session_send_text returns "
            "GEMINI_LIVE_CLOSED": "after Session.close(), Session.send_text() returns ClosedError",
            "wait for GEMINI_LIVE_EVENT_TOOL_CALL": "wait for ToolCallEvent",
            "gemini_live_resampler_process_f32": "Resampler.process()",
            "crate::session::Session::connect failed": "Session.connect failed",
            "GEMINI_API_KEY and GEMINI_LIVE_ENDPOINT stay": "GEMINI_API_KEY and GEMINI_LIVE_ENDPOINT stay",
            'Received close frame: Some(CloseFrame { code: Error, reason: Utf8Bytes(b"bye") })':
                'Received close frame: CloseFrame(code=Error, reason="bye")',
            "does not accept generationConfig.enableAffectiveDialog: remove enableAffectiveDialog":
                "does not accept generationConfig.enableAffectiveDialog: remove affective_dialog=True",
            "`json` is not a JSON object": "the JSON is not a JSON object",
            # The C forms of the C ABI's messages (option setters in backticks).
            "use `gemini_live_config_set_response_modality(config, "
            "GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO)` or `gemini_live_config_set_response_modality"
            "(config, GEMINI_LIVE_MODALITY_AUDIO)`":
                'use modality="text+audio" or modality="audio"',
            "`gemini_live_config_set_voice` was set but the response mode is text":
                "voice= was set but the response mode is text",
            "or set `gemini_live_config_set_skip_model_check(config, true)`":
                "or set skip_model_check=True",
            "set `gemini_live_config_set_access_token_callback`": "set access_token_provider=",
            "to send it anyway set `gemini_live_config_set_skip_model_check`":
                "to send it anyway set skip_model_check=True",
            "`gemini_live_config_set_vertex(config, NULL, NULL)`": "vertex=(None, None)",
            "`Timeouts::connect_total` and `VertexTarget::transparent_resumption`":
                "connect_timeout_ms= and vertex_transparent_resumption=",
            "`Config::with_extra_setup`": "extra_setup=",
        }
        for rust, python in cases.items():
            with self.subTest(rust):
                self.assertEqual(pythonize(rust), python)
                self.assertIsNone(FOREIGN.search(pythonize(rust)))


class EveryMessageTest(unittest.TestCase):
    """Failures provoked through the Python API: none of their texts names Rust or C."""

    def check(self, text, where):
        self.assertTrue(text, where)
        m = FOREIGN.search(text)
        self.assertIsNone(m, f"{where}: {text!r} names {m.group(0) if m else ''!r}")

    def expect_failure(self, where, fn, *args, **kwargs):
        try:
            fn(*args, **kwargs)
        except (gl.GeminiLiveError, TypeError, ValueError) as e:
            self.check(str(e), where)
            return e
        self.fail(f"{where}: no error")

    def test_config_refusals(self):
        bad_options = [
            dict(send_queue_capacity=0), dict(event_queue_capacity=0),
            dict(first_connect_budget=(0, 0)), dict(extra_setup_json="[1]"),
            dict(extra_setup_json="{"), dict(vad_start_sensitivity="bogus"),
            dict(vad_end_sensitivity="bogus"), dict(media_resolution="bogus"),
            dict(thinking_level="bogus"), dict(activity_handling="bogus"),
            dict(turn_coverage="bogus"), dict(safety_settings=[("x", "y")]),
            dict(translation=""), dict(model=""), dict(endpoint=""),
            dict(max_message_size=0), dict(connect_timeout_ms=0),
            dict(phase_timeouts_ms={"bogus": 1}), dict(reconnect_delays_ms=(0, 0)),
            dict(record=os.path.join(tempfile.gettempdir(), "no-such-dir-gl", "x.jsonl")),
            dict(extra_root_ca_pem="not a certificate"), dict(vertex=("", "us-central1")),
            dict(vertex=("p", "US Central")), dict(vertex_api_version="v9"),
            dict(temperature=float("nan")), dict(modality="smell"), dict(top_k=-1),
            dict(functions=[{"name": ""}]), dict(api_key="a\x00b"),
            dict(input_transcription_options={"mode": "bogus"}),
            dict(proactivity={"smell": True}), dict(ephemeral_token=""),
        ]
        for options in bad_options:
            try:
                config = gl.Config(**options)
            except (gl.GeminiLiveError, TypeError, ValueError) as e:
                self.check(str(e), f"Config({options})")
                continue
            with config:
                try:
                    config.validate()
                except gl.GeminiLiveError as e:
                    self.check(str(e), f"Config({options}).validate()")

    def test_validation_and_model_rules(self):
        seen = []
        invalid = [
            dict(endpoint="http://x"), dict(endpoint="wss://x/?key=k"),
            dict(api_version="v9", endpoint="ws://x"), dict(modality="text", model=TEXT_MODEL, voice="Puck"),
            dict(vertex=("p", "us-central1"), api_key="AIzaK"),
            dict(vertex=("p", "us-central1")),
            dict(vertex=("p", "us-central1"), ephemeral_token="t"),
            dict(vertex=("p", "us-central1"), model="a/b", access_token_provider=lambda: "t"),
            dict(access_token_provider=lambda: "t", endpoint="ws://x"),
            dict(ephemeral_token="t", api_version="v1beta", endpoint="ws://x"),
            dict(api_key="bad key with spaces"),
            dict(vertex=("p", "us-central1"), vertex_transparent_resumption=True,
                 session_resumption=False, access_token_provider=lambda: "t"),
        ]
        for model in MODELS:
            for modality in ("text", "audio", "text+audio"):
                invalid.append(dict(model=model, modality=modality, api_key="k",
                                    affective_dialog=True, thinking_budget=100))
                invalid.append(dict(model=model, modality=modality, api_key="k"))
            invalid.append(dict(model=model, vertex=("p", "us-central1"),
                                access_token_provider=lambda: "t"))
        for options in invalid:
            with gl.Config(**options) as config:
                try:
                    config.validate()
                except gl.GeminiLiveError as e:
                    seen.append(str(e))
                    self.check(str(e), f"validate({options})")
        # The Rust text of these names ResponseMode:: and Auth:: (what this test is for).
        self.assertTrue(any('modality="text+audio"' in s for s in seen), seen)
        self.assertTrue(any("access_token_provider=" in s for s in seen), seen)

    def test_session_audio_and_fake_failures(self):
        self.expect_failure("Resampler(0)", Resampler, 0)
        self.expect_failure("Resampler(channels=0)", Resampler, 16000, 0)
        self.expect_failure("Player(device_rate=0)", Player, 0)
        self.expect_failure("Player(channels=0)", Player, 24000, 0)
        self.expect_failure("FakeServer(faults)", gl.FakeServer, faults="nonsense")
        self.expect_failure("send_audio(int32)", to_bad_audio)
        with gl.FakeServer(models=["gemini-3.8-live"]) as fake:
            self.expect_failure("model not served", gl.connect, endpoint=fake.endpoint,
                                model="gemini-3.1-flash-live-preview", reconnect=False)
        with gl.FakeServer() as fake:
            s = gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL)
            self.expect_failure("send_audio(b'')", s.send_audio, b"")
            self.expect_failure("send_audio(odd)", s.send_audio, b"\x01\x02\x03")
            self.expect_failure("activity_start", s.activity_start)
            self.expect_failure("tool response", s.send_tool_response, "", "f", {})
            self.expect_failure("client content", s.send_client_content, [{"role": 1}])
            self.expect_failure("NUL text", s.send_text, "a\x00b")
            s.close()
            self.expect_failure("send after close", s.send_text, "late")
            self.expect_failure("state after close", s.next_event, 0)
        self.expect_failure("connect refused", gl.connect, endpoint="ws://127.0.0.1:9",
                            reconnect=False, connect_timeout_ms=2000)

    def test_event_errors_and_log_records(self):
        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record.getMessage())

        log = logging.getLogger("gemini_live")
        handler, old = Keep(), log.level
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
        gl.set_log_level(logging.DEBUG)
        try:
            with gl.FakeServer(faults="1@2:close=1011") as fake:
                with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL,
                                reconnect_max_attempts=1, reconnect_delays_ms=(1, 1)) as s:
                    s.send_text("cut off")
                    events = list(s.events(timeout=10))
            with gl.FakeServer(faults="1@2:close=1008") as fake:
                with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                    s.send_text("cut off")
                    events += list(s.events(timeout=10))
        finally:
            gl.set_log_level(logging.INFO)
            log.removeHandler(handler)
            log.setLevel(old)
        texts = []
        for ev in events:
            for attr in ("error", "reason"):
                value = getattr(ev, attr, None)
                if value:
                    texts.append(str(value))
        self.assertTrue(any(isinstance(e, gl.ClosedEvent) for e in events), events)
        self.assertTrue(texts, events)
        self.assertTrue(records, "no log records")
        for text in texts + records:
            self.check(text, "event or log")


def to_bad_audio():
    from array import array

    from gemini_live.audio import to_pcm16

    to_pcm16(array("i", [1]))


if __name__ == "__main__":
    unittest.main()
