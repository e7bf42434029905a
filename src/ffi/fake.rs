//! `gemini_live_fake_server`: the embedded fake Live server, for tests and examples that run
//! without a network or an API key. Built with the `fake` cargo feature (on by default).

use super::*;
use crate::fake::{parse_fault_plan, FakeOptions, FakeServer, VertexFakeAuth};

/// A fake Gemini Live server on 127.0.0.1, running in background threads until freed.
/// Its functions exist in libraries built with the `fake` cargo feature (the default); a
/// library built with `--no-default-features` leaves them out (linking fails, Python's
/// binding reports them missing).
/// It answers deterministically: a text turn with `[turn N] echo: <text>`, an audio turn
/// (ended by `gemini_live_session_audio_stream_end`) with 24 kHz audio plus the text
/// `[turn N] heard B bytes of audio, checksum <16 hex digits>` (FNV-1a 64 of the PCM bytes
/// of that turn). It accepts any API key, or none, and serves every model of the library's
/// capability table with that model's rules (modalities, refusals with the service's close
/// codes, the extended-thinking lifecycle), or only the models given to
/// `gemini_live_fake_server_start_with_models`.
///
/// Made by one of the `gemini_live_fake_server_start*` functions, stopped (its threads
/// joined) and freed by `gemini_live_fake_server_free`, after the sessions that use it.
/// `gemini_live_fake_server_endpoint` may be called from any thread.
///
/// Functions: `gemini_live_fake_server_start`, `gemini_live_fake_server_start_with_faults`,
/// `gemini_live_fake_server_start_with_models`,
/// `gemini_live_fake_server_endpoint`, `gemini_live_fake_server_free`,
/// `gemini_live_fake_server_start_vertex`, `gemini_live_fake_server_start_paced`.
pub struct gemini_live_fake_server {
    pub(crate) inner: FakeServer,
}

/// Starts a fake server on 127.0.0.1:`port` (0 picks a free port). On success `*out`
/// owns it: free it with `gemini_live_fake_server_free`. `GEMINI_LIVE_IO` if the port
/// cannot be bound.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_fake_server_start(
    port: u16,
    out: *mut *mut gemini_live_fake_server,
) -> gemini_live_result {
    gemini_live_fake_server_start_with_faults(port, c"".as_ptr(), out)
}

/// Like `gemini_live_fake_server_start`, injecting the faults of `fault_plan`, e.g.
/// `"1@3:close=1011,2@up:refuse=503"` (connection 1, after its 3rd client message: close
/// with 1011; connection 2: refuse the upgrade with HTTP 503). Items are
/// `CONN@WHEN:KIND[=ARG]`, WHEN a client message count (`0`: right after the upgrade), `sN`
/// (right after the server's N-th message on that connection, `s1` being `setupComplete`) or
/// `up` (the upgrade), with KIND one of `goaway=5s[+2s]`, `goaway-strict=5s+2s`,
/// `drop` (TCP end without a close frame), `reset` (TCP reset), `close=CODE[/REASON]`,
/// `stall` (silent; the session is released when the client leaves), `stall=5s` or
/// `stall=forever` (silent, and the session stays attached that long: resumes meanwhile are
/// refused with close 1011, like the real service), `freeze`, `refuse=STATUS`, `malformed`,
/// `truncate` (the next server frame is cut in half, then the TCP connection ends),
/// `slow=200ms`, `unknown`, `silent`, `cut=N[/CODE]` (cut the reply after N server
/// messages). `GEMINI_LIVE_INVALID_ARGUMENT` if the plan does not parse.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_fake_server_start_with_faults(
    port: u16,
    fault_plan: *const c_char,
    out: *mut *mut gemini_live_fake_server,
) -> gemini_live_result {
    gemini_live_fake_server_start_with_models(port, fault_plan, c"".as_ptr(), out)
}

/// Like `gemini_live_fake_server_start_with_faults`, serving only `models`, a
/// comma-separated list of model ids (e.g. `"gemini-3.8-live-extended-thinking"`); other
/// models are closed with 1008 "not found". `""` serves every model of the capability table.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_fake_server_start_with_models(
    port: u16,
    fault_plan: *const c_char,
    models: *const c_char,
    out: *mut *mut gemini_live_fake_server,
) -> gemini_live_result {
    boundary(|| {
        let plan = arg_str(fault_plan, "fault_plan")?;
        let models = arg_str(models, "models")?;
        let out = out_ptr(out, "out")?;
        let faults = parse_fault_plan(plan).map_err(Fail::invalid)?;
        let mut options = FakeOptions {
            port,
            faults,
            ..FakeOptions::default()
        };
        let listed: Vec<String> = models
            .split(',')
            .map(|m| crate::models::bare_id(m.trim()).to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if !listed.is_empty() {
            options.models = listed;
        }
        let inner = FakeServer::start(options)
            .map_err(|e| Fail::new(GEMINI_LIVE_IO, format!("cannot start the fake server: {e}")))?;
        *out = into_raw(gemini_live_fake_server { inner });
        Ok(())
    })
}

/// Copies the server's endpoint, e.g. `ws://127.0.0.1:40123`, into `buf` of `len` bytes
/// (NUL-terminated; 64 bytes are enough); `*needed` (if not NULL) gets the size required,
/// also on `GEMINI_LIVE_BUFFER_TOO_SMALL`. Pass it to `gemini_live_config_set_endpoint`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_fake_server_endpoint(
    server: *const gemini_live_fake_server,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let server = arg_ref(server, "server")?;
        copy_out(&server.inner.endpoint(), buf, len, needed)
    })
}

/// Stops the server (closing its connections) and frees it. NULL does nothing. Free the
/// sessions connected to it first, or they see their connection drop.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_fake_server_free(server: *mut gemini_live_fake_server) {
    boundary_value((), || free_raw(server))
}

/// Starts a fake server (as `gemini_live_fake_server_start_with_faults`) that also serves
/// the Vertex path for `project` and `location`: each upgrade must carry
/// `Authorization: Bearer T` with a token no earlier upgrade presented (HTTP 401 otherwise),
/// the setup's model must be `projects/{project}/locations/{location}/publishers/google/models/M`,
/// and with transparent resumption its updates carry `lastConsumedClientMessageIndex`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_fake_server_start_vertex(
    port: u16,
    project: *const c_char,
    location: *const c_char,
    fault_plan: *const c_char,
    out: *mut *mut gemini_live_fake_server,
) -> gemini_live_result {
    boundary(|| {
        let project = arg_str(project, "project")?;
        let location = arg_str(location, "location")?;
        let plan = arg_str(fault_plan, "fault_plan")?;
        let out = out_ptr(out, "out")?;
        let options = FakeOptions {
            port,
            faults: parse_fault_plan(plan).map_err(Fail::invalid)?,
            vertex: Some(VertexFakeAuth::new(project, location)),
            ..FakeOptions::default()
        };
        let inner = FakeServer::start(options)
            .map_err(|e| Fail::new(GEMINI_LIVE_IO, format!("cannot start the fake server: {e}")))?;
        *out = into_raw(gemini_live_fake_server { inner });
        Ok(())
    })
}

/// Starts a fake server (as `gemini_live_fake_server_start`) whose audio replies last
/// `audio_reply_ms` (in 100 ms chunks) and are sent at `audio_pace` times real time (0.7:
/// slower than they play, as a model generating slowly does; 0: as fast as the socket takes
/// them). With `audio_words` the reply's tone comes in words of 180 to 420 ms with 90 ms of
/// silence between them, as speech has gaps a player can pause at (see
/// `gemini_live_player_new_paced`). On success `*out` owns the server: free it with
/// `gemini_live_fake_server_free`. `GEMINI_LIVE_INVALID_ARGUMENT` if `audio_pace` is negative
/// or not a number; `GEMINI_LIVE_IO` if the port cannot be bound. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_fake_server_start_paced(
    port: u16,
    audio_reply_ms: u32,
    audio_pace: f64,
    audio_words: bool,
    out: *mut *mut gemini_live_fake_server,
) -> gemini_live_result {
    boundary(|| {
        let out = out_ptr(out, "out")?;
        if !(audio_pace.is_finite() && audio_pace >= 0.0) {
            return Err(Fail::invalid(format!(
                "audio_pace must be 0 or more, got {audio_pace}"
            )));
        }
        let options = FakeOptions {
            port,
            audio_reply_ms,
            audio_pace,
            audio_words,
            ..FakeOptions::default()
        };
        let inner = FakeServer::start(options)
            .map_err(|e| Fail::new(GEMINI_LIVE_IO, format!("cannot start the fake server: {e}")))?;
        *out = into_raw(gemini_live_fake_server { inner });
        Ok(())
    })
}
