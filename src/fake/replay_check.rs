//! How the replay server compares what a client sends with what the recording says it sent:
//! the first difference, said as a path and the two values ("at
//! `setup.generationConfig.responseModalities[0]`: expected "AUDIO", got "TEXT"").

use serde_json::Value;

/// What a client frame is, compared with the recorded one.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The same frame.
    Same,
    /// Different: the first difference. `fatal` when the recorded answers cannot fit (another
    /// response modality in `setup`), whatever the strictness.
    Differs { diff: String, fatal: bool },
}

/// Compares the client's frame `got` with the recorded client frame `want` (its text as
/// recorded: audio may be summarised, then `got` is summarised the same way).
pub(crate) fn compare(want: &str, got: &str) -> Verdict {
    let (Ok(w), Ok(mut g)) = (
        serde_json::from_str::<Value>(want),
        serde_json::from_str::<Value>(got),
    ) else {
        return if want == got {
            Verdict::Same
        } else {
            Verdict::Differs {
                diff: format!("expected {}, got {}", short_text(want), short_text(got)),
                fatal: false,
            }
        };
    };
    if want.contains("\"summary\"") {
        crate::record::summarise(&mut g);
    }
    let mut path = String::new();
    match first_difference(&w, &g, &mut path) {
        None => Verdict::Same,
        Some(diff) => {
            let fatal = path.starts_with("setup.generationConfig.responseModalities")
                || path.starts_with("setup.generation_config.response_modalities");
            Verdict::Differs { diff, fatal }
        }
    }
}

/// The first place where `got` differs from `want`, depth first, in `want`'s key order.
fn first_difference(want: &Value, got: &Value, path: &mut String) -> Option<String> {
    let at = |p: &str| {
        if p.is_empty() {
            "the message".to_string()
        } else {
            format!("`{p}`")
        }
    };
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match g.get(k) {
                    None => {
                        return Some(format!(
                            "at {}: expected {}, got nothing",
                            at(path),
                            short(wv)
                        ))
                    }
                    Some(gv) => {
                        if let Some(d) = first_difference(wv, gv, path) {
                            return Some(d);
                        }
                    }
                }
                path.truncate(len);
            }
            let extra = g.keys().find(|k| !w.contains_key(*k))?;
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(extra);
            Some(format!(
                "at {}: expected nothing, got {}",
                at(path),
                short(&g[extra])
            ))
        }
        (Value::Array(w), Value::Array(g)) => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                if let Some(d) = first_difference(wv, gv, path) {
                    return Some(d);
                }
                path.truncate(len);
            }
            (w.len() != g.len()).then(|| {
                format!(
                    "at {}: expected {} items, got {}",
                    at(path),
                    w.len(),
                    g.len()
                )
            })
        }
        _ if want == got => None,
        _ => Some(format!(
            "at {}: expected {}, got {}",
            at(path),
            short(want),
            short(got)
        )),
    }
}

fn short(v: &Value) -> String {
    short_text(&v.to_string())
}

/// At most 30 characters of `s` (long base64 audio is cut): the difference fits in a close
/// reason.
fn short_text(s: &str) -> String {
    const MAX: usize = 30;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX).collect();
    format!("{cut}... ({} bytes)", s.len())
}

/// The top-level key of a JSON object frame (`setup`, `realtimeInput`, ...).
pub(crate) fn kind(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m.keys().next().cloned().unwrap_or_default(),
        _ => "non-JSON".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_difference_is_named_with_its_path_and_values() {
        let want = r#"{"clientContent":{"turns":[{"role":"user","parts":[{"text":"hello"}]}],"turnComplete":true}}"#;
        let got = want.replace("hello", "goodbye");
        assert_eq!(compare(want, want), Verdict::Same);
        assert_eq!(
            compare(want, &got),
            Verdict::Differs {
                diff:
                    "at `clientContent.turns[0].parts[0].text`: expected \"hello\", got \"goodbye\""
                        .into(),
                fatal: false
            }
        );
        let setup =
            r#"{"setup":{"model":"models/m","generationConfig":{"responseModalities":["AUDIO"]}}}"#;
        let Verdict::Differs { diff, fatal } = compare(setup, &setup.replace("AUDIO", "TEXT"))
        else {
            panic!("differs")
        };
        assert!(fatal, "{diff}");
        assert!(diff.contains("expected \"AUDIO\", got \"TEXT\""), "{diff}");
        let Verdict::Differs { diff, .. } = compare(r#"{"a":1}"#, r#"{"a":1,"b":"x"}"#) else {
            panic!("differs")
        };
        assert_eq!(diff, "at `b`: expected nothing, got \"x\"");
    }
}
