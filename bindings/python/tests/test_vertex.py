"""Vertex AI from Python: a callable access-token provider asked before every connect (the
fake refuses a token it has seen, so a cached token fails), through a drop and a
reconnection; transparent resumption's last_consumed_index; provider failures; the
provider released once no config or session uses it."""

import gc
import unittest

from _support import TEXT_MODEL, gl

from gemini_live import _lib, vertex


def reply(session, timeout=10):
    """The reply text of one turn; a Resumed/NewSession restarts it."""
    text, events = [], []
    while True:
        ev = session.next_event(timeout)
        if ev is None:
            raise AssertionError(f"no TurnComplete within {timeout}s; got {events}")
        events.append(ev)
        if isinstance(ev, gl.TextEvent):
            text.append(ev.text)
        elif isinstance(ev, gl.ResumedEvent):
            text = []
        elif isinstance(ev, gl.ClosedEvent):
            raise AssertionError(f"closed during the turn: {ev!r}")
        elif isinstance(ev, gl.TurnCompleteEvent):
            return "".join(text), events


class VertexTest(unittest.TestCase):
    def test_a_new_token_per_connect_through_a_drop(self):
        baseline = vertex.live_providers()
        calls = []

        def provider():
            calls.append(1)
            return f"ya29.py-token-{len(calls)}"

        with vertex.VertexFakeServer("py-proj", "us-central1", faults="1@2:drop") as fake:
            config = gl.Config(
                endpoint=fake.endpoint,
                vertex=("py-proj", "us-central1"),
                vertex_transparent_resumption=True,
                access_token_provider=provider,
                response_modality="text", model=TEXT_MODEL,
            )
            config.validate()
            s = gl.Session.connect(config)
            # The session outlives the config: the provider must stay alive for reconnects.
            config.close()
            del config
            gc.collect()
            s.send_text("one")
            text, events = reply(s)
            self.assertEqual(text, "[turn 1] echo: one")
            s.send_text("two")
            text, more = reply(s)
            self.assertEqual(text, "[turn 2] echo: two")
            events += more
            s.close()
            self.assertGreaterEqual(len(calls), 2, "no new token for the reconnection")
            self.assertTrue(any(isinstance(e, gl.ResumedEvent) for e in events), events)
            indexes = [
                e.last_consumed_index
                for e in events
                if isinstance(e, gl.ResumptionUpdateEvent) and e.handle
            ]
            self.assertTrue(indexes and all(i is not None for i in indexes), indexes)
            del s
            gc.collect()
        self.assertEqual(vertex.live_providers(), baseline)

    def test_provider_failures_are_reported(self):
        with vertex.VertexFakeServer("py-proj", "global") as fake:

            def broken():
                raise RuntimeError("gcloud is not logged in")

            with self.assertRaises(gl.ConnectionFailedError) as cm:
                gl.Session.connect(
                    endpoint=fake.endpoint,
                    vertex=("py-proj", "global"),
                    access_token_provider=broken,
                    response_modality="text", model=TEXT_MODEL,
                )
            self.assertEqual(cm.exception.code, _lib.ACCESS_TOKEN)
            self.assertIn("gcloud is not logged in", str(cm.exception))

            attempts = []

            def flaky():
                attempts.append(1)
                if len(attempts) == 1:
                    raise vertex.RetryLater("metadata server busy")
                return "ya29.second-try"

            with gl.Session.connect(
                endpoint=fake.endpoint,
                vertex=("py-proj", "global"),
                access_token_provider=flaky,
                response_modality="text", model=TEXT_MODEL,
            ) as s:
                s.send_text("hi")
                self.assertEqual(reply(s)[0], "[turn 1] echo: hi")
            self.assertEqual(len(attempts), 2)

    def test_vertex_options_are_checked(self):
        c = gl.Config(vertex=("py-proj", "us-central1"), api_key="AIzaNOTFORVERTEX")
        with self.assertRaises(gl.InvalidConfigError) as cm:
            c.validate()
        # An API key goes without a project (express mode), as in Google's SDKs.
        self.assertIn("express mode", str(cm.exception))
        self.assertIn("goes without a project", str(cm.exception))
        c.set("access_token_provider", lambda: "ya29.x")
        c.validate()
        c.set("vertex_api_version", "v1beta1")
        with self.assertRaises(gl.InvalidArgumentError):
            c.set("vertex_api_version", "v2")
        with self.assertRaises(TypeError):
            c.set("access_token_provider", "not callable")
        c.close()
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config(vertex_user_project="billing")


if __name__ == "__main__":
    unittest.main()
