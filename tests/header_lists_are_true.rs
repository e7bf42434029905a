//! The header's lists stay true: every C object's "Functions:" list (in the doc comment of
//! its opaque type) names exactly the functions the header declares for that object, and the
//! "Defaults:" list of `gemini_live_config_new` says what `Config::default()` has. (Defaults
//! stated one per setter are checked by `header_mirrors_rust.rs`.)

use gemini_live::Config;
use std::collections::BTreeSet;

fn header() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/gemini_live.h");
    std::fs::read_to_string(path).expect("include/gemini_live.h (run cargo build)")
}

/// Every function the header declares (`... gemini_live_name(` at the start of a line).
fn functions(h: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in h.lines() {
        if line.starts_with([' ', '*', '/', '#']) {
            continue;
        }
        let Some(open) = line.find('(') else { continue };
        let name = line[..open]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if name.starts_with("gemini_live_") {
            out.insert(name.to_string());
        }
    }
    out
}

/// The doc comment right before the declaration that contains `decl` (a line of the header
/// outside comments), joined into one line.
fn doc_before(h: &str, decl: &str) -> String {
    let line = h
        .lines()
        .find(|l| !l.starts_with([' ', '*', '/']) && l.contains(decl))
        .unwrap_or_else(|| panic!("{decl:?} declared in the header"));
    let at = h.find(line).expect("the line");
    let start = h[..at].rfind("/**").expect("a doc comment");
    h[start..at]
        .lines()
        .map(|l| {
            l.trim_start()
                .trim_start_matches("/**")
                .trim_start_matches('*')
        })
        .map(|l| l.trim_end_matches('/').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The opaque C objects: `typedef struct gemini_live_x gemini_live_x;`.
fn objects(h: &str) -> Vec<String> {
    h.lines()
        .filter_map(|l| l.strip_prefix("typedef struct "))
        .filter_map(|l| {
            let (a, b) = l.trim_end_matches(';').split_once(' ')?;
            (a == b).then(|| a.to_string())
        })
        .collect()
}

/// The names a "Functions:" list gives, `*` standing for any tail (`gemini_live_config_set_*`).
fn listed(doc: &str) -> Vec<String> {
    let list = doc
        .split_once("Functions:")
        .map(|(_, l)| l)
        .unwrap_or_else(|| panic!("no \"Functions:\" list in {doc:?}"));
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// The object a function belongs to: the longest object name that prefixes it.
fn owner<'a>(objects: &'a [String], name: &str) -> Option<&'a String> {
    objects
        .iter()
        .filter(|o| name.starts_with(&format!("{o}_")))
        .max_by_key(|o| o.len())
}

#[test]
fn every_objects_functions_list_names_exactly_its_functions() {
    let h = header();
    let all = functions(&h);
    let objects = objects(&h);
    assert!(objects.len() >= 5, "{objects:?}");
    let mut wrong = Vec::new();
    for object in &objects {
        let doc = doc_before(&h, &format!("typedef struct {object} {object};"));
        let patterns = listed(&doc);
        for p in &patterns {
            let hits: Vec<_> = all.iter().filter(|f| matches(p, f)).collect();
            if hits.is_empty() {
                wrong.push(format!(
                    "{object}: lists `{p}`, which the header does not declare"
                ));
            }
            if hits.iter().any(|f| owner(&objects, f) != Some(object)) {
                wrong.push(format!("{object}: `{p}` names another object's function"));
            }
        }
        for f in all.iter().filter(|f| owner(&objects, f) == Some(object)) {
            if !patterns.iter().any(|p| matches(p, f)) {
                wrong.push(format!(
                    "{object}: `{f}` is missing from its \"Functions:\" list"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_checker_sees_a_missing_and_an_unknown_function() {
    let h = "/**\n * An object.\n *\n * Functions: `gemini_live_thing_new`, `gemini_live_thing_gone`,\n \
             * `gemini_live_thing_set_*`.\n */\ntypedef struct gemini_live_thing gemini_live_thing;\n\
             int gemini_live_thing_new(void);\nint gemini_live_thing_set_a(int a);\n\
             void gemini_live_thing_free(gemini_live_thing *t);\n";
    let all = functions(h);
    assert_eq!(all.len(), 3, "{all:?}");
    let objects = objects(h);
    assert_eq!(objects, ["gemini_live_thing"]);
    let patterns = listed(&doc_before(h, "typedef struct gemini_live_thing"));
    assert_eq!(
        patterns,
        [
            "gemini_live_thing_new",
            "gemini_live_thing_gone",
            "gemini_live_thing_set_*"
        ]
    );
    assert!(!all.iter().any(|f| matches("gemini_live_thing_gone", f)));
    assert!(!patterns
        .iter()
        .any(|p| matches(p, "gemini_live_thing_free")));
    assert!(matches(
        "gemini_live_thing_set_*",
        "gemini_live_thing_set_a"
    ));
}

#[test]
fn config_new_states_the_defaults_config_default_has() {
    let h = header();
    let doc = doc_before(&h, " gemini_live_config_new(");
    let defaults = doc
        .split_once("Defaults:")
        .and_then(|(_, rest)| rest.split_once(". "))
        .map(|(list, _)| list)
        .expect("a \"Defaults:\" sentence in gemini_live_config_new's doc");
    let d = Config::default();
    let t = &d.timeouts;
    let secs = |x: std::time::Duration| {
        assert_eq!(x.subsec_millis(), 0, "whole seconds");
        format!("{} s", x.as_secs())
    };
    let mib = |n: usize| {
        assert_eq!(n % (1 << 20), 0, "whole MiB");
        format!("{} MiB", n >> 20)
    };
    let on = |b: bool| if b { "on" } else { "off" };
    let modality = match d.response_mode {
        gemini_live::ResponseMode::Text => "GEMINI_LIVE_MODALITY_TEXT",
        gemini_live::ResponseMode::Audio => "GEMINI_LIVE_MODALITY_AUDIO",
        gemini_live::ResponseMode::TextAndAudio => "GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO",
    };
    let want = [
        format!("model `{}`", d.model),
        format!("API version `{}`", d.api_version),
        format!("endpoint `{}`", d.endpoint),
        "no credentials".to_string(),
        format!("`{modality}`"),
        format!("input transcription {}", on(d.input_transcription)),
        format!("session resumption {}", on(d.session_resumption)),
        format!(
            "server voice activity detection {}",
            on(d.realtime_input.is_none())
        ),
        format!("connect timeout {}", secs(t.connect_total)),
        format!("send timeout {}", secs(t.send)),
        format!("close timeout {}", secs(t.close)),
        format!("send queue {} messages", d.send_queue_capacity),
        format!("event queue {} events", d.event_queue_capacity),
        format!("maximum message {}", mib(d.max_message_size)),
    ];
    let stated: Vec<&str> = defaults.split(", ").map(str::trim).collect();
    let mut wrong = Vec::new();
    for w in &want {
        if !stated.iter().any(|s| s.starts_with(w.as_str())) {
            wrong.push(format!("expected {w:?}"));
        }
    }
    for s in &stated {
        if !want.iter().any(|w| s.starts_with(w.as_str())) {
            wrong.push(format!("states {s:?}, which this test does not check"));
        }
    }
    assert!(wrong.is_empty(), "{defaults}\n{}", wrong.join("\n"));
}
