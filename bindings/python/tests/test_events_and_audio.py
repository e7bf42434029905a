"""Events come from the typed C accessors (JSON only for the kinds the header exposes solely
as JSON), and audio is a zero-copy view over the C event's own buffer."""

import ctypes
import unittest
from unittest import mock

from _support import collect_turn, fnv1a64, gl, le_bytes, tone

from gemini_live import _cevent, _lib, _reader

class TypedEventsTest(unittest.TestCase):
    def test_no_event_is_rendered_as_json_unless_a_json_only_field_is_read(self):
        real_json = _cevent.json_of
        read_for = []

        def spy(ev):
            read_for.append(gl.EventType(_lib.lib.gemini_live_event_type(ev)))
            return real_json(ev)

        seen = []
        with mock.patch.object(_cevent, "json_of", spy), gl.FakeServer() as fake:
            with gl.connect(endpoint=fake.endpoint, input_transcription=True,
                            functions=[{"name": "f"}]) as s:
                s.send_text("hello")
                seen += collect_turn(s)[2]
                s.send_text('call tool f with {"x": 1}')
                ev = s.next_event(5)
                while not isinstance(ev, gl.ToolCallEvent):
                    self.assertIsNotNone(ev)
                    seen.append(ev)
                    ev = s.next_event(5)
                seen.append(ev)
                self.assertEqual(ev.calls, [gl.ToolCall(ev.calls[0].id, "f", {"x": 1})])
                s.send_tool_response(ev.calls[0].id, "f", {"ok": True})
                seen += collect_turn(s)[2]
                s.send_audio(tone(3200))
                s.audio_stream_end()
                seen += collect_turn(s)[2]
            seen += list(s.events())
            kinds = {e.type for e in seen}
            typed = {gl.EventType.TEXT, gl.EventType.AUDIO, gl.EventType.TOOL_CALL,
                     gl.EventType.INPUT_TRANSCRIPTION, gl.EventType.TURN_COMPLETE}
            self.assertTrue(typed <= kinds, kinds)  # these kinds did occur...
            self.assertEqual(read_for, [])  # ...and none was rendered as JSON
            # Typed fields are there without the JSON.
            complete = [e for e in seen if isinstance(e, gl.TurnCompleteEvent)]
            heard = [e for e in seen if isinstance(e, gl.InputTranscriptionEvent)]
            self.assertTrue(heard[0].text.endswith("bytes of audio"), heard)
            self.assertEqual(read_for, [])
            # A JSON-only field renders that event's JSON, once, and frees its C event.
            owner = complete[0]._c._owner
            self.assertFalse(owner.closing)
            self.assertIn("reason", complete[0].data)
            complete[0].usage
            complete[0].reason
            self.assertEqual(read_for, [gl.EventType.TURN_COMPLETE])
            self.assertTrue(owner._freed)
            heard[0].language_code
            self.assertEqual(read_for[-1], gl.EventType.INPUT_TRANSCRIPTION)

    def test_json_kept_events_free_their_c_event_when_collected(self):
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text") as s:
            s.send_text("x")
            evs = collect_turn(s)[2]
        owner = evs[-1]._c._owner
        self.assertFalse(owner.closing)
        del evs
        self.assertTrue(owner._freed)

    def test_typed_event_data_and_kind(self):
        with gl.FakeServer() as fake, gl.connect(endpoint=fake.endpoint, modality="text") as s:
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
