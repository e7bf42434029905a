//! Every model of the capability table: its refusals are caught before any socket is opened
//! (naming the model, the field and the fix), and, with the check bypassed, the fake closes
//! with the service's code; what each model accepts works end to end against the fake.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, VertexFakeAuth};
use gemini_live::models::{self, ModelInfo, Rule};
use gemini_live::protocol::{
    Behavior, Empty, FunctionDeclaration, Modality, Proactivity, ThinkingConfig, Tool,
};
use gemini_live::vertex::{TokenProvider, VertexTarget};
use gemini_live::{Auth, Secret};
use gemini_live::{Config, Event, InteractionStatus, ResponseMode, Session};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A fake serving every model, on the Developer API and (for project `p`, location `l`)
/// on Vertex AI.
fn fake() -> FakeServer {
    fake_with(FakeOptions {
        vertex: Some(VertexFakeAuth::new("p", "l")),
        ..FakeOptions::default()
    })
}

/// A config for `info` that it accepts (on Vertex AI for a Vertex-only model, with a fresh
/// token per connect).
fn accepted(server: &FakeServer, info: &ModelInfo) -> Config {
    let mut c = config(server, info.default_mode()).with_model(info.id);
    c.reconnect.enabled = false;
    if info.api == models::Api::Vertex {
        c.vertex = Some(VertexTarget::new("p", "l"));
        let n = AtomicUsize::new(0);
        c.auth = Auth::AccessToken(TokenProvider::new(move || {
            let i = n.fetch_add(1, Ordering::SeqCst);
            Ok(Secret::new(format!("ya29.token-{i}")))
        }));
    }
    c
}

/// `accepted`, changed so that it breaks `rule`.
fn breaking(mut c: Config, rule: Rule) -> Config {
    match rule {
        Rule::Modality(Modality::Text) => c.response_mode = ResponseMode::Text,
        Rule::Modality(Modality::Audio) => c.response_mode = ResponseMode::TextAndAudio,
        Rule::ThinkingConfig => {
            c.generation.thinking_config = Some(ThinkingConfig {
                thinking_budget: Some(0),
                ..ThinkingConfig::default()
            })
        }
        Rule::AffectiveDialog => c.generation.enable_affective_dialog = Some(true),
        Rule::ProactiveAudioOff => {
            c.proactivity = Some(Proactivity {
                proactive_audio: Some(false),
                ..Proactivity::default()
            })
        }
        Rule::BlockingFunction => {
            c.tools = vec![Tool {
                function_declarations: Some(vec![FunctionDeclaration {
                    name: "book_flight".into(),
                    behavior: Some(Behavior::Blocking),
                    ..FunctionDeclaration::default()
                }]),
                ..Tool::default()
            }]
        }
        Rule::Tools => {
            c.tools = vec![Tool {
                google_search: Some(Empty {}),
                ..Tool::default()
            }]
        }
        Rule::SystemInstruction => c.system_instruction = Some("Be brief.".into()),
    }
    c
}

/// Events until the interaction is idle (a `TurnComplete` not marked IN_PROGRESS).
fn interaction(session: &Session) -> Vec<Event> {
    let mut out = Vec::new();
    loop {
        let ev = session
            .next_event(Duration::from_secs(5))
            .expect("open")
            .expect("an event within 5 s");
        if let Event::Closed { .. } = ev {
            panic!("closed: {ev:?}");
        }
        let end = matches!(
            ev,
            Event::TurnComplete {
                interaction: None | Some(InteractionStatus::Idle),
                ..
            }
        );
        out.push(ev);
        if end {
            return out;
        }
    }
}

fn text_of(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// The tests, one file a part in tests/model_rules/.
mod model_rules {
    mod answers;
    mod refusals;
    mod tools;
}
