"""Session.metrics_openmetrics(): the metrics as OpenMetrics text, parsed by prometheus_client's
strict parser when it is installed (.ci/run installs it)."""

import unittest

from _support import TEXT_MODEL, collect_turn, gl

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:  # outside CI
    text_string_to_metric_families = None


class OpenMetricsTest(unittest.TestCase):
    def test_the_text_names_counters_and_parses(self):
        fake = gl.FakeServer()
        self.addCleanup(fake.close)
        s = gl.Session.connect(endpoint=fake.endpoint, response_modality="text", model=TEXT_MODEL)
        self.addCleanup(s.close)
        s.send_text("hello")
        collect_turn(s)
        text = s.metrics_openmetrics()
        self.assertTrue(text.endswith("# EOF\n"), text)
        self.assertIn("gemini_live_messages_sent_total ", text)
        self.assertIn("# UNIT gemini_live_sent_bytes bytes", text)
        if text_string_to_metric_families is None:
            self.skipTest("pip package prometheus_client is not installed")
        families = {f.name: f for f in text_string_to_metric_families(text)}
        self.assertEqual(families["gemini_live_send_latency_seconds"].type, "histogram")
        sent = [
            x.value
            for x in families["gemini_live_messages_sent"].samples
            if x.name == "gemini_live_messages_sent_total"
        ]
        self.assertEqual(sent, [float(s.metrics()["messages_sent"])])


if __name__ == "__main__":
    unittest.main()
