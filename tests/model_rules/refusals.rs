//! Every refusal of the table caught before a socket is opened; with the check bypassed,
//! the fake closes with the service's code.

use crate::{accepted, breaking, fake};
use gemini_live::models::{self, MODELS};
use gemini_live::wording::Phrase;
use gemini_live::{Error, Session};
use serde_json::json;

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
