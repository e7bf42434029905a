//! What each model accepts works end to end; retired models and models the fake does not
//! serve are refused, naming current ones.

use crate::common::*;
use crate::{accepted, fake, interaction, text_of};
use gemini_live::fake::FakeOptions;
use gemini_live::models::{self, Kind, ModelInfo, MODELS};
use gemini_live::{Config, Error, Event, InteractionStatus, ResponseMode, Session};

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
