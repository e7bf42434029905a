//! The header's lists stay true: every C object's "Functions:" list (in the doc comment of
//! its opaque type) names exactly the functions the header declares for that object, and the
//! "Defaults:" list of `gemini_live_config_new` says what `Config::default()` has. (Defaults
//! stated one per setter are checked by `header_mirrors_rust.rs`.) The header is grouped by C
//! object (build.rs makes one section per `src/ffi` module): every function sits in the
//! section of its object, and every object's doc says how it is freed and its thread rules.

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

/// The header's sections, as build.rs heads them (`/*`, a rule, ` * Title`, a rule): each
/// title with the text up to the next section (the last ends at the closing guard).
fn sections(h: &str) -> Vec<(String, String)> {
    let rule = format!(" * {}", "=".repeat(91));
    let lines: Vec<&str> = h.lines().collect();
    let starts: Vec<usize> = (1..lines.len().saturating_sub(2))
        .filter(|&i| lines[i - 1] == "/*" && lines[i] == rule && lines[i + 2] == rule)
        .collect();
    let end = (lines.iter())
        .rposition(|l| *l == "#ifdef __cplusplus")
        .unwrap_or(lines.len());
    (starts.iter().enumerate())
        .map(|(n, &i)| {
            let stop = starts.get(n + 1).map_or(end, |&next| next - 1);
            let title = lines[i + 1].trim_start_matches(" * ").to_string();
            (title, lines[i..stop].join("\n"))
        })
        .collect()
}

/// What is out of place: functions outside every section, and functions of an object that
/// sit in another section than the object's type.
fn misplaced(h: &str) -> Vec<String> {
    let sections = sections(h);
    let objects = objects(h);
    let mut wrong = Vec::new();
    let in_sections: BTreeSet<String> = sections.iter().flat_map(|(_, t)| functions(t)).collect();
    for f in functions(h).difference(&in_sections) {
        wrong.push(format!("`{f}` is outside every section"));
    }
    for (title, text) in &sections {
        for f in functions(text) {
            let Some(object) = owner(&objects, &f) else {
                continue;
            };
            if !text.contains(&format!("typedef struct {object} {object};")) {
                wrong.push(format!(
                    "`{f}` is in section {title:?}, not with `{object}`"
                ));
            }
        }
    }
    wrong
}

#[test]
fn every_function_sits_in_the_section_of_its_object() {
    let h = header();
    let sections = sections(&h);
    assert!(
        sections.len() >= 10,
        "{:?}",
        sections.iter().map(|s| &s.0).collect::<Vec<_>>()
    );
    for object in objects(&h) {
        let homes = (sections.iter())
            .filter(|(_, t)| t.contains(&format!("typedef struct {object} {object};")))
            .count();
        assert_eq!(homes, 1, "`{object}` is declared in one section");
    }
    let wrong = misplaced(&h);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_section_checker_sees_a_misplaced_and_a_stray_function() {
    let rule = format!(" * {}", "=".repeat(91));
    let section = |title: &str, body: &str| format!("/*\n{rule}\n * {title}\n{rule}\n */\n{body}");
    let h = [
        "void gemini_live_stray(void);".to_string(),
        section(
            "a",
            "typedef struct gemini_live_a gemini_live_a;\nvoid gemini_live_a_new(void);",
        ),
        section(
            "b",
            "typedef struct gemini_live_b gemini_live_b;\nvoid gemini_live_a_free(void);",
        ),
        "#ifdef __cplusplus".to_string(),
    ]
    .join("\n");
    assert_eq!(sections(&h).len(), 2);
    assert_eq!(
        misplaced(&h),
        [
            "`gemini_live_stray` is outside every section",
            "`gemini_live_a_free` is in section \"b\", not with `gemini_live_a`"
        ]
    );
}

#[test]
fn every_objects_doc_says_how_it_is_freed_and_its_threads() {
    let h = header();
    let mut wrong = Vec::new();
    for object in objects(&h) {
        let doc = doc_before(&h, &format!("typedef struct {object} {object};"));
        if !doc.contains(&format!("`{object}_free`")) {
            wrong.push(format!("`{object}`: its doc does not name `{object}_free`"));
        }
        if !doc.to_lowercase().contains("thread") {
            wrong.push(format!("`{object}`: its doc states no thread rule"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
