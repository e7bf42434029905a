//! The metrics snapshot as OpenMetrics text (the Prometheus exposition format), for the
//! monitoring people already run: [`MetricsSnapshot::openmetrics`]; C
//! `gemini_live_session_metrics_openmetrics`.
//!
//! Names follow the OpenMetrics conventions: prefix `gemini_live_`, base units (seconds,
//! bytes) as suffixes declared with `# UNIT`, counters exposed as `_total`, the send-path
//! latency as a histogram (`_bucket{le=...}`, `_count`, `_sum`), the state as a state set.
//! A figure the session does not have yet (no turn answered, no close) is left out rather
//! than reported as 0.

use crate::metrics::MetricsSnapshot;
use crate::state::State;
use std::fmt::Write as _;
use std::time::Duration;

/// Writes one metric family.
struct Out {
    text: String,
    labels: String,
}

impl Out {
    fn family(&mut self, name: &str, kind: &str, unit: &str, help: &str) {
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
        if !unit.is_empty() {
            let _ = writeln!(self.text, "# UNIT {name} {unit}");
        }
        let _ = writeln!(self.text, "# HELP {name} {help}");
    }

    /// A sample: `name{labels,extra} value`.
    fn sample(&mut self, name: &str, extra: &str, value: impl std::fmt::Display) {
        let labels = match (self.labels.is_empty(), extra.is_empty()) {
            (true, true) => String::new(),
            (false, true) => format!("{{{}}}", self.labels),
            (true, false) => format!("{{{extra}}}"),
            (false, false) => format!("{{{},{extra}}}", self.labels),
        };
        let _ = writeln!(self.text, "{name}{labels} {value}");
    }

    fn counter(&mut self, name: &str, unit: &str, help: &str, value: impl std::fmt::Display) {
        self.family(name, "counter", unit, help);
        self.sample(&format!("{name}_total"), "", value);
    }

    fn gauge(&mut self, name: &str, unit: &str, help: &str, value: impl std::fmt::Display) {
        self.family(name, "gauge", unit, help);
        self.sample(name, "", value);
    }

    fn seconds(&mut self, name: &str, help: &str, value: Option<Duration>) {
        if let Some(d) = value {
            self.gauge(name, "seconds", help, secs(d));
        }
    }
}

/// Seconds as OpenMetrics wants a float.
fn secs(d: Duration) -> String {
    format!("{:?}", d.as_secs_f64())
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl MetricsSnapshot {
    /// This snapshot as an OpenMetrics exposition (ending with `# EOF`), e.g. served on
    /// `/metrics` or pushed to a gateway. See [`crate::openmetrics`] for the names.
    pub fn openmetrics(&self) -> String {
        self.openmetrics_labeled(&[])
    }

    /// [`MetricsSnapshot::openmetrics`] with `labels` on every sample (e.g. `[("session",
    /// "call-42")]`), so that several sessions can be told apart once scraped. A label name
    /// that is not `[a-zA-Z_][a-zA-Z0-9_]*` is left out.
    pub fn openmetrics_labeled(&self, labels: &[(&str, &str)]) -> String {
        let valid = |n: &str| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let labels: Vec<String> = labels
            .iter()
            .filter(|(n, _)| valid(n))
            .map(|(n, v)| format!("{n}=\"{}\"", escape(v)))
            .collect();
        let mut o = Out {
            text: String::with_capacity(4096),
            labels: labels.join(","),
        };
        o.counter(
            "gemini_live_messages_sent",
            "",
            "Messages handed to the socket.",
            self.messages_sent,
        );
        o.counter(
            "gemini_live_sent_bytes",
            "bytes",
            "Bytes of JSON handed to the socket.",
            self.bytes_sent,
        );
        o.counter(
            "gemini_live_messages_received",
            "",
            "Data frames received.",
            self.messages_received,
        );
        o.counter(
            "gemini_live_received_bytes",
            "bytes",
            "Bytes of data frames received.",
            self.bytes_received,
        );
        o.counter(
            "gemini_live_decode_errors",
            "",
            "Frames that could not be decoded.",
            self.decode_errors,
        );
        o.counter(
            "gemini_live_reconnects",
            "",
            "Reconnections that succeeded.",
            self.reconnects,
        );
        o.counter(
            "gemini_live_downtime_seconds",
            "seconds",
            "Time spent without a connection, all outages together.",
            secs(self.downtime),
        );
        o.counter(
            "gemini_live_replayed_messages",
            "",
            "Input messages re-sent after reconnections.",
            self.replayed_messages,
        );
        o.counter(
            "gemini_live_dropped_messages",
            "",
            "Input messages dropped (replay-buffer overflow, stale tool responses).",
            self.dropped_messages,
        );
        o.gauge(
            "gemini_live_send_queue_depth",
            "",
            "Messages waiting in the send queue.",
            self.send_queue_depth,
        );
        o.gauge(
            "gemini_live_send_queue_peak",
            "",
            "Highest send-queue depth seen.",
            self.send_queue_peak,
        );
        o.seconds(
            "gemini_live_last_first_reply_seconds",
            "Latest turn: last input sent to the first reply content.",
            self.last_first_reply,
        );
        o.seconds(
            "gemini_live_last_first_audio_seconds",
            "Latest turn: last input sent to the first audio.",
            self.last_first_audio,
        );
        o.seconds(
            "gemini_live_last_turn_complete_seconds",
            "Latest turn: last input sent to turn complete.",
            self.last_turn_complete,
        );
        o.seconds(
            "gemini_live_since_last_received_seconds",
            "Time since the last message was received.",
            self.since_last_received,
        );
        if let Some(code) = self.last_close_code {
            o.gauge(
                "gemini_live_last_close_code",
                "",
                "Close code of the latest connection that ended.",
                code,
            );
        }
        o.family(
            "gemini_live_connect_phase_seconds",
            "gauge",
            "seconds",
            "Phases of the latest successful connect.",
        );
        let c = &self.connect;
        for (phase, d) in [
            ("tcp", c.tcp),
            ("tls", c.tls),
            ("upgrade", c.upgrade),
            ("setup", c.setup),
        ] {
            o.sample(
                "gemini_live_connect_phase_seconds",
                &format!("phase=\"{phase}\""),
                secs(d),
            );
        }
        o.family(
            "gemini_live_state",
            "stateset",
            "",
            "The session's state when the snapshot was taken.",
        );
        for (state, name) in [
            (State::Connecting, "connecting"),
            (State::Connected, "connected"),
            (State::Reconnecting, "reconnecting"),
            (State::Closing, "closing"),
            (State::Closed, "closed"),
        ] {
            o.sample(
                "gemini_live_state",
                &format!("gemini_live_state=\"{name}\""),
                u8::from(self.state == state),
            );
        }
        let h = &self.send_latency;
        let name = "gemini_live_send_latency_seconds";
        o.family(
            name,
            "histogram",
            "seconds",
            "Send path: from a message entering the send queue to the flush that carried it.",
        );
        for (le, cumulative) in h.cumulative_buckets() {
            o.sample(
                &format!("{name}_bucket"),
                &format!("le=\"{}\"", secs(le)),
                cumulative,
            );
        }
        o.sample(&format!("{name}_bucket"), "le=\"+Inf\"", h.count());
        o.sample(&format!("{name}_count"), "", h.count());
        o.sample(&format!("{name}_sum"), "", secs(h.sum()));
        o.text.push_str("# EOF\n");
        o.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_units_and_absent_figures() {
        let m = MetricsSnapshot {
            messages_sent: 3,
            bytes_sent: 120,
            last_first_reply: Some(Duration::from_millis(250)),
            ..MetricsSnapshot::default()
        };
        let t = m.openmetrics_labeled(&[("session", "a\"b"), ("bad-name", "x")]);
        assert!(t.ends_with("# EOF\n"), "{t}");
        assert!(
            t.contains("gemini_live_messages_sent_total{session=\"a\\\"b\"} 3\n"),
            "{t}"
        );
        assert!(t.contains("# UNIT gemini_live_sent_bytes bytes\n"), "{t}");
        assert!(
            t.contains("gemini_live_last_first_reply_seconds{session=\"a\\\"b\"} 0.25\n"),
            "{t}"
        );
        assert!(
            !t.contains("gemini_live_last_turn_complete_seconds{"),
            "absent: {t}"
        );
        assert!(!t.contains("bad-name"), "{t}");
        assert!(
            t.contains("gemini_live_send_latency_seconds_bucket{session=\"a\\\"b\",le=\"+Inf\"} 0"),
            "{t}"
        );
    }
}
