//! `Config::max_message_size` enforced on what the server sends, without allocating what a
//! frame announces.

use super::raw_server::*;
use crate::{big_lock, LARGEST};
use gemini_live::{Error, Event, Session};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn header(len: u64, more: bool, opcode: u8) -> Vec<u8> {
    let mut h = vec![if more { opcode } else { 0x80 | opcode }];
    if len < 126 {
        h.push(len as u8);
    } else if len <= u64::from(u16::MAX) {
        h.push(126);
        h.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        h.push(127);
        h.extend_from_slice(&len.to_be_bytes());
    }
    h
}

fn assert_too_large(e: &Error) {
    assert!(matches!(e, Error::Protocol(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("message too large"), "{text}");
}

#[test]
fn a_frame_announcing_more_than_max_message_size_ends_the_connection_without_allocating_it() {
    let _big = big_lock();
    for announced in [16u64 << 20 | 1, 1 << 30, u64::MAX >> 1] {
        let server = RawServer::start(None);
        let s = Session::connect(raw_config(&server.endpoint)).unwrap();
        LARGEST.store(0, Ordering::SeqCst);
        let t = Instant::now();
        // Only the header: the payload never comes, so the client must not wait for it.
        server.push(Push::Raw(header(announced, false, 0x2)));
        let (code, error) = closed_error(&s);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert_eq!(code, 1006);
        assert_too_large(&error.expect("why"));
        let largest = LARGEST.load(Ordering::SeqCst);
        assert!(largest < 4 << 20, "an allocation of {largest} bytes");
    }
}

#[test]
fn a_fragmented_message_over_max_message_size_ends_the_connection() {
    let _big = big_lock();
    let server = RawServer::start(None);
    let mut c = raw_config(&server.endpoint);
    c.max_message_size = 1 << 20;
    let s = Session::connect(c).unwrap();
    // 3 fragments of 512 KiB: the second one crosses 1 MiB.
    let chunk = vec![b' '; 512 << 10];
    let mut first = header(chunk.len() as u64, true, 0x2);
    first.extend_from_slice(&chunk);
    server.push(Push::Raw(first));
    for _ in 0..2 {
        let mut more = header(chunk.len() as u64, true, 0x0);
        more.extend_from_slice(&chunk);
        server.push(Push::Raw(more));
    }
    let (code, error) = closed_error(&s);
    assert_eq!(code, 1006);
    assert_too_large(&error.expect("why"));
}

#[test]
fn max_message_size_is_the_exact_limit() {
    let _big = big_lock();
    let server = RawServer::start(None);
    let mut c = raw_config(&server.endpoint);
    c.max_message_size = 64 << 10;
    let s = Session::connect(c).unwrap();
    assert!(matches!(next(&s, "setup"), Event::SetupComplete { .. }));
    let frame = |len: usize| {
        let prefix = "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"text\":\"";
        let suffix = "\"}]}}}";
        let text = "x".repeat(len - prefix.len() - suffix.len());
        format!("{prefix}{text}{suffix}").into_bytes()
    };
    server.push(Push::Frame(frame(64 << 10), true));
    assert!(matches!(next(&s, "at the limit"), Event::Text(t) if t.len() > 60_000));
    server.push(Push::Frame(frame((64 << 10) + 1), true));
    let (code, error) = closed_error(&s);
    assert_eq!(code, 1006);
    assert_too_large(&error.expect("why"));
}

#[test]
fn an_oversized_frame_instead_of_setup_complete_fails_the_connect_clearly() {
    let _big = big_lock();
    let server = RawServer::start(Some(Push::Raw(header(1 << 32, false, 0x1))));
    let err = Session::connect(raw_config(&server.endpoint)).expect_err("too large");
    assert_too_large(&err);
}

#[test]
fn a_malformed_frame_instead_of_setup_complete_fails_the_connect_clearly() {
    let server = RawServer::start(Some(Push::Frame(b"{\"setupComplete\":".to_vec(), true)));
    match Session::connect(raw_config(&server.endpoint)) {
        Err(Error::Protocol(m)) => assert!(m.starts_with("malformed server message"), "{m}"),
        other => panic!("{other:?}"),
    }
}
