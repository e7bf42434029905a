//! The CLI prints and writes every reply once through faults.

use crate::common::cli::{gemini_live, run_with_input};
use crate::common::*;
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use std::time::Duration;

#[test]
fn the_cli_chat_prints_every_reply_once_in_order_through_faults() {
    // Defect 6: `gemini-live chat` printed a reply cut by an outage twice (the partial, then
    // the whole). Twenty lines through a cut reply, a 1011, a drop between a turnComplete and
    // its handle, a GoAway and a cut by 1011.
    let plan = FaultPlan::new()
        .at(
            1,
            3,
            Fault::CutMidReply {
                after_sends: 2,
                code: None,
            },
        )
        .at(
            2,
            4,
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
        )
        .after_server(3, 8, Fault::Drop)
        .at(
            4,
            3,
            Fault::GoAway {
                time_left: Duration::from_secs(1),
                then_close_after: Some(Duration::from_secs(1)),
            },
        )
        .at(
            5,
            3,
            Fault::CutMidReply {
                after_sends: 3,
                code: Some(1011),
            },
        );
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let lines: Vec<String> = (1..=20).map(|i| format!("line {i}")).collect();
    let out = run_with_input(
        gemini_live()
            .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
            .args(["chat", "--modality", "text", "--model", "fake-text-live"]),
        &format!("{}\n", lines.join("\n")),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let echoes: Vec<&str> = stdout
        .split("\n\n")
        .filter(|r| !r.is_empty())
        .map(|r| r.split("echo: ").nth(1).unwrap_or(r))
        .collect();
    assert_eq!(echoes, lines, "{stdout}\n{stderr}");
    assert!(
        server.connection_count() >= 5,
        "every fault fired: {}",
        server.connection_count()
    );
}

#[test]
fn the_cli_talk_writes_a_reply_cut_by_an_outage_once() {
    // The same for `gemini-live talk`: the reply WAV holds one copy of the reply audio.
    let input = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/hello_16k.wav");
    let dir = std::env::temp_dir().join(format!("gemini-live-talk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |server: &FakeServer, name: &str| -> (usize, String) {
        let path = dir.join(name);
        let out = gemini_live()
            .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
            .args(["talk", "--fast", "--input", input, "--output"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{out:?}");
        let samples = hound::WavReader::open(&path).unwrap().len() as usize;
        (samples, stdout)
    };
    let clean = fake();
    let (want, _) = run(&clean, "clean.wav");
    assert!(want > 0);
    let sent = clean.connections()[0].sent.clone();
    let second_chunk = sent
        .iter()
        .enumerate()
        .filter(|(_, m)| m.contains("inlineData"))
        .nth(1)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{sent:#?}"));
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().after_server(1, second_chunk, Fault::Drop),
        ..FakeOptions::default()
    });
    let (got, stdout) = run(&server, "cut.wav");
    assert_eq!(got, want, "one copy of the reply: {stdout}");
    assert!(stdout.contains("starts again"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
