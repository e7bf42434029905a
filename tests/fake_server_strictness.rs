//! The fake Live server is as strict as the real service, accepts what the official SDKs
//! send (tests/golden), answers deterministically and injects faults where told.
//!
//! Every test drives the server with a raw tungstenite client (`client`); reads time out after
//! 2 s so a broken expectation fails fast instead of hanging. The tests: the official SDKs'
//! captures replayed (`golden`), what the fake refuses (`strictness`), its deterministic
//! replies and resumption (`replies`), and the faults it injects (`faults`).

/// The parts, one file each in tests/fake_server_strictness/.
mod fake_server_strictness {
    mod client;
    mod faults;
    mod golden;
    mod replies;
    mod strictness;
}
