"""Streamed function arguments (Vertex AI) reach ``ToolCall.partial_args`` and
``ToolCall.will_continue``: a hand-written recording served by ``gemini-live fake-server
--replay`` answers the first question with a TOOL_CALL whose arguments are streamed."""

import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

from _support import TEXT_MODEL, gl

CLI = os.environ.get("GEMINI_LIVE_CLI")

STREAMED = {
    "id": "c2",
    "name": "book",
    "willContinue": True,
    "partialArgs": [
        {"jsonPath": "$.city", "stringValue": "Par", "willContinue": True},
        {"jsonPath": "$.nights", "numberValue": 3},
        {"jsonPath": "$.pets", "boolValue": False},
        {"jsonPath": "$.note", "nullValue": "NULL_VALUE"},
    ],
}
PLAIN = {"id": "c3", "name": "plain", "args": {"a": 1}}

RECORDING = [
    {"gemini_live_recording": 1, "created_unix_ms": 0, "audio": "keep", "library": "test"},
    {"t": 0.0, "dir": "connect", "conn": 1, "url": "ws://x/ws"},
    {"t": 0.0, "dir": "send", "conn": 1, "frame": {"setup": {}}},
    {"t": 0.0, "dir": "recv", "conn": 1, "frame": {"setupComplete": {}}},
    {"t": 0.0, "dir": "send", "conn": 1, "frame": {"clientContent": {}}},
    {"t": 0.0, "dir": "recv", "conn": 1, "frame": {"toolCall": {"functionCalls": [STREAMED, PLAIN]}}},
]


@unittest.skipUnless(CLI, "GEMINI_LIVE_CLI (the gemini-live binary) is not set")
class StreamedToolCallTest(unittest.TestCase):
    def replay(self):
        """Starts the recording's server; returns its endpoint."""
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        path = Path(tmp.name) / "streamed.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in RECORDING))
        server = subprocess.Popen(
            [CLI, "fake-server", "--port", "0", "--replay", str(path), "--fast"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.addCleanup(server.wait)
        self.addCleanup(server.kill)
        self.addCleanup(server.stdout.close)
        endpoint = server.stdout.readline().strip()
        self.assertTrue(endpoint.startswith("ws://"), endpoint)
        return endpoint

    def test_partial_args_and_will_continue_reach_the_tool_call(self):
        with gl.connect(endpoint=self.replay(), modality="text", model=TEXT_MODEL) as s:
            s.send_text("book a room in Paris")
            while True:
                ev = s.next_event(10)
                self.assertIsNotNone(ev, "no TOOL_CALL within 10 s")
                if isinstance(ev, gl.ToolCallEvent):
                    break
        streamed, plain = ev.calls
        self.assertEqual((streamed.id, streamed.name, streamed.args), ("c2", "book", {}))
        self.assertTrue(streamed.will_continue)
        self.assertEqual(
            streamed.partial_args,
            [
                {"json_path": "$.city", "string_value": "Par", "will_continue": True},
                {"json_path": "$.nights", "number_value": 3},
                {"json_path": "$.pets", "bool_value": False},
                {"json_path": "$.note", "null_value": "NULL_VALUE"},
            ],
        )
        self.assertIn("partial_args=", repr(streamed))
        self.assertEqual(plain, gl.ToolCall("c3", "plain", {"a": 1}))
        self.assertEqual((plain.partial_args, plain.will_continue), ([], False))


if __name__ == "__main__":
    unittest.main()
