"""Errors become exceptions, and the ctypes module binds the whole header."""

import re
import unittest

from _support import HEADER, gl

from gemini_live import _lib


class ErrorsTest(unittest.TestCase):
    def test_model_not_found(self):
        with gl.FakeServer() as fake:
            with self.assertRaises(gl.ModelNotFoundError) as cm:
                gl.Session.connect(endpoint=fake.endpoint, model="no-such-model")
        e = cm.exception
        self.assertIsInstance(e, gl.ConnectionFailedError)
        self.assertIsInstance(e, ConnectionError)
        self.assertEqual((e.code, e.name), (306, "MODEL_NOT_FOUND"))
        self.assertIn("no-such-model", e.detail)
        self.assertFalse(e.retryable)

    def test_refused_connection_is_retryable(self):
        with self.assertRaises(gl.ConnectionFailedError) as cm:
            gl.Session.connect(endpoint="ws://127.0.0.1:1", reconnect=False)
        self.assertEqual(cm.exception.name, "IO")
        self.assertTrue(cm.exception.retryable)

    def test_http_refusal(self):
        with gl.FakeServer(faults="1@up:refuse=503") as fake:
            with self.assertRaises(gl.HTTPError) as cm:
                gl.Session.connect(endpoint=fake.endpoint, reconnect=False)
        self.assertIn("503", cm.exception.detail)

    def test_connect_timeout(self):
        with gl.FakeServer(faults="1@up:stall") as fake:
            with self.assertRaises(gl.TimeoutError) as cm:
                gl.Session.connect(
                    endpoint=fake.endpoint, connect_timeout_ms=300, reconnect=False
                )
        self.assertIsInstance(cm.exception, TimeoutError)
        self.assertIsInstance(cm.exception, gl.ConnectTimeoutError)
        self.assertTrue(cm.exception.retryable)

    def test_invalid_config_and_arguments(self):
        with self.assertRaises(gl.InvalidConfigError):
            gl.Session.connect(endpoint="http://not-websocket")
        with self.assertRaises(TypeError):
            gl.Config(no_such_option=1)
        with self.assertRaises(gl.InvalidArgumentError) as cm:
            gl.Config(send_queue_capacity=0)
        self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaises(gl.InvalidArgumentError):
            gl.FakeServer(faults="nonsense")
        with self.assertRaises(gl.InvalidArgumentError):
            gl.Config().add_function("f", "", None).add_function("", "")

    def test_bad_input_on_a_live_session(self):
        with gl.FakeServer() as fake, gl.Session.connect(endpoint=fake.endpoint) as s:
            with self.assertRaises(gl.InvalidArgumentError) as cm:
                s.send_audio(b"\x01\x02\x03")  # odd byte count
            self.assertIn("16-bit", cm.exception.detail)
            with self.assertRaises(gl.InvalidArgumentError):
                s.send_audio(b"")
            with self.assertRaises(gl.InvalidArgumentError):
                s.activity_start()  # needs VAD off
            with self.assertRaises(gl.InvalidArgumentError):
                s.send_tool_response("", "f", {})

    def test_server_close_becomes_a_closed_event_with_a_classified_error(self):
        with gl.FakeServer(faults="1@2:close=1011") as fake:
            s = gl.Session.connect(endpoint=fake.endpoint, reconnect=False)
            s.send_text("cut off")
            events = list(s.events(timeout=10))
            closed = events[-1]
            self.assertIsInstance(closed, gl.ClosedEvent)
            self.assertEqual(closed.code, 1011)
            self.assertIsInstance(closed.error, gl.ServerClosedError)
            self.assertTrue(closed.error.retryable)
            with self.assertRaises(gl.ClosedError):
                s.send_text("late")
            s.close()

    def test_panic_is_caught_and_raised(self):
        code = _lib.lib.gemini_live_test_panic()
        self.assertEqual(code, _lib.PANIC)
        e = gl.errors.error_for(code)
        self.assertIsInstance(e, gl.PanicError)
        self.assertIn("gemini_live_test_panic was called", e.detail)

    def test_result_descriptions(self):
        self.assertEqual(gl.errors.describe(0), "success")
        self.assertEqual(gl.errors.describe(424242), "unknown result code")


def header_functions():
    text = HEADER.read_text()
    return sorted(set(re.findall(r"\b(gemini_live_\w+)\s*\(", text)))


class BindingTest(unittest.TestCase):
    def test_every_header_function_is_declared(self):
        names = header_functions()
        self.assertGreater(len(names), 90)
        missing = [n for n in names if n not in _lib.FUNCTIONS]
        self.assertEqual(missing, [], "header functions without argtypes in _c_core.py or _c_helpers.py")
        extra = [n for n in _lib.FUNCTIONS if n not in names]
        self.assertEqual(extra, [], "declared functions that the header does not declare")
        for n in names:
            fn = getattr(_lib.lib, n)
            self.assertIsNotNone(fn.argtypes, n)

    def test_argument_counts_match_the_header(self):
        text = " ".join(HEADER.read_text().split())
        for name, (_, argtypes) in _lib.FUNCTIONS.items():
            m = re.search(r"\b" + name + r"\(([^)]*)\);", text)
            self.assertIsNotNone(m, name)
            args = m.group(1).strip()
            count = 0 if args in ("", "void") else args.count(",") + 1
            self.assertEqual(count, len(argtypes), name)

    def test_version(self):
        self.assertRegex(gl.__version__, r"^\d+\.\d+\.\d+")


if __name__ == "__main__":
    unittest.main()
