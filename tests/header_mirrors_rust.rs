//! One fact, one place: what `include/gemini_live.h` repeats from the Rust code is checked
//! here against the Rust code itself.
//!
//! - Every default the header states ("Defaults to 256", "(default 100)", "2 s by default")
//!   is found in the header text and compared with `Config::default()`; a stated default
//!   this test does not know fails it, so a new one cannot drift unchecked.
//! - The C metrics struct mirrors `MetricsSnapshot` field for field (by name, microseconds
//!   as `_us`, nested structs as `prefix_field`), both ways; so does the C player stats
//!   struct `gemini_live_player_stats` mirror `audio::PlayerStats`, and the C usage struct
//!   `gemini_live_usage` the counts of `UsageMetadata` (its per-modality lists each a
//!   `GEMINI_LIVE_USAGE_*_DETAILS` constant).

use gemini_live::audio::PlayerStats;
use gemini_live::{Config, MetricsSnapshot};
use std::collections::BTreeMap;
use std::time::Duration;

fn header() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/gemini_live.h");
    std::fs::read_to_string(path).expect("include/gemini_live.h (run cargo build)")
}

/// Where a piece of the header is: the function or type its doc comment documents, or
/// `(header text)` for the walkthrough and section comments.
fn subject_at(h: &str, pos: usize) -> String {
    let end = h[pos..].find("*/").map_or(h.len(), |e| pos + e + 2);
    let after = h[end..].trim_start();
    if after.starts_with("/*") || after.starts_with('#') {
        return "(header text)".into();
    }
    let decl = &after[..after.find([';', '{']).unwrap_or(after.len())];
    let name_end = decl.find('(').unwrap_or(decl.len());
    let name = decl[..name_end]
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| !w.is_empty())
        .unwrap_or("");
    if name.is_empty() {
        "(header text)".into()
    } else {
        name.into()
    }
}

/// A stated default in base units: milliseconds for times, bytes for sizes, else a count.
fn value(number: &str, unit: &str) -> u64 {
    let n: u64 = number.parse().expect("a number");
    match unit {
        "ms" => n,
        "s" => n * 1000,
        "MiB" => n << 20,
        "KiB" => n << 10,
        _ => n,
    }
}

/// The number (and unit) right after `pos`, if one starts there.
fn number_at(text: &str) -> Option<(String, String)> {
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return None;
    }
    let rest = &text[digits.len()..];
    let unit = rest
        .strip_prefix(' ')
        .map(|r| {
            r.split(|c: char| !c.is_ascii_alphabetic())
                .next()
                .unwrap_or("")
        })
        .filter(|u| ["ms", "s", "MiB", "KiB"].contains(u))
        .unwrap_or("");
    Some((digits, unit.to_string()))
}

/// The number (and unit) that ends right before `pos` ("2 s by default").
fn number_before(text: &str) -> Option<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().rev().take(2).collect();
    match words.as_slice() {
        [unit, n, ..]
            if n.trim_start_matches('(')
                .chars()
                .all(|c| c.is_ascii_digit()) =>
        {
            Some((n.trim_start_matches('(').to_string(), unit.to_string()))
        }
        [n, ..] => {
            let n = n.trim_start_matches('(');
            n.chars()
                .all(|c| c.is_ascii_digit())
                .then(|| (n.to_string(), String::new()))
        }
        _ => None,
    }
}

/// Every numeric or boolean default the header states, by subject, in order.
fn stated_defaults(h: &str) -> BTreeMap<String, Vec<String>> {
    // Doc comments are wrapped: join their lines so a phrase split over two still reads.
    let mut flat = String::with_capacity(h.len());
    for line in h.lines() {
        let t = line.trim_start();
        let t = if t.starts_with("*/") {
            t
        } else {
            t.strip_prefix("* ")
                .or_else(|| t.strip_prefix('*'))
                .unwrap_or(t)
        };
        flat.push_str(t);
        flat.push(if t.ends_with("*/") || t.is_empty() {
            '\n'
        } else {
            ' '
        });
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let lower = flat.to_ascii_lowercase();
    for (pos, _) in lower.match_indices("default") {
        let after = &flat[pos + "default".len()..];
        let stated = if let Some(rest) = after.strip_prefix("s to ") {
            // "Defaults to 256", "Defaults to 5000 ms", "Defaults to true"
            number_at(rest)
                .map(|(n, u)| value(&n, &u).to_string())
                .or_else(|| {
                    ["true", "false"]
                        .into_iter()
                        .find(|b| rest.starts_with(b))
                        .map(str::to_string)
                })
        } else if let Some(rest) = after.strip_prefix(' ') {
            // "(default 100)"
            number_at(rest).map(|(n, u)| value(&n, &u).to_string())
        } else {
            None
        };
        // "2 s by default"
        let stated = stated.or_else(|| {
            flat[..pos]
                .strip_suffix("by ")
                .and_then(number_before)
                .map(|(n, u)| value(&n, &u).to_string())
        });
        if let Some(v) = stated {
            out.entry(subject_at(&flat, pos)).or_default().push(v);
        }
    }
    out
}

/// The doc comment of the function declared as `... name(` at the start of a line.
fn doc_of<'a>(h: &'a str, name: &str) -> &'a str {
    let decl = h
        .lines()
        .find(|l| !l.starts_with([' ', '*', '/']) && l.contains(&format!(" {name}(")))
        .unwrap_or_else(|| panic!("{name} is declared"));
    let at = h.find(decl).expect("the declaration");
    &h[h[..at].rfind("/**").expect("its doc")..at]
}

fn ms(d: Duration) -> String {
    d.as_millis().to_string()
}

#[test]
fn every_default_the_header_states_is_config_default() {
    let d = Config::default();
    let player = gemini_live::audio::PlayerConfig::default();
    let phone = gemini_live::audio::PhoneOutConfig::default();
    let t = &d.timeouts;
    let r = &d.reconnect;
    // Each phase timeout is documented as one figure.
    assert!(
        [t.tcp_connect, t.tls_handshake, t.upgrade, t.setup]
            .iter()
            .all(|p| *p == t.tcp_connect),
        "the header states one default for every connect phase: {t:?}"
    );
    let expected: BTreeMap<&str, Vec<String>> = [
        ("(header text)", vec![ms(t.close)]),
        (
            "gemini_live_config_set_input_transcription",
            vec![d.input_transcription.to_string()],
        ),
        (
            "gemini_live_config_set_output_transcription",
            vec![d.output_transcription.to_string()],
        ),
        (
            "gemini_live_config_set_session_resumption",
            vec![d.session_resumption.to_string()],
        ),
        (
            "gemini_live_config_set_include_thoughts",
            vec!["false".into()],
        ),
        (
            "gemini_live_config_set_connect_timeout_ms",
            vec![ms(t.connect_total)],
        ),
        (
            "gemini_live_config_set_phase_timeout_ms",
            vec![ms(t.tcp_connect)],
        ),
        ("gemini_live_config_set_send_timeout_ms", vec![ms(t.send)]),
        ("gemini_live_config_set_close_timeout_ms", vec![ms(t.close)]),
        (
            "gemini_live_config_set_send_queue_capacity",
            vec![d.send_queue_capacity.to_string()],
        ),
        (
            "gemini_live_config_set_event_queue_capacity",
            vec![d.event_queue_capacity.to_string()],
        ),
        (
            "gemini_live_config_set_max_message_size",
            vec![d.max_message_size.to_string()],
        ),
        (
            "gemini_live_config_set_reconnect_max_attempts",
            vec![r.max_attempts.to_string()],
        ),
        (
            "gemini_live_config_set_reconnect_delays_ms",
            vec![ms(r.initial_delay), ms(r.max_delay)],
        ),
        (
            "gemini_live_config_set_reconnect_max_total_ms",
            vec![ms(r.max_total)],
        ),
        (
            "gemini_live_config_set_goaway_margin_ms",
            vec![ms(r.goaway_margin)],
        ),
        (
            "gemini_live_config_set_resume_wait_ms",
            vec![ms(r.resume_wait)],
        ),
        (
            "gemini_live_config_set_quota_delay_ms",
            vec![ms(r.quota_delay)],
        ),
        (
            "gemini_live_config_set_first_connect_budget",
            vec![
                r.first_connect_attempts.to_string(),
                ms(r.first_connect_total),
            ],
        ),
        (
            "gemini_live_config_set_replay_max_bytes",
            vec![d.replay_max_bytes.to_string()],
        ),
        (
            "gemini_live_config_set_replay_max_audio_ms",
            vec![ms(d.replay_max_audio)],
        ),
        (
            "gemini_live_config_set_stall_timeout_ms",
            vec![ms(d.stall_timeout)],
        ),
        (
            "gemini_live_config_set_restore_context",
            vec![d.restore_context.to_string()],
        ),
        (
            "gemini_live_config_set_context_budget_chars",
            vec![d.context_budget.chars.to_string()],
        ),
        (
            "gemini_live_config_set_context_budget_turns",
            vec![d.context_budget.turns.to_string()],
        ),
        (
            "gemini_live_config_set_pong_timeout_ms",
            vec![ms(d.pong_timeout)],
        ),
        (
            "gemini_live_player_new_with",
            vec![ms(player.start_threshold), ms(player.max_latency)],
        ),
        (
            "gemini_live_phone_out_new",
            vec![phone.frame.to_string(), ms(phone.max_buffer)],
        ),
        (
            "gemini_live_config_set_skip_model_check",
            vec![d.skip_model_check.to_string()],
        ),
        (
            "gemini_live_session_connect",
            vec![ms(t.connect_total), ms(r.first_connect_total)],
        ),
        ("gemini_live_session_close", vec![ms(t.close)]),
    ]
    .into_iter()
    .collect();
    let stated = stated_defaults(&header());
    let mut wrong = Vec::new();
    for (subject, values) in &stated {
        match expected.get(subject.as_str()) {
            Some(want) if want == values => {}
            Some(want) => wrong.push(format!(
                "{subject}: the header says {values:?}, Config::default() has {want:?}"
            )),
            None => wrong.push(format!(
                "{subject}: the header states default(s) {values:?} this test does not check \
                 (add them to `expected`, from Config::default())"
            )),
        }
    }
    for subject in expected.keys() {
        if !stated.contains_key(*subject) {
            wrong.push(format!("{subject}: no stated default found in the header"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    let h = header();
    // Defaults stated next to a word rather than "default".
    let doc = doc_of(&h, "gemini_live_session_connect");
    let attempts = format!("up to {} attempts", r.first_connect_attempts);
    assert!(doc.contains(&attempts), "{attempts:?} in {doc}");
    assert_eq!(d.keepalive_interval, None);
    let doc = doc_of(&h, "gemini_live_config_set_keepalive_interval_ms");
    assert!(doc.contains("0 sends none (the default"), "{doc}");
}

#[test]
fn the_checker_finds_each_way_of_stating_a_default() {
    let h = "/**\n * Sets it. Defaults to 4096; 0 is bad.\n */\nint gemini_live_a(int x);\n\
             /**\n * Waits (default 100), capped (default 5000).\n */\nint gemini_live_b(void);\n\
             /**\n * Blocks up to the timeout\n * (5 s by default). Defaults to\n * 8 MiB.\n */\n\
             int gemini_live_c(void);\n/**\n * Defaults to true.\n */\nint gemini_live_d(void);\n";
    let s = stated_defaults(h);
    assert_eq!(s["gemini_live_a"], ["4096"]);
    assert_eq!(s["gemini_live_b"], ["100", "5000"]);
    assert_eq!(
        s["gemini_live_c"],
        ["5000", (8u64 << 20).to_string().as_str()]
    );
    assert_eq!(s["gemini_live_d"], ["true"]);
}

/// The top-level field names of a derived `Debug` rendering `Name { a: .., b: .. }`.
fn debug_fields(debug: &str) -> Vec<String> {
    let inner = debug
        .split_once(" { ")
        .map(|(_, rest)| rest.strip_suffix(" }").unwrap_or(rest))
        .unwrap_or("");
    let (mut depth, mut quoted, mut start) = (0i32, false, 0usize);
    let mut names = Vec::new();
    let bytes = inner.as_bytes();
    for i in 0..=bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b',');
        match c {
            b'"' => quoted = !quoted,
            b'{' | b'(' | b'[' if !quoted => depth += 1,
            b'}' | b')' | b']' if !quoted => depth -= 1,
            b',' if !quoted && depth == 0 => {
                let part = inner[start..i.min(inner.len())].trim();
                if let Some((name, _)) = part.split_once(':') {
                    names.push(name.trim().to_string());
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    names
}

/// The field names of `typedef struct name { ... } name;` in the header.
fn c_fields(h: &str, name: &str) -> Vec<String> {
    let start = h
        .find(&format!("typedef struct {name} {{"))
        .unwrap_or_else(|| panic!("struct {name} in the header"));
    let body = &h[start..start + h[start..].find(&format!("}} {name};")).expect("its end")];
    let mut fields = Vec::new();
    let mut in_comment = false;
    for line in body.lines().skip(1) {
        let t = line.trim();
        if t.starts_with("/*") {
            in_comment = !t.ends_with("*/");
            continue;
        }
        if in_comment {
            in_comment = !t.ends_with("*/");
            continue;
        }
        if let Some(decl) = t.strip_suffix(';') {
            if let Some(field) = decl.split_whitespace().last() {
                fields.push(field.to_string());
            }
        }
    }
    fields
}

#[test]
fn the_c_metrics_struct_mirrors_metrics_snapshot() {
    let h = header();
    let c = c_fields(&h, "gemini_live_metrics");
    assert!(c.len() > 10, "parsed {c:?}");
    let rust = debug_fields(&format!("{:?}", MetricsSnapshot::default()));
    assert!(rust.len() > 10, "parsed {rust:?}");
    let connect = debug_fields(&format!("{:?}", MetricsSnapshot::default().connect));
    assert!(connect.len() >= 4, "parsed {connect:?}");

    let covers = |rust_field: &str, c_field: &str| {
        c_field == rust_field
            || c_field == format!("{rust_field}_us")
            || c_field.starts_with(&format!("{rust_field}_"))
    };
    let mut missing = Vec::new();
    for f in &rust {
        // A string cannot live in a plain struct: it has its own accessor.
        let accessor = format!("gemini_live_session_{f}(");
        if !c.iter().any(|cf| covers(f, cf)) && !h.contains(&accessor) {
            missing.push(format!(
                "MetricsSnapshot::{f} has no field in gemini_live_metrics"
            ));
        }
    }
    for p in &connect {
        if !c.contains(&format!("connect_{p}_us")) {
            missing.push(format!("ConnectTimings::{p} has no connect_{p}_us"));
        }
    }
    for cf in c
        .iter()
        .filter(|f| !["size", "version"].contains(&f.as_str()))
    {
        if !rust.iter().any(|f| covers(f, cf)) {
            missing.push(format!(
                "gemini_live_metrics::{cf} mirrors no MetricsSnapshot field"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_c_player_stats_struct_mirrors_player_stats() {
    // `size` is the C struct's own (ABI growth), not a counter.
    let c = c_fields(&header(), "gemini_live_player_stats");
    assert_eq!(c.first().map(String::as_str), Some("size"), "{c:?}");
    let c = c[1..].to_vec();
    let rust = debug_fields(&format!("{:?}", PlayerStats::default()));
    assert!(rust.len() > 5, "parsed {rust:?}");
    assert_eq!(
        c, rust,
        "gemini_live_player_stats and PlayerStats: same fields, same order"
    );
}

#[test]
fn the_c_usage_struct_mirrors_usage_metadata_counts() {
    let c = c_fields(&header(), "gemini_live_usage");
    assert_eq!(
        c.get(..2),
        Some(&["size".to_string(), "reserved".to_string()][..]),
        "{c:?}"
    );
    let c = c[2..].to_vec();
    let rust = debug_fields(&format!(
        "{:?}",
        gemini_live::protocol::UsageMetadata::default()
    ));
    // The per-modality lists are read with gemini_live_event_usage_detail; the labels
    // (trafficType, serviceTier: strings, not counts) are in gemini_live_event_json.
    let labels = ["traffic_type", "service_tier"];
    let rust: Vec<String> = rust
        .into_iter()
        .filter(|f| !labels.contains(&f.as_str()))
        .collect();
    let (details, counts): (Vec<String>, Vec<String>) =
        rust.into_iter().partition(|f| f.ends_with("_details"));
    assert!(
        counts.len() >= 6 && details.len() >= 4,
        "{counts:?} {details:?}"
    );
    assert_eq!(
        c, counts,
        "gemini_live_usage and UsageMetadata's counts: same fields, same order"
    );
    let h = header();
    for d in &details {
        let list = d.trim_end_matches("_tokens_details").to_ascii_uppercase();
        let constant = format!("GEMINI_LIVE_USAGE_{list}_DETAILS");
        assert!(h.contains(&constant), "{d} has no {constant}");
    }
}
