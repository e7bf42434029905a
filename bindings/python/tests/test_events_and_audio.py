"""Events come from the typed C accessors: every field of every kind but the structured
documents (code execution, grounding, URL context, unknown) without a JSON round trip, and
audio is a zero-copy view over the C event's own buffer."""

import ctypes
import json
import unittest
from unittest import mock

from _support import TEXT_MODEL, ScriptedServer, collect_turn, fnv1a64, gl, le_bytes, tone

from gemini_live import _lib, _reader
from gemini_live import session as session_module

#: Server frames the fake never sends, for ScriptedServer.
SCRIPT = [
    '{"setupComplete":{"sessionId":"sess-42","voiceConsentSignature":{"signature":"vcs-1"}}}',
    '{"voiceActivity":{"type":"ACTIVITY_START","audioOffset":"1.5s"}}',
    '{"voiceActivity":{"type":"ACTIVITY_END"}}',
    '{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_SOS"}}',
    '{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_EOS"}}',
    '{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_FUTURE"}}',
    # protocol.md D.3: words, offsets and a speaker label; a thought signature; a
    # functionCall part; Vertex AI's usage names.
    '{"serverContent":{"inputTranscription":{"text":"hallo","languageCode":"de-DE",'
    '"speakerLabel":"spk_2","startOffset":"0.5s","endOffset":"1.25s","words":[{"word":"hal",'
    '"startOffset":"0.5s","endOffset":"0.8s"},{"word":"lo","startOffset":"0.9s",'
    '"endOffset":"1.25s"}]}}}',
    '{"serverContent":{"modelTurn":{"parts":[{"text":"hi","thoughtSignature":"c2ln"},'
    '{"functionCall":{"id":"c9","name":"lookup","args":{"q":"x"}}}]}}}',
    '{"usageMetadata":{"candidatesTokenCount":3,"trafficType":"ON_DEMAND"}}',
    '{"serverContent":{"turnComplete":true,"turnCompleteReason":"NEED_MORE_INPUT"},'
    '"usageMetadata":{"promptTokenCount":3,"cachedContentTokenCount":1,"thoughtsTokenCount":2,'
    '"totalTokenCount":9,"promptTokensDetails":[{"modality":"TEXT","tokenCount":3}],'
    '"cacheTokensDetails":[{"modality":"AUDIO","tokenCount":1}]}}',
]

#: The structured kinds, whose data is the library's JSON rendering.
JSON_KINDS = {gl.EventType.CODE_EXECUTION, gl.EventType.GROUNDING, gl.EventType.URL_CONTEXT,
              gl.EventType.UNKNOWN}


def comparable(value):
    """Typed data as the JSON renders it: errors as their code, tool calls and states as
    the JSON spells them."""
    if isinstance(value, gl.GeminiLiveError):
        return value.code
    if isinstance(value, gl.ToolCall):
        return {"id": value.id, "name": value.name, "args": value.args}
    if isinstance(value, gl.State):
        return value.name.lower()
    if isinstance(value, dict):
        if set(value) == {"code", "name", "message", "retryable"}:  # a JSON error
            return value["code"]
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


class JsonSpy:
    """Counts calls of gemini_live_event_json, and keeps each event taken with the JSON of
    its C event (rendered after the event was read, outside the count)."""

    def __init__(self, test):
        self.test, self.calls, self.taken = test, 0, []
        self.real_json = _lib.lib.gemini_live_event_json
        self.real_from_c = session_module.from_c

    def json(self, *args):
        self.calls += 1
        return self.real_json(*args)

    def from_c(self, ev):
        before = self.calls
        event, free = self.real_from_c(ev)
        self.test.assertEqual(self.calls, before, f"{event.type!r} was read through the JSON")
        self.taken.append((event, self.reference_json(ev)))
        return event, free

    def reference_json(self, ev):
        """The event's JSON through the real function, not counted."""
        p, n = ctypes.c_void_p(), ctypes.c_size_t()
        self.test.assertEqual(self.real_json(ev, ctypes.byref(p), ctypes.byref(n)), _lib.OK)
        return json.loads(ctypes.string_at(p.value, n.value))

    def __enter__(self):
        self.patches = [mock.patch.object(_lib.lib, "gemini_live_event_json", self.json),
                        mock.patch.object(session_module, "from_c", self.from_c)]
        for p in self.patches:
            p.start()
        return self

    def __exit__(self, *exc):
        for p in reversed(self.patches):
            p.stop()


def drain(s, until, seen, timeout=15):
    """Events up to and including the first of class ``until``."""
    while True:
        ev = s.next_event(timeout)
        if ev is None:
            raise AssertionError(f"no {until.__name__}; got {seen}")
        seen.append(ev)
        if isinstance(ev, until):
            return ev
        if isinstance(ev, gl.ClosedEvent):
            raise AssertionError(f"closed before {until.__name__}: {seen}")


class TypedEventsTest(unittest.TestCase):
    def test_every_field_is_typed_agrees_with_the_json_and_never_reads_it(self):
        seen = []
        with JsonSpy(self) as spy:
            with gl.FakeServer() as fake:
                with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL,
                                functions=[{"name": "f"}]) as s:
                    s.send_text("hello")
                    seen += collect_turn(s)[2]
                    s.send_text("usage only")
                    seen += collect_turn(s)[2]
                    s.send_text('call tool f with {"x": 1}')
                    call = drain(s, gl.ToolCallEvent, seen).calls[0]
                    s.send_text("never mind")  # cancels the pending call
                    cancel = drain(s, gl.ToolCallCancellationEvent, seen)
                    self.assertEqual(cancel.ids, [call.id])
                    drain(s, gl.TurnCompleteEvent, seen)
                    s.send_tool_response("no-such-call", "f", {})
                    dropped = drain(s, gl.ToolResponsesDroppedEvent, seen)
                    self.assertEqual(dropped.ids, ["no-such-call"])
                seen += list(s.events())
                with gl.connect(endpoint=fake.endpoint, modality="audio",
                                output_transcription=True) as s:
                    s.send_text("speak")
                    seen += collect_turn(s)[2]
                seen += list(s.events())
            with gl.FakeServer(faults="1@2:goaway=3s") as fake:
                with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                    s.send_text("one")
                    seen += collect_turn(s)[2]
                    resumed = drain(s, gl.ResumedEvent, seen)
                    self.assertEqual(type(resumed), gl.ResumedEvent)
                    s.send_text("two")
                    seen += collect_turn(s)[2]
            with gl.FakeServer(faults="1@2:cut=2") as fake:
                with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL,
                                session_resumption=False, reconnect_delays_ms=(10, 50)) as s:
                    s.send_text("first")
                    seen += collect_turn(s)[2]
            with gl.FakeServer(faults="1@2:stall") as fake:
                with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL, replay_max_bytes=200,
                                stall_timeout_ms=400, reconnect_delays_ms=(10, 50)) as s:
                    for _ in range(4):
                        s.send_text("a line long enough that four of them do not fit in the "
                                    "two hundred bytes of replay buffer")
                    lost = drain(s, gl.InputDroppedEvent, seen)
                    self.assertGreaterEqual(lost.messages, 1)
                    self.assertGreater(lost.bytes, lost.messages)
            model = "gemini-3.5-transcribe-live-preview"
            with gl.FakeServer(models=[model]) as fake:
                with gl.connect(endpoint=fake.endpoint, model=model, modality="text") as s:
                    s.send_audio(bytes(6400))
                    s.audio_stream_end()
                    seen += collect_turn(s)[2]
                    self.assertIsNone(seen[-1].usage)  # the transcribe models send none
                seen += list(s.events())
            with ScriptedServer(SCRIPT) as script:
                with gl.connect(endpoint=script.endpoint, modality="text", model=TEXT_MODEL, reconnect=False,
                                session_resumption=False) as s:
                    seen += collect_turn(s)[2]
                seen += list(s.events())
            self.assertEqual(spy.calls, 0)

        by_kind = {}
        for ev in seen:
            by_kind.setdefault(ev.type, []).append(ev)
        wanted = {gl.EventType.SETUP_COMPLETE, gl.EventType.TURN_COMPLETE, gl.EventType.USAGE,
                  gl.EventType.GO_AWAY, gl.EventType.RESUMPTION_UPDATE,
                  gl.EventType.RECONNECTING, gl.EventType.RESUMED, gl.EventType.NEW_SESSION,
                  gl.EventType.REPLY_DISCARDED, gl.EventType.INPUT_DROPPED,
                  gl.EventType.TOOL_CALL_CANCELLATION, gl.EventType.TOOL_RESPONSES_DROPPED,
                  gl.EventType.INPUT_TRANSCRIPTION, gl.EventType.OUTPUT_TRANSCRIPTION,
                  gl.EventType.INTERIM_INPUT_TRANSCRIPTION, gl.EventType.VOICE_ACTIVITY,
                  gl.EventType.VAD_SIGNAL, gl.EventType.TRANSCRIPTION_DETAIL,
                  gl.EventType.THOUGHT_SIGNATURE, gl.EventType.FUNCTION_CALL_PART,
                  gl.EventType.VOICE_CONSENT_SIGNATURE}
        self.assertEqual(sorted(wanted - set(by_kind)), [])
        # Every event's data, built from its typed fields, is its JSON rendering.
        self.assertEqual(len(spy.taken), len(seen))
        for ev, js in spy.taken:
            if ev.type not in JSON_KINDS:
                self.assertEqual(comparable(ev.data), comparable(js), ev)

        # Values, not just agreement.
        detail = by_kind[gl.EventType.TRANSCRIPTION_DETAIL][0]
        self.assertIsInstance(detail, gl.TranscriptionDetailEvent)
        self.assertEqual((detail.source, detail.speaker_label, detail.start_ms, detail.end_ms),
                         ("input", "spk_2", 500, 1250))
        self.assertEqual(detail.words[1], {"word": "lo", "start_ms": 900, "end_ms": 1250})
        self.assertEqual(by_kind[gl.EventType.THOUGHT_SIGNATURE][0].signature, "c2ln")
        self.assertEqual(by_kind[gl.EventType.VOICE_CONSENT_SIGNATURE][0].signature, "vcs-1")
        part = by_kind[gl.EventType.FUNCTION_CALL_PART][0]
        self.assertEqual((part.id, part.name, part.args), ("c9", "lookup", {"q": "x"}))
        vertex = [e.usage for e in by_kind[gl.EventType.USAGE] if e.usage["traffic_type"]]
        self.assertEqual(len(vertex), 1, by_kind[gl.EventType.USAGE])
        vertex_usage = vertex[0]
        self.assertEqual(vertex_usage["response_token_count"], 3)
        self.assertEqual(vertex_usage["traffic_type"], "ON_DEMAND")
        setup = by_kind[gl.EventType.SETUP_COMPLETE]
        self.assertEqual(setup[-1].session_id, "sess-42")
        self.assertIsNone(setup[0].session_id)
        scripted_turn = by_kind[gl.EventType.TURN_COMPLETE][-1]
        self.assertEqual(scripted_turn.reason, "NEED_MORE_INPUT")
        self.assertEqual(scripted_turn.usage["cached_content_token_count"], 1)
        self.assertIsNone(scripted_turn.usage["response_token_count"])
        self.assertEqual(scripted_turn.usage["cache_tokens_details"],
                         [{"modality": "AUDIO", "token_count": 1}])
        first = by_kind[gl.EventType.TURN_COMPLETE][0]
        self.assertIsNone(first.reason)
        self.assertEqual(first.usage["total_token_count"],
                         first.usage["prompt_token_count"] + first.usage["response_token_count"])
        self.assertIsInstance(by_kind[gl.EventType.USAGE][0].usage["total_token_count"], int)
        self.assertEqual(by_kind[gl.EventType.GO_AWAY][0].time_left, 3.0)
        handles = [e for e in by_kind[gl.EventType.RESUMPTION_UPDATE] if e.resumable]
        self.assertTrue(handles and all(e.handle for e in handles))
        self.assertTrue(any(not e.resumable and e.handle is None
                            for e in by_kind[gl.EventType.RESUMPTION_UPDATE]))
        attempts = by_kind[gl.EventType.RECONNECTING]
        self.assertTrue(all(e.attempt >= 1 and e.delay >= 0 for e in attempts))
        self.assertIsNone(attempts[0].cause)  # the GoAway handover
        self.assertEqual(by_kind[gl.EventType.REPLY_DISCARDED][0].turn, 1)
        self.assertEqual(by_kind[gl.EventType.NEW_SESSION][0].replayed, 1)
        heard = by_kind[gl.EventType.INPUT_TRANSCRIPTION]
        self.assertEqual([e.language_code for e in heard], ["en-US", "de-DE"])
        interim = by_kind[gl.EventType.INTERIM_INPUT_TRANSCRIPTION]
        self.assertTrue(all(e.language_code == "en-US" for e in interim), interim)
        spoken = by_kind[gl.EventType.OUTPUT_TRANSCRIPTION]
        self.assertTrue(all(e.language_code is None for e in spoken))  # the fake sends none
        va = by_kind[gl.EventType.VOICE_ACTIVITY]
        self.assertEqual([(e.activity, e.audio_offset_ms) for e in va],
                         [("start", 1500), (("end", None))])
        self.assertEqual([e.signal for e in by_kind[gl.EventType.VAD_SIGNAL]],
                         ["start_of_speech", "end_of_speech", "VAD_SIGNAL_TYPE_FUTURE"])

    def test_context_lost_turns_is_an_int_count(self):
        # Where the first turnComplete is among the server's messages of a text turn: each
        # message of this turn is one event (state changes are the client's own).
        with gl.FakeServer() as fake:
            with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                s.send_text("one")
                evs = [s.next_event(5)] + collect_turn(s)[2]
        at = len([e for e in evs if not isinstance(e, gl.StateChangedEvent)])
        self.assertIsInstance(evs[0], gl.SetupCompleteEvent)
        # The connection ends right after that turnComplete, before the handle that covers
        # it: the resumed state predates turn 1.
        seen = []
        with JsonSpy(self) as spy, gl.FakeServer(faults=f"1@s{at}:drop") as fake:
            with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL,
                            reconnect_delays_ms=(10, 50), restore_context=False) as s:
                s.send_text("one")
                lost = drain(s, gl.ContextLostEvent, seen)
                s.send_text("two")
                seen += collect_turn(s)[2]
            self.assertEqual(spy.calls, 0)
        self.assertEqual(lost.turns, 1)
        self.assertIsInstance(lost.turns, int)
        self.assertEqual(lost.data, {"type": "context_lost", "turns": 1})
        js = [j for e, j in spy.taken if e is lost]
        self.assertEqual(js, [{"type": "context_lost", "turns": 1}])

    def test_context_restored_says_what_was_put_back(self):
        with gl.FakeServer() as fake:
            with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                s.send_text("one")
                evs = [s.next_event(5)] + collect_turn(s)[2]
        at = len([e for e in evs if not isinstance(e, gl.StateChangedEvent)])
        # Cut before the handle that covers turn 1: the session puts it back (restore is on
        # by default) and the next reply is the conversation's second turn.
        seen = []
        with gl.FakeServer(faults=f"1@s{at}:drop") as fake:
            with gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL,
                            reconnect_delays_ms=(10, 50)) as s:
                s.send_text("one")
                restored = drain(s, gl.ContextRestoredEvent, seen)
                s.send_text("two")
                text = "".join(e.text for e in collect_turn(s)[2] if isinstance(e, gl.TextEvent))
        self.assertEqual((restored.turns, restored.chars, restored.dropped),
                         (1, len("one") + len("[turn 1] echo: one"), 0))
        self.assertEqual(restored.type, gl.EventType.CONTEXT_RESTORED)
        self.assertEqual(text, "[turn 2] echo: two")
        # The switch and the budget are options like any other.
        cfg = gl.Config(context_budget_chars=0, context_budget_turns=5, restore_context=True)
        cfg.close()

    def test_structured_events_free_their_c_event_when_collected(self):
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
            s.send_text("send unknown")
            evs = collect_turn(s)[2]
        unknown = [e for e in evs if e.type == gl.EventType.UNKNOWN]
        self.assertEqual(len(unknown), 1, evs)
        owner = unknown[0]._c._owner
        self.assertFalse(owner.closing)
        del evs, unknown
        self.assertTrue(owner._freed)
        # No other event kept its C event.
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
            s.send_text("x")
            evs = collect_turn(s)[2]
        self.assertEqual([e for e in evs if e._c is not None], [])

    def test_typed_event_data_and_kind(self):
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text", model=TEXT_MODEL) as s:
            s.send_text("x")
            _, _, evs = collect_turn(s)
        text = next(e for e in evs if isinstance(e, gl.TextEvent))
        self.assertEqual(text.kind, "text")
        self.assertEqual(text.data, {"type": "text", "text": text.text})
        self.assertEqual(evs[-1].kind, "turn_complete")


class ZeroCopyAudioTest(unittest.TestCase):
    def test_samples_view_the_c_buffer_and_free_it_with_the_last_view(self):
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint) as s:
            samples = tone(16000)
            s.send_audio(samples)
            s.audio_stream_end()
            text, pcm, evs = collect_turn(s)
        raw = le_bytes(samples)
        self.assertIn(f"checksum {fnv1a64(raw):016x}", text)
        audio = [e for e in evs if isinstance(e, gl.AudioEvent)]
        self.assertTrue(audio)
        del evs
        ev = audio[0]
        view = ev.samples
        self.assertEqual((view.format, view.itemsize, view.readonly), ("h", 2, True))
        self.assertEqual(ev.pcm.nbytes, view.nbytes)
        self.assertEqual(bytes(ev.pcm), le_bytes(ev.to_array()))
        self.assertEqual(ev.data, {"type": "audio", "sample_rate": 24000,
                                   "samples": len(view)})
        # The view's memory is the C event's own sample buffer: no copy was made.
        owner = view.obj._owner._owner
        address, n, rate = _reader.audio_view(owner.ptr)
        self.assertEqual((ctypes.addressof(view.obj), n, rate),
                         (address, len(view), 24000))
        # The C event lives as long as any view of it, and is freed with the last one.
        del audio, ev
        self.assertFalse(owner.closing)
        self.assertEqual(view.tolist()[:4], list(view[:4]))
        del view
        self.assertTrue(owner.closing and owner._freed)


if __name__ == "__main__":
    unittest.main()
