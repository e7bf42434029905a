//! Every model of the capability table: its refusals are caught before any socket is opened
//! (naming the model, the field and the fix), and, with the check bypassed, the fake closes
//! with the service's code; what each model accepts works end to end against the fake.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, VertexFakeAuth};
use gemini_live::models::{self, Kind, ModelInfo, Rule, MODELS};
use gemini_live::protocol::FunctionResponse;
use gemini_live::protocol::{
    Behavior, Empty, FunctionDeclaration, Modality, Proactivity, Scheduling, ThinkingConfig, Tool,
};
use gemini_live::vertex::{TokenProvider, VertexTarget};
use gemini_live::wording::Phrase;
use gemini_live::{Auth, Secret};
use gemini_live::{Config, Error, Event, InteractionStatus, ResponseMode, Session};
use serde_json::json;
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

#[test]
fn every_refusal_fails_before_a_socket_is_opened_naming_model_field_and_fix() {
    let server = fake();
    let mut checked = 0;
    for info in MODELS {
        for r in info.refuses {
            let c = breaking(accepted(&server, info), r.rule);
            let err = Session::connect(c).unwrap_err();
            let Error::UnsupportedByModel { model, field, fix } = &err else {
                panic!("{} {:?}: {err:?}", info.id, r.rule);
            };
            assert_eq!(model, info.id);
            assert!(field.starts_with(r.rule.field()), "{field}");
            let (fix, want) = (fix.to_string(), Phrase(r.fix.to_vec()).to_string());
            assert!(fix.contains(&want), "{fix}");
            assert!(fix.contains(&r.code.to_string()), "{fix}");
            assert!(!err.is_retryable());
            checked += 1;
        }
    }
    assert_eq!(server.connection_count(), 0, "no connection may be opened");
    assert!(checked >= 15, "{checked}");
}

#[test]
fn with_the_check_skipped_the_fake_closes_with_the_services_code() {
    let server = fake();
    for info in MODELS {
        for r in info.refuses {
            let before = server.connection_count();
            let mut c = breaking(accepted(&server, info), r.rule);
            c.skip_model_check = true;
            c.reconnect.max_attempts = 1;
            assert!(Session::connect(c).is_err(), "{} {:?}", info.id, r.rule);
            let recs = server.connections();
            assert!(
                recs.len() > before,
                "{} {:?} opened no connection",
                info.id,
                r.rule
            );
            let rec = &recs[before];
            assert_eq!(
                rec.close_sent,
                Some((r.code, r.reason.to_string())),
                "{} {:?}",
                info.id,
                r.rule
            );
        }
    }
}

#[test]
fn extra_setup_json_is_checked_against_the_table_and_refused_by_the_fake() {
    // The table check sees the setup as it will be sent, extra JSON merged in.
    let server = fake();
    let info = models::lookup("gemini-3.8-live").unwrap();
    let mut c = accepted(&server, info)
        .with_extra_setup(json!({"generationConfig": {"thinkingConfig": {"thinkingLevel": "LOW"}}}))
        .unwrap();
    match c.validate() {
        Err(Error::UnsupportedByModel { field, .. }) => {
            assert_eq!(field, "generationConfig.thinkingConfig")
        }
        other => panic!("{other:?}"),
    }
    // Bypassed, the fake (like the service) closes 1007, and the frame carries the JSON.
    c.skip_model_check = true;
    c.reconnect.max_attempts = 1;
    assert!(Session::connect(c).is_err());
    let rec = server.connections().pop().unwrap();
    assert_eq!(rec.close_sent.map(|c| c.0), Some(1007));
    assert!(
        rec.frames[0].contains("\"thinkingLevel\":\"LOW\""),
        "{}",
        rec.frames[0]
    );
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

#[test]
fn every_model_answers_what_it_accepts() {
    let server = fake();
    for info in MODELS {
        let mut c = accepted(&server, info);
        if !info.status.is_current() {
            retired_is_refused_locally_and_by_the_fake(c, info);
            continue;
        }
        if info.kind == Kind::Translate {
            c.generation.translation_config = Some(gemini_live::protocol::TranslationConfig {
                target_language_code: "es".into(),
                echo_target_language: None,
            });
        }
        let s = Session::connect(c).unwrap_or_else(|e| panic!("{}: {e}", info.id));
        if info.text_input {
            s.send_text("hello").unwrap();
            let events = interaction(&s);
            let text = text_of(&events);
            assert!(
                text.ends_with("[turn 1] echo: hello"),
                "{}: {text}",
                info.id
            );
            let statuses: Vec<_> = events
                .iter()
                .filter_map(|e| match e {
                    Event::TurnComplete { interaction, .. } => Some(*interaction),
                    _ => None,
                })
                .collect();
            if info.interaction_status {
                assert_eq!(
                    statuses,
                    [
                        Some(InteractionStatus::InProgress),
                        Some(InteractionStatus::Idle)
                    ],
                    "{}",
                    info.id
                );
                assert!(text.starts_with("[turn 1] let me think"), "{text}");
            } else {
                assert_eq!(statuses, [None], "{}", info.id);
            }
        } else {
            s.send_audio_bytes(&tone(200, 440.0)).unwrap();
            s.audio_stream_end().unwrap();
            let events = interaction(&s);
            let heard = "[turn 1] heard 6400 bytes of audio";
            match info.kind {
                Kind::Transcribe => {
                    let finals: Vec<&Event> = events
                        .iter()
                        .filter(|e| matches!(e, Event::InputTranscription { .. }))
                        .collect();
                    assert!(
                        matches!(finals.as_slice(), [Event::InputTranscription { text, finished: true, language_code: Some(_) }] if text.starts_with(heard)),
                        "{events:?}"
                    );
                    assert!(events
                        .iter()
                        .any(|e| matches!(e, Event::InterimInputTranscription { .. })));
                    // The transcribe models send no usage.
                    assert!(
                        events.iter().all(|e| !matches!(
                            e,
                            Event::Usage(_) | Event::TurnComplete { usage: Some(_), .. }
                        )),
                        "{events:?}"
                    );
                    assert!(!events.iter().any(|e| matches!(e, Event::Audio(_))));
                }
                _ => {
                    let text = text_of(&events);
                    assert!(text.starts_with(heard), "{}: {text}", info.id);
                    assert!(text.ends_with(", translated into es"), "{text}");
                }
            }
            // Text input is refused by audio-only models (the service closes 1007).
            s.send_text("hello").unwrap();
            match closed(&s) {
                Event::Closed { code, .. } => assert_eq!(code, 1007, "{}", info.id),
                other => panic!("{other:?}"),
            }
        }
        drop(s);
    }
}

#[test]
fn a_fake_serving_one_model_refuses_the_others_and_the_advice_names_current_models() {
    let server = fake_with(FakeOptions {
        models: vec!["gemini-3.8-live".into()],
        ..FakeOptions::default()
    });
    let ok =
        Session::connect(config(&server, ResponseMode::TextAndAudio).with_model("gemini-3.8-live"));
    assert!(ok.is_ok());
    let err = Session::connect(
        config(&server, ResponseMode::TextAndAudio)
            .with_model("gemini-2.5-flash-native-audio-preview-12-2025"),
    )
    .unwrap_err();
    assert!(matches!(err, Error::ModelNotFound { .. }), "{err:?}");
    let s = err.to_string();
    assert!(
        s.contains(&models::recommended(models::Api::Developer)),
        "{s}"
    );
    let cli = err.message(gemini_live::wording::Lang::Cli);
    assert!(cli.contains("--model"), "{cli}");
}

fn tool_config(server: &FakeServer, model: &str) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio).with_model(model);
    c.tools = vec![Tool {
        function_declarations: Some(vec![FunctionDeclaration {
            name: "get_time".into(),
            ..FunctionDeclaration::default()
        }]),
        ..Tool::default()
    }];
    c
}

fn call_id(events: &[Event]) -> String {
    events
        .iter()
        .find_map(|e| match e {
            Event::ToolCall(calls) => Some(calls[0].id.clone()),
            _ => None,
        })
        .expect("a tool call")
}

fn respond(s: &Session, id: &str, scheduling: Option<Scheduling>) {
    s.send_tool_response(vec![FunctionResponse {
        id: id.into(),
        name: "get_time".into(),
        response: json!({"time": "12:00"}),
        scheduling,
        will_continue: None,
        ..FunctionResponse::default()
    }])
    .unwrap();
}

#[test]
fn extended_thinking_calls_tools_in_the_background_and_honours_scheduling() {
    let server = fake();
    let s = Session::connect(tool_config(&server, "gemini-3.8-live-extended-thinking")).unwrap();

    // The call goes out and the model keeps talking (a filler marked IN_PROGRESS).
    s.send_text("call tool get_time with {}").unwrap();
    let mut events = Vec::new();
    while !events.iter().any(|e| {
        matches!(
            e,
            Event::TurnComplete {
                interaction: Some(InteractionStatus::InProgress),
                ..
            }
        )
    }) {
        events.push(s.next_event(Duration::from_secs(5)).unwrap().unwrap());
    }
    assert!(text_of(&events).contains("checking get_time"), "{events:?}");
    // INTERRUPT: the model stops what it says and speaks about the result now.
    respond(&s, &call_id(&events), Some(Scheduling::Interrupt));
    let events = interaction(&s);
    assert!(
        matches!(
            events
                .iter()
                .find(|e| matches!(e, Event::Interrupted | Event::Text(_))),
            Some(Event::Interrupted)
        ),
        "{events:?}"
    );
    assert!(
        text_of(&events).contains("tool get_time returned {\"time\":\"12:00\"}"),
        "{events:?}"
    );

    // SILENT: the result is taken in without a word; the interaction goes idle.
    s.send_text("call tool get_time with {}").unwrap();
    let events = loop {
        let ev = s.next_event(Duration::from_secs(5)).unwrap().unwrap();
        if let Event::ToolCall(calls) = &ev {
            break calls.clone();
        }
    };
    let _ = interaction_until_in_progress(&s);
    respond(&s, &events[0].id, Some(Scheduling::Silent));
    let after = interaction(&s);
    assert_eq!(text_of(&after), "", "{after:?}");

    // WHEN_IDLE (and no scheduling): spoken once the model is idle.
    s.send_text("call tool get_time with {}").unwrap();
    let events = interaction_until_in_progress(&s);
    respond(&s, &call_id(&events), Some(Scheduling::WhenIdle));
    let after = interaction(&s);
    assert!(
        text_of(&after).contains("tool get_time returned"),
        "{after:?}"
    );
    assert!(!after.iter().any(|e| matches!(e, Event::Interrupted)));

    // The wire carries scheduling beside `response`, as the proto has it.
    let frames = server.connections().pop().unwrap().frames;
    assert!(
        frames
            .iter()
            .any(|f| f.contains("\"scheduling\":\"INTERRUPT\"")),
        "{frames:?}"
    );
    assert!(frames
        .iter()
        .any(|f| f.contains("\"scheduling\":\"SILENT\"")));
}

fn interaction_until_in_progress(s: &Session) -> Vec<Event> {
    let mut events = Vec::new();
    loop {
        let ev = s.next_event(Duration::from_secs(5)).unwrap().unwrap();
        let stop = matches!(
            ev,
            Event::TurnComplete {
                interaction: Some(InteractionStatus::InProgress),
                ..
            }
        );
        events.push(ev);
        if stop {
            return events;
        }
    }
}

#[test]
fn non_blocking_calls_on_38_live_answer_each_response_by_itself() {
    let server = fake();
    let s = Session::connect(tool_config(&server, "gemini-3.8-live")).unwrap();
    s.send_text("call tool get_time with {}").unwrap();
    let first = turn_until_tool_call(&s);
    // A non-blocking call is answered on its own, with no interaction status on 3.8 Live.
    respond(&s, &first, None);
    let t = turn(&s);
    assert!(t.text.contains("tool get_time returned"), "{t:?}");
    assert!(t.events.iter().any(|e| matches!(
        e,
        Event::TurnComplete {
            interaction: None,
            ..
        }
    )));
}

fn turn_until_tool_call(s: &Session) -> String {
    loop {
        if let Event::ToolCall(calls) = s.next_event(Duration::from_secs(5)).unwrap().unwrap() {
            return calls[0].id.clone();
        }
    }
}

#[test]
fn will_continue_keeps_a_non_blocking_call_open_for_more_responses() {
    let server = fake();
    let s = Session::connect(tool_config(&server, "gemini-3.8-live")).unwrap();
    s.send_text("call tool get_time with {}").unwrap();
    let id = turn_until_tool_call(&s);
    let partial = FunctionResponse {
        id: id.clone(),
        name: "get_time".into(),
        response: json!({"progress": "half"}),
        scheduling: Some(Scheduling::WhenIdle),
        will_continue: Some(true),
        ..FunctionResponse::default()
    };
    s.send_tool_response(vec![partial]).unwrap();
    assert!(turn(&s).text.contains("returned {\"progress\":\"half\"}"));
    // The call is still open: the final response is accepted and answered.
    respond(&s, &id, None);
    let mut events = Vec::new();
    while let Ok(Some(ev)) = s.next_event(Duration::from_secs(3)) {
        let done = matches!(ev, Event::TurnComplete { .. });
        events.push(ev);
        if done {
            break;
        }
    }
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolResponsesDropped { .. })),
        "the session closed the call on its first response: {events:?}"
    );
    assert!(
        text_of(&events).contains("returned {\"time\":\"12:00\"}"),
        "{events:?}"
    );
}

/// A retired model: refused before connecting, naming the date and a current model; with
/// the check bypassed it is sent, and the fake closes 1008 "not found" as the service does.
fn retired_is_refused_locally_and_by_the_fake(mut c: Config, info: &ModelInfo) {
    let e = Session::connect(c.clone()).expect_err(info.id);
    let text = e.to_string();
    assert!(matches!(e, Error::UnsupportedByModel { .. }), "{e:?}");
    assert!(text.contains("retired it on"), "{text}");
    assert!(text.contains(gemini_live::DEFAULT_MODEL), "{text}");
    c.skip_model_check = true;
    let e = Session::connect(c).expect_err(info.id);
    assert!(
        matches!(&e, Error::ModelNotFound { model, .. } if model.contains(info.id)),
        "{}: {e:?}",
        info.id
    );
}
