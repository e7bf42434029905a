"""Today's Live models from Python: the capability check before connecting, a fake serving
chosen models with their rules, the extended-thinking lifecycle, non-blocking tool responses
with scheduling, the newer setup options and lifecycle events."""

import unittest

from _support import gl

ET = "gemini-3.8-live-extended-thinking"


def interaction(s):
    """Events until a TurnCompleteEvent that is not in progress."""
    events = []
    while True:
        e = s.next_event(10)
        if e is None or isinstance(e, gl.ClosedEvent):
            raise AssertionError(f"no idle turn: {events}")
        events.append(e)
        if isinstance(e, gl.TurnCompleteEvent) and not e.in_progress:
            return events


def text_of(events):
    return "".join(e.text for e in events if isinstance(e, gl.TextEvent))


class ModelsTest(unittest.TestCase):
    def setUp(self):
        self.fake = gl.FakeServer(models=["gemini-3.8-live", ET])
        self.addCleanup(self.fake.close)

    def connect(self, **options):
        options.setdefault("reconnect", False)
        s = gl.Session.connect(endpoint=self.fake.endpoint, **options)
        self.addCleanup(s.close)
        return s

    def test_a_refused_modality_fails_before_connecting_naming_model_and_field(self):
        with self.assertRaises(gl.InvalidConfigError) as cm:
            self.connect(model="gemini-3.8-live", response_modality="text")
        message = str(cm.exception)
        self.assertIn("gemini-3.8-live", message)
        self.assertIn("TEXT", message)
        # Bypassed, the fake refuses it with the service's code.
        with self.assertRaises(gl.GeminiLiveError) as cm:
            self.connect(model="gemini-3.8-live", response_modality="text", skip_model_check=True)
        self.assertNotIsInstance(cm.exception, gl.InvalidConfigError)
        self.assertIn("1007", str(cm.exception))

    def test_thinking_config_on_38_is_refused_locally(self):
        with self.assertRaises(gl.InvalidConfigError) as cm:
            self.connect(model="gemini-3.8-live", thinking_budget=0)
        self.assertIn("thinkingConfig", str(cm.exception))

    def test_the_fake_serves_only_the_models_it_was_given(self):
        with self.assertRaises(gl.GeminiLiveError) as cm:
            self.connect(model="gemini-2.5-flash-native-audio-preview-12-2025")
        self.assertIn("gemini-3.8-live", str(cm.exception))  # the advice names current models

    def test_extended_thinking_speaks_a_filler_then_the_answer(self):
        s = self.connect(model=ET)
        s.send_text("hello python")
        events = interaction(s)
        done = [e for e in events if isinstance(e, gl.TurnCompleteEvent)]
        self.assertEqual([e.interaction_status for e in done], ["in_progress", "idle"])
        text = text_of(events)
        self.assertTrue(text.startswith("[turn 1] let me think about that."), text)
        self.assertTrue(text.endswith("[turn 1] echo: hello python"), text)

    def test_non_blocking_tool_with_scheduling(self):
        s = self.connect(
            model=ET,
            functions=[{"name": "get_time", "description": "time", "behavior": "NON_BLOCKING"}],
        )
        s.send_text("call tool get_time with {}")
        call = None
        while True:
            e = s.next_event(10)
            if isinstance(e, gl.ToolCallEvent):
                call = e.calls[0]
            if isinstance(e, gl.TurnCompleteEvent):
                self.assertTrue(e.in_progress)  # the model keeps talking while it runs
                break
        self.assertIsNotNone(call)
        s.send_tool_response(call.id, call.name, {"time": "12:00"}, scheduling="INTERRUPT")
        events = interaction(s)
        self.assertTrue(any(isinstance(e, gl.InterruptedEvent) for e in events), events)
        self.assertIn('tool get_time returned {"time":"12:00"}', text_of(events))
        with self.assertRaises(gl.InvalidArgumentError):
            s.send_tool_response(call.id, call.name, {}, scheduling="LATER")

    def test_newer_setup_options_are_accepted_and_sent(self):
        s = self.connect(
            model=ET,
            proactivity={"audio": True},
            initial_history_in_client_content=False,
            safety_settings=[("HARM_CATEGORY_HARASSMENT", "BLOCK_ONLY_HIGH")],
            input_transcription_options={"language_codes": ["en-US"], "mode": "VERBATIM"},
            vad_start_sensitivity="low",
            activity_handling="NO_INTERRUPTION",
            turn_coverage="TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO",
            media_resolution="MEDIA_RESOLUTION_LOW",
            extra_setup={"generationConfig": {"temperature": 0.5}},
        )
        s.send_text("fields")
        self.assertTrue(text_of(interaction(s)).endswith("echo: fields"))
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(vad_start_sensitivity="medium")
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(activity_handling="sometimes")

    def test_transcribe_model_gives_interim_and_final_transcripts_without_usage(self):
        fake = gl.FakeServer(models=["gemini-3.5-transcribe-live-preview"])
        self.addCleanup(fake.close)
        s = gl.Session.connect(
            endpoint=fake.endpoint,
            model="gemini-3.5-transcribe-live-preview",
            response_modality="text",
        )
        self.addCleanup(s.close)
        s.send_audio(bytes(6400))
        s.audio_stream_end()
        events = interaction(s)
        interim = [e for e in events if isinstance(e, gl.InterimInputTranscriptionEvent)]
        final = [e for e in events if isinstance(e, gl.InputTranscriptionEvent)]
        self.assertTrue(interim)
        self.assertEqual(len(final), 1)
        self.assertTrue(final[0].finished)
        self.assertEqual(final[0].language_code, "en-US")
        self.assertTrue(final[0].text.startswith("[turn 1] heard 6400 bytes of audio"))
        self.assertIsNone(events[-1].usage)


if __name__ == "__main__":
    unittest.main()
