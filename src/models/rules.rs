//! The rules evaluated on the JSON of a `setup` message, shared by the client's check
//! ([`check_setup`]) and the fake server.

use super::{bare_id, lookup, recommended, Api, ModelInfo, Refusal, Rule, Status};
use crate::error::{Error, Result};
use crate::protocol::Modality;
use crate::wording::{Phrase, Setting};
use serde_json::Value;

/// The first rule of `info` that the `setup` body (the value of the `setup` key, in either
/// spelling) breaks.
pub fn violation(info: &ModelInfo, setup: &Value) -> Option<&'static Refusal> {
    info.refuses.iter().find(|r| breaks(r.rule, setup))
}

fn breaks(rule: Rule, setup: &Value) -> bool {
    let gen = get(setup, "generationConfig");
    match rule {
        Rule::Modality(m) => {
            let want = match m {
                Modality::Text => "TEXT",
                Modality::Audio => "AUDIO",
            };
            let list = gen
                .and_then(|g| get(g, "responseModalities"))
                .and_then(Value::as_array);
            match list {
                None => m == Modality::Audio,
                Some(items) if items.is_empty() => m == Modality::Audio,
                Some(items) => items.iter().any(|v| v.as_str() == Some(want)),
            }
        }
        Rule::ThinkingConfig => gen.and_then(|g| get(g, "thinkingConfig")).is_some(),
        Rule::AffectiveDialog => gen.and_then(|g| get(g, "enableAffectiveDialog")).is_some(),
        Rule::ProactiveAudioOff => get(setup, "proactivity")
            .and_then(|p| get(p, "proactiveAudio"))
            .is_some_and(|v| v.as_bool() == Some(false)),
        Rule::BlockingFunction => tools(setup).iter().any(|t| {
            get(t, "functionDeclarations")
                .and_then(Value::as_array)
                .is_some_and(|fs| {
                    fs.iter()
                        .any(|f| get(f, "behavior").and_then(Value::as_str) == Some("BLOCKING"))
                })
        }),
        Rule::Tools => !tools(setup).is_empty(),
        Rule::SystemInstruction => get(setup, "systemInstruction").is_some(),
    }
}

fn tools(setup: &Value) -> Vec<Value> {
    get(setup, "tools")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Member `camel` of an object, also under its snake_case name.
fn get<'a>(v: &'a Value, camel: &str) -> Option<&'a Value> {
    let obj = v.as_object()?;
    if let Some(x) = obj.get(camel) {
        return Some(x).filter(|x| !x.is_null());
    }
    let mut snake = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    obj.get(&snake).filter(|x| !x.is_null())
}

/// Checks a setup for `model` (any prefix) against the table entry of the model: `Ok` for
/// unknown models (with a debug log) and for setups the model accepts;
/// [`Error::UnsupportedByModel`] for retired models (with the current ones as the fix), and
/// naming the model, the field and the fix otherwise. `setup` gives the body of the `setup`
/// message (the value of its `setup` key); it is only called when the model refuses
/// something. [`Config::validate`](crate::Config::validate) calls this (through
/// [`Config::check_model`](crate::Config::check_model)) unless `skip_model_check` is set.
pub fn check_setup(model: &str, setup: impl FnOnce() -> Value) -> Result<()> {
    let Some(info) = lookup(model) else {
        log::debug!(
            "model {} is not in the capability table: not checked locally",
            bare_id(model.trim())
        );
        return Ok(());
    };
    if let Status::Retired { since } = info.status {
        return Err(Error::UnsupportedByModel {
            model: info.id.to_string(),
            field: format!("connections: Google retired it on {since}"),
            fix: Phrase::new()
                .text("choose a current model with ")
                .setting(Setting::Model)
                .text(format!(
                    ", e.g. {} (the default is {}); the service closes 1008 \"not found\"; \
                     to send it anyway set ",
                    recommended(Api::Developer),
                    super::DEFAULT_MODEL
                ))
                .setting(Setting::SkipModelCheck),
        });
    }
    if info.refuses.is_empty() {
        // Nothing to check: no need to render the setup (about 10 us of a connect).
        return Ok(());
    }
    match violation(info, &setup()) {
        None => Ok(()),
        Some(r) => Err(Error::UnsupportedByModel {
            model: info.id.to_string(),
            field: describe_field(r.rule),
            fix: Phrase::new()
                .parts(r.fix)
                .text(format!(
                    " (the service closes {} \"{}\"; to send it anyway set ",
                    r.code, r.reason
                ))
                .setting(Setting::SkipModelCheck)
                .text(")"),
        }),
    }
}

fn describe_field(rule: Rule) -> String {
    match rule {
        Rule::Modality(m) => format!("{} {:?}", rule.field(), m.as_str()),
        _ => rule.field().to_string(),
    }
}
