/*
 * gemini_live.h - C API of gemini_live, a client for Google's Gemini Live API
 * (bidirectional text and audio over a WebSocket), with a built-in fake server for tests.
 *
 * ===========================================================================================
 * Getting started
 * ===========================================================================================
 *
 * Build: cc app.c $(pkg-config --cflags --libs gemini_live) -o app   (after `cargo cinstall`)
 *    or, in the repository: cc app.c -Iinclude -Ltarget/release -lgemini_live -o app
 * Run:   GEMINI_API_KEY=... LD_LIBRARY_PATH=target/release ./app
 * C++:   gemini_live.hpp, installed beside this header, wraps it (RAII, exceptions).
 *
 *     #include <stdio.h>
 *     #include "gemini_live.h"
 *
 *     int main(void) {
 *         gemini_live_config *config = NULL;
 *         gemini_live_session *session = NULL;
 *         gemini_live_event *event = NULL;
 *         gemini_live_result r = gemini_live_config_new(&config); // reads GEMINI_API_KEY etc.
 *         if (r != GEMINI_LIVE_OK) return 1;
 *         // the default model answers in audio; TEXT events carry its transcription
 *         r = gemini_live_session_connect(config, &session);
 *         gemini_live_config_free(config);               // the session keeps its own copy
 *         if (r != GEMINI_LIVE_OK) {
 *             char msg[512];
 *             gemini_live_last_error_message(msg, sizeof msg, NULL);
 *             fprintf(stderr, "connect failed: %s\n", msg);
 *             return 1;
 *         }
 *         gemini_live_session_send_text(session, "Hello!");
 *         while (gemini_live_session_next_event(session, 30000, &event) == GEMINI_LIVE_OK) {
 *             uint32_t type = gemini_live_event_type(event);
 *             if (type == GEMINI_LIVE_EVENT_TEXT) {
 *                 const char *text;
 *                 size_t len;
 *                 gemini_live_event_text(event, &text, &len);
 *                 printf("%.*s", (int)len, text);
 *             }
 *             gemini_live_event_free(event);              // text is invalid from here on
 *             if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) break;
 *         }
 *         gemini_live_session_close(session);
 *         gemini_live_session_free(session);
 *         return 0;
 *     }
 *
 * Audio goes in with gemini_live_session_send_audio (16 kHz mono int16 samples, 20-100 ms per
 * call), ended by gemini_live_session_audio_stream_end; it comes out as GEMINI_LIVE_EVENT_AUDIO
 * events (gemini_live_event_audio: 24 kHz mono int16). For tests without a network, start the
 * embedded fake: gemini_live_fake_server_start(0, &server), then pass the text from
 * gemini_live_fake_server_endpoint to gemini_live_config_set_endpoint.
 * See examples/c/quickstart.c and examples/c/audio_pipeline.c.
 *
 * The fake echoes a text turn ("[turn N] echo: ...") and answers audio ("[turn N] heard B
 * bytes of audio, checksum C"); these texts, sent with gemini_live_session_send_text, make it
 * do more, so barge-in and tools can be tested offline:
 *   "call tool NAME with {JSON}"  a tool call of NAME with those args (GEMINI_LIVE_EVENT_TOOL_CALL);
 *                                 answered "[turn N] tool NAME returned ..." once every call
 *                                 has a response (gemini_live_session_send_tool_response)
 *   "interrupt me"                the reply stops after two parts with
 *                                 GEMINI_LIVE_EVENT_INTERRUPTED (barge-in), then turn complete
 *   "send unknown"                an unknown message kind first (GEMINI_LIVE_EVENT_UNKNOWN)
 *   "usage only"                  a message with nothing but usage first
 * Faults (drops, 1011 closes, GoAway, stalls...) come from
 * gemini_live_fake_server_start_with_faults; `gemini-live fake-server --help` lists them.
 *
 * ===========================================================================================
 * Results and errors
 * ===========================================================================================
 *
 * Every function that can fail returns a gemini_live_result: GEMINI_LIVE_OK (0) or a code in
 * a fixed group (codes are never renumbered or reused):
 *   1xx  expected outcomes, not errors: GEMINI_LIVE_TIMEOUT (no event yet),
 *        GEMINI_LIVE_WOULD_BLOCK / GEMINI_LIVE_SEND_TIMEOUT (send queue full),
 *        GEMINI_LIVE_CLOSED (the session is over);
 *   2xx  the caller passed something wrong and nothing was done (NULL, bad UTF-8, bad JSON,
 *        invalid config, buffer too small...);
 *   3xx  the connection failed or the server ended it (timeout, network, TLS, HTTP refusal,
 *        close codes split into fatal and retryable, model not found);
 *   9xx  a bug inside the library (GEMINI_LIVE_PANIC: a Rust panic was caught at the boundary;
 *        nothing aborts the host).
 * gemini_live_result_str(code) gives a static description; gemini_live_last_error_message()
 * copies the detail of the calling thread's latest failure into your buffer.
 *
 * ===========================================================================================
 * Pointers and ownership
 * ===========================================================================================
 *
 * - Objects are opaque and made by a constructor (_new, _connect, _start, next_event) that
 *   writes *out only on success; each is released by its _free function. _free(NULL) does
 *   nothing. Freeing twice, or using an object after freeing it, is undefined behaviour.
 * - Out-parameters are written only when the function returns GEMINI_LIVE_OK (except
 *   `needed`, which is also set with GEMINI_LIVE_BUFFER_TOO_SMALL).
 * - A NULL where a pointer is required returns GEMINI_LIVE_NULL_ARGUMENT; functions that do
 *   not return a result document what NULL gives. Other pointers must be valid: object
 *   pointers from their constructor and not freed, buffers valid for the length given,
 *   strings NUL-terminated UTF-8.
 * - Out-structs that can grow (gemini_live_metrics, gemini_live_usage,
 *   gemini_live_player_stats, gemini_live_turn_playback, gemini_live_phone_out_stats,
 *   gemini_live_client_vad_stats, gemini_live_echo_stats) start with `uint32_t size`: set it to
 *   sizeof the struct before the call (`gemini_live_player_stats st; st.size = sizeof st;`).
 *   The library fills at most `size` bytes and sets `size` to the bytes it filled; new fields
 *   are only ever appended, so a program built against an older header keeps working with a
 *   newer library. A `size` below 4 gives GEMINI_LIVE_INVALID_ARGUMENT and writes nothing.
 * - Inputs are copied: you may free or reuse every argument as soon as a call returns.
 * - Borrowed views (text, audio samples, tool-call fields of an event) point into the event
 *   and stay valid until gemini_live_event_free; copy what you keep longer.
 * - Strings the library returns are UTF-8 and NUL-terminated; text may contain NUL bytes, so
 *   use the returned length when it matters. Static strings (version, result_str) are never
 *   freed.
 *
 * ===========================================================================================
 * Thread safety
 * ===========================================================================================
 *
 * - A session may be used from several threads at once: typically one thread streams audio
 *   with gemini_live_session_send_audio while another waits in
 *   gemini_live_session_next_event. Only gemini_live_session_free must not overlap any other
 *   call on the same session.
 * - Events are independent objects; an event may be read by several threads at once and
 *   freed on any thread.
 * - A config must not be changed while another thread uses it; connecting copies it.
 * - The log callback is called on the library's threads (below) and on yours.
 * - No library function belongs inside a real-time audio callback (e.g. a CoreAudio or ALSA
 *   callback): they allocate, take locks and may wait (sends up to the send timeout).
 *   Copy audio into a ring buffer there and send it from an ordinary thread;
 *   gemini_live_session_try_send_audio never waits but still allocates. The exceptions,
 *   made for that callback: gemini_live_player_read and gemini_live_player_read_f32 (no
 *   lock, no allocation, no system call), gemini_live_player_flush and
 *   gemini_live_player_get_stats (lock-free), and every function whose documentation says
 *   **Real-time safe.**: G.711 and the phone-line converters, gemini_live_client_vad_process,
 *   and gemini_live_echo_canceller_push (the microphone's side of the echo canceller, whose
 *   AEC3 runs in gemini_live_echo_canceller_pull on an ordinary thread).
 *
 * ===========================================================================================
 * Threads: which exist, what runs on yours, stack needs
 * ===========================================================================================
 *
 * Each session runs at most two threads of its own, each with a 512 KiB stack (reserved;
 * only the pages used cost memory):
 *   - the reader ("gemini-live-rx"), the only reader of the socket. It starts with the first
 *     call that sends, waits for an event or closes (not in gemini_live_session_connect, so
 *     its spawn overlaps a network wait). It reads and decodes the server's messages (deep
 *     JSON takes up to about 100 KiB of stack), keeps the turn ledger and the timers (stall,
 *     keepalive, GoAway), reconnects, and queues every event.
 *   - the writer ("gemini-live-tx"), started only when input first has to wait (the socket
 *     is busy, or a reconnection is under way); it writes queued input in order.
 * Both end with the session and are joined by gemini_live_session_close (or _free): no
 * thread outlives its session. The fake server (gemini_live_fake_server_start) runs its own
 * threads until gemini_live_fake_server_free joins them.
 *
 * On your thread:
 *   - gemini_live_session_connect: DNS, TCP, TLS, the WebSocket upgrade and the setup
 *     exchange, each bounded by its timeout. It decodes the server's setup reply, so call it
 *     from a thread with at least 256 KiB of stack (512 KiB with a debug build).
 *   - send functions: encode the message and, when nothing is queued, write it to the socket
 *     without ever waiting for it; otherwise queue it (waiting up to the send timeout for
 *     room; the try_ variants never wait).
 *   - gemini_live_session_next_event: waits on the session's event queue and converts the
 *     event; it never touches the socket, so any thread (even a small-stack one) may call it.
 *   - gemini_live_session_close: waits for the server's close reply up to the close timeout
 *     and joins the session's threads.
 *
 * Events reach you by one path, in order, through a bounded queue (event queue capacity,
 * gemini_live_config_set_event_queue_capacity). When it is full the reader waits for room and
 * stops reading the socket (the server's messages wait in the network buffers): nothing is
 * dropped while the session is open. After gemini_live_session_close, events that do not
 * fit are dropped instead of waited for.
 *
 * ===========================================================================================
 * Shutdown order
 * ===========================================================================================
 *
 *   1. Stop your threads that send (or let their next send return GEMINI_LIVE_CLOSED).
 *   2. gemini_live_session_close(session): flushes queued input, closes the WebSocket
 *      (bounded by the close timeout, 2 s by default) and stops the session's threads.
 *      Threads waiting in next_event get the remaining events, then GEMINI_LIVE_CLOSED.
 *   3. Join your threads that read events; free every event you still hold.
 *   4. gemini_live_session_free(session) (it closes too, if you skipped step 2).
 *   5. Free configs whenever you like, and the fake server (if any) after its sessions.
 *   6. gemini_live_set_log_callback(NULL, NULL, NULL) before unloading the library or
 *      freeing what your log callback uses.
 *
 * ===========================================================================================
 * Keeping the conversation
 * ===========================================================================================
 *
 * The session keeps the conversation as it saw it (answered exchanges: user text, the
 * transcripts of spoken turns, the model's replies or their transcription, tool rounds) and,
 * when a reconnection finds the server lost part of it (resumed from an older handle, a new
 * session, resumption off), puts it back as history before it replays unanswered input:
 * GEMINI_LIVE_EVENT_CONTEXT_RESTORED (gemini_live_event_context_restored: exchanges,
 * characters, exchanges that did not fit the budget). GEMINI_LIVE_EVENT_CONTEXT_LOST comes
 * only when nothing could be put back. On by default (gemini_live_config_set_restore_context);
 * at most 32000 characters and 100 exchanges are kept (..._set_context_budget_chars/_turns).
 * While it is on, audio sessions request input and output transcription (the words to put
 * back), so their TRANSCRIPTION events arrive too.
 */

#ifndef GEMINI_LIVE_H
#define GEMINI_LIVE_H

/* Generated by cbindgen from src/ffi (see build.rs). Do not edit by hand. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Version of this header (the library's is gemini_live_version()). */
#define GEMINI_LIVE_VERSION_MAJOR 0
#define GEMINI_LIVE_VERSION_MINOR 1
#define GEMINI_LIVE_VERSION_PATCH 0
#define GEMINI_LIVE_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 * ===========================================================================================
 * Results and errors
 * ===========================================================================================
 *
 * The code every function returns (`gemini_live_result`), each code's text, the library's
 * version, and the detail of the calling thread's latest failure.
 */

/**
 * The outcome of a call: `GEMINI_LIVE_OK` (0) or one of the `GEMINI_LIVE_*` codes below.
 *
 * Codes come in fixed groups and are never renumbered or reused:
 * - 0: success;
 * - 1xx: expected outcomes, not errors (no event yet, queue full, closed);
 * - 2xx: the caller passed something wrong; nothing was done;
 * - 3xx: the connection failed or the server ended it;
 * - 9xx: a bug inside the library.
 *
 * `gemini_live_result_str` gives a static description of any code and
 * `gemini_live_last_error_message` the detail of this thread's latest failure.
 */
typedef uint32_t gemini_live_result;

/**
 * Success.
 */
#define GEMINI_LIVE_OK 0

/**
 * No event arrived within the timeout (`gemini_live_session_next_event`).
 */
#define GEMINI_LIVE_TIMEOUT 100

/**
 * The send queue is full; nothing was queued (`gemini_live_session_try_send_audio`).
 */
#define GEMINI_LIVE_WOULD_BLOCK 101

/**
 * The session is closed: no more input is accepted, and `next_event` has delivered every
 * event including the final `GEMINI_LIVE_EVENT_CLOSED`.
 */
#define GEMINI_LIVE_CLOSED 102

/**
 * The send queue stayed full for the whole send timeout; nothing was queued.
 */
#define GEMINI_LIVE_SEND_TIMEOUT 103

/**
 * A required pointer argument was NULL.
 */
#define GEMINI_LIVE_NULL_ARGUMENT 200

/**
 * An argument is out of range or not acceptable (e.g. an odd number of PCM bytes, empty
 * audio, an unknown constant, a function called on the wrong kind of event index).
 */
#define GEMINI_LIVE_INVALID_ARGUMENT 201

/**
 * A string argument is not valid UTF-8.
 */
#define GEMINI_LIVE_INVALID_UTF8 202

/**
 * The configuration is invalid (checked by `gemini_live_config_validate` and on connect).
 */
#define GEMINI_LIVE_INVALID_CONFIG 203

/**
 * The caller's buffer is too small; `*needed` says how many bytes are required.
 */
#define GEMINI_LIVE_BUFFER_TOO_SMALL 204

/**
 * A message is larger than the configured maximum message size; nothing was sent.
 */
#define GEMINI_LIVE_MESSAGE_TOO_LARGE 205

/**
 * The accessor does not apply to this kind of event (e.g. `gemini_live_event_audio` on a
 * text event).
 */
#define GEMINI_LIVE_WRONG_EVENT_TYPE 206

/**
 * A JSON argument does not parse, or has the wrong shape.
 */
#define GEMINI_LIVE_INVALID_JSON 207

/**
 * A connection phase (TCP connect, TLS, upgrade or setup) did not finish in time.
 */
#define GEMINI_LIVE_CONNECT_TIMEOUT 300

/**
 * A network error (connection refused, reset, host not found...). Retryable.
 */
#define GEMINI_LIVE_IO 301

/**
 * TLS failed: certificate or host name rejected, or the handshake failed. Fatal.
 */
#define GEMINI_LIVE_TLS 302

/**
 * The server refused the WebSocket upgrade with an HTTP status (401/403: bad key).
 */
#define GEMINI_LIVE_HTTP 303

/**
 * The server closed the connection for a reason that retrying will not fix (e.g. 1007
 * invalid argument, 1008 policy). Fatal.
 */
#define GEMINI_LIVE_SERVER_CLOSED_FATAL 304

/**
 * The server closed the connection with a transient code (1001, 1011, 1012, 1013...).
 * Reconnecting (and resuming) may succeed.
 */
#define GEMINI_LIVE_SERVER_CLOSED_RETRYABLE 305

/**
 * The model does not exist or does not serve the Live API. Fatal; choose another model.
 */
#define GEMINI_LIVE_MODEL_NOT_FOUND 306

/**
 * The server sent something this client cannot decode.
 */
#define GEMINI_LIVE_PROTOCOL 307

/**
 * The connection ended without a close frame (code 1006). Retryable.
 */
#define GEMINI_LIVE_CONNECTION_LOST 308

/**
 * The connection went silent (no reply during a turn, or no pong) and was given up.
 * Retryable.
 */
#define GEMINI_LIVE_STALLED 309

/**
 * No usable access token (Vertex AI): the token callback failed, or returned an empty or
 * malformed token. Retryable only when the callback returned
 * `GEMINI_LIVE_TOKEN_RETRY_LATER`.
 */
#define GEMINI_LIVE_ACCESS_TOKEN 310

/**
 * The proxy refused or could not open the tunnel (HTTP 407 credentials, 403 policy, 502
 * upstream, a SOCKS5 refusal); the message names the proxy (never its credentials) and the
 * answer. 407, 403 and SOCKS authentication or rule-set refusals are fatal (not retried); a
 * proxy that does not answer is `GEMINI_LIVE_CONNECT_TIMEOUT`.
 */
#define GEMINI_LIVE_PROXY 311

/**
 * A bug: a panic inside the library was caught at the C boundary. The object involved may
 * be in an inconsistent state; free it.
 */
#define GEMINI_LIVE_PANIC 900

/**
 * A bug or an unexpected internal condition.
 */
#define GEMINI_LIVE_INTERNAL 901

/**
 * A static, NUL-terminated English description of `code` (any value; unknown codes give
 * "unknown result code"). Never NULL; never free it. Any thread.
 */
const char *gemini_live_result_str(gemini_live_result code);

/**
 * The library version, e.g. `"0.1.0"`: a static string, never NULL; never free it.
 * Compare with `GEMINI_LIVE_VERSION_STRING` to detect a header/library mismatch.
 */
const char *gemini_live_version(void);

/**
 * Copies the detail text of the most recent failed call on the calling thread (e.g.
 * `"MODEL_NOT_FOUND: model `x` is not served by this endpoint ..."`) into `buf` (`len`
 * bytes, NUL-terminated). The text is empty when no call on this thread has failed yet.
 * Successful calls do not clear it; read it right after the failure. This function never
 * changes it.
 *
 * `*needed` (if `needed` is not NULL) is set to the size required including the NUL, also
 * when the result is `GEMINI_LIVE_BUFFER_TOO_SMALL`; pass `buf = NULL, len = 0` to ask.
 * A 512-byte buffer holds almost every message.
 *
 * Options are named by their setter in backticks (`` `gemini_live_config_set_voice` ``), a
 * response mode as `` `gemini_live_config_set_response_modality(config,
 * GEMINI_LIVE_MODALITY_TEXT)` ``; bindings may map these forms to their own names.
 */
gemini_live_result gemini_live_last_error_message(char *buf, size_t len, size_t *needed);

#if defined(GEMINI_LIVE_TEST_EXPORTS)
/**
 * Test hook: panics inside the library's panic boundary, so tests can prove that a panic
 * returns `GEMINI_LIVE_PANIC` instead of aborting the host. Always returns
 * `GEMINI_LIVE_PANIC` (and prints a panic message to stderr). Only in builds with the
 * `test-exports` cargo feature (declared under `GEMINI_LIVE_TEST_EXPORTS`); an installed
 * library does not have it.
 */
gemini_live_result gemini_live_test_panic(void);
#endif

/*
 * ===========================================================================================
 * Logging
 * ===========================================================================================
 *
 * The library's log records (never a secret) go to a callback of yours, at the level you
 * choose; without one, nothing is logged.
 */

/**
 * Log level: nothing.
 */
#define GEMINI_LIVE_LOG_OFF 0

/**
 * Log level: errors.
 */
#define GEMINI_LIVE_LOG_ERROR 1

/**
 * Log level: warnings and above.
 */
#define GEMINI_LIVE_LOG_WARN 2

/**
 * Log level: information (connects, closes, reconnects) and above. The default.
 */
#define GEMINI_LIVE_LOG_INFO 3

/**
 * Log level: debugging detail and above.
 */
#define GEMINI_LIVE_LOG_DEBUG 4

/**
 * Log level: everything, including per-message traces.
 */
#define GEMINI_LIVE_LOG_TRACE 5

/**
 * Receives one log record: `level` is a `GEMINI_LIVE_LOG_*` constant (1 to 5), `target`
 * the module it came from (e.g. `gemini_live::session`) and `message` the text; both
 * strings are NUL-terminated and valid only during the call. Called from any library
 * thread, possibly several at once. It must not block for long and must not call
 * `gemini_live_set_log_callback`. Records never contain API keys or tokens.
 */
typedef void (*gemini_live_log_callback)(void *user_data,
                                         int level,
                                         const char *target,
                                         const char *message);

/**
 * Frees the `user_data` of a log callback when the callback is replaced or removed.
 */
typedef void (*gemini_live_user_data_free)(void *user_data);

/**
 * Routes the library's log records to `callback` (see `gemini_live_log_callback`), at the
 * level set by `gemini_live_set_log_level` (default `GEMINI_LIVE_LOG_INFO`). `user_data`
 * is passed to every call; `user_data_free` (may be NULL) is called with it once the
 * callback is replaced or removed, after any call in progress has returned. A NULL
 * `callback` removes the current one (then `user_data` and `user_data_free` are ignored).
 * Without a callback the library logs nothing.
 *
 * The callback and `user_data` must be usable from any thread. In a process that also
 * uses the Rust crate with its own logger, this returns `GEMINI_LIVE_INTERNAL` (and does
 * not take `user_data`).
 */
gemini_live_result gemini_live_set_log_callback(gemini_live_log_callback callback,
                                                void *user_data,
                                                gemini_live_user_data_free user_data_free);

/**
 * Sets the most detailed level passed to the log callback: a `GEMINI_LIVE_LOG_*` constant
 * (`GEMINI_LIVE_INVALID_ARGUMENT` above `GEMINI_LIVE_LOG_TRACE`). Defaults to
 * `GEMINI_LIVE_LOG_INFO`. Any thread, any time.
 */
gemini_live_result gemini_live_set_log_level(uint32_t level);

/*
 * ===========================================================================================
 * gemini_live_config
 * ===========================================================================================
 *
 * Everything a session needs, made by `gemini_live_config_new` and copied by
 * `gemini_live_session_connect`. Its setters, by topic: the main ones (model, endpoint,
 * credentials, modality, prompts, tools, transcription, resumption); generation, voice
 * activity detection, timeouts and queues; the newer setup fields; reconnection; keeping the
 * conversation; Vertex AI; proxies; recording.
 */

/**
 * Everything a session needs: an opaque, growable set of options.
 *
 * Create it with `gemini_live_config_new`, change it with the `gemini_live_config_set_*`
 * and `gemini_live_config_add_*` functions, pass it to `gemini_live_session_connect` (which
 * copies it) and free it with `gemini_live_config_free`. Setters copy their arguments.
 * A config may be read by several threads at once (e.g. two connects) but must not be
 * changed while another thread uses it.
 *
 * Functions: `gemini_live_config_new`, `gemini_live_config_free`, `gemini_live_config_validate`,
 * `gemini_live_config_set_*`, `gemini_live_config_add_*`, `gemini_live_config_clear_tools`.
 */
typedef struct gemini_live_config gemini_live_config;

/**
 * Answer with text (`responseModalities: ["TEXT"]`; only some models support it).
 */
#define GEMINI_LIVE_MODALITY_TEXT 1

/**
 * Answer with 24 kHz PCM audio only.
 */
#define GEMINI_LIVE_MODALITY_AUDIO 2

/**
 * Answer with audio, plus its transcription delivered as `GEMINI_LIVE_EVENT_TEXT` events
 * (the default).
 */
#define GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO 3

/**
 * Connect phase: resolving the host and the TCP connect.
 */
#define GEMINI_LIVE_PHASE_TCP_CONNECT 1

/**
 * Connect phase: the TLS handshake.
 */
#define GEMINI_LIVE_PHASE_TLS_HANDSHAKE 2

/**
 * Connect phase: the HTTP upgrade to WebSocket.
 */
#define GEMINI_LIVE_PHASE_UPGRADE 3

/**
 * Connect phase: from sending `setup` to receiving `setupComplete`.
 */
#define GEMINI_LIVE_PHASE_SETUP 4

/**
 * `gemini_live_config_set_transcription_options`: the transcription of the user's audio.
 */
#define GEMINI_LIVE_TRANSCRIPTION_INPUT 1

/**
 * `gemini_live_config_set_transcription_options`: the transcription of the model's audio.
 */
#define GEMINI_LIVE_TRANSCRIPTION_OUTPUT 2

/**
 * The token callback wrote a NUL-terminated access token into the buffer.
 */
#define GEMINI_LIVE_TOKEN_OK 0

/**
 * The token callback failed for now (e.g. the metadata server did not answer): the
 * connect fails with `GEMINI_LIVE_ACCESS_TOKEN` as a retryable error, so the session backs
 * off and calls it again on its next attempt. The buffer may hold a NUL-terminated message.
 */
#define GEMINI_LIVE_TOKEN_RETRY_LATER 1

/**
 * The token callback failed for good (not logged in, no permission): the connect or the
 * session ends with `GEMINI_LIVE_ACCESS_TOKEN`. The buffer may hold a NUL-terminated
 * message. Any other return value counts as this.
 */
#define GEMINI_LIVE_TOKEN_FAILED 2

/**
 * Size in bytes of the buffer handed to a token callback (room for the token and its NUL).
 */
#define GEMINI_LIVE_TOKEN_BUFFER_SIZE 16384

/**
 * Connect phase: through a proxy, TLS to an `https://` proxy and its `CONNECT` or SOCKS5
 * exchange (for `gemini_live_config_set_phase_timeout_ms`).
 */
#define GEMINI_LIVE_PHASE_PROXY 5

/**
 * `gemini_live_config_set_record`: keep audio and video payloads as sent.
 */
#define GEMINI_LIVE_RECORD_AUDIO_KEEP 0

/**
 * `gemini_live_config_set_record`: keep only their length and checksum.
 */
#define GEMINI_LIVE_RECORD_AUDIO_SUMMARY 1

/**
 * Produces an OAuth 2 access token for Vertex AI: write it, NUL-terminated, into `buf`
 * (`len` bytes, `GEMINI_LIVE_TOKEN_BUFFER_SIZE`; the library owns it, zeroes it after use,
 * and it is valid only during the call) and return `GEMINI_LIVE_TOKEN_OK`; or return
 * `GEMINI_LIVE_TOKEN_RETRY_LATER` / `GEMINI_LIVE_TOKEN_FAILED`, optionally with a
 * NUL-terminated message (never a secret) in `buf`.
 *
 * Called before every connect (the first, each reconnection and each GoAway handover), on
 * the connecting thread: the caller of `gemini_live_session_connect` for the first, the
 * session's own reader thread afterwards; sessions connected from copies of one config may
 * call it at the same time from different threads. It must return promptly (cache tokens
 * until shortly before they expire; `gemini_live_session_close` waits for a call in
 * progress) and must not call `gemini_live_session_*` functions.
 */
typedef uint32_t (*gemini_live_token_callback)(void *user_data, char *buf, size_t len);

/**
 * Creates a configuration with the library defaults overridden by the environment, like
 * the Rust `Config::from_env`: `GEMINI_API_KEY` (API key; `auth_tokens/...` is an ephemeral
 * token), `GEMINI_LIVE_EPHEMERAL_TOKEN` (an ephemeral token), `GEMINI_LIVE_MODEL`,
 * `GEMINI_LIVE_ENDPOINT`, `GEMINI_LIVE_API_VERSION`, `GEMINI_LIVE_CA_FILE` (a PEM file of
 * extra trusted roots), and for Vertex AI `GEMINI_LIVE_VERTEX_PROJECT`,
 * `GEMINI_LIVE_VERTEX_LOCATION`, `GEMINI_LIVE_VERTEX_API_VERSION`,
 * `GEMINI_LIVE_VERTEX_USER_PROJECT`, `GEMINI_LIVE_ACCESS_TOKEN` (a fixed token; see
 * `gemini_live_config_set_access_token_callback` for fresh ones). Empty variables count as
 * unset.
 *
 * Defaults: model `gemini-3.8-live` (audio only: TEXT events carry its transcription), API
 * version `v1beta` (`v1alpha` where needed), endpoint `wss://generativelanguage.googleapis.com`, no credentials,
 * `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO`, input transcription on, session resumption on,
 * server voice activity detection on, connect timeout 5 s, send timeout 1 s, close timeout
 * 2 s, send queue 128 messages, event queue 256 events, maximum message 16 MiB.
 *
 * On success `*out` owns a new config: free it with `gemini_live_config_free`.
 * `GEMINI_LIVE_INVALID_CONFIG` if `GEMINI_LIVE_CA_FILE` cannot be read. Any thread.
 */
gemini_live_result gemini_live_config_new(struct gemini_live_config **out);

/**
 * Frees a configuration. NULL does nothing. Sessions made from it are not affected.
 */
void gemini_live_config_free(struct gemini_live_config *config);

/**
 * Checks the configuration as `gemini_live_session_connect` will, without connecting:
 * `GEMINI_LIVE_INVALID_CONFIG` with the reason in `gemini_live_last_error_message`.
 */
gemini_live_result gemini_live_config_validate(const struct gemini_live_config *config);

/**
 * Sets the API key (sent in the `x-goog-api-key` header, never in the URL; never logged).
 * Replaces any key or token; `""` removes credentials. Overrides `GEMINI_API_KEY`.
 */
gemini_live_result gemini_live_config_set_api_key(struct gemini_live_config *config,
                                                  const char *api_key);

/**
 * Sets an ephemeral token (`auth_tokens/...`), sent as `Authorization: Token ...` to the
 * constrained method; needs API version `v1alpha`. Replaces any key or token; `""`
 * removes credentials.
 */
gemini_live_result gemini_live_config_set_ephemeral_token(struct gemini_live_config *config,
                                                          const char *token);

/**
 * Sets the model id, with or without `models/`, e.g.
 * `gemini-2.5-flash-native-audio-preview-12-2025`. Overrides `GEMINI_LIVE_MODEL`.
 */
gemini_live_result gemini_live_config_set_model(struct gemini_live_config *config,
                                                const char *model);

/**
 * Sets the base URL, `wss://host[:port]` or `ws://host[:port]` (the Live path is
 * appended). Overrides `GEMINI_LIVE_ENDPOINT`.
 */
gemini_live_result gemini_live_config_set_endpoint(struct gemini_live_config *config,
                                                   const char *endpoint);

/**
 * Sets the API version in the URL: `v1alpha`, `v1beta` (default) or `v1`. Overrides
 * `GEMINI_LIVE_API_VERSION`. With the default, `v1alpha` is used where the configuration
 * needs it (an ephemeral token, `proactivity`, affective dialog); another version then makes
 * connect fail with `GEMINI_LIVE_INVALID_CONFIG`, saying why.
 */
gemini_live_result gemini_live_config_set_api_version(struct gemini_live_config *config,
                                                      const char *api_version);

/**
 * Sets what the model answers with: `GEMINI_LIVE_MODALITY_TEXT`, `_AUDIO` or
 * `_TEXT_AND_AUDIO` (default). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_response_modality(struct gemini_live_config *config,
                                                            uint32_t modality);

/**
 * Sets the system instruction; `""` removes it. Defaults to none.
 */
gemini_live_result gemini_live_config_set_system_instruction(struct gemini_live_config *config,
                                                             const char *text);

/**
 * Sets the prebuilt voice, e.g. `Puck` or `Kore`; `""` leaves the choice to the server
 * (the default). A voice with `GEMINI_LIVE_MODALITY_TEXT` is an invalid config.
 */
gemini_live_result gemini_live_config_set_voice(struct gemini_live_config *config,
                                                const char *voice);

/**
 * Sets the speech language code, e.g. `en-US`; `""` leaves it to the server (default).
 */
gemini_live_result gemini_live_config_set_language_code(struct gemini_live_config *config,
                                                        const char *language_code);

/**
 * Asks for transcriptions of the user's audio (`GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION`).
 * Defaults to true.
 */
gemini_live_result gemini_live_config_set_input_transcription(struct gemini_live_config *config,
                                                              bool enabled);

/**
 * Asks for transcriptions of the model's audio (`GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION`
 * with `GEMINI_LIVE_MODALITY_AUDIO`). Defaults to false; always on with
 * `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO`, where it arrives as text events.
 */
gemini_live_result gemini_live_config_set_output_transcription(struct gemini_live_config *config,
                                                               bool enabled);

/**
 * Enables session resumption (the server sends resumption handles). Defaults to true.
 */
gemini_live_result gemini_live_config_set_session_resumption(struct gemini_live_config *config,
                                                             bool enabled);

/**
 * Resumes this handle on connect (e.g. saved from `gemini_live_session_resumption_handle`
 * by a previous process); `""` starts a new session (the default).
 */
gemini_live_result gemini_live_config_set_resumption_handle(struct gemini_live_config *config,
                                                            const char *handle);

/**
 * Declares a function the model may call. `name` is required; `description` may be `""`;
 * `parameters_json` is an OpenAPI-style schema object such as
 * `{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}`, or `""` for none.
 * `GEMINI_LIVE_INVALID_JSON` if it does not parse to an object. Calls arrive as
 * `GEMINI_LIVE_EVENT_TOOL_CALL`; answer with `gemini_live_session_send_tool_response`.
 */
gemini_live_result gemini_live_config_add_function(struct gemini_live_config *config,
                                                   const char *name,
                                                   const char *description,
                                                   const char *parameters_json);

/**
 * Adds a built-in tool: Google Search grounding.
 */
gemini_live_result gemini_live_config_add_google_search(struct gemini_live_config *config);

/**
 * Adds a built-in tool: code execution (results arrive as
 * `GEMINI_LIVE_EVENT_CODE_EXECUTION`).
 */
gemini_live_result gemini_live_config_add_code_execution(struct gemini_live_config *config);

/**
 * Adds a built-in tool: URL context.
 */
gemini_live_result gemini_live_config_add_url_context(struct gemini_live_config *config);

/**
 * Removes every tool (functions and built-in tools) added so far.
 */
gemini_live_result gemini_live_config_clear_tools(struct gemini_live_config *config);

/**
 * Sets the sampling temperature (e.g. 0.0 to 2.0). Defaults to the server's choice.
 */
gemini_live_result gemini_live_config_set_temperature(struct gemini_live_config *config,
                                                      float temperature);

/**
 * Sets nucleus sampling `top_p` (0.0 to 1.0). Defaults to the server's choice.
 */
gemini_live_result gemini_live_config_set_top_p(struct gemini_live_config *config, float top_p);

/**
 * Sets top-k sampling. Defaults to the server's choice.
 */
gemini_live_result gemini_live_config_set_top_k(struct gemini_live_config *config, uint32_t top_k);

/**
 * Caps the output tokens of a turn. Defaults to the server's choice.
 */
gemini_live_result gemini_live_config_set_max_output_tokens(struct gemini_live_config *config,
                                                            uint32_t max_output_tokens);

/**
 * Sets the sampling seed. Defaults to none.
 */
gemini_live_result gemini_live_config_set_seed(struct gemini_live_config *config, int64_t seed);

/**
 * Sets the presence penalty. Defaults to none.
 */
gemini_live_result gemini_live_config_set_presence_penalty(struct gemini_live_config *config,
                                                           float penalty);

/**
 * Sets the frequency penalty. Defaults to none.
 */
gemini_live_result gemini_live_config_set_frequency_penalty(struct gemini_live_config *config,
                                                            float penalty);

/**
 * Sets the media resolution of video input: `MEDIA_RESOLUTION_LOW`, `_MEDIUM` or `_HIGH`
 * (or `low`, `medium`, `high`); `""` leaves it to the server (the default). Other values:
 * `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_media_resolution(struct gemini_live_config *config,
                                                           const char *resolution);

/**
 * Sets the thinking token budget (2.5 models; 0 turns thinking off). Defaults to the
 * model's choice.
 */
gemini_live_result gemini_live_config_set_thinking_budget(struct gemini_live_config *config,
                                                          int32_t budget);

/**
 * Sets the thinking level (3.x models), e.g. `low` or `high`; `""` removes it.
 */
gemini_live_result gemini_live_config_set_thinking_level(struct gemini_live_config *config,
                                                         const char *level);

/**
 * Asks for thought summaries (`GEMINI_LIVE_EVENT_THOUGHT`). Defaults to false.
 */
gemini_live_result gemini_live_config_set_include_thoughts(struct gemini_live_config *config,
                                                           bool enabled);

/**
 * Enables affective dialog (native-audio 2.5 models, `v1alpha`). Defaults to off.
 */
gemini_live_result gemini_live_config_set_affective_dialog(struct gemini_live_config *config,
                                                           bool enabled);

/**
 * Turns server voice activity detection on (the default) or off. Off, the application
 * marks turns with `gemini_live_session_activity_start`/`_activity_end`; on, it ends an
 * audio stream with `gemini_live_session_audio_stream_end`.
 */
gemini_live_result gemini_live_config_set_automatic_activity_detection(struct gemini_live_config *config,
                                                                       bool enabled);

/**
 * Sets the VAD start-of-speech sensitivity: `START_SENSITIVITY_LOW` or `_HIGH` (or `low`,
 * `high`); `""` leaves it to the server (the default). Other values:
 * `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_vad_start_sensitivity(struct gemini_live_config *config,
                                                                const char *sensitivity);

/**
 * Sets the VAD end-of-speech sensitivity: `END_SENSITIVITY_LOW` or `_HIGH` (or `low`,
 * `high`); `""` leaves it to the server (the default). Other values:
 * `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_vad_end_sensitivity(struct gemini_live_config *config,
                                                              const char *sensitivity);

/**
 * Sets the audio the VAD keeps before detected speech, in ms. Defaults to the server's.
 */
gemini_live_result gemini_live_config_set_vad_prefix_padding_ms(struct gemini_live_config *config,
                                                                uint32_t ms);

/**
 * Sets the silence that ends speech for the VAD, in ms. Defaults to the server's.
 */
gemini_live_result gemini_live_config_set_vad_silence_duration_ms(struct gemini_live_config *config,
                                                                  uint32_t ms);

/**
 * Sets barge-in handling: `START_OF_ACTIVITY_INTERRUPTS` or `NO_INTERRUPTION`; `""` leaves
 * it to the server (the default). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_activity_handling(struct gemini_live_config *config,
                                                            const char *handling);

/**
 * Sets what a turn includes: `TURN_INCLUDES_ONLY_ACTIVITY`, `TURN_INCLUDES_ALL_INPUT` or
 * `TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO` (the default on Gemini 3.1/3.8 Live); `""`
 * leaves it to the server (the default). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_turn_coverage(struct gemini_live_config *config,
                                                        const char *coverage);

/**
 * Enables sliding-window context compression (`enabled`), compressing when the context
 * reaches `trigger_tokens` down to `target_tokens`; 0 leaves either to the server.
 * Defaults to off.
 */
gemini_live_result gemini_live_config_set_context_window_compression(struct gemini_live_config *config,
                                                                     bool enabled,
                                                                     uint64_t trigger_tokens,
                                                                     uint64_t target_tokens);

/**
 * Sets the whole-connect timeout (all phases together) and caps each phase at it.
 * Defaults to 5000 ms. 0 is `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_connect_timeout_ms(struct gemini_live_config *config,
                                                             uint32_t ms);

/**
 * Sets one connect phase's timeout; `phase` is a `GEMINI_LIVE_PHASE_*` constant. Each
 * phase defaults to 5000 ms and is also bounded by the whole-connect timeout.
 */
gemini_live_result gemini_live_config_set_phase_timeout_ms(struct gemini_live_config *config,
                                                           uint32_t phase,
                                                           uint32_t ms);

/**
 * Sets how long a send waits for room in a full send queue before
 * `GEMINI_LIVE_SEND_TIMEOUT`. Defaults to 1000 ms.
 */
gemini_live_result gemini_live_config_set_send_timeout_ms(struct gemini_live_config *config,
                                                          uint32_t ms);

/**
 * Sets how long `gemini_live_session_close` waits for the server's close reply before
 * cutting the socket. Defaults to 2000 ms.
 */
gemini_live_result gemini_live_config_set_close_timeout_ms(struct gemini_live_config *config,
                                                           uint32_t ms);

/**
 * Sets how many messages the send queue holds before sends wait. Defaults to 128 (2.5 s of
 * 20 ms audio chunks); 0 is `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_send_queue_capacity(struct gemini_live_config *config,
                                                              size_t capacity);

/**
 * Sets how many events are held for the application before the connection is paused.
 * Defaults to 256 (about 10 s of the model's audio; each slot is preallocated); 0 is
 * `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_event_queue_capacity(struct gemini_live_config *config,
                                                               size_t capacity);

/**
 * Sets the largest message sent or accepted, in bytes (at least 1024). Defaults to 16 MiB.
 */
gemini_live_result gemini_live_config_set_max_message_size(struct gemini_live_config *config,
                                                           size_t bytes);

/**
 * Trusts extra root certificate(s) given as `len` bytes of PEM (copied), in addition to
 * the system roots; `len == 0` (with any non-NULL `pem`) removes them. For proxies and
 * test servers. Overrides `GEMINI_LIVE_CA_FILE`. Certificate and host-name checks always stay on.
 */
gemini_live_result gemini_live_config_set_extra_root_ca_pem(struct gemini_live_config *config,
                                                            const uint8_t *pem,
                                                            size_t len);

/**
 * Sets `proactivity` (v1alpha, native-audio models): `audio` and `video` are -1 (not sent),
 * 0 (false) or 1 (true); both -1 removes it (the default). 3.8 Live refuses
 * `proactiveAudio: false` (`gemini_live_session_connect` fails with
 * `GEMINI_LIVE_INVALID_CONFIG`). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_config_set_proactivity(struct gemini_live_config *config,
                                                      int32_t audio,
                                                      int32_t video);

/**
 * Sets `historyConfig.initialHistoryInClientContent`: the server first takes
 * `clientContent` history until a `turnComplete: true` without answering. Defaults to
 * not sent.
 */
gemini_live_result gemini_live_config_set_initial_history_in_client_content(struct gemini_live_config *config,
                                                                            bool enabled);

/**
 * Adds a `safetySettings` entry, e.g. `HARM_CATEGORY_HARASSMENT`, `BLOCK_ONLY_HIGH`
 * (both required, sent as given). Defaults to none.
 */
gemini_live_result gemini_live_config_add_safety_setting(struct gemini_live_config *config,
                                                         const char *category,
                                                         const char *threshold);

/**
 * Sets `generationConfig.translationConfig` (live-translate models): the target language
 * (e.g. `es`; `""` removes it, the default) and whether input already in that language is
 * spoken too.
 */
gemini_live_result gemini_live_config_set_translation(struct gemini_live_config *config,
                                                      const char *target_language_code,
                                                      bool echo_target_language);

/**
 * Sets the options of one transcription (`which`: `GEMINI_LIVE_TRANSCRIPTION_INPUT` or
 * `_OUTPUT`; it still has to be on): `language_codes` a comma-separated list (`""` for
 * none), `mode` `VERBATIM`, `SMART` or `""`. Model support is uncertain. Defaults to none
 * (`{}`).
 */
gemini_live_result gemini_live_config_set_transcription_options(struct gemini_live_config *config,
                                                                uint32_t which,
                                                                const char *language_codes,
                                                                const char *mode);

/**
 * Sets the `behavior` of the function `name` declared with `gemini_live_config_add_function`:
 * `BLOCKING`, `NON_BLOCKING` or `""` (the model's default: non-blocking on 3.8 Live).
 * `GEMINI_LIVE_INVALID_ARGUMENT` if no such function was added or the value is unknown.
 */
gemini_live_result gemini_live_config_set_function_behavior(struct gemini_live_config *config,
                                                            const char *name,
                                                            const char *behavior);

/**
 * Merges a JSON object into the `setup` message (objects merge key by key, other values
 * replace): an escape hatch for fields the service adds before this library does.
 * **Not validated**: an unknown field closes the connection with 1007. `""` removes it
 * (the default). `GEMINI_LIVE_INVALID_JSON` if it is not a JSON object.
 */
gemini_live_result gemini_live_config_set_extra_setup_json(struct gemini_live_config *config,
                                                           const char *json);

/**
 * `true` skips the check of the configuration against the model capability table on
 * validate and connect (to see how the service refuses it). Defaults to false.
 */
gemini_live_result gemini_live_config_set_skip_model_check(struct gemini_live_config *config,
                                                           bool skip);

/**
 * Turns automatic reconnection after retryable failures on (the default) or off. While
 * reconnecting, events `GEMINI_LIVE_EVENT_RECONNECTING`, then `_RESUMED` or `_NEW_SESSION`
 * tell what happened; sends keep being accepted and are replayed.
 */
gemini_live_result gemini_live_config_set_reconnect(struct gemini_live_config *config,
                                                    bool enabled);

/**
 * Sets the reconnection attempts per outage before giving up (at least 1). Defaults to 10.
 */
gemini_live_result gemini_live_config_set_reconnect_max_attempts(struct gemini_live_config *config,
                                                                 uint32_t attempts);

/**
 * Sets the backoff: the first retry waits a random time up to `initial_ms` (default 100),
 * each later one up to twice the previous bound, capped at `max_ms` (default 5000).
 */
gemini_live_result gemini_live_config_set_reconnect_delays_ms(struct gemini_live_config *config,
                                                              uint32_t initial_ms,
                                                              uint32_t max_ms);

/**
 * Sets the time per outage before reconnection gives up. Defaults to 30000 ms.
 */
gemini_live_result gemini_live_config_set_reconnect_max_total_ms(struct gemini_live_config *config,
                                                                 uint32_t total_ms);

/**
 * After a GoAway, reconnect at the next turn boundary but at the latest this long before
 * the connection's time runs out. Defaults to 5000 ms.
 */
gemini_live_result gemini_live_config_set_goaway_margin_ms(struct gemini_live_config *config,
                                                           uint32_t margin_ms);

/**
 * While resuming, how long a resume the server keeps refusing at setup (it answers 1011
 * while it still holds the old, stalled connection) is retried before the session starts a
 * new one (`GEMINI_LIVE_EVENT_NEW_SESSION`, unanswered input replayed). Defaults to 10000 ms.
 */
gemini_live_result gemini_live_config_set_resume_wait_ms(struct gemini_live_config *config,
                                                         uint32_t wait_ms);

/**
 * The least delay before reconnecting after the server closed for lack of quota or of a
 * concurrency slot (a 1011 close with a `RESOURCE_EXHAUSTED` / "Quota exceeded" reason,
 * reported as `GEMINI_LIVE_SERVER_CLOSED_RETRYABLE`), jittered ±20 %: a quota frees up in
 * seconds to a minute, so the ordinary short delays would only be refused again. 0 leaves
 * only the ordinary delays. Defaults to 10000 ms.
 */
gemini_live_result gemini_live_config_set_quota_delay_ms(struct gemini_live_config *config,
                                                         uint32_t delay_ms);

/**
 * Sets the first connect's budget (`gemini_live_session_connect`): at most `attempts` (at
 * least 1; defaults to 3) within `total_ms` (at least 1; defaults to 10000 ms), then the
 * connect fails with the last failure's code and a message saying "gave up after N attempts
 * over T s".
 */
gemini_live_result gemini_live_config_set_first_connect_budget(struct gemini_live_config *config,
                                                               uint32_t attempts,
                                                               uint32_t total_ms);

/**
 * Sets the bytes of input kept for replay after a reconnection. Defaults to 8 MiB.
 */
gemini_live_result gemini_live_config_set_replay_max_bytes(struct gemini_live_config *config,
                                                           size_t bytes);

/**
 * Sets the audio kept for replay after a reconnection, in ms. Defaults to 60000.
 */
gemini_live_result gemini_live_config_set_replay_max_audio_ms(struct gemini_live_config *config,
                                                              uint32_t audio_ms);

/**
 * During a turn, a connection silent for this long counts as stalled and is replaced.
 * Defaults to 20000 ms.
 */
gemini_live_result gemini_live_config_set_stall_timeout_ms(struct gemini_live_config *config,
                                                           uint32_t timeout_ms);

/**
 * Sends a WebSocket ping after `interval_ms` of silence; 0 sends none (the default;
 * server pings are always answered).
 */
gemini_live_result gemini_live_config_set_keepalive_interval_ms(struct gemini_live_config *config,
                                                                uint32_t interval_ms);

/**
 * With keepalive on, how long to wait for the pong before the connection counts as lost
 * (at least 1000). Defaults to 45000 ms: Gemini's pongs take 8 to 30 s.
 */
gemini_live_result gemini_live_config_set_pong_timeout_ms(struct gemini_live_config *config,
                                                          uint32_t timeout_ms);

/**
 * Whether the session keeps the conversation as it saw it and, when a reconnection finds
 * that the server lost part of it (a resume from an older handle, a new session, resumption
 * off), puts it back as history before unanswered input is replayed
 * (`GEMINI_LIVE_EVENT_CONTEXT_RESTORED`). In audio sessions this needs transcripts: while it
 * is on (and reconnection is), input and output transcription are requested whatever their
 * own setters say. Off: a loss is only reported (`GEMINI_LIVE_EVENT_CONTEXT_LOST`).
 * Defaults to true.
 */
gemini_live_result gemini_live_config_set_restore_context(struct gemini_live_config *config,
                                                          bool enabled);

/**
 * The most characters of the conversation kept for a restore (text, plus tool arguments
 * and results as JSON); the oldest exchanges go first. 0 keeps nothing (a loss is then
 * reported as CONTEXT_LOST). Defaults to 32000.
 */
gemini_live_result gemini_live_config_set_context_budget_chars(struct gemini_live_config *config,
                                                               size_t chars);

/**
 * The most exchanges (a user turn and the model's answer, with any tool rounds) kept for a
 * restore; the oldest go first. 0 keeps nothing. Defaults to 100.
 */
gemini_live_result gemini_live_config_set_context_budget_turns(struct gemini_live_config *config,
                                                               size_t turns);

/**
 * Talks to Vertex AI in `project` and `location` (e.g. `us-central1`, `global`, or the
 * multi-region `us` or `eu`) instead of the Developer API: the host becomes
 * `{location}-aiplatform.googleapis.com` (`aiplatform.googleapis.com` for `global`,
 * `aiplatform.{us|eu}.rep.googleapis.com` for the multi-regions) unless an endpoint was set,
 * the path Vertex's `LlmBidiService`, and the model
 * `projects/P/locations/L/publishers/google/models/M`. Needs an access-token callback
 * (`gemini_live_config_set_access_token_callback`). Express mode: `project = ""` with a
 * location and an API key (`gemini_live_config_set_api_key`); the model is then
 * `publishers/google/models/M`. Keeps the other Vertex options when called again;
 * `project = ""` and `location = ""` switch back to the Developer API. Overrides
 * `GEMINI_LIVE_VERTEX_PROJECT` / `_LOCATION`.
 */
gemini_live_result gemini_live_config_set_vertex(struct gemini_live_config *config,
                                                 const char *project,
                                                 const char *location);

/**
 * Sets the Vertex API version, `"v1"` or `"v1beta1"` (the default, as in Google's SDKs).
 * `GEMINI_LIVE_INVALID_ARGUMENT` for another value or without a Vertex target.
 */
gemini_live_result gemini_live_config_set_vertex_api_version(struct gemini_live_config *config,
                                                             const char *api_version);

/**
 * Sets the project billed for the calls, sent as `x-goog-user-project`; `""` removes it
 * (the default: none). `GEMINI_LIVE_INVALID_ARGUMENT` without a Vertex target.
 */
gemini_live_result gemini_live_config_set_vertex_user_project(struct gemini_live_config *config,
                                                              const char *user_project);

/**
 * Asks for transparent resumption (`sessionResumption.transparent: true`, Vertex only;
 * default off): resumption-update events then carry a last consumed index
 * (`gemini_live_event_last_consumed_index`).
 * `GEMINI_LIVE_INVALID_ARGUMENT` without a Vertex target.
 */
gemini_live_result gemini_live_config_set_vertex_transparent_resumption(struct gemini_live_config *config,
                                                                        bool enabled);

/**
 * Sets the access-token callback (Vertex AI), called for a fresh token before every connect
 * (see `gemini_live_token_callback` for its thread, reentrancy and buffer rules); the token
 * is sent as `Authorization: Bearer ...` and never logged. Replaces any API key, token or
 * callback. `user_data` is passed to every call; `user_data_free` (may be NULL) is called
 * with it once, when no config or session holds the callback any more (after the last of
 * them is freed, or when this config's callback is replaced), on the thread that lets go of
 * it last. A NULL `callback` removes the credentials (`user_data` and `user_data_free` are
 * then ignored).
 */
gemini_live_result gemini_live_config_set_access_token_callback(struct gemini_live_config *config,
                                                                gemini_live_token_callback callback,
                                                                void *user_data,
                                                                gemini_live_user_data_free user_data_free);

/**
 * Sets the proxy for every connect and reconnect, overriding the environment:
 * - `"http://[user:password@]host:port"`: HTTP `CONNECT` (`"https://..."`: over TLS to the
 *   proxy); the user info is sent as Basic credentials;
 * - `"socks5h://[user:password@]host:port"`: SOCKS5, the proxy resolves the host
 *   (`"socks5://..."`: resolved here);
 * - `"none"`: connect directly, whatever the environment says;
 * - NULL or `"env"`: the default: `wss_proxy`, `https_proxy`, `all_proxy` (upper or lower
 *   case) and `no_proxy` from the environment, as Python's `websockets` reads them.
 *
 * The string is copied. A malformed URL is `GEMINI_LIVE_INVALID_CONFIG` (the message never
 * repeats the credentials, which also never appear in logs or recordings). TLS to the
 * real host inside the tunnel is verified as without a proxy; extra roots set with
 * `gemini_live_config_set_extra_root_ca_pem` also apply to an `https://` proxy.
 */
gemini_live_result gemini_live_config_set_proxy(struct gemini_live_config *config,
                                                const char *proxy);

/**
 * Records every data frame of the sessions made from `config`, both ways, as JSON Lines in
 * the file `path` (created or truncated now; the format is in the README and
 * `gemini_live::record`). `audio` is `GEMINI_LIVE_RECORD_AUDIO_KEEP` (default) or
 * `GEMINI_LIVE_RECORD_AUDIO_SUMMARY`. A NULL `path` turns recording off. Secrets are never
 * written. `GEMINI_LIVE_IO` if the file cannot be created. Defaults to no recording.
 */
gemini_live_result gemini_live_config_set_record(struct gemini_live_config *config,
                                                 const char *path,
                                                 uint32_t audio);

/*
 * ===========================================================================================
 * gemini_live_event
 * ===========================================================================================
 *
 * One event taken from a session by `gemini_live_session_next_event`, its kinds
 * (`GEMINI_LIVE_EVENT_*`), the session states, and the accessors of its fields, which borrow
 * views into it until `gemini_live_event_free`.
 */

/**
 * One event, owned by the caller of `gemini_live_session_next_event`, who frees it with
 * `gemini_live_event_free`. Every pointer an accessor returns points into the event and
 * stays valid until the event is freed. An event may be read from several threads at once.
 *
 * Functions: `gemini_live_event_type`, `gemini_live_event_text`, `gemini_live_event_audio`,
 * `gemini_live_event_data`, `gemini_live_event_finished`, `gemini_live_event_state`,
 * `gemini_live_event_tool_call_count`, `gemini_live_event_tool_call`, `gemini_live_event_close`,
 * `gemini_live_event_error`, `gemini_live_event_session_id`, `gemini_live_event_usage`,
 * `gemini_live_event_usage_detail_count`, `gemini_live_event_usage_detail`,
 * `gemini_live_event_reason`, `gemini_live_event_time_left`, `gemini_live_event_resumption`,
 * `gemini_live_event_reconnecting`, `gemini_live_event_count`, `gemini_live_event_input_dropped`,
 * `gemini_live_event_context_restored`, `gemini_live_event_id_count`, `gemini_live_event_id`,
 * `gemini_live_event_language_code`, `gemini_live_event_voice_activity`,
 * `gemini_live_event_vad_signal`, `gemini_live_event_json`, `gemini_live_event_free`,
 * `gemini_live_event_last_consumed_index`, `gemini_live_event_interaction_status`,
 * `gemini_live_event_transcription_detail`, `gemini_live_event_transcription_word`,
 * `gemini_live_event_signature`, `gemini_live_event_tool_call_stream`,
 * `gemini_live_event_usage_labels`.
 */
typedef struct gemini_live_event gemini_live_event;

/**
 * Returned by `gemini_live_event_type` for a NULL event.
 */
#define GEMINI_LIVE_EVENT_NONE 0

/**
 * `setupComplete` arrived; the session is ready (`gemini_live_event_session_id`). Always
 * the first event (a first connect
 * that had to retry delivers nothing before it); `GEMINI_LIVE_EVENT_NEW_SESSION` follows it
 * when the configured resumption handle was refused and a new session was started.
 */
#define GEMINI_LIVE_EVENT_SETUP_COMPLETE 1

/**
 * Model text (`gemini_live_event_text`). With `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO` this
 * is the transcription of the model's audio.
 */
#define GEMINI_LIVE_EVENT_TEXT 2

/**
 * A thought summary (`gemini_live_event_text`).
 */
#define GEMINI_LIVE_EVENT_THOUGHT 3

/**
 * Model audio: PCM16 mono, usually 24 kHz (`gemini_live_event_audio`).
 */
#define GEMINI_LIVE_EVENT_AUDIO 4

/**
 * Inline data that is not audio (`gemini_live_event_data`).
 */
#define GEMINI_LIVE_EVENT_INLINE_DATA 5

/**
 * Code the model ran, or its result (`gemini_live_event_json`).
 */
#define GEMINI_LIVE_EVENT_CODE_EXECUTION 6

/**
 * Transcription of the user's audio (`gemini_live_event_text`,
 * `gemini_live_event_finished`, `gemini_live_event_language_code`).
 */
#define GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION 7

/**
 * Transcription of the model's audio with `GEMINI_LIVE_MODALITY_AUDIO`
 * (`gemini_live_event_text`, `gemini_live_event_finished`,
 * `gemini_live_event_language_code`).
 */
#define GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION 8

/**
 * The model calls functions (`gemini_live_event_tool_call_count`,
 * `gemini_live_event_tool_call`); answer each with `gemini_live_session_send_tool_response`.
 */
#define GEMINI_LIVE_EVENT_TOOL_CALL 9

/**
 * These calls are abandoned (`gemini_live_event_id_count`, `gemini_live_event_id`).
 */
#define GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION 10

/**
 * User input interrupted the model: drop queued playback.
 */
#define GEMINI_LIVE_EVENT_INTERRUPTED 11

/**
 * The model finished generating (playback may still be going).
 */
#define GEMINI_LIVE_EVENT_GENERATION_COMPLETE 12

/**
 * The turn is over (`gemini_live_event_usage`, `gemini_live_event_usage_detail`,
 * `gemini_live_event_reason`, `gemini_live_event_interaction_status`).
 */
#define GEMINI_LIVE_EVENT_TURN_COMPLETE 13

/**
 * Token usage outside a turn's end (`gemini_live_event_usage`,
 * `gemini_live_event_usage_detail`).
 */
#define GEMINI_LIVE_EVENT_USAGE 14

/**
 * Search grounding metadata (`gemini_live_event_json`: `web_search_queries`, `sources`,
 * `search_entry_point`, `metadata` as sent). URL-context metadata is
 * `GEMINI_LIVE_EVENT_URL_CONTEXT`.
 */
#define GEMINI_LIVE_EVENT_GROUNDING 15

/**
 * The server will end the connection soon (`gemini_live_event_time_left`).
 */
#define GEMINI_LIVE_EVENT_GO_AWAY 16

/**
 * A session resumption update (`gemini_live_event_resumption`: handle and resumable;
 * `gemini_live_event_last_consumed_index`); the latest handle is also kept by the session (`gemini_live_session_resumption_handle`).
 */
#define GEMINI_LIVE_EVENT_RESUMPTION_UPDATE 17

/**
 * The session changed state (`gemini_live_event_state`).
 */
#define GEMINI_LIVE_EVENT_STATE_CHANGED 18

/**
 * A server message of a kind this library does not know (`gemini_live_event_json`).
 */
#define GEMINI_LIVE_EVENT_UNKNOWN 19

/**
 * An error that did not end the session (`gemini_live_event_error`).
 */
#define GEMINI_LIVE_EVENT_ERROR 20

/**
 * The session ended; always the last event (`gemini_live_event_close`,
 * `gemini_live_event_error`).
 */
#define GEMINI_LIVE_EVENT_CLOSED 21

/**
 * The connection was lost (or is being handed over after a GoAway) and a reconnection
 * attempt starts soon (`gemini_live_event_reconnecting`: attempt and delay;
 * `gemini_live_event_error`: the cause, `GEMINI_LIVE_OK` for a planned handover).
 */
#define GEMINI_LIVE_EVENT_RECONNECTING 22

/**
 * Reconnected and resumed: the conversation goes on (`gemini_live_event_count`: the input
 * messages re-sent).
 */
#define GEMINI_LIVE_EVENT_RESUMED 23

/**
 * Reconnected to a new session: the server's history was lost (`gemini_live_event_count`:
 * the input messages re-sent).
 */
#define GEMINI_LIVE_EVENT_NEW_SESSION 24

/**
 * Input was dropped and will not reach the server (`gemini_live_event_input_dropped`).
 */
#define GEMINI_LIVE_EVENT_INPUT_DROPPED 25

/**
 * Tool responses were not sent because their calls are gone (`gemini_live_event_id_count`,
 * `gemini_live_event_id`).
 */
#define GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED 26

/**
 * URL-context tool metadata (`gemini_live_event_json`: `urls` of `{retrieved_url, status}`,
 * `metadata` as sent).
 */
#define GEMINI_LIVE_EVENT_URL_CONTEXT 27

/**
 * `waitingForInput`: the model is idle and expects more user input.
 */
#define GEMINI_LIVE_EVENT_WAITING_FOR_INPUT 28

/**
 * The server's voice activity detection saw the user start or stop speaking
 * (`gemini_live_event_voice_activity`: kind and audio offset).
 */
#define GEMINI_LIVE_EVENT_VOICE_ACTIVITY 29

/**
 * `voiceActivityDetectionSignal` (`gemini_live_event_vad_signal`).
 */
#define GEMINI_LIVE_EVENT_VAD_SIGNAL 30

/**
 * An interim (not final) transcription of the user's audio (`gemini_live_event_text`,
 * `gemini_live_event_language_code`).
 */
#define GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION 31

/**
 * With `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO`: the transcription delivered as
 * `GEMINI_LIVE_EVENT_TEXT` is final for this utterance.
 */
#define GEMINI_LIVE_EVENT_TEXT_FINISHED 32

/**
 * The reply in progress was cut off by a lost connection and is void: drop what was
 * delivered for it since the last `TURN_COMPLETE` that ended an interaction (text, audio,
 * tool calls); its question is asked again after the reconnection, so the whole reply comes
 * again, once (`gemini_live_event_count`: the session's turn number).
 */
#define GEMINI_LIVE_EVENT_REPLY_DISCARDED 40

/**
 * Resumed with a handle older than some answered turns: their replies were delivered, but
 * the model no longer remembers those exchanges (`gemini_live_event_count`: how many).
 */
#define GEMINI_LIVE_EVENT_CONTEXT_LOST 41

/**
 * The server had lost part of the conversation and it was put back as history
 * (`gemini_live_event_context_restored`; `gemini_live_event_count`: the exchanges put back).
 * Comes instead of CONTEXT_LOST whenever anything was put back.
 */
#define GEMINI_LIVE_EVENT_CONTEXT_RESTORED 42

/**
 * New content was sent while BLOCKING function calls were pending: the service drops them
 * without a cancellation, while their side effects may still happen
 * (`gemini_live_event_id_count`, `gemini_live_event_id`). Once per call.
 */
#define GEMINI_LIVE_EVENT_TOOL_CALLS_ABANDONED 43

/**
 * Session state: opening the connection.
 */
#define GEMINI_LIVE_STATE_CONNECTING 0

/**
 * Session state: set up; input is accepted and events flow.
 */
#define GEMINI_LIVE_STATE_CONNECTED 1

/**
 * Session state: the connection was lost and a new one is being made.
 */
#define GEMINI_LIVE_STATE_RECONNECTING 2

/**
 * Session state: `gemini_live_session_close` was called; closing.
 */
#define GEMINI_LIVE_STATE_CLOSING 3

/**
 * Session state: closed; no more input is accepted.
 */
#define GEMINI_LIVE_STATE_CLOSED 4

/**
 * `gemini_live_event_usage_detail*`: prompt tokens per modality (`promptTokensDetails`).
 */
#define GEMINI_LIVE_USAGE_PROMPT_DETAILS 0

/**
 * Cached tokens per modality (`cacheTokensDetails`).
 */
#define GEMINI_LIVE_USAGE_CACHE_DETAILS 1

/**
 * Response tokens per modality (`responseTokensDetails`).
 */
#define GEMINI_LIVE_USAGE_RESPONSE_DETAILS 2

/**
 * Tool-use prompt tokens per modality (`toolUsePromptTokensDetails`).
 */
#define GEMINI_LIVE_USAGE_TOOL_USE_PROMPT_DETAILS 3

/**
 * `gemini_live_event_voice_activity`: the user started speaking (`ACTIVITY_START`).
 */
#define GEMINI_LIVE_VOICE_ACTIVITY_START 1

/**
 * `gemini_live_event_voice_activity`: the user stopped speaking (`ACTIVITY_END`).
 */
#define GEMINI_LIVE_VOICE_ACTIVITY_END 2

/**
 * `gemini_live_event_vad_signal`: a value this library does not know (its name is the value
 * as sent).
 */
#define GEMINI_LIVE_VAD_SIGNAL_OTHER 0

/**
 * `gemini_live_event_vad_signal`: start of speech (`VAD_SIGNAL_TYPE_SOS`).
 */
#define GEMINI_LIVE_VAD_SIGNAL_START_OF_SPEECH 1

/**
 * `gemini_live_event_vad_signal`: end of speech (`VAD_SIGNAL_TYPE_EOS`).
 */
#define GEMINI_LIVE_VAD_SIGNAL_END_OF_SPEECH 2

/**
 * The word timings, speaker label and offsets of the transcription just delivered
 * (`gemini_live_event_transcription_detail`, `gemini_live_event_transcription_word`).
 */
#define GEMINI_LIVE_EVENT_TRANSCRIPTION_DETAIL 50

/**
 * The thought signature (base64) of the model part just delivered: give it back with that
 * part in history (`gemini_live_event_signature`).
 */
#define GEMINI_LIVE_EVENT_THOUGHT_SIGNATURE 51

/**
 * A `functionCall` part of the model's turn, a record for history: answer the TOOL_CALL
 * event, not this (`gemini_live_event_tool_call` with index 0).
 */
#define GEMINI_LIVE_EVENT_FUNCTION_CALL_PART 52

/**
 * The service verified a replicated voice's consent recording: send this signature in
 * later setups instead of the recording (`gemini_live_event_signature`).
 */
#define GEMINI_LIVE_EVENT_VOICE_CONSENT_SIGNATURE 53

/**
 * `gemini_live_event_transcription_detail`: the user's speech (`inputTranscription`).
 */
#define GEMINI_LIVE_TRANSCRIPT_INPUT 1

/**
 * `gemini_live_event_transcription_detail`: `interimInputTranscription`.
 */
#define GEMINI_LIVE_TRANSCRIPT_INTERIM_INPUT 2

/**
 * `gemini_live_event_transcription_detail`: the model's speech (`outputTranscription`).
 */
#define GEMINI_LIVE_TRANSCRIPT_OUTPUT 3

/**
 * `gemini_live_event_interaction_status`: the model sent no `interactionStatus`.
 */
#define GEMINI_LIVE_INTERACTION_NONE 0

/**
 * `interactionStatus: IN_PROGRESS`: this turn is one segment; more output follows without
 * new input (extended thinking). Keep reading events.
 */
#define GEMINI_LIVE_INTERACTION_IN_PROGRESS 1

/**
 * `interactionStatus: IDLE`: the interaction is over.
 */
#define GEMINI_LIVE_INTERACTION_IDLE 2

/**
 * `interactionStatus: REQUIRES_ACTION` (deprecated): the model waits for the client,
 * typically a tool response. The interaction is not over (as Google's SDK reads it).
 */
#define GEMINI_LIVE_INTERACTION_REQUIRES_ACTION 3

/**
 * Token counts of a USAGE or TURN_COMPLETE event (`gemini_live_event_usage`), one field per
 * count of the server's `usageMetadata`; -1 where the server sent none. The per-modality
 * breakdowns are read with `gemini_live_event_usage_detail_count` and
 * `gemini_live_event_usage_detail`.
 *
 * ABI growth: set `size = sizeof(gemini_live_usage)` before the call. The library fills at most
 * `size` bytes (fields it does not know of stay as they were; new fields are only ever appended)
 * and sets `size` to the number of bytes it filled.
 */
typedef struct gemini_live_usage {
    /**
     * In: `sizeof(gemini_live_usage)`. Out: the bytes filled.
     */
    uint32_t size;
    /**
     * Reserved (0): keeps the struct free of padding, so every byte the library fills is
     * defined.
     */
    uint32_t reserved;
    /**
     * Tokens in the prompt.
     */
    int64_t prompt_token_count;
    /**
     * Tokens served from cache.
     */
    int64_t cached_content_token_count;
    /**
     * Tokens in the response.
     */
    int64_t response_token_count;
    /**
     * Tokens in tool-use prompts.
     */
    int64_t tool_use_prompt_token_count;
    /**
     * Thinking tokens.
     */
    int64_t thoughts_token_count;
    /**
     * Total.
     */
    int64_t total_token_count;
} gemini_live_usage;

/**
 * The event's `GEMINI_LIVE_EVENT_*` type; `GEMINI_LIVE_EVENT_NONE` (0) for NULL.
 */
uint32_t gemini_live_event_type(const struct gemini_live_event *event);

/**
 * The text of a TEXT, THOUGHT, INPUT_TRANSCRIPTION or OUTPUT_TRANSCRIPTION event: `*text`
 * points to UTF-8 (NUL-terminated too) of `*len` bytes, borrowed until the event is freed.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 */
gemini_live_result gemini_live_event_text(const struct gemini_live_event *event,
                                          const char **text,
                                          size_t *len);

/**
 * The samples of an AUDIO event: `*samples` points to `*n_samples` native-endian PCM16 mono
 * samples at `*sample_rate` Hz (24000 from the service), borrowed until the event is freed.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 *
 * Zero-copy: on little-endian hosts `*samples` points into the event's own decoded audio
 * (the buffer the base64 was decoded into, aligned for `int16_t`), so reading the samples
 * costs no copy; calling it again returns the same pointer. The pointer is always aligned
 * for `int16_t`, valid for `*n_samples` samples (`*n_samples` may be 0 only for an empty
 * chunk), read-only, and lives until `gemini_live_event_free`. Any thread may call it.
 */
gemini_live_result gemini_live_event_audio(const struct gemini_live_event *event,
                                           const int16_t **samples,
                                           size_t *n_samples,
                                           uint32_t *sample_rate);

/**
 * The payload of an INLINE_DATA event: `*mime_type` (NUL-terminated) and `*len` bytes at
 * `*data`, borrowed until the event is freed. `GEMINI_LIVE_WRONG_EVENT_TYPE` otherwise.
 */
gemini_live_result gemini_live_event_data(const struct gemini_live_event *event,
                                          const char **mime_type,
                                          const uint8_t **data,
                                          size_t *len);

/**
 * Whether the utterance of an INPUT_TRANSCRIPTION or OUTPUT_TRANSCRIPTION event is final.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 */
gemini_live_result gemini_live_event_finished(const struct gemini_live_event *event,
                                              bool *finished);

/**
 * The new `GEMINI_LIVE_STATE_*` of a STATE_CHANGED event.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 */
gemini_live_result gemini_live_event_state(const struct gemini_live_event *event, uint32_t *state);

/**
 * The number of function calls in a TOOL_CALL event (`*count`).
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 */
gemini_live_result gemini_live_event_tool_call_count(const struct gemini_live_event *event,
                                                     size_t *count);

/**
 * Function call `index` (from 0) of a TOOL_CALL event: its `*id` (echo it in the
 * response), `*name` and `*args_json` (a JSON object), all NUL-terminated UTF-8 borrowed
 * until the event is freed. `GEMINI_LIVE_INVALID_ARGUMENT` if `index` is out of range,
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 */
gemini_live_result gemini_live_event_tool_call(const struct gemini_live_event *event,
                                               size_t index,
                                               const char **id,
                                               const char **name,
                                               const char **args_json);

/**
 * The close `*code` (1000 after `gemini_live_session_close`, 1006 when the connection
 * dropped) and `*reason` (NUL-terminated, borrowed until the event is freed) of a CLOSED
 * event. Why it closed, if not on request, is in `gemini_live_event_error`.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 */
gemini_live_result gemini_live_event_close(const struct gemini_live_event *event,
                                           uint16_t *code,
                                           const char **reason);

/**
 * The error of an ERROR event, or why the session of a CLOSED event ended, or what caused
 * a RECONNECTING event: `*code` is a `gemini_live_result` (e.g.
 * `GEMINI_LIVE_SERVER_CLOSED_RETRYABLE`) and `*message` its NUL-terminated text, borrowed
 * until the event is freed. For a CLOSED event that ended on request, or a planned
 * reconnection, `*code` is `GEMINI_LIVE_OK` and `*message` is empty.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 */
gemini_live_result gemini_live_event_error(const struct gemini_live_event *event,
                                           gemini_live_result *code,
                                           const char **message);

/**
 * A JSON rendering of any event, `{"type":"<kind>", ...}` with the kind in snake case
 * (`"text"`, `"turn_complete"`, `"tool_call"`, `"usage"`, `"unknown"`...) and its fields;
 * audio is summarised as `{"type":"audio","sample_rate":R,"samples":N}` without the samples.
 * `*json` is NUL-terminated UTF-8 of `*len` bytes, borrowed until the event is freed.
 * Useful for the structured events without typed accessors (code execution, grounding, URL
 * context, unknown messages) and for logging; every other field has a typed accessor.
 */
gemini_live_result gemini_live_event_json(const struct gemini_live_event *event,
                                          const char **json,
                                          size_t *len);

/**
 * Frees an event and everything its accessors returned. NULL does nothing.
 */
void gemini_live_event_free(struct gemini_live_event *event);

/**
 * The token counts of a USAGE or TURN_COMPLETE event: `*usage` (set `usage->size =
 * sizeof(gemini_live_usage)` first) gets each count, -1 where the server sent none, and `*has_usage` whether the event carries usage at all. A USAGE
 * event always does; a TURN_COMPLETE without `usageMetadata` (e.g. from the transcribe
 * models) gives `*has_usage` false and every count -1. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
 * other events. Any thread.
 */
gemini_live_result gemini_live_event_usage(const struct gemini_live_event *event,
                                           struct gemini_live_usage *usage,
                                           bool *has_usage);

/**
 * The number of per-modality counts in list `list` (a `GEMINI_LIVE_USAGE_*_DETAILS`) of a
 * USAGE or TURN_COMPLETE event (`*count`; 0 for a TURN_COMPLETE without usage).
 * `GEMINI_LIVE_INVALID_ARGUMENT` for an unknown `list`, `GEMINI_LIVE_WRONG_EVENT_TYPE` for
 * other events. Any thread.
 */
gemini_live_result gemini_live_event_usage_detail_count(const struct gemini_live_event *event,
                                                        uint32_t list,
                                                        size_t *count);

/**
 * Per-modality count `index` (from 0) of list `list` (a `GEMINI_LIVE_USAGE_*_DETAILS`) of a
 * USAGE or TURN_COMPLETE event: `*modality` (e.g. `"AUDIO"`, NUL-terminated, borrowed until
 * the event is freed) and `*token_count` (-1 where the server sent none).
 * `GEMINI_LIVE_INVALID_ARGUMENT` for an unknown `list` or an `index` out of range,
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_usage_detail(const struct gemini_live_event *event,
                                                  uint32_t list,
                                                  size_t index,
                                                  const char **modality,
                                                  int64_t *token_count);

/**
 * The session id of a SETUP_COMPLETE event: `*session_id` is NUL-terminated UTF-8 borrowed
 * until the event is freed, or NULL where the service sent none.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_session_id(const struct gemini_live_event *event,
                                                const char **session_id);

/**
 * The `turnCompleteReason` of a TURN_COMPLETE event (e.g. `"NEED_MORE_INPUT"`):
 * NUL-terminated, borrowed until the event is freed, or NULL where the model sent none.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_reason(const struct gemini_live_event *event,
                                            const char **reason);

/**
 * The time left before the server ends the connection, of a GO_AWAY event: `*ms` in
 * milliseconds, -1 when the server's `timeLeft` was missing or did not parse.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_time_left(const struct gemini_live_event *event, int64_t *ms);

/**
 * A RESUMPTION_UPDATE event: `*handle` the new resumption handle (NUL-terminated, borrowed
 * until the event is freed; NULL when the session is not resumable at this point) and
 * `*resumable`. (Vertex's `lastConsumedClientMessageIndex` is
 * `gemini_live_event_last_consumed_index`.) `GEMINI_LIVE_WRONG_EVENT_TYPE` for other
 * events. Any thread.
 */
gemini_live_result gemini_live_event_resumption(const struct gemini_live_event *event,
                                                const char **handle,
                                                bool *resumable);

/**
 * A RECONNECTING event: `*attempt` (1-based within this outage) starts after `*delay_ms`
 * milliseconds. Its cause is `gemini_live_event_error`. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
 * other events. Any thread.
 */
gemini_live_result gemini_live_event_reconnecting(const struct gemini_live_event *event,
                                                  uint32_t *attempt,
                                                  uint64_t *delay_ms);

/**
 * The number an event carries (`*count`): for RESUMED and NEW_SESSION the input messages
 * replayed, for REPLY_DISCARDED the session's turn number of the void reply, for
 * CONTEXT_LOST the answered turns the resumed server state does not include, for
 * CONTEXT_RESTORED the exchanges put back.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_count(const struct gemini_live_event *event, uint64_t *count);

/**
 * An INPUT_DROPPED event: `*messages` input messages of `*bytes` bytes in all were dropped
 * and will not reach the server. `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any
 * thread.
 */
gemini_live_result gemini_live_event_input_dropped(const struct gemini_live_event *event,
                                                   uint64_t *messages,
                                                   uint64_t *bytes);

/**
 * The number of call ids (`*count`) of a TOOL_CALL_CANCELLATION event (the calls
 * abandoned), a TOOL_RESPONSES_DROPPED event (the calls whose responses were not sent) or a
 * TOOL_CALLS_ABANDONED event (BLOCKING calls the service dropped).
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_id_count(const struct gemini_live_event *event, size_t *count);

/**
 * Call id `index` (from 0) of a TOOL_CALL_CANCELLATION, TOOL_RESPONSES_DROPPED or
 * TOOL_CALLS_ABANDONED event:
 * `*id` is NUL-terminated, borrowed until the event is freed. `GEMINI_LIVE_INVALID_ARGUMENT`
 * if `index` is out of range, `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_id(const struct gemini_live_event *event,
                                        size_t index,
                                        const char **id);

/**
 * The language (BCP-47, e.g. `"en-US"`) of an INPUT_TRANSCRIPTION, OUTPUT_TRANSCRIPTION or
 * INTERIM_INPUT_TRANSCRIPTION event: `*language_code` is NUL-terminated, borrowed until the
 * event is freed, or NULL where the model sent none. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
 * other events. Any thread.
 */
gemini_live_result gemini_live_event_language_code(const struct gemini_live_event *event,
                                                   const char **language_code);

/**
 * A VOICE_ACTIVITY event: `*kind` is `GEMINI_LIVE_VOICE_ACTIVITY_START` or `_END`, and
 * `*audio_offset_ms` where in the input audio (ms), -1 when the server did not say.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_voice_activity(const struct gemini_live_event *event,
                                                    uint32_t *kind,
                                                    int64_t *audio_offset_ms);

/**
 * A VAD_SIGNAL event: `*signal` is `GEMINI_LIVE_VAD_SIGNAL_START_OF_SPEECH`, `_END_OF_SPEECH`
 * or `_OTHER`, and `*name` (NUL-terminated, borrowed until the event is freed) is
 * `"start_of_speech"`, `"end_of_speech"` or, for `_OTHER`, the value as sent.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_vad_signal(const struct gemini_live_event *event,
                                                uint32_t *signal,
                                                const char **name);

/**
 * A TRANSCRIPTION_DETAIL event: `*source` (`GEMINI_LIVE_TRANSCRIPT_*`), `*speaker_label`
 * (NUL-terminated, borrowed until the event is freed; NULL when not sent), the fragment's
 * `*start_ms` / `*end_ms` in the audio (-1 when not sent) and `*word_count` (read each with
 * `gemini_live_event_transcription_word`). `GEMINI_LIVE_WRONG_EVENT_TYPE` for other
 * events. Any thread.
 */
gemini_live_result gemini_live_event_transcription_detail(const struct gemini_live_event *event,
                                                          uint32_t *source,
                                                          const char **speaker_label,
                                                          int64_t *start_ms,
                                                          int64_t *end_ms,
                                                          size_t *word_count);

/**
 * Word `index` (from 0) of a TRANSCRIPTION_DETAIL event: `*word` (NUL-terminated, borrowed
 * until the event is freed) and its `*start_ms` / `*end_ms` in the audio (-1 when not
 * sent). `GEMINI_LIVE_INVALID_ARGUMENT` if `index` is out of range,
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_transcription_word(const struct gemini_live_event *event,
                                                        size_t index,
                                                        const char **word,
                                                        int64_t *start_ms,
                                                        int64_t *end_ms);

/**
 * The signature of a THOUGHT_SIGNATURE or VOICE_CONSENT_SIGNATURE event: `*signature`,
 * NUL-terminated, borrowed until the event is freed. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
 * other events. Any thread.
 */
gemini_live_result gemini_live_event_signature(const struct gemini_live_event *event,
                                               const char **signature);

/**
 * Call `index` of a TOOL_CALL event, streamed (Vertex AI): `*partial_args_json` is its
 * `partialArgs` as a JSON array (`[]` when not streamed; each element has `json_path` and
 * one of `string_value`, `number_value`, `bool_value`, `null_value`, and `will_continue`),
 * NUL-terminated, borrowed until the event is freed; `*will_continue` whether more of
 * this call follows. `GEMINI_LIVE_INVALID_ARGUMENT` if `index` is out of range,
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_tool_call_stream(const struct gemini_live_event *event,
                                                      size_t index,
                                                      const char **partial_args_json,
                                                      bool *will_continue);

/**
 * The labels of a USAGE or TURN_COMPLETE event's usage: `*traffic_type` (Vertex AI, e.g.
 * `ON_DEMAND`) and `*service_tier` (Developer API), NUL-terminated, borrowed until the
 * event is freed, NULL when not sent. `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
 * Any thread.
 */
gemini_live_result gemini_live_event_usage_labels(const struct gemini_live_event *event,
                                                  const char **traffic_type,
                                                  const char **service_tier);

/**
 * The `GEMINI_LIVE_INTERACTION_*` status of a TURN_COMPLETE event (`*status`):
 * `GEMINI_LIVE_INTERACTION_NONE` where the model sends none (then the turn ends the
 * interaction). `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_interaction_status(const struct gemini_live_event *event,
                                                        uint32_t *status);

/**
 * A CONTEXT_RESTORED event: `*turns` exchanges of `*chars` characters were put back as
 * history; `*dropped` exchanges the server lost did not fit the context budget and are
 * gone (each restore counts what its server lacks, so a later restore reports the same
 * exchanges again: do not sum over events). `GEMINI_LIVE_WRONG_EVENT_TYPE` for other
 * events. Any thread.
 */
gemini_live_result gemini_live_event_context_restored(const struct gemini_live_event *event,
                                                      uint64_t *turns,
                                                      uint64_t *chars,
                                                      uint64_t *dropped);

/**
 * The `lastConsumedClientMessageIndex` of a RESUMPTION_UPDATE event (Vertex AI with
 * transparent resumption): `*index` gets the index of the last client message of this
 * connection that the server's state includes (`setup` is 0, as the fake counts; the
 * service's base is not documented), or -1 when the update carried none.
 * `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
 */
gemini_live_result gemini_live_event_last_consumed_index(const struct gemini_live_event *event,
                                                         int64_t *index);

/*
 * ===========================================================================================
 * gemini_live_session
 * ===========================================================================================
 *
 * A live conversation. Connect, send text, audio, video, activity signals and tool responses,
 * pull events, read its state, resumption handle and metrics, close.
 */

/**
 * A live conversation. Made by `gemini_live_session_connect`, freed by
 * `gemini_live_session_free`.
 *
 * Thread safety: every function except `gemini_live_session_free` may be called from
 * several threads at once on the same session (e.g. one thread sends audio while another
 * waits in `gemini_live_session_next_event`). `gemini_live_session_free` must be the last
 * call: no other thread may be using the session when it runs.
 *
 * Functions: `gemini_live_session_connect`, `gemini_live_session_send_*`,
 * `gemini_live_session_try_send_audio`, `gemini_live_session_audio_stream_end`,
 * `gemini_live_session_activity_start`, `gemini_live_session_activity_end`,
 * `gemini_live_session_next_event`, `gemini_live_session_state`,
 * `gemini_live_session_resumption_handle`, `gemini_live_session_metrics`,
 * `gemini_live_session_close`, `gemini_live_session_free`, `gemini_live_session_last_close_reason`,
 * `gemini_live_session_metrics_openmetrics`.
 */
typedef struct gemini_live_session gemini_live_session;

/**
 * A session's metrics: plain numbers, filled by `gemini_live_session_metrics`.
 *
 * ABI growth: set `size = sizeof(gemini_live_metrics)` before the call. The library fills
 * at most `size` bytes (fields it does not know of stay as they were; new fields are only
 * ever appended) and sets `size` to the number of bytes it filled. Durations are in
 * microseconds; -1 means "not measured yet".
 */
typedef struct gemini_live_metrics {
    /**
     * In: `sizeof(gemini_live_metrics)`. Out: the bytes filled.
     */
    uint32_t size;
    /**
     * Layout version of this struct; 3 for the fields below.
     */
    uint32_t version;
    /**
     * Latest connect: DNS + TCP connect.
     */
    int64_t connect_tcp_us;
    /**
     * Latest connect: TLS handshake (0 for `ws://`).
     */
    int64_t connect_tls_us;
    /**
     * Latest connect: HTTP upgrade.
     */
    int64_t connect_upgrade_us;
    /**
     * Latest connect: `setup` sent to `setupComplete` received.
     */
    int64_t connect_setup_us;
    /**
     * Latest connect: all phases.
     */
    int64_t connect_total_us;
    /**
     * Messages handed to the socket.
     */
    uint64_t messages_sent;
    /**
     * Bytes of JSON handed to the socket.
     */
    uint64_t bytes_sent;
    /**
     * Data frames received.
     */
    uint64_t messages_received;
    /**
     * Bytes of data frames received.
     */
    uint64_t bytes_received;
    /**
     * Messages waiting in the send queue now.
     */
    uint64_t send_queue_depth;
    /**
     * Highest send-queue depth seen.
     */
    uint64_t send_queue_peak;
    /**
     * Frames that could not be decoded.
     */
    uint64_t decode_errors;
    /**
     * Latest turn: last input sent to first reply content.
     */
    int64_t last_first_reply_us;
    /**
     * Latest turn: last input sent to first audio.
     */
    int64_t last_first_audio_us;
    /**
     * Latest turn: last input sent to turn complete.
     */
    int64_t last_turn_complete_us;
    /**
     * Time since the last message was received.
     */
    int64_t since_last_received_us;
    /**
     * Reconnections that succeeded.
     */
    uint64_t reconnects;
    /**
     * Time spent without a connection, all outages together.
     */
    int64_t downtime_us;
    /**
     * Input messages re-sent after reconnections.
     */
    uint64_t replayed_messages;
    /**
     * Input messages dropped (replay-buffer overflow, stale tool responses).
     */
    uint64_t dropped_messages;
    /**
     * Close code of the latest connection that ended; -1 if none has (the reason:
     * `gemini_live_session_last_close_reason`).
     */
    int32_t last_close_code;
    /**
     * The session's `GEMINI_LIVE_STATE_*` when the metrics were taken.
     */
    uint32_t state;
    /**
     * Messages timed from `send` to the socket flush.
     */
    uint64_t send_latency_count;
    /**
     * Send-to-flush latency, median (an upper bound at most 12.5% high); -1 if none yet.
     */
    int64_t send_latency_p50_us;
    /**
     * Send-to-flush latency, 99th percentile (same bound); -1 if none yet.
     */
    int64_t send_latency_p99_us;
    /**
     * Send-to-flush latency, exact maximum; -1 if none yet.
     */
    int64_t send_latency_max_us;
    /**
     * Latest connect: the proxy phase (TLS to an `https://` proxy, its `CONNECT` or SOCKS5
     * exchange); 0 without a proxy. (Version 3.)
     */
    int64_t connect_proxy_us;
} gemini_live_metrics;

/**
 * Connects with a copy of `config` (which stays the caller's: free it whenever you like),
 * sends `setup` and returns once the server confirmed it. Blocks while it connects: each
 * attempt takes at most the connect timeout (5 s by default), and retryable failures are
 * retried up to 3 attempts within 10 s by default (the error text then says "gave up after N
 * attempts over T s"; the code is the last failure's). On success `*out` owns the session: free it with
 * `gemini_live_session_free`. The first event is always `GEMINI_LIVE_EVENT_SETUP_COMPLETE`
 * (retries of the first connect deliver no events).
 *
 * Failures: `GEMINI_LIVE_INVALID_CONFIG`, `GEMINI_LIVE_CONNECT_TIMEOUT`, `GEMINI_LIVE_IO`,
 * `GEMINI_LIVE_TLS`, `GEMINI_LIVE_HTTP` (e.g. 401/403 for a bad key),
 * `GEMINI_LIVE_MODEL_NOT_FOUND`, `GEMINI_LIVE_SERVER_CLOSED_*`; the detail is in
 * `gemini_live_last_error_message`. Any thread.
 */
gemini_live_result gemini_live_session_connect(const struct gemini_live_config *config,
                                               struct gemini_live_session **out);

/**
 * Waits up to `timeout_ms` (0 = just look) for the next event. On `GEMINI_LIVE_OK`, `*out`
 * owns the event: free it with `gemini_live_event_free`. `GEMINI_LIVE_TIMEOUT` when none
 * came in time; `GEMINI_LIVE_CLOSED` once the session has ended and every event, including
 * the final `GEMINI_LIVE_EVENT_CLOSED`, was taken (also after
 * `gemini_live_session_close`, which leaves what was queued to be drained without waiting).
 * Several threads may wait at once; each event goes to one of them. A waiting thread only
 * waits on the session's event queue: the session's reader thread reads and decodes the
 * socket (see "Threads" at the top of this header).
 */
gemini_live_result gemini_live_session_next_event(struct gemini_live_session *session,
                                                  uint32_t timeout_ms,
                                                  struct gemini_live_event **out);

/**
 * The session's current `GEMINI_LIVE_STATE_*` in `*state`. Works after close.
 */
gemini_live_result gemini_live_session_state(const struct gemini_live_session *session,
                                             uint32_t *state);

/**
 * Copies the latest resumable handle (NUL-terminated; empty if none yet) into `buf` of
 * `len` bytes; `*needed` (if not NULL) gets the size required, also on
 * `GEMINI_LIVE_BUFFER_TOO_SMALL`. Save it and pass it to
 * `gemini_live_config_set_resumption_handle` to resume later. Works after close.
 */
gemini_live_result gemini_live_session_resumption_handle(const struct gemini_live_session *session,
                                                         char *buf,
                                                         size_t len,
                                                         size_t *needed);

/**
 * Copies the close reason of the latest connection that ended (NUL-terminated; empty if
 * none has, or the server gave none) into `buf` of `len` bytes; `*needed` (if not NULL) gets
 * the size required, also on `GEMINI_LIVE_BUFFER_TOO_SMALL`. Works after close.
 */
gemini_live_result gemini_live_session_last_close_reason(const struct gemini_live_session *session,
                                                         char *buf,
                                                         size_t len,
                                                         size_t *needed);

/**
 * Fills `*metrics` (set `metrics->size = sizeof(gemini_live_metrics)` first; see
 * `gemini_live_metrics`). `GEMINI_LIVE_INVALID_ARGUMENT` if `size` is below 4. Cheap; any
 * thread; works after close.
 */
gemini_live_result gemini_live_session_metrics(const struct gemini_live_session *session,
                                               struct gemini_live_metrics *metrics);

/**
 * Copies the session's metrics as OpenMetrics text (the Prometheus exposition format,
 * ending with `# EOF`; names `gemini_live_*`, counters as `_total`, units in the names,
 * the send latency as a histogram) into `buf` of `len` bytes, NUL-terminated. `*needed`
 * (if not NULL) gets the size required including the NUL, also on
 * `GEMINI_LIVE_BUFFER_TOO_SMALL`; pass `buf = NULL, len = 0` to ask (the text can grow
 * between calls: 8 KiB is plenty). Cheap; any thread; works after close.
 */
gemini_live_result gemini_live_session_metrics_openmetrics(const struct gemini_live_session *session,
                                                           char *buf,
                                                           size_t len,
                                                           size_t *needed);

/**
 * Closes the session: sends what is queued, then a close frame, waits for the server's
 * reply up to the close timeout (2 s by default; then cuts the socket) and stops the
 * session's threads. Afterwards sends return `GEMINI_LIVE_CLOSED`, `next_event` drains
 * the remaining events (ending with `GEMINI_LIVE_EVENT_CLOSED`) and then returns
 * `GEMINI_LIVE_CLOSED`. Calling it again does nothing and returns `GEMINI_LIVE_OK`.
 * Any thread; a thread waiting in `next_event` gets the remaining events, then
 * `GEMINI_LIVE_CLOSED`.
 */
gemini_live_result gemini_live_session_close(struct gemini_live_session *session);

/**
 * Closes the session if needed (as `gemini_live_session_close`) and frees it. NULL does
 * nothing. Must be the last call on the session: no other thread may be using it. Events
 * already taken stay valid and must still be freed with `gemini_live_event_free`.
 */
void gemini_live_session_free(struct gemini_live_session *session);

/**
 * Sends a user text turn (`clientContent` with `turnComplete: true`): the model answers.
 */
gemini_live_result gemini_live_session_send_text(struct gemini_live_session *session,
                                                 const char *text);

/**
 * Sends text as realtime input (`realtimeInput.text`), mixed with streamed audio; with
 * voice activity detection on, the model answers when it decides the user is done.
 */
gemini_live_result gemini_live_session_send_realtime_text(struct gemini_live_session *session,
                                                          const char *text);

/**
 * Sends `n_samples` 16 kHz mono PCM16 samples (native-endian `int16_t`; 20 to 100 ms per
 * call is typical, e.g. 320 samples = 20 ms). Empty audio is `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_session_send_audio(struct gemini_live_session *session,
                                                  const int16_t *samples,
                                                  size_t n_samples);

/**
 * Like `gemini_live_session_send_audio` for samples captured at `sample_rate` Hz
 * (1000 to 192000; the service resamples).
 */
gemini_live_result gemini_live_session_send_audio_rate(struct gemini_live_session *session,
                                                       const int16_t *samples,
                                                       size_t n_samples,
                                                       uint32_t sample_rate);

/**
 * Sends 16 kHz mono PCM16 little-endian audio given as `len` bytes (no alignment needed).
 * An odd or zero `len` is `GEMINI_LIVE_INVALID_ARGUMENT`.
 */
gemini_live_result gemini_live_session_send_audio_bytes(struct gemini_live_session *session,
                                                        const uint8_t *pcm,
                                                        size_t len);

/**
 * Like `gemini_live_session_send_audio_bytes` for audio captured at `sample_rate` Hz.
 */
gemini_live_result gemini_live_session_send_audio_bytes_rate(struct gemini_live_session *session,
                                                             const uint8_t *pcm,
                                                             size_t len,
                                                             uint32_t sample_rate);

/**
 * Like `gemini_live_session_send_audio_rate` but never waits: `GEMINI_LIVE_WOULD_BLOCK`
 * (nothing queued) when the send queue is full. Pass `sample_rate` 16000 for the usual
 * input. Even so, do not call it from a real-time audio callback: it allocates; hand the
 * samples to another thread instead.
 */
gemini_live_result gemini_live_session_try_send_audio(struct gemini_live_session *session,
                                                      const int16_t *samples,
                                                      size_t n_samples,
                                                      uint32_t sample_rate);

/**
 * Sends one video frame: `len` bytes of a JPEG image (about 1 frame per second is usual).
 */
gemini_live_result gemini_live_session_send_video_frame(struct gemini_live_session *session,
                                                        const uint8_t *jpeg,
                                                        size_t len);

/**
 * Tells the service the audio stream paused (voice activity detection on, the default):
 * it ends the user's turn now instead of waiting for silence.
 */
gemini_live_result gemini_live_session_audio_stream_end(struct gemini_live_session *session);

/**
 * Marks the start of user activity (voice activity detection off only; otherwise
 * `GEMINI_LIVE_INVALID_ARGUMENT`).
 */
gemini_live_result gemini_live_session_activity_start(struct gemini_live_session *session);

/**
 * Marks the end of user activity (voice activity detection off only): the model answers.
 */
gemini_live_result gemini_live_session_activity_end(struct gemini_live_session *session);

/**
 * Answers one function call of a `GEMINI_LIVE_EVENT_TOOL_CALL` event: `call_id` and
 * `name` as the call gave them, `response_json` a JSON object such as
 * `{"result":"sunny, 21C"}` (`GEMINI_LIVE_INVALID_JSON` otherwise). An empty `call_id` is
 * `GEMINI_LIVE_INVALID_ARGUMENT` (the service requires it).
 */
gemini_live_result gemini_live_session_send_tool_response(struct gemini_live_session *session,
                                                          const char *call_id,
                                                          const char *name,
                                                          const char *response_json);

/**
 * Sends `clientContent` given as JSON: `{"turns":[{"role":"user","parts":[{"text":"..."}]},
 * ...],"turnComplete":true}` (snake_case keys are accepted too). Parts may be `text` or
 * `inlineData` (`{"mimeType":...,"data":"<base64>"}`). Use it to seed history with `model`
 * turns. `GEMINI_LIVE_INVALID_JSON` if the shape is wrong.
 */
gemini_live_result gemini_live_session_send_client_content_json(struct gemini_live_session *session,
                                                                const char *json);

/**
 * Answers a non-blocking function call: like `gemini_live_session_send_tool_response`,
 * plus `scheduling` (`SILENT`, `WHEN_IDLE`, `INTERRUPT`, or `""` for none) and
 * `will_continue` (more responses to this call follow).
 */
gemini_live_result gemini_live_session_send_tool_response_scheduled(struct gemini_live_session *session,
                                                                    const char *call_id,
                                                                    const char *name,
                                                                    const char *response_json,
                                                                    const char *scheduling,
                                                                    bool will_continue);

/**
 * Sends `contextUpdate`: `system_instruction` replaces the system instruction (NULL keeps
 * it); the tools of `tools_from` (a config made for the purpose with the
 * `gemini_live_config_add_*` tool functions) replace the session's tools (NULL keeps them;
 * a config without tools clears them). Server support per model is uncertain.
 */
gemini_live_result gemini_live_session_send_context_update(struct gemini_live_session *session,
                                                           const char *system_instruction,
                                                           const struct gemini_live_config *tools_from);

/*
 * ===========================================================================================
 * gemini_live_resampler
 * ===========================================================================================
 *
 * Any rate and channel count to mono PCM16 at a fixed rate, streaming (e.g. a 48 kHz stereo
 * microphone to the 16 kHz mono the Live API takes).
 */

/**
 * A streaming resampler: interleaved PCM16 (or float) at any rate and channel count in,
 * mono PCM16 at a fixed rate out, state kept across calls (no clicks at chunk borders).
 *
 * Not for the audio callback (it may allocate): resample on the thread that sends. One
 * thread at a time.
 *
 * Made by `gemini_live_resampler_new`, freed by `gemini_live_resampler_free`.
 *
 * Functions: `gemini_live_resampler_new`, `gemini_live_resampler_max_output`,
 * `gemini_live_resampler_process`, `gemini_live_resampler_process_f32`,
 * `gemini_live_resampler_flush`, `gemini_live_resampler_latency_us`, `gemini_live_resampler_free`.
 */
typedef struct gemini_live_resampler gemini_live_resampler;

/**
 * Creates a resampler from `channels` interleaved channels at `in_rate` Hz to mono at
 * `out_rate` Hz (16000 for the Live API's input; the device's rate for playback). Rates
 * 1..=768000, channels 1..=64, else `GEMINI_LIVE_INVALID_ARGUMENT`. On success `*out`
 * owns it: free it with `gemini_live_resampler_free`. Any thread.
 */
gemini_live_result gemini_live_resampler_new(uint32_t in_rate,
                                             uint16_t channels,
                                             uint32_t out_rate,
                                             struct gemini_live_resampler **out);

/**
 * At least how many output samples the next `_process` of `input_samples` interleaved
 * samples can produce (or, with 0, the next `_flush`): the capacity to pass. 0 for NULL.
 */
size_t gemini_live_resampler_max_output(const struct gemini_live_resampler *resampler,
                                        size_t input_samples);

/**
 * The most input (in microseconds) is held back before its output appears.
 * 0 for NULL.
 */
uint64_t gemini_live_resampler_latency_us(const struct gemini_live_resampler *resampler);

/**
 * Resamples `n` interleaved PCM16 samples (a trailing incomplete frame is kept for the
 * next call) into `out`, which has room for `capacity` samples; `*out_len` is set to the
 * samples written. `capacity` must be at least `gemini_live_resampler_max_output(r, n)`,
 * else `GEMINI_LIVE_BUFFER_TOO_SMALL` and nothing is consumed.
 */
gemini_live_result gemini_live_resampler_process(struct gemini_live_resampler *resampler,
                                                 const int16_t *input,
                                                 size_t n,
                                                 int16_t *out,
                                                 size_t capacity,
                                                 size_t *out_len);

/**
 * Like `gemini_live_resampler_process`, for float samples (-1.0 to 1.0).
 */
gemini_live_result gemini_live_resampler_process_f32(struct gemini_live_resampler *resampler,
                                                     const float *input,
                                                     size_t n,
                                                     int16_t *out,
                                                     size_t capacity,
                                                     size_t *out_len);

/**
 * Ends the stream: writes the rest of the output (the filter tail) to `out` (room for
 * `gemini_live_resampler_max_output(r, 0)` samples) and resets the resampler for a new
 * stream.
 */
gemini_live_result gemini_live_resampler_flush(struct gemini_live_resampler *resampler,
                                               int16_t *out,
                                               size_t capacity,
                                               size_t *out_len);

/**
 * Frees a resampler. NULL does nothing.
 */
void gemini_live_resampler_free(struct gemini_live_resampler *resampler);

/*
 * ===========================================================================================
 * gemini_live_player
 * ===========================================================================================
 *
 * A playout buffer for the model's audio whose read function is real-time safe (for CoreAudio
 * / ALSA / PortAudio callbacks), with barge-in flushes, playback accounting per reply, and
 * the transcript cut at the heard position.
 */

/**
 * A playout buffer for the model's 24 kHz audio, read by the sound card's callback.
 *
 * Threads: the *session side* (one thread at a time) calls `_push`, `_push_event` and
 * `_end_turn`; the *audio callback* (one thread at a time) calls `_read` / `_read_f32`,
 * which are **real-time safe**: no lock, no allocation, no system call, bounded time (the
 * only exception is a NULL argument, which records an error text). `_flush`, `_get_stats`,
 * `_current` and `_last` may be called from any thread; `_flush` and `_get_stats` are
 * lock-free (also from the callback), and `_get_stats` allocates nothing either (except on
 * a NULL argument or a `size` below 4). Free it only after both sides have stopped.
 *
 * Made by `gemini_live_player_new` (or `_new_with`, `_new_paced`), freed by
 * `gemini_live_player_free`.
 *
 * Functions: `gemini_live_player_new`, `gemini_live_player_new_with`, `gemini_live_player_push`,
 * `gemini_live_player_push_event`, `gemini_live_player_end_turn`, `gemini_live_player_flush`,
 * `gemini_live_player_read`, `gemini_live_player_read_f32`, `gemini_live_player_get_stats`,
 * `gemini_live_player_current`, `gemini_live_player_last`, `gemini_live_player_free`,
 * `gemini_live_player_new_paced`.
 */
typedef struct gemini_live_player gemini_live_player;

/**
 * How much of one reply was received and heard, in the model's samples (24 kHz).
 *
 * ABI growth: set `size = sizeof(gemini_live_turn_playback)` before the call. The library fills at
 * most `size` bytes (fields it does not know of stay as they were; new fields are only ever
 * appended) and sets `size` to the number of bytes it filled.
 */
typedef struct gemini_live_turn_playback {
    /**
     * In: `sizeof(gemini_live_turn_playback)`. Out: the bytes filled.
     */
    uint32_t size;
    /**
     * Reserved (0): keeps the struct free of padding, so every byte the library fills is
     * defined.
     */
    uint32_t reserved;
    /**
     * The turn's number (from 1; 0: none yet).
     */
    uint64_t turn;
    /**
     * Samples of the model's audio received for the turn.
     */
    uint64_t received;
    /**
     * Of those, how many the device had taken.
     */
    uint64_t heard;
    /**
     * The rate of those samples (24000).
     */
    uint32_t source_rate;
    /**
     * 1 if a flush cut the turn short, else 0.
     */
    uint32_t interrupted;
    /**
     * `heard / received` (1.0 for a turn without audio): pass it to
     * `gemini_live_transcript_heard_len` to cut the reply's transcript.
     */
    double heard_fraction;
} gemini_live_turn_playback;

/**
 * A player's counters since it was created; samples are device samples per channel.
 *
 * ABI growth: set `size = sizeof(gemini_live_player_stats)` before the call. The library fills at
 * most `size` bytes (fields it does not know of stay as they were; new fields are only ever
 * appended) and sets `size` to the number of bytes it filled.
 */
typedef struct gemini_live_player_stats {
    /**
     * In: `sizeof(gemini_live_player_stats)`. Out: the bytes filled.
     */
    uint32_t size;
    /**
     * The device rate (Hz), to turn samples into time.
     */
    uint32_t device_rate;
    /**
     * Samples waiting to be read now.
     */
    uint64_t buffered;
    /**
     * Samples of audio the reads delivered (silence not counted).
     */
    uint64_t played;
    /**
     * Times playback ran dry in the middle of a turn.
     */
    uint64_t underruns;
    /**
     * Samples of silence delivered because of those underruns.
     */
    uint64_t underrun_samples;
    /**
     * Samples dropped because more than the maximum latency was buffered (oldest first).
     */
    uint64_t dropped;
    /**
     * Samples dropped because the ring was full (the callback stopped reading).
     */
    uint64_t overflowed;
    /**
     * Samples discarded by flushes.
     */
    uint64_t flushed;
    /**
     * Flushes done.
     */
    uint64_t flushes;
    /**
     * Read calls.
     */
    uint64_t reads;
    /**
     * The current (or latest) turn's number, from 1; 0 before any audio.
     */
    uint64_t turn;
    /**
     * Samples the latest turn waited, with audio buffered, before it started playing (the
     * adaptive start's wait for a reply arriving slower than real time, or for a session's
     * first reply to show its rate with its second chunk).
     */
    uint64_t start_delay;
    /**
     * How fast the latest reply arrived, in thousandths of real time (700: 0.7x, slower
     * than it plays); 0 until measured.
     */
    uint64_t arrival_rate_milli;
    /**
     * Times playback paused at a word gap because the reply came too slowly to go on
     * without running dry (the adaptive start).
     */
    uint64_t pauses;
    /**
     * Samples of silence those pauses gave. A turn's added silence in all is its
     * `start_delay` plus its pauses plus its `underrun_samples`.
     */
    uint64_t paused;
} gemini_live_player_stats;

/**
 * Creates a player for a device at `device_rate` Hz with `channels` interleaved channels
 * (the mono reply is copied to each), with the defaults: start threshold 80 ms, maximum
 * latency 30 s, adaptive start on (see `gemini_live_player_new_paced`). Allocates the whole ring now. On success `*out` owns it: free it with
 * `gemini_live_player_free`. Any thread.
 */
gemini_live_result gemini_live_player_new(uint32_t device_rate,
                                          uint16_t channels,
                                          struct gemini_live_player **out);

/**
 * Like `gemini_live_player_new`, choosing the audio buffered before playback starts (and
 * restarts after an underrun), `start_threshold_ms` (default 80), and the most audio held
 * before the oldest is dropped, `max_latency_ms` (default 30000: the service can send a
 * reply faster than real time).
 */
gemini_live_result gemini_live_player_new_with(uint32_t device_rate,
                                               uint16_t channels,
                                               uint32_t start_threshold_ms,
                                               uint32_t max_latency_ms,
                                               struct gemini_live_player **out);

/**
 * Queues `n` mono samples of the model's audio (24 kHz), opening a turn if none is open.
 * Session side.
 */
gemini_live_result gemini_live_player_push(struct gemini_live_player *player,
                                           const int16_t *samples,
                                           size_t n);

/**
 * Feeds a session event: audio is queued, `GEMINI_LIVE_EVENT_INTERRUPTED` and
 * `GEMINI_LIVE_EVENT_REPLY_DISCARDED` (the reply comes again from the start) flush,
 * `GEMINI_LIVE_EVENT_TURN_COMPLETE` ends the turn; other events are ignored. For those
 * three, `*playback` (if not NULL; set its `size` first) receives the turn's playback;
 * otherwise it is left alone.
 * The event stays the caller's. Session side.
 */
gemini_live_result gemini_live_player_push_event(struct gemini_live_player *player,
                                                 const struct gemini_live_event *event,
                                                 struct gemini_live_turn_playback *playback);

/**
 * The reply is complete: what is buffered plays out even under the start threshold.
 * `*playback` (if not NULL; set its `size` first) receives the turn's playback so far.
 * Session side.
 */
gemini_live_result gemini_live_player_end_turn(struct gemini_live_player *player,
                                               struct gemini_live_turn_playback *playback);

/**
 * Barge-in: discards everything queued, effective on the callback's next read; `*playback`
 * (if not NULL; set its `size` first) receives how much of the turn was heard. Any thread
 * (lock-free).
 */
gemini_live_result gemini_live_player_flush(const struct gemini_live_player *player,
                                            struct gemini_live_turn_playback *playback);

/**
 * **Real-time safe.** Fills `frames` interleaved frames at `out` (`frames * channels`
 * samples) with the next audio, silence where there is none (counted as an underrun in
 * the middle of a turn); `*played` (if not NULL) receives the frames of real audio. The
 * audio callback's thread, one at a time.
 */
gemini_live_result gemini_live_player_read(struct gemini_live_player *player,
                                           int16_t *out,
                                           size_t frames,
                                           size_t *played);

/**
 * **Real-time safe.** Like `gemini_live_player_read`, for float devices (-1.0 to 1.0).
 */
gemini_live_result gemini_live_player_read_f32(struct gemini_live_player *player,
                                               float *out,
                                               size_t frames,
                                               size_t *played);

/**
 * Copies the counters to `*out` (set `out->size = sizeof(gemini_live_player_stats)` first).
 * Any thread (lock-free, no allocation; also from the callback).
 */
gemini_live_result gemini_live_player_get_stats(const struct gemini_live_player *player,
                                                struct gemini_live_player_stats *out);

/**
 * The current (or latest) turn's playback: received and heard so far (set `out->size`
 * first). Any thread.
 */
gemini_live_result gemini_live_player_current(const struct gemini_live_player *player,
                                              struct gemini_live_turn_playback *out);

/**
 * The playback of the latest flush or ended turn (set `out->size` first). Any thread.
 */
gemini_live_result gemini_live_player_last(const struct gemini_live_player *player,
                                           struct gemini_live_turn_playback *out);

/**
 * Frees a player. NULL does nothing. Neither side may use it any more.
 */
void gemini_live_player_free(struct gemini_live_player *player);

/**
 * How many bytes of the NUL-terminated UTF-8 `text` (a reply's output transcript) the user
 * heard, given the turn's `heard_fraction`: proportional by characters, backed up to a
 * word boundary (an estimate: the service gives no word timings). 0 for NULL or invalid
 * UTF-8.
 */
size_t gemini_live_transcript_heard_len(const char *text, double heard_fraction);

/**
 * Like `gemini_live_player_new_with`, choosing whether playback waits for a slow reply:
 * with `adaptive_start` (the default of the other constructors) the player measures how
 * fast each reply arrives against real time and, when it comes slower than real time,
 * starts only once what is buffered will last to the reply's end (its length taken from
 * the previous reply). The first reply of a session has no length to go by: it waits for
 * its second chunk (its rate; at most 1 s, and not when the first chunk holds 300 ms or
 * `start_threshold_ms` is 0), and whenever its buffer is about to run dry it pauses at a
 * word gap (a quiet 10 ms stretch) until the buffer will last a second of playback; so
 * does a reply that outgrows the one before. `start_threshold_ms` stays the minimum. The
 * pauses are counted in `gemini_live_player_stats` (`pauses`, `paused`). Without
 * `adaptive_start`, playback starts at the threshold alone. On success `*out` owns the
 * player: free it with `gemini_live_player_free`. Any thread.
 */
gemini_live_result gemini_live_player_new_paced(uint32_t device_rate,
                                                uint16_t channels,
                                                uint32_t start_threshold_ms,
                                                uint32_t max_latency_ms,
                                                bool adaptive_start,
                                                struct gemini_live_player **out);

/*
 * ===========================================================================================
 * Telephony
 * ===========================================================================================
 *
 * G.711 µ-law / A-law encode and decode, `gemini_live_phone_in` (8 kHz G.711 from the caller
 * to the 16 kHz PCM16 the Live API takes) and `gemini_live_phone_out` (the model's 24 kHz
 * PCM16, band-limited, to 8 kHz G.711 in 20 ms frames, cleared on barge-in).
 */

/**
 * The caller's side of a phone call: 8 kHz G.711 in, 16 kHz PCM16 out (for
 * `gemini_live_session_send_audio`). Streaming: the filter state is kept across calls, and
 * input short of a 20 ms chunk waits for the next call. Each 20 ms frame (160 codes) gives
 * 320 samples (the first fewer: the filter's 8 ms delay is trimmed).
 *
 * **Real-time safe** after `_new` (no allocation, lock or system call). One thread at a
 * time.
 *
 * At the end of a call, `_finish` gives the input still held (short of a 20 ms frame) and
 * the filter's tail, so the whole call reaches the session (two samples per code).
 *
 * Made by `gemini_live_phone_in_new`, freed by `gemini_live_phone_in_free`.
 *
 * Functions: `gemini_live_phone_in_new`, `gemini_live_phone_in_max_output`,
 * `gemini_live_phone_in_process`, `gemini_live_phone_in_finish_max_output`,
 * `gemini_live_phone_in_finish`, `gemini_live_phone_in_reset`, `gemini_live_phone_in_free`.
 */
typedef struct gemini_live_phone_in gemini_live_phone_in;

/**
 * The model's side of a phone call: 24 kHz PCM16 in, low-pass filtered (a 5 kHz tone is
 * more than 40 dB down), resampled to 8 kHz, G.711-encoded, queued and taken out in whole
 * frames (see `gemini_live_phone_out_new`). On barge-in, `_clear` (or `_push_event` with the
 * interrupted event) drops the queue; then tell the line to drop its own (Twilio: `clear`).
 *
 * **Real-time safe** after `_new` (no allocation, lock or system call). One thread at a
 * time.
 *
 * Made by `gemini_live_phone_out_new`, freed by `gemini_live_phone_out_free`.
 *
 * Functions: `gemini_live_phone_out_new`, `gemini_live_phone_out_push`,
 * `gemini_live_phone_out_push_event`, `gemini_live_phone_out_finish`,
 * `gemini_live_phone_out_pop_frame`, `gemini_live_phone_out_clear`,
 * `gemini_live_phone_out_get_stats`, `gemini_live_phone_out_free`.
 */
typedef struct gemini_live_phone_out gemini_live_phone_out;

/**
 * G.711 µ-law (PCMU: Twilio media streams, North America, Japan).
 */
#define GEMINI_LIVE_G711_ULAW 1

/**
 * G.711 A-law (PCMA: Europe and most of the world).
 */
#define GEMINI_LIVE_G711_ALAW 2

/**
 * Samples (and G.711 bytes) in one 20 ms frame at 8 kHz (`FRAME_SAMPLES` in Rust; a test
 * checks they agree).
 */
#define GEMINI_LIVE_PHONE_FRAME 160

/**
 * `gemini_live_phone_out_push_event`: the event was not for the phone line.
 */
#define GEMINI_LIVE_PHONE_OUT_IGNORED 0

/**
 * `gemini_live_phone_out_push_event`: reply audio was queued (`*count` codes).
 */
#define GEMINI_LIVE_PHONE_OUT_QUEUED 1

/**
 * `gemini_live_phone_out_push_event`: barge-in; the queue was cleared (`*count` codes
 * dropped). Tell the line to drop what it holds too (Twilio: the `clear` message).
 */
#define GEMINI_LIVE_PHONE_OUT_CLEARED 2

/**
 * `gemini_live_phone_out_push_event`: the reply ended; the last frame was padded with
 * silence.
 */
#define GEMINI_LIVE_PHONE_OUT_FINISHED 3

/**
 * A `gemini_live_phone_out`'s counters, in 8 kHz codes.
 *
 * ABI growth: set `size = sizeof(gemini_live_phone_out_stats)` before the call. The library fills
 * at most `size` bytes (fields it does not know of stay as they were; new fields are only ever
 * appended) and sets `size` to the number of bytes it filled.
 */
typedef struct gemini_live_phone_out_stats {
    /**
     * In: `sizeof(gemini_live_phone_out_stats)`. Out: the bytes filled.
     */
    uint32_t size;
    /**
     * Reserved (0): keeps the struct free of padding, so every byte the library fills is
     * defined.
     */
    uint32_t reserved;
    /**
     * Codes queued now.
     */
    uint64_t buffered;
    /**
     * Codes taken out in frames.
     */
    uint64_t sent;
    /**
     * Codes dropped by clears (barge-in).
     */
    uint64_t cleared;
    /**
     * Codes dropped because the queue was full.
     */
    uint64_t overflowed;
    /**
     * Frames taken out.
     */
    uint64_t frames;
} gemini_live_phone_out_stats;

/**
 * **Real-time safe.** Encodes `n` PCM16 samples at `pcm` into `n` G.711 codes at `out`.
 * `law` is `GEMINI_LIVE_G711_ULAW` or `GEMINI_LIVE_G711_ALAW`. Any thread.
 */
gemini_live_result gemini_live_g711_encode(uint32_t law_code,
                                           const int16_t *pcm,
                                           size_t n,
                                           uint8_t *out);

/**
 * **Real-time safe.** Decodes `n` G.711 codes at `codes` into `n` PCM16 samples at `out`.
 * Every one of the 256 codes comes back unchanged through `gemini_live_g711_encode`.
 * Any thread.
 */
gemini_live_result gemini_live_g711_decode(uint32_t law_code,
                                           const uint8_t *codes,
                                           size_t n,
                                           int16_t *out);

/**
 * Creates a converter from `law` (`GEMINI_LIVE_G711_ULAW` / `_ALAW`) at 8 kHz to 16 kHz
 * PCM16. On success `*out` owns it: free it with `gemini_live_phone_in_free`. Any thread.
 */
gemini_live_result gemini_live_phone_in_new(uint32_t law_code, struct gemini_live_phone_in **out);

/**
 * At least how many samples the next `_process` of `n` codes can write: the capacity to
 * pass (320 per complete 20 ms chunk, with the input held from earlier calls). 0 for NULL.
 */
size_t gemini_live_phone_in_max_output(const struct gemini_live_phone_in *phone_in, size_t n);

/**
 * **Real-time safe.** Decodes and resamples `n` G.711 codes into `out` (room for
 * `capacity` samples); `*out_len` is set to the 16 kHz samples written. `capacity` must be
 * at least `gemini_live_phone_in_max_output(p, n)`, else `GEMINI_LIVE_BUFFER_TOO_SMALL` and
 * nothing is consumed.
 */
gemini_live_result gemini_live_phone_in_process(struct gemini_live_phone_in *phone_in,
                                                const uint8_t *codes,
                                                size_t n,
                                                int16_t *out,
                                                size_t capacity,
                                                size_t *out_len);

/**
 * How many samples `gemini_live_phone_in_finish` can write: the capacity to pass (about
 * 450: a 20 ms frame's worth and the filter's delay). 0 for NULL. **Real-time safe.**
 */
size_t gemini_live_phone_in_finish_max_output(const struct gemini_live_phone_in *phone_in);

/**
 * **Real-time safe.** The call has ended: resamples the input still held (short of a
 * 20 ms frame) and the filter's tail into `out` (room for `capacity` samples); `*out_len`
 * is set to the 16 kHz samples written (send them, then end the audio stream). With them
 * the call gave exactly two samples per code. Afterwards the converter is ready for a new
 * call, as after `_reset`. `capacity` must be at least
 * `gemini_live_phone_in_finish_max_output(p)`, else `GEMINI_LIVE_BUFFER_TOO_SMALL` and
 * nothing is done.
 */
gemini_live_result gemini_live_phone_in_finish(struct gemini_live_phone_in *phone_in,
                                               int16_t *out,
                                               size_t capacity,
                                               size_t *out_len);

/**
 * Forgets held input and the filter's state (a new call). NULL does nothing.
 */
void gemini_live_phone_in_reset(struct gemini_live_phone_in *phone_in);

/**
 * Frees a converter. NULL does nothing.
 */
void gemini_live_phone_in_free(struct gemini_live_phone_in *phone_in);

/**
 * Creates a converter to `law` (`GEMINI_LIVE_G711_ULAW` / `_ALAW`) taken out in frames of
 * `frame` codes (0 for the default 160, 20 ms; at most 8000), queueing at most
 * `max_buffer_ms` of audio (0 for the default 60000; past it new audio is dropped and
 * counted). Allocates the whole queue now. On success `*out` owns it: free it with
 * `gemini_live_phone_out_free`. Any thread.
 */
gemini_live_result gemini_live_phone_out_new(uint32_t law_code,
                                             size_t frame,
                                             uint32_t max_buffer_ms,
                                             struct gemini_live_phone_out **out);

/**
 * **Real-time safe.** Queues `n` samples of the model's 24 kHz mono PCM16; `*queued` (if
 * not NULL) receives the 8 kHz codes queued.
 */
gemini_live_result gemini_live_phone_out_push(struct gemini_live_phone_out *phone_out,
                                              const int16_t *pcm,
                                              size_t n,
                                              size_t *queued);

/**
 * Feeds a session event: audio is queued (`*action` = `GEMINI_LIVE_PHONE_OUT_QUEUED`,
 * `*count` codes), `GEMINI_LIVE_EVENT_INTERRUPTED` and `_REPLY_DISCARDED` clear the queue
 * (`_CLEARED`, `*count` codes dropped: tell the line to drop its audio too),
 * `GEMINI_LIVE_EVENT_TURN_COMPLETE` finishes the reply (`_FINISHED`); other events are
 * ignored (`_IGNORED`). `action` and `count` may be NULL. The event stays the caller's.
 */
gemini_live_result gemini_live_phone_out_push_event(struct gemini_live_phone_out *phone_out,
                                                    const struct gemini_live_event *event,
                                                    uint32_t *action,
                                                    size_t *count);

/**
 * **Real-time safe.** The reply has ended: the filter's tail is pushed through and the last
 * partial frame padded with silence, so all of it can be taken out.
 */
gemini_live_result gemini_live_phone_out_finish(struct gemini_live_phone_out *phone_out);

/**
 * **Real-time safe.** Takes the next whole frame into `frame` (room for `capacity` codes,
 * at least the frame size): `*got` is set to the frame size, or to 0 (and `frame` left
 * alone) when less than a frame is queued. `GEMINI_LIVE_BUFFER_TOO_SMALL` if `capacity` is
 * under the frame size.
 */
gemini_live_result gemini_live_phone_out_pop_frame(struct gemini_live_phone_out *phone_out,
                                                   uint8_t *frame,
                                                   size_t capacity,
                                                   size_t *got);

/**
 * **Real-time safe.** Barge-in: drops everything queued and the filter's state; `*dropped`
 * (if not NULL) receives the codes dropped. Then tell the line to drop its audio too
 * (Twilio: `{"event":"clear","streamSid":...}`).
 */
gemini_live_result gemini_live_phone_out_clear(struct gemini_live_phone_out *phone_out,
                                               size_t *dropped);

/**
 * Copies the counters to `*out` (set `out->size = sizeof(gemini_live_phone_out_stats)`
 * first).
 */
gemini_live_result gemini_live_phone_out_get_stats(const struct gemini_live_phone_out *phone_out,
                                                   struct gemini_live_phone_out_stats *out);

/**
 * Frees a converter. NULL does nothing.
 */
void gemini_live_phone_out_free(struct gemini_live_phone_out *phone_out);

/*
 * ===========================================================================================
 * Client voice activity detection
 * ===========================================================================================
 *
 * `gemini_live_client_vad` decides on the client when the user speaks and either drives the
 * session's `activityStart` / `activityEnd` (server VAD off) or only holds back the silence
 * between utterances (server VAD on).
 */

/**
 * A client-side voice activity detector (earshot, 16 ms frames of 16 kHz audio) with the
 * sender that puts it in front of a session.
 *
 * How it decides: speech starts when a frame scores at least the threshold, or earlier, on
 * the fast onset path: every 8 ms the spectrum of the last 16 ms is compared with its floor
 * over the last 64 ms, and a rise in two or more windows of the last 32 ms starts speech at
 * once (plosive and fricative onsets, which the model only hears when the vowel comes, 60 to
 * 120 ms later). The model must confirm a fast start (a frame at the threshold) within
 * 250 ms, or the utterance ends at once (a knock, a door: a start then an end event).
 * `_push` tells the server of a fast start (`activityStart`, then the held audio) only once
 * the model confirmed it: a retracted one sends nothing. Speech
 * ends after the hangover of quiet frames (scoring under 0.85, or within 4 dB of the noise
 * floor). The first 512 ms of a stream decide nothing. Events fall on 8 ms steps. Measured
 * on 96 spoken utterances at 10 dB SNR (white and pink noise): 92 started within 60 ms of
 * their onset and ended within the hangover + 60 ms; two minutes of either noise alone
 * signal nothing.
 *
 * `_push` and `_finish` send on the session: call them from the thread that would call
 * `gemini_live_session_send_audio`, not from the audio callback. `_process` only runs the
 * detector and is **real-time safe** (no allocation, lock or system call): use it instead
 * of `_push` when the application sends the audio itself. One thread at a time.
 *
 * Made by `gemini_live_client_vad_new`, freed by `gemini_live_client_vad_free`; it keeps no
 * pointer to the session or config it is given.
 *
 * Functions: `gemini_live_client_vad_new`, `gemini_live_client_vad_configure`,
 * `gemini_live_client_vad_push`, `gemini_live_client_vad_finish`, `gemini_live_client_vad_process`,
 * `gemini_live_client_vad_get_stats`, `gemini_live_client_vad_free`.
 */
typedef struct gemini_live_client_vad gemini_live_client_vad;

/**
 * `gemini_live_client_vad_new`: server VAD off; the client sends `activityStart` /
 * `activityEnd` around each utterance, with pre-roll.
 */
#define GEMINI_LIVE_CLIENT_VAD_ACTIVITY 1

/**
 * `gemini_live_client_vad_new`: server VAD stays on; only the utterances are sent (with
 * pre-roll), each ended with `audioStreamEnd`.
 */
#define GEMINI_LIVE_CLIENT_VAD_GATE 2

/**
 * Event bit: speech started.
 */
#define GEMINI_LIVE_CLIENT_VAD_SPEECH_START 1

/**
 * Event bit: speech ended (after the hangover).
 */
#define GEMINI_LIVE_CLIENT_VAD_SPEECH_END 2

/**
 * A client VAD's state and counters, in 16 kHz samples.
 *
 * ABI growth: set `size = sizeof(gemini_live_client_vad_stats)` before the call. The library fills
 * at most `size` bytes (fields it does not know of stay as they were; new fields are only ever
 * appended) and sets `size` to the number of bytes it filled.
 */
typedef struct gemini_live_client_vad_stats {
    /**
     * In: `sizeof(gemini_live_client_vad_stats)`. Out: the bytes filled.
     */
    uint32_t size;
    /**
     * 1 while an utterance is in progress, else 0.
     */
    uint32_t speaking;
    /**
     * The latest frame's score, 0 to 1.
     */
    float score;
    /**
     * Reserved (0): keeps the struct free of padding, so every byte the library fills is
     * defined.
     */
    uint32_t reserved;
    /**
     * Utterances sent (a fast start counts once the model confirmed it).
     */
    uint64_t utterances;
    /**
     * Samples sent (utterances with their pre-roll and hangover).
     */
    uint64_t sent;
    /**
     * Samples held back as silence and never sent.
     */
    uint64_t withheld;
    /**
     * Fast starts the model did not confirm within 250 ms (a knock, a step in the noise):
     * each gave a start event then an end event, and nothing of it was sent.
     */
    uint64_t retractions;
} gemini_live_client_vad_stats;

/**
 * Creates a client VAD in `mode` (`GEMINI_LIVE_CLIENT_VAD_ACTIVITY` or `_GATE`) with speech
 * starting at a frame score of `threshold` (0 to 1; 0.5 is the usual choice) or on the fast
 * onset path, ending after `hangover_ms` (500 is usual) under the end threshold (0.85), and
 * `pre_roll_ms` (300 is usual) of audio from before the detected start sent with each
 * utterance. The other settings are fixed: one 16 ms frame of speech starts an utterance, the
 * fast onset path is on (rise 0.5, confirmed within 250 ms). On success `*out` owns it: free
 * it with `gemini_live_client_vad_free`. Any thread.
 */
gemini_live_result gemini_live_client_vad_new(uint32_t mode,
                                              float threshold,
                                              uint32_t hangover_ms,
                                              uint32_t pre_roll_ms,
                                              struct gemini_live_client_vad **out);

/**
 * Sets `config` up for this VAD before connecting: in `GEMINI_LIVE_CLIENT_VAD_ACTIVITY`
 * mode it turns the server's VAD off (`automaticActivityDetection.disabled`); in `_GATE`
 * mode it changes nothing.
 */
gemini_live_result gemini_live_client_vad_configure(const struct gemini_live_client_vad *vad,
                                                    struct gemini_live_config *config);

/**
 * Takes `n` samples of 16 kHz mono PCM16 from the microphone: runs the detector, sends
 * what belongs to an utterance (with its pre-roll) and the activity signals on `session`.
 * `*events` (if not NULL) receives the events of this call, OR-ed
 * (`GEMINI_LIVE_CLIENT_VAD_SPEECH_START`, `_SPEECH_END`). A send error is returned as is.
 */
gemini_live_result gemini_live_client_vad_push(struct gemini_live_client_vad *vad,
                                               const struct gemini_live_session *session,
                                               const int16_t *samples,
                                               size_t n,
                                               uint32_t *events);

/**
 * Ends the microphone stream: an utterance in progress is sent and closed as at a speech
 * end; the detector starts afresh.
 */
gemini_live_result gemini_live_client_vad_finish(struct gemini_live_client_vad *vad,
                                                 const struct gemini_live_session *session);

/**
 * **Real-time safe.** Runs only the detector over `n` samples of 16 kHz mono PCM16 (nothing
 * is sent); `*events` (if not NULL) receives this call's events, OR-ed. For applications
 * that send the audio themselves; do not mix with `_push` on one VAD.
 */
gemini_live_result gemini_live_client_vad_process(struct gemini_live_client_vad *vad,
                                                  const int16_t *samples,
                                                  size_t n,
                                                  uint32_t *events);

/**
 * Copies the state and counters to `*out` (set `out->size =
 * sizeof(gemini_live_client_vad_stats)` first). Real-time safe.
 */
gemini_live_result gemini_live_client_vad_get_stats(const struct gemini_live_client_vad *vad,
                                                    struct gemini_live_client_vad_stats *out);

/**
 * Frees a client VAD. NULL does nothing.
 */
void gemini_live_client_vad_free(struct gemini_live_client_vad *vad);

/*
 * ===========================================================================================
 * Echo cancellation
 * ===========================================================================================
 *
 * `gemini_live_echo_canceller` removes from the microphone the echo of what a
 * `gemini_live_player` played (WebRTC's AEC3, optionally its noise suppressor). Off unless
 * one is created: creating it is the switch.
 */

/**
 * An echo canceller for a speakerphone: the microphone's audio in, the same audio without
 * the echo of what a `gemini_live_player` played out. Its reference is what the player's
 * read function actually gave the device (silence and barge-in flushes included, on the
 * device's clock), recorded by the read itself: there is nothing to feed on the playback
 * side, and the player's read stays real-time safe.
 *
 * Threads and real-time safety: AEC3 allocates for every 10 ms frame, so it runs off the
 * audio callbacks. Two ways to feed it:
 * - the capture callback pushes the microphone with `_push` (**real-time safe**: a copy
 *   into a lock-free ring of 1 s; no lock, no allocation, no system call), and the thread
 *   that sends to the session takes the cleaned audio with `_pull` (not real-time safe);
 * - or the app hands its samples to that thread by its own means and calls `_process`
 *   (not real-time safe).
 *
 * `_push` runs on the capture callback's thread (one thread at a time) and may run while
 * another thread calls the other functions; those run on one thread at a time (the sending
 * thread). `_set_enabled`, `_set_device_delay_ms` and `_get_stats` are also **real-time
 * safe**. Every real-time-safe function records an error text on a failure, and that
 * allocates. `_pull` and `_process` take no lock. The player's read stays real-time safe
 * with the recording. The canceller may outlive the player (it then hears silence).
 *
 * Made by `gemini_live_echo_canceller_new` (or `_new_with`), freed by
 * `gemini_live_echo_canceller_free`.
 *
 * Functions: `gemini_live_echo_canceller_new`, `gemini_live_echo_canceller_new_with`,
 * `gemini_live_echo_canceller_push`, `gemini_live_echo_canceller_pull`,
 * `gemini_live_echo_canceller_process`, `gemini_live_echo_canceller_set_enabled`,
 * `gemini_live_echo_canceller_set_device_delay_ms`, `gemini_live_echo_canceller_get_stats`,
 * `gemini_live_echo_canceller_free`.
 */
typedef struct gemini_live_echo_canceller gemini_live_echo_canceller;

/**
 * Noise suppression off (the default).
 */
#define GEMINI_LIVE_NOISE_SUPPRESSION_OFF 0

/**
 * Noise suppression, low (about 6 dB).
 */
#define GEMINI_LIVE_NOISE_SUPPRESSION_LOW 1

/**
 * Noise suppression, moderate (about 12 dB).
 */
#define GEMINI_LIVE_NOISE_SUPPRESSION_MODERATE 2

/**
 * Noise suppression, high (about 18 dB).
 */
#define GEMINI_LIVE_NOISE_SUPPRESSION_HIGH 3

/**
 * Noise suppression, very high (about 21 dB).
 */
#define GEMINI_LIVE_NOISE_SUPPRESSION_VERY_HIGH 4

/**
 * What an echo canceller measured and did.
 *
 * ABI growth: set `size = sizeof(gemini_live_echo_stats)` before the call. The library fills at
 * most `size` bytes (fields it does not know of stay as they were; new fields are only ever
 * appended) and sets `size` to the number of bytes it filled.
 */
typedef struct gemini_live_echo_stats {
    /**
     * In: `sizeof(gemini_live_echo_stats)`. Out: the bytes filled.
     */
    uint32_t size;
    /**
     * 1 if cancelling, 0 if passing the microphone through.
     */
    uint32_t enabled;
    /**
     * Echo return loss enhancement (dB), as the canceller estimates it; NAN until known.
     */
    double erle_db;
    /**
     * Echo return loss (dB): how much quieter the echo is than what was played; NAN until
     * known.
     */
    double erl_db;
    /**
     * The echo path's delay the canceller's estimator found (ms); -1 until found.
     */
    int32_t delay_estimate_ms;
    /**
     * The configured device delay (ms).
     */
    uint32_t device_delay_ms;
    /**
     * Microphone frames (10 ms) processed.
     */
    uint64_t capture_frames;
    /**
     * Reference frames (10 ms) of played audio given to the canceller.
     */
    uint64_t reference_frames;
    /**
     * Microphone frames processed before their reference had been played.
     */
    uint64_t reference_late;
    /**
     * Times the reference was skipped to re-align with the microphone.
     */
    uint64_t realigned;
    /**
     * Microphone samples `_push` dropped because its ring was full (nobody pulled for 1 s);
     * updated by `_pull`.
     */
    uint64_t mic_dropped;
} gemini_live_echo_stats;

/**
 * Turns echo cancellation on for what `player` plays, for microphone audio at
 * `capture_rate` Hz (mono PCM16; 16000 recommended: resample the microphone first), with the
 * defaults: device delay 0 (the delay estimator finds it), no noise suppression. Call it
 * before the player's read starts being called (it adds the played-signal recording to the
 * read path), once per player. The player must have a device rate that is a multiple of 100
 * Hz (8000 to 384000), and so must `capture_rate`, else `GEMINI_LIVE_INVALID_ARGUMENT`.
 * On success `*out` owns it: free it with `gemini_live_echo_canceller_free`.
 */
gemini_live_result gemini_live_echo_canceller_new(struct gemini_live_player *player,
                                                  uint32_t capture_rate,
                                                  struct gemini_live_echo_canceller **out);

/**
 * Like `gemini_live_echo_canceller_new`, with the device's output plus input latency as far
 * as it is known, `device_delay_ms` (0 to 500; where the delay estimator starts), and a
 * noise suppression level, `noise_suppression` (`GEMINI_LIVE_NOISE_SUPPRESSION_*`).
 */
gemini_live_result gemini_live_echo_canceller_new_with(struct gemini_live_player *player,
                                                       uint32_t capture_rate,
                                                       uint32_t device_delay_ms,
                                                       uint32_t noise_suppression,
                                                       struct gemini_live_echo_canceller **out);

/**
 * **Real-time safe.** For the capture callback: queues `n` mono PCM16 samples at `mic`
 * (at the capture rate) for the canceller, in a lock-free ring of 1 s; `*accepted` (may be
 * NULL) is set to how many fit (the rest are dropped and counted in the stats'
 * `mic_dropped`). Take the cleaned audio with `gemini_live_echo_canceller_pull` on another
 * thread. The capture callback's thread, one at a time.
 */
gemini_live_result gemini_live_echo_canceller_push(struct gemini_live_echo_canceller *canceller,
                                                   const int16_t *mic,
                                                   size_t n,
                                                   size_t *accepted);

/**
 * Cancels the echo in what `_push` queued, up to `capacity` samples, into `out`; `*out_len`
 * is set to how many (0 when nothing is queued). As with `_process`, the output is the
 * input one 10 ms frame late. Not real-time safe (it allocates); no lock. The sending
 * thread; call it at least every few hundred ms (the ring holds 1 s).
 */
gemini_live_result gemini_live_echo_canceller_pull(struct gemini_live_echo_canceller *canceller,
                                                   int16_t *out,
                                                   size_t capacity,
                                                   size_t *out_len);

/**
 * Removes the echo from `n` mono PCM16 samples at `mic` (at the capture
 * rate) into `out` (room for `n` samples; it may be `mic` itself): the output is the input
 * one 10 ms frame late, without the echo. Not real-time safe (it allocates); no lock. The
 * sending thread; for samples the app handed over itself (else use `_push` and `_pull`).
 */
gemini_live_result gemini_live_echo_canceller_process(struct gemini_live_echo_canceller *canceller,
                                                      const int16_t *mic,
                                                      int16_t *out,
                                                      size_t n);

/**
 * **Real-time safe.** `enabled` 0 passes the microphone through (still one frame late)
 * while the canceller keeps following the playback; non-zero cancels again (the default).
 */
gemini_live_result gemini_live_echo_canceller_set_enabled(struct gemini_live_echo_canceller *canceller,
                                                          uint32_t enabled);

/**
 * **Real-time safe.** Sets the device delay hint (0 to 500 ms, else
 * `GEMINI_LIVE_INVALID_ARGUMENT`); see `gemini_live_echo_canceller_new_with`.
 */
gemini_live_result gemini_live_echo_canceller_set_device_delay_ms(struct gemini_live_echo_canceller *canceller,
                                                                  uint32_t device_delay_ms);

/**
 * **Real-time safe.** Copies the statistics to `*out` (set `out->size =
 * sizeof(gemini_live_echo_stats)` first; the estimates are updated once a second). The canceller's thread.
 */
gemini_live_result gemini_live_echo_canceller_get_stats(const struct gemini_live_echo_canceller *canceller,
                                                        struct gemini_live_echo_stats *out);

/**
 * Frees an echo canceller. NULL does nothing. Stop the capture callback that calls `_push`
 * first (as the player's output callback before `gemini_live_player_free`). (The player
 * keeps recording into the canceller's reference until it is freed too; that costs a copy
 * per read, nothing more.)
 */
void gemini_live_echo_canceller_free(struct gemini_live_echo_canceller *canceller);

/*
 * ===========================================================================================
 * gemini_live_fake_server
 * ===========================================================================================
 *
 * The embedded fake Live server, for tests and examples that run without a network or an API
 * key. Built with the `fake` cargo feature (on by default).
 */

/**
 * A fake Gemini Live server on 127.0.0.1, running in background threads until freed.
 * Its functions exist in libraries built with the `fake` cargo feature (the default); a
 * library built with `--no-default-features` leaves them out (linking fails, Python's
 * binding reports them missing).
 * It answers deterministically: a text turn with `[turn N] echo: <text>`, an audio turn
 * (ended by `gemini_live_session_audio_stream_end`) with 24 kHz audio plus the text
 * `[turn N] heard B bytes of audio, checksum <16 hex digits>` (FNV-1a 64 of the PCM bytes
 * of that turn). It accepts any API key, or none, and serves every model of the library's
 * capability table with that model's rules (modalities, refusals with the service's close
 * codes, the extended-thinking lifecycle), or only the models given to
 * `gemini_live_fake_server_start_with_models`.
 *
 * Made by one of the `gemini_live_fake_server_start*` functions, stopped (its threads
 * joined) and freed by `gemini_live_fake_server_free`, after the sessions that use it.
 * `gemini_live_fake_server_endpoint` may be called from any thread.
 *
 * Functions: `gemini_live_fake_server_start`, `gemini_live_fake_server_start_with_faults`,
 * `gemini_live_fake_server_start_with_models`, `gemini_live_fake_server_endpoint`,
 * `gemini_live_fake_server_free`, `gemini_live_fake_server_start_vertex`,
 * `gemini_live_fake_server_start_paced`.
 */
typedef struct gemini_live_fake_server gemini_live_fake_server;

/**
 * Starts a fake server on 127.0.0.1:`port` (0 picks a free port). On success `*out`
 * owns it: free it with `gemini_live_fake_server_free`. `GEMINI_LIVE_IO` if the port
 * cannot be bound.
 */
gemini_live_result gemini_live_fake_server_start(uint16_t port,
                                                 struct gemini_live_fake_server **out);

/**
 * Like `gemini_live_fake_server_start`, injecting the faults of `fault_plan`, e.g.
 * `"1@3:close=1011,2@up:refuse=503"` (connection 1, after its 3rd client message: close
 * with 1011; connection 2: refuse the upgrade with HTTP 503). Items are
 * `CONN@WHEN:KIND[=ARG]`, WHEN a client message count (`0`: right after the upgrade), `sN`
 * (right after the server's N-th message on that connection, `s1` being `setupComplete`) or
 * `up` (the upgrade), with KIND one of `goaway=5s[+2s]`, `goaway-strict=5s+2s`,
 * `drop` (TCP end without a close frame), `reset` (TCP reset), `close=CODE[/REASON]`,
 * `stall` (silent; the session is released when the client leaves), `stall=5s` or
 * `stall=forever` (silent, and the session stays attached that long: resumes meanwhile are
 * refused with close 1011, like the real service), `freeze`, `refuse=STATUS`, `malformed`,
 * `truncate` (the next server frame is cut in half, then the TCP connection ends),
 * `slow=200ms`, `unknown`, `silent`, `cut=N[/CODE]` (cut the reply after N server
 * messages). `GEMINI_LIVE_INVALID_ARGUMENT` if the plan does not parse.
 */
gemini_live_result gemini_live_fake_server_start_with_faults(uint16_t port,
                                                             const char *fault_plan,
                                                             struct gemini_live_fake_server **out);

/**
 * Like `gemini_live_fake_server_start_with_faults`, serving only `models`, a
 * comma-separated list of model ids (e.g. `"gemini-3.8-live-extended-thinking"`); other
 * models are closed with 1008 "not found". `""` serves every model of the capability table.
 */
gemini_live_result gemini_live_fake_server_start_with_models(uint16_t port,
                                                             const char *fault_plan,
                                                             const char *models,
                                                             struct gemini_live_fake_server **out);

/**
 * Copies the server's endpoint, e.g. `ws://127.0.0.1:40123`, into `buf` of `len` bytes
 * (NUL-terminated; 64 bytes are enough); `*needed` (if not NULL) gets the size required,
 * also on `GEMINI_LIVE_BUFFER_TOO_SMALL`. Pass it to `gemini_live_config_set_endpoint`.
 */
gemini_live_result gemini_live_fake_server_endpoint(const struct gemini_live_fake_server *server,
                                                    char *buf,
                                                    size_t len,
                                                    size_t *needed);

/**
 * Stops the server (closing its connections) and frees it. NULL does nothing. Free the
 * sessions connected to it first, or they see their connection drop.
 */
void gemini_live_fake_server_free(struct gemini_live_fake_server *server);

/**
 * Starts a fake server (as `gemini_live_fake_server_start_with_faults`) that also serves
 * the Vertex path for `project` and `location`: each upgrade must carry
 * `Authorization: Bearer T` with a token no earlier upgrade presented (HTTP 401 otherwise),
 * the setup's model must be `projects/{project}/locations/{location}/publishers/google/models/M`,
 * and with transparent resumption its updates carry `lastConsumedClientMessageIndex`.
 */
gemini_live_result gemini_live_fake_server_start_vertex(uint16_t port,
                                                        const char *project,
                                                        const char *location,
                                                        const char *fault_plan,
                                                        struct gemini_live_fake_server **out);

/**
 * Starts a fake server (as `gemini_live_fake_server_start`) whose audio replies last
 * `audio_reply_ms` (in 100 ms chunks) and are sent at `audio_pace` times real time (0.7:
 * slower than they play, as a model generating slowly does; 0: as fast as the socket takes
 * them). With `audio_words` the reply's tone comes in words of 180 to 420 ms with 90 ms of
 * silence between them, as speech has gaps a player can pause at (see
 * `gemini_live_player_new_paced`). On success `*out` owns the server: free it with
 * `gemini_live_fake_server_free`. `GEMINI_LIVE_INVALID_ARGUMENT` if `audio_pace` is negative
 * or not a number; `GEMINI_LIVE_IO` if the port cannot be bound. Any thread.
 */
gemini_live_result gemini_live_fake_server_start_paced(uint16_t port,
                                                       uint32_t audio_reply_ms,
                                                       double audio_pace,
                                                       bool audio_words,
                                                       struct gemini_live_fake_server **out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* GEMINI_LIVE_H */
