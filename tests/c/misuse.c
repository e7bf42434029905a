/*
 * misuse.c - the C API under misuse: NULL for every pointer of every function, calls after
 * close, double close, free(NULL), empty and odd-sized audio, invalid UTF-8, bad JSON, wrong
 * event accessors, small buffers, and a panic inside the library. Every call must return its
 * documented code and nothing may crash or abort. Run by tests/c_api.rs (which also checks
 * that every function of the header appears in this file).
 *
 * Prints "misuse: ALL OK (N checks)" and exits 0 on success.
 */
/* gemini_live_test_panic: only in the test build (cargo feature test-exports) */
#define GEMINI_LIVE_TEST_EXPORTS
#include "gemini_live.h"
#include "gemini_live.h" /* twice on purpose: the include guard must hold */

#include <stdio.h>
#include <string.h>

static int checks = 0, failures = 0;

static void expect_code(gemini_live_result got, gemini_live_result want, const char *call,
                        int line) {
    checks++;
    if (got != want) {
        char detail[256];
        gemini_live_last_error_message(detail, sizeof detail, NULL);
        fprintf(stderr, "line %d: %s returned %u (%s), expected %u (%s)\n  detail: %s\n", line,
                call, (unsigned)got, gemini_live_result_str(got), (unsigned)want,
                gemini_live_result_str(want), detail);
        failures++;
    }
}

#define EXPECT(call, want) expect_code((call), (want), #call, __LINE__)
#define NUL GEMINI_LIVE_NULL_ARGUMENT

static void expect_true(int ok, const char *what, int line) {
    checks++;
    if (!ok) {
        fprintf(stderr, "line %d: %s is false\n", line, what);
        failures++;
    }
}

#define CHECK(cond) expect_true((cond) ? 1 : 0, #cond, __LINE__)

static void null_config_setters(gemini_live_config *c) {
    /* NULL config */
    EXPECT(gemini_live_config_validate(NULL), NUL);
    EXPECT(gemini_live_config_set_api_key(NULL, "k"), NUL);
    EXPECT(gemini_live_config_set_ephemeral_token(NULL, "t"), NUL);
    EXPECT(gemini_live_config_set_model(NULL, "m"), NUL);
    EXPECT(gemini_live_config_set_endpoint(NULL, "ws://x"), NUL);
    EXPECT(gemini_live_config_set_api_version(NULL, "v1alpha"), NUL);
    EXPECT(gemini_live_config_set_proxy(NULL, "none"), NUL);
    EXPECT(gemini_live_config_set_response_modality(NULL, GEMINI_LIVE_MODALITY_TEXT), NUL);
    EXPECT(gemini_live_config_set_system_instruction(NULL, "s"), NUL);
    EXPECT(gemini_live_config_set_voice(NULL, "Puck"), NUL);
    EXPECT(gemini_live_config_set_language_code(NULL, "en-US"), NUL);
    EXPECT(gemini_live_config_set_input_transcription(NULL, true), NUL);
    EXPECT(gemini_live_config_set_output_transcription(NULL, true), NUL);
    EXPECT(gemini_live_config_set_session_resumption(NULL, true), NUL);
    EXPECT(gemini_live_config_set_resumption_handle(NULL, "h"), NUL);
    EXPECT(gemini_live_config_add_function(NULL, "f", "", ""), NUL);
    EXPECT(gemini_live_config_add_google_search(NULL), NUL);
    EXPECT(gemini_live_config_add_code_execution(NULL), NUL);
    EXPECT(gemini_live_config_add_url_context(NULL), NUL);
    EXPECT(gemini_live_config_clear_tools(NULL), NUL);
    EXPECT(gemini_live_config_set_temperature(NULL, 0.5f), NUL);
    EXPECT(gemini_live_config_set_top_p(NULL, 0.5f), NUL);
    EXPECT(gemini_live_config_set_top_k(NULL, 5), NUL);
    EXPECT(gemini_live_config_set_max_output_tokens(NULL, 5), NUL);
    EXPECT(gemini_live_config_set_seed(NULL, 5), NUL);
    EXPECT(gemini_live_config_set_presence_penalty(NULL, 0.1f), NUL);
    EXPECT(gemini_live_config_set_frequency_penalty(NULL, 0.1f), NUL);
    EXPECT(gemini_live_config_set_media_resolution(NULL, "MEDIA_RESOLUTION_LOW"), NUL);
    EXPECT(gemini_live_config_set_thinking_budget(NULL, 0), NUL);
    EXPECT(gemini_live_config_set_thinking_level(NULL, "low"), NUL);
    EXPECT(gemini_live_config_set_include_thoughts(NULL, true), NUL);
    EXPECT(gemini_live_config_set_affective_dialog(NULL, true), NUL);
    EXPECT(gemini_live_config_set_automatic_activity_detection(NULL, true), NUL);
    EXPECT(gemini_live_config_set_vad_start_sensitivity(NULL, "START_SENSITIVITY_LOW"), NUL);
    EXPECT(gemini_live_config_set_vad_end_sensitivity(NULL, "END_SENSITIVITY_LOW"), NUL);
    EXPECT(gemini_live_config_set_vad_prefix_padding_ms(NULL, 10), NUL);
    EXPECT(gemini_live_config_set_vad_silence_duration_ms(NULL, 10), NUL);
    EXPECT(gemini_live_config_set_activity_handling(NULL, "NO_INTERRUPTION"), NUL);
    EXPECT(gemini_live_config_set_turn_coverage(NULL, "TURN_INCLUDES_ALL_INPUT"), NUL);
    EXPECT(gemini_live_config_set_context_window_compression(NULL, true, 0, 0), NUL);
    EXPECT(gemini_live_config_set_connect_timeout_ms(NULL, 100), NUL);
    EXPECT(gemini_live_config_set_phase_timeout_ms(NULL, GEMINI_LIVE_PHASE_SETUP, 100), NUL);
    EXPECT(gemini_live_config_set_send_timeout_ms(NULL, 100), NUL);
    EXPECT(gemini_live_config_set_close_timeout_ms(NULL, 100), NUL);
    EXPECT(gemini_live_config_set_send_queue_capacity(NULL, 8), NUL);
    EXPECT(gemini_live_config_set_event_queue_capacity(NULL, 8), NUL);
    EXPECT(gemini_live_config_set_max_message_size(NULL, 4096), NUL);
    EXPECT(gemini_live_config_set_extra_root_ca_pem(NULL, (const uint8_t *)"x", 1), NUL);
    EXPECT(gemini_live_config_set_reconnect(NULL, false), NUL);
    EXPECT(gemini_live_config_set_reconnect_max_attempts(NULL, 3), NUL);
    EXPECT(gemini_live_config_set_reconnect_delays_ms(NULL, 10, 100), NUL);
    EXPECT(gemini_live_config_set_reconnect_max_total_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_goaway_margin_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_resume_wait_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_quota_delay_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_first_connect_budget(NULL, 3, 1000), NUL);
    EXPECT(gemini_live_config_set_replay_max_bytes(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_replay_max_audio_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_stall_timeout_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_restore_context(NULL, true), NUL);
    EXPECT(gemini_live_config_set_context_budget_chars(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_context_budget_turns(NULL, 10), NUL);
    EXPECT(gemini_live_config_set_keepalive_interval_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_pong_timeout_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_vertex(NULL, "p", "us-central1"), NUL);
    EXPECT(gemini_live_config_set_vertex(c, NULL, "us-central1"), NUL);
    EXPECT(gemini_live_config_set_vertex(c, "p", NULL), NUL);
    EXPECT(gemini_live_config_set_vertex_api_version(NULL, "v1"), NUL);
    EXPECT(gemini_live_config_set_vertex_api_version(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vertex_user_project(NULL, "u"), NUL);
    EXPECT(gemini_live_config_set_vertex_user_project(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vertex_transparent_resumption(NULL, true), NUL);
    EXPECT(gemini_live_config_set_access_token_callback(NULL, NULL, NULL, NULL), NUL);
    EXPECT(gemini_live_event_last_consumed_index(NULL, NULL), NUL);

    /* valid config, NULL value */
    EXPECT(gemini_live_config_set_api_key(c, NULL), NUL);
    EXPECT(gemini_live_config_set_ephemeral_token(c, NULL), NUL);
    EXPECT(gemini_live_config_set_model(c, NULL), NUL);
    EXPECT(gemini_live_config_set_endpoint(c, NULL), NUL);
    EXPECT(gemini_live_config_set_api_version(c, NULL), NUL);
    EXPECT(gemini_live_config_set_system_instruction(c, NULL), NUL);
    EXPECT(gemini_live_config_set_voice(c, NULL), NUL);
    EXPECT(gemini_live_config_set_language_code(c, NULL), NUL);
    EXPECT(gemini_live_config_set_resumption_handle(c, NULL), NUL);
    EXPECT(gemini_live_config_add_function(c, NULL, "", ""), NUL);
    EXPECT(gemini_live_config_add_function(c, "f", NULL, ""), NUL);
    EXPECT(gemini_live_config_add_function(c, "f", "", NULL), NUL);
    EXPECT(gemini_live_config_set_media_resolution(c, NULL), NUL);
    EXPECT(gemini_live_config_set_thinking_level(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vad_start_sensitivity(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vad_end_sensitivity(c, NULL), NUL);
    EXPECT(gemini_live_config_set_activity_handling(c, NULL), NUL);
    EXPECT(gemini_live_config_set_turn_coverage(c, NULL), NUL);
    EXPECT(gemini_live_config_set_extra_root_ca_pem(c, NULL, 0), NUL);
}

static void bad_config_values(gemini_live_config *c) {
    EXPECT(gemini_live_config_set_response_modality(c, 42), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_model(c, "bad\xff"), GEMINI_LIVE_INVALID_UTF8);
    EXPECT(gemini_live_config_add_function(c, "f", "", "{not json"), GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_config_add_function(c, "f", "", "[1]"), GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_config_add_function(c, "", "", ""), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_send_queue_capacity(c, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_connect_timeout_ms(c, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_phase_timeout_ms(c, 99, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_max_message_size(c, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_pong_timeout_ms(c, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_reconnect_delays_ms(c, 100, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_reconnect_max_attempts(c, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_endpoint(c, "http://nope"), GEMINI_LIVE_OK);
    /* A proxy URL is checked when set; NULL means "from the environment". */
    EXPECT(gemini_live_config_set_proxy(c, "gopher://u:p@h"), GEMINI_LIVE_INVALID_CONFIG);
    EXPECT(gemini_live_config_set_proxy(c, "http://h:99999"), GEMINI_LIVE_INVALID_CONFIG);
    EXPECT(gemini_live_config_set_proxy(c, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_config_set_proxy(c, "none"), GEMINI_LIVE_OK);
    EXPECT(gemini_live_config_validate(c), GEMINI_LIVE_INVALID_CONFIG);
}

static void null_session_calls(gemini_live_session *s) {
    const int16_t samples[4] = {0, 1, 2, 3};
    gemini_live_event *ev = NULL;
    uint32_t state = 0;
    char buf[8];
    gemini_live_metrics m;
    memset(&m, 0, sizeof m);
    m.size = sizeof m;

    EXPECT(gemini_live_session_connect(NULL, NULL), NUL);
    EXPECT(gemini_live_session_send_text(NULL, "x"), NUL);
    EXPECT(gemini_live_session_send_realtime_text(NULL, "x"), NUL);
    EXPECT(gemini_live_session_send_audio(NULL, samples, 4), NUL);
    EXPECT(gemini_live_session_send_audio_rate(NULL, samples, 4, 16000), NUL);
    EXPECT(gemini_live_session_send_audio_bytes(NULL, (const uint8_t *)"ab", 2), NUL);
    EXPECT(gemini_live_session_send_audio_bytes_rate(NULL, (const uint8_t *)"ab", 2, 8000), NUL);
    EXPECT(gemini_live_session_try_send_audio(NULL, samples, 4, 16000), NUL);
    EXPECT(gemini_live_session_send_video_frame(NULL, (const uint8_t *)"j", 1), NUL);
    EXPECT(gemini_live_session_audio_stream_end(NULL), NUL);
    EXPECT(gemini_live_session_activity_start(NULL), NUL);
    EXPECT(gemini_live_session_activity_end(NULL), NUL);
    EXPECT(gemini_live_session_send_tool_response(NULL, "id", "n", "{}"), NUL);
    EXPECT(gemini_live_session_send_client_content_json(NULL, "{}"), NUL);
    EXPECT(gemini_live_session_next_event(NULL, 0, &ev), NUL);
    EXPECT(gemini_live_session_state(NULL, &state), NUL);
    EXPECT(gemini_live_session_resumption_handle(NULL, buf, sizeof buf, NULL), NUL);
    EXPECT(gemini_live_session_last_close_reason(NULL, buf, sizeof buf, NULL), NUL);
    EXPECT(gemini_live_session_metrics(NULL, &m), NUL);
    EXPECT(gemini_live_session_metrics_openmetrics(NULL, buf, sizeof buf, NULL), NUL);
    EXPECT(gemini_live_session_close(NULL), NUL);

    /* a live session, NULL data */
    EXPECT(gemini_live_session_send_text(s, NULL), NUL);
    EXPECT(gemini_live_session_send_realtime_text(s, NULL), NUL);
    EXPECT(gemini_live_session_send_audio(s, NULL, 4), NUL);
    EXPECT(gemini_live_session_send_audio_rate(s, NULL, 4, 16000), NUL);
    EXPECT(gemini_live_session_send_audio_bytes(s, NULL, 2), NUL);
    EXPECT(gemini_live_session_send_audio_bytes_rate(s, NULL, 2, 16000), NUL);
    EXPECT(gemini_live_session_try_send_audio(s, NULL, 4, 16000), NUL);
    EXPECT(gemini_live_session_send_video_frame(s, NULL, 1), NUL);
    EXPECT(gemini_live_session_send_tool_response(s, NULL, "n", "{}"), NUL);
    EXPECT(gemini_live_session_send_tool_response(s, "id", NULL, "{}"), NUL);
    EXPECT(gemini_live_session_send_tool_response(s, "id", "n", NULL), NUL);
    EXPECT(gemini_live_session_send_client_content_json(s, NULL), NUL);
    EXPECT(gemini_live_session_next_event(s, 0, NULL), NUL);
    EXPECT(gemini_live_session_state(s, NULL), NUL);
    EXPECT(gemini_live_session_metrics(s, NULL), NUL);
    EXPECT(gemini_live_session_resumption_handle(s, NULL, 10, NULL), NUL);
    EXPECT(gemini_live_session_last_close_reason(s, NULL, 10, NULL), NUL);
    EXPECT(gemini_live_session_metrics_openmetrics(s, NULL, 10, NULL), NUL);
}

static void bad_session_input(gemini_live_session *s) {
    const int16_t samples[4] = {0, 1, 2, 3};
    const uint8_t odd[3] = {1, 2, 3};
    gemini_live_metrics m;
    size_t needed = 0;
    char small[1];
    const uint8_t *unaligned;
    gemini_live_result r;
    EXPECT(gemini_live_session_send_audio(s, samples, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_session_send_audio_bytes(s, odd, 3), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_session_send_audio_bytes(s, odd, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_session_send_audio_rate(s, samples, 4, 5), GEMINI_LIVE_INVALID_ARGUMENT);
    unaligned = ((uintptr_t)odd & 1) ? odd : odd + 1;
    EXPECT(gemini_live_session_send_audio(s, (const int16_t *)(const void *)unaligned, 1),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_session_send_text(s, "caf\xc3"), GEMINI_LIVE_INVALID_UTF8);
    EXPECT(gemini_live_session_send_realtime_text(s, "\xff"), GEMINI_LIVE_INVALID_UTF8);
    EXPECT(gemini_live_session_send_tool_response(s, "id", "n", "nope"), GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_session_send_tool_response(s, "", "n", "{}"), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_session_send_client_content_json(s, "{\"turns\":3}"),
           GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_session_activity_start(s), GEMINI_LIVE_INVALID_ARGUMENT); /* VAD on */
    memset(&m, 0, sizeof m);
    EXPECT(gemini_live_session_metrics(s, &m), GEMINI_LIVE_INVALID_ARGUMENT); /* size 0 */
    /* size query; a handle may arrive at any time, so accept both outcomes consistently */
    EXPECT(gemini_live_session_resumption_handle(s, NULL, 0, &needed),
           GEMINI_LIVE_BUFFER_TOO_SMALL);
    CHECK(needed >= 1);
    r = gemini_live_session_resumption_handle(s, small, sizeof small, &needed);
    CHECK((r == GEMINI_LIVE_OK && needed == 1 && small[0] == '\0') ||
          (r == GEMINI_LIVE_BUFFER_TOO_SMALL && needed > 1));
}

static void null_events(void) {
    const char *text = NULL;
    const int16_t *samples = NULL;
    const uint8_t *data = NULL;
    size_t n = 0;
    uint32_t rate = 0, state = 0;
    uint16_t code = 0;
    bool finished = false;
    gemini_live_result err = 0;
    CHECK(gemini_live_event_type(NULL) == GEMINI_LIVE_EVENT_NONE);
    EXPECT(gemini_live_event_text(NULL, &text, &n), NUL);
    EXPECT(gemini_live_event_audio(NULL, &samples, &n, &rate), NUL);
    EXPECT(gemini_live_event_data(NULL, &text, &data, &n), NUL);
    EXPECT(gemini_live_event_finished(NULL, &finished), NUL);
    EXPECT(gemini_live_event_state(NULL, &state), NUL);
    EXPECT(gemini_live_event_tool_call_count(NULL, &n), NUL);
    EXPECT(gemini_live_event_tool_call(NULL, 0, &text, &text, &text), NUL);
    EXPECT(gemini_live_event_close(NULL, &code, &text), NUL);
    EXPECT(gemini_live_event_error(NULL, &err, &text), NUL);
    EXPECT(gemini_live_event_json(NULL, &text, &n), NUL);
    gemini_live_event_free(NULL);
}

/* The typed field accessors (ffi/event/fields.rs, usage.rs): NULL events and NULL out-parameters. */
static void null_field_accessors(void) {
    const char *p = NULL;
    gemini_live_usage u;
    bool b = false;
    int64_t i = 0;
    uint64_t x = 0, y = 0;
    uint32_t k = 0;
    size_t n = 0;
    u.size = sizeof u;
    EXPECT(gemini_live_event_session_id(NULL, &p), NUL);
    EXPECT(gemini_live_event_usage(NULL, &u, &b), NUL);
    EXPECT(gemini_live_event_usage_detail_count(NULL, GEMINI_LIVE_USAGE_PROMPT_DETAILS, &n),
           NUL);
    EXPECT(gemini_live_event_usage_detail(NULL, GEMINI_LIVE_USAGE_RESPONSE_DETAILS, 0, &p, &i),
           NUL);
    EXPECT(gemini_live_event_reason(NULL, &p), NUL);
    EXPECT(gemini_live_event_time_left(NULL, &i), NUL);
    EXPECT(gemini_live_event_resumption(NULL, &p, &b), NUL);
    EXPECT(gemini_live_event_reconnecting(NULL, &k, &x), NUL);
    EXPECT(gemini_live_event_count(NULL, &x), NUL);
    EXPECT(gemini_live_event_input_dropped(NULL, &x, &y), NUL);
    EXPECT(gemini_live_event_context_restored(NULL, &x, &y, &x), NUL);
    EXPECT(gemini_live_event_id_count(NULL, &n), NUL);
    EXPECT(gemini_live_event_id(NULL, 0, &p), NUL);
    EXPECT(gemini_live_event_language_code(NULL, &p), NUL);
    EXPECT(gemini_live_event_voice_activity(NULL, &k, &i), NUL);
    EXPECT(gemini_live_event_vad_signal(NULL, &k, &p), NUL);
    /* ffi/event/details.rs: the fields of protocol.md Part D.3 */
    EXPECT(gemini_live_event_transcription_detail(NULL, &k, &p, &i, &i, &n), NUL);
    EXPECT(gemini_live_event_transcription_word(NULL, 0, &p, &i, &i), NUL);
    EXPECT(gemini_live_event_signature(NULL, &p), NUL);
    EXPECT(gemini_live_event_tool_call_stream(NULL, 0, &p, &b), NUL);
    EXPECT(gemini_live_event_usage_labels(NULL, &p, &p), NUL);
    CHECK(p == NULL && n == 0 && x == 0 && k == 0); /* nothing written on failure */
}

/* The first event is SETUP_COMPLETE: every other accessor is the wrong type. */
static void wrong_event_accessors(gemini_live_session *s) {
    gemini_live_event *ev = NULL;
    const char *text = NULL, *a = NULL, *b = NULL;
    const int16_t *samples = NULL;
    const uint8_t *data = NULL;
    size_t n = 0;
    uint32_t rate = 0, state = 0;
    uint16_t code = 0;
    bool finished = false;
    gemini_live_result err = 0;
    uint64_t count = 0;
    EXPECT(gemini_live_session_next_event(s, 5000, &ev), GEMINI_LIVE_OK);
    if (!ev) {
        return;
    }
    CHECK(gemini_live_event_type(ev) == GEMINI_LIVE_EVENT_SETUP_COMPLETE);
    EXPECT(gemini_live_event_text(ev, &text, &n), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_audio(ev, &samples, &n, &rate), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_data(ev, &text, &data, &n), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_finished(ev, &finished), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_state(ev, &state), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_tool_call_count(ev, &n), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_tool_call(ev, 0, &text, &a, &b), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_close(ev, &code, &text), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_error(ev, &err, &text), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_count(ev, &count), GEMINI_LIVE_WRONG_EVENT_TYPE);
    EXPECT(gemini_live_event_id_count(ev, &n), GEMINI_LIVE_WRONG_EVENT_TYPE);
    /* NULL out-parameters on a valid event */
    EXPECT(gemini_live_event_session_id(ev, NULL), NUL);
    EXPECT(gemini_live_event_text(ev, NULL, &n), NUL);
    EXPECT(gemini_live_event_json(ev, &text, NULL), NUL);
    EXPECT(gemini_live_event_json(ev, &text, &n), GEMINI_LIVE_OK);
    CHECK(text != NULL && strstr(text, "\"type\":\"setup_complete\"") != NULL);
    CHECK(text != NULL && strlen(text) == n);
    gemini_live_event_free(ev);
}

static void after_close(gemini_live_session *s) {
    const int16_t samples[2] = {1, 2};
    gemini_live_event *ev = NULL;
    gemini_live_result r;
    uint32_t state = 99;
    int events = 0, saw_closed = 0;
    EXPECT(gemini_live_session_close(s), GEMINI_LIVE_OK);
    EXPECT(gemini_live_session_close(s), GEMINI_LIVE_OK); /* twice is fine */
    EXPECT(gemini_live_session_send_text(s, "late"), GEMINI_LIVE_CLOSED);
    EXPECT(gemini_live_session_send_audio(s, samples, 2), GEMINI_LIVE_CLOSED);
    EXPECT(gemini_live_session_try_send_audio(s, samples, 2, 16000), GEMINI_LIVE_CLOSED);
    EXPECT(gemini_live_session_audio_stream_end(s), GEMINI_LIVE_CLOSED);
    EXPECT(gemini_live_session_state(s, &state), GEMINI_LIVE_OK);
    CHECK(state == GEMINI_LIVE_STATE_CLOSED);
    /* what was queued drains without waiting, then CLOSED, and CLOSED again */
    while ((r = gemini_live_session_next_event(s, 10000, &ev)) == GEMINI_LIVE_OK) {
        events++;
        if (gemini_live_event_type(ev) == GEMINI_LIVE_EVENT_CLOSED) {
            saw_closed = 1;
        }
        gemini_live_event_free(ev);
        CHECK(events < 100);
        if (events >= 100) {
            break;
        }
    }
    CHECK(r == GEMINI_LIVE_CLOSED);
    (void)saw_closed;
    EXPECT(gemini_live_session_next_event(s, 10000, &ev), GEMINI_LIVE_CLOSED);
}

static void misc(void) {
    char buf[64];
    size_t needed = 0;
    gemini_live_fake_server *fake = (gemini_live_fake_server *)&needed; /* must stay untouched */
    CHECK(strcmp(gemini_live_version(), GEMINI_LIVE_VERSION_STRING) == 0);
    CHECK(strcmp(gemini_live_result_str(GEMINI_LIVE_OK), "success") == 0);
    CHECK(strcmp(gemini_live_result_str(12345), "unknown result code") == 0);
    CHECK(gemini_live_result_str(GEMINI_LIVE_PANIC) != NULL);
    EXPECT(gemini_live_test_panic(), GEMINI_LIVE_PANIC); /* caught, not aborted */
    EXPECT(gemini_live_last_error_message(NULL, 0, &needed), GEMINI_LIVE_BUFFER_TOO_SMALL);
    CHECK(needed > 1);
    EXPECT(gemini_live_last_error_message(NULL, 10, NULL), GEMINI_LIVE_NULL_ARGUMENT);
    EXPECT(gemini_live_last_error_message(buf, sizeof buf, NULL), GEMINI_LIVE_OK);
    CHECK(strncmp(buf, "PANIC: ", 7) == 0);
    EXPECT(gemini_live_set_log_level(99), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_set_log_level(GEMINI_LIVE_LOG_WARN), GEMINI_LIVE_OK);
    EXPECT(gemini_live_set_log_callback(NULL, NULL, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_config_new(NULL), NUL);
    EXPECT(gemini_live_fake_server_start(0, NULL), NUL);
    EXPECT(gemini_live_fake_server_start_vertex(0, NULL, "l", "", &fake), NUL);
    EXPECT(gemini_live_fake_server_start_vertex(0, "p", NULL, "", &fake), NUL);
    EXPECT(gemini_live_fake_server_start_vertex(0, "p", "l", NULL, &fake), NUL);
    EXPECT(gemini_live_fake_server_start_vertex(0, "p", "l", "", NULL), NUL);
    EXPECT(gemini_live_fake_server_start_with_faults(0, NULL, &fake), NUL);
    EXPECT(gemini_live_fake_server_start_with_faults(0, "1@x:what", &fake),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(fake == (gemini_live_fake_server *)&needed); /* out-parameter not written on error */
    EXPECT(gemini_live_fake_server_endpoint(NULL, buf, sizeof buf, NULL), NUL);
    gemini_live_config_free(NULL);
    gemini_live_session_free(NULL);
    gemini_live_fake_server_free(NULL);
}

/* Telephony: NULLs, unknown laws, small buffers; the codec round trip and a barge-in clear. */
static void telephony_misuse(void) {
    gemini_live_phone_in *pi = NULL;
    gemini_live_phone_out *po = NULL;
    gemini_live_phone_out_stats st;
    int16_t pcm[480] = {0};
    int16_t back[256];
    uint8_t codes[256];
    uint8_t frame[GEMINI_LIVE_PHONE_FRAME];
    size_t got = 7, i, total;
    uint32_t action = 9;
    st.size = sizeof st;
    for (i = 0; i < 256; i++) {
        codes[i] = (uint8_t)i;
    }
    EXPECT(gemini_live_g711_encode(3, pcm, 4, codes), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_g711_encode(GEMINI_LIVE_G711_ULAW, NULL, 4, codes), NUL);
    EXPECT(gemini_live_g711_encode(GEMINI_LIVE_G711_ULAW, pcm, 4, NULL), NUL);
    EXPECT(gemini_live_g711_decode(0, codes, 4, back), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_g711_decode(GEMINI_LIVE_G711_ALAW, NULL, 4, back), NUL);
    EXPECT(gemini_live_g711_decode(GEMINI_LIVE_G711_ALAW, codes, 4, NULL), NUL);
    EXPECT(gemini_live_g711_decode(GEMINI_LIVE_G711_ALAW, codes, 256, back), GEMINI_LIVE_OK);
    EXPECT(gemini_live_g711_encode(GEMINI_LIVE_G711_ALAW, back, 256, codes), GEMINI_LIVE_OK);
    for (i = 0; i < 256; i++) {
        CHECK(codes[i] == (uint8_t)i);
    }

    EXPECT(gemini_live_phone_in_new(GEMINI_LIVE_G711_ULAW, NULL), NUL);
    EXPECT(gemini_live_phone_in_new(7, &pi), GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(pi == NULL);
    CHECK(gemini_live_phone_in_max_output(NULL, 160) == 0);
    EXPECT(gemini_live_phone_in_process(NULL, codes, 160, back, 256, &got), NUL);
    EXPECT(gemini_live_phone_in_new(GEMINI_LIVE_G711_ULAW, &pi), GEMINI_LIVE_OK);
    CHECK(gemini_live_phone_in_max_output(pi, 160) >= 320);
    EXPECT(gemini_live_phone_in_process(pi, NULL, 160, pcm, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, NULL, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 480, NULL), NUL);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 10, &got),
           GEMINI_LIVE_BUFFER_TOO_SMALL);
    CHECK(got == 7); /* not written on error */
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 480, &got), GEMINI_LIVE_OK);
    CHECK(got > 0 && got <= 320);
    total = got;
    /* The end of the call: 100 codes held plus the filter's tail, 2 samples per code in all. */
    EXPECT(gemini_live_phone_in_process(pi, codes, 100, pcm, 480, &got), GEMINI_LIVE_OK);
    CHECK(got == 0);
    CHECK(gemini_live_phone_in_finish_max_output(NULL) == 0);
    CHECK(gemini_live_phone_in_finish_max_output(pi) > 320);
    CHECK(gemini_live_phone_in_finish_max_output(pi) <= 480);
    EXPECT(gemini_live_phone_in_finish(NULL, pcm, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_finish(pi, NULL, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_finish(pi, pcm, 480, NULL), NUL);
    got = 7;
    EXPECT(gemini_live_phone_in_finish(pi, pcm, 10, &got), GEMINI_LIVE_BUFFER_TOO_SMALL);
    CHECK(got == 7);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 480, &got), GEMINI_LIVE_OK);
    total += got;
    EXPECT(gemini_live_phone_in_finish(pi, pcm, 480, &got), GEMINI_LIVE_OK);
    CHECK(total + got == 2 * (160 + 100 + 160));
    gemini_live_phone_in_reset(pi);
    gemini_live_phone_in_reset(NULL);
    gemini_live_phone_in_free(pi);
    gemini_live_phone_in_free(NULL);
    memset(pcm, 0, sizeof pcm); /* silence for the output side */

    EXPECT(gemini_live_phone_out_new(GEMINI_LIVE_G711_ULAW, 0, 0, NULL), NUL);
    EXPECT(gemini_live_phone_out_new(5, 0, 0, &po), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_phone_out_new(GEMINI_LIVE_G711_ULAW, 100000, 0, &po),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_phone_out_push(NULL, pcm, 480, NULL), NUL);
    EXPECT(gemini_live_phone_out_push_event(NULL, NULL, &action, NULL), NUL);
    EXPECT(gemini_live_phone_out_finish(NULL), NUL);
    EXPECT(gemini_live_phone_out_pop_frame(NULL, frame, sizeof frame, &got), NUL);
    EXPECT(gemini_live_phone_out_clear(NULL, NULL), NUL);
    EXPECT(gemini_live_phone_out_get_stats(NULL, &st), NUL);
    EXPECT(gemini_live_phone_out_new(GEMINI_LIVE_G711_ALAW, 0, 1000, &po), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_push(po, NULL, 480, NULL), NUL);
    EXPECT(gemini_live_phone_out_push_event(po, NULL, &action, NULL), NUL);
    CHECK(action == 9);
    EXPECT(gemini_live_phone_out_push(po, pcm, 480, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, 10, &got), GEMINI_LIVE_BUFFER_TOO_SMALL);
    EXPECT(gemini_live_phone_out_pop_frame(po, NULL, sizeof frame, &got), NUL);
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, sizeof frame, NULL), NUL);
    EXPECT(gemini_live_phone_out_finish(po), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, sizeof frame, &got), GEMINI_LIVE_OK);
    CHECK(got == GEMINI_LIVE_PHONE_FRAME);
    CHECK(frame[0] == 0xD5); /* silence in, A-law silence out */
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, sizeof frame, &got), GEMINI_LIVE_OK);
    CHECK(got == 0);
    EXPECT(gemini_live_phone_out_push(po, pcm, 480, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_clear(po, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_get_stats(po, NULL), NUL);
    EXPECT(gemini_live_phone_out_get_stats(po, &st), GEMINI_LIVE_OK);
    CHECK(st.frames == 1 && st.buffered == 0 && st.cleared == got);
    gemini_live_phone_out_free(po);
    gemini_live_phone_out_free(NULL);

    /* The client VAD. */
    {
        gemini_live_client_vad *vad = NULL;
        gemini_live_client_vad_stats vs;
        uint32_t ev = 77;
        vs.size = sizeof vs;
        EXPECT(gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_ACTIVITY, 0.5f, 500, 300, NULL), NUL);
        EXPECT(gemini_live_client_vad_new(9, 0.5f, 500, 300, &vad), GEMINI_LIVE_INVALID_ARGUMENT);
        EXPECT(gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_GATE, 1.5f, 500, 300, &vad),
               GEMINI_LIVE_INVALID_ARGUMENT);
        CHECK(vad == NULL);
        EXPECT(gemini_live_client_vad_configure(NULL, NULL), NUL);
        EXPECT(gemini_live_client_vad_push(NULL, NULL, pcm, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_finish(NULL, NULL), NUL);
        EXPECT(gemini_live_client_vad_process(NULL, pcm, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_get_stats(NULL, &vs), NUL);
        EXPECT(gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_ACTIVITY, 0.5f, 500, 300, &vad),
               GEMINI_LIVE_OK);
        EXPECT(gemini_live_client_vad_configure(vad, NULL), NUL);
        EXPECT(gemini_live_client_vad_push(vad, NULL, pcm, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_finish(vad, NULL), NUL);
        EXPECT(gemini_live_client_vad_process(vad, NULL, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_process(vad, pcm, 480, &ev), GEMINI_LIVE_OK);
        CHECK(ev == 0); /* silence */
        EXPECT(gemini_live_client_vad_get_stats(vad, NULL), NUL);
        EXPECT(gemini_live_client_vad_get_stats(vad, &vs), GEMINI_LIVE_OK);
        CHECK(vs.speaking == 0 && vs.utterances == 0);
        gemini_live_client_vad_free(vad);
        gemini_live_client_vad_free(NULL);
    }

    /* The player's adaptive start. */
    {
        gemini_live_player *pl = NULL;
        gemini_live_player_stats ps;
        ps.size = sizeof ps;
        EXPECT(gemini_live_player_new_paced(24000, 1, 80, 1000, true, NULL), NUL);
        EXPECT(gemini_live_player_new_paced(24000, 0, 80, 1000, true, &pl),
               GEMINI_LIVE_INVALID_ARGUMENT);
        EXPECT(gemini_live_player_new_paced(24000, 1, 80, 1000, false, &pl), GEMINI_LIVE_OK);
        EXPECT(gemini_live_player_get_stats(pl, &ps), GEMINI_LIVE_OK);
        CHECK(ps.start_delay == 0 && ps.arrival_rate_milli == 0);
        CHECK(ps.pauses == 0 && ps.paused == 0);
        gemini_live_player_free(pl);
    }
}

/* The audio helpers: NULLs, bad rates and channel counts, small buffers, and a player that
 * reads silence and counts what it was given. */
static void audio_misuse(gemini_live_config *c) {
    gemini_live_resampler *rs = NULL;
    gemini_live_player *pl = NULL;
    gemini_live_player_stats st;
    gemini_live_turn_playback tp;
    int16_t in[64], out[256];
    float fin[4] = {0.0f, 0.5f, -0.5f, 0.0f};
    size_t got = 0;
    st.size = sizeof st;
    tp.size = sizeof tp;
    memset(in, 0, sizeof in);
    EXPECT(gemini_live_config_set_record(NULL, "x.jsonl", GEMINI_LIVE_RECORD_AUDIO_KEEP), NUL);
    EXPECT(gemini_live_config_set_record(c, "x.jsonl", 7), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_record(c, "/nonexistent-dir/x.jsonl",
                                         GEMINI_LIVE_RECORD_AUDIO_SUMMARY),
           GEMINI_LIVE_IO);
    EXPECT(gemini_live_config_set_record(c, NULL, GEMINI_LIVE_RECORD_AUDIO_KEEP), GEMINI_LIVE_OK);

    EXPECT(gemini_live_resampler_new(44100, 2, 16000, NULL), NUL);
    EXPECT(gemini_live_resampler_new(0, 2, 16000, &rs), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_resampler_new(44100, 0, 16000, &rs), GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(rs == NULL);
    CHECK(gemini_live_resampler_max_output(NULL, 10) == 0);
    CHECK(gemini_live_resampler_latency_us(NULL) == 0);
    EXPECT(gemini_live_resampler_process(NULL, in, 64, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_process_f32(NULL, fin, 4, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_flush(NULL, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_new(48000, 2, 16000, &rs), GEMINI_LIVE_OK);
    EXPECT(gemini_live_resampler_process(rs, NULL, 64, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, NULL, 256, &got), NUL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, out, 256, NULL), NUL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, out, 1, &got), GEMINI_LIVE_BUFFER_TOO_SMALL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, out, 256, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_resampler_process_f32(rs, fin, 4, out, 256, &got), GEMINI_LIVE_OK);
    CHECK(gemini_live_resampler_max_output(rs, 0) <= 256);
    CHECK(gemini_live_resampler_latency_us(rs) > 0);
    EXPECT(gemini_live_resampler_flush(rs, out, 256, &got), GEMINI_LIVE_OK);
    CHECK(got == (64 / 2 + 4 / 2) / 3);
    gemini_live_resampler_free(rs);
    gemini_live_resampler_free(NULL);

    EXPECT(gemini_live_player_new(48000, 2, NULL), NUL);
    EXPECT(gemini_live_player_new(48000, 0, &pl), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_player_new_with(0, 1, 80, 1000, &pl), GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(pl == NULL);
    EXPECT(gemini_live_player_push(NULL, in, 64), NUL);
    EXPECT(gemini_live_player_push_event(NULL, NULL, &tp), NUL);
    EXPECT(gemini_live_player_end_turn(NULL, &tp), NUL);
    EXPECT(gemini_live_player_flush(NULL, &tp), NUL);
    EXPECT(gemini_live_player_read(NULL, out, 16, &got), NUL);
    EXPECT(gemini_live_player_read_f32(NULL, fin, 2, &got), NUL);
    EXPECT(gemini_live_player_get_stats(NULL, &st), NUL);
    EXPECT(gemini_live_player_current(NULL, &tp), NUL);
    EXPECT(gemini_live_player_last(NULL, &tp), NUL);
    EXPECT(gemini_live_player_new_with(24000, 1, 0, 1000, &pl), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_push(pl, NULL, 64), NUL);
    EXPECT(gemini_live_player_push_event(pl, NULL, &tp), NUL);
    EXPECT(gemini_live_player_read(pl, NULL, 16, &got), NUL);
    EXPECT(gemini_live_player_get_stats(pl, NULL), NUL);
    EXPECT(gemini_live_player_current(pl, NULL), NUL);
    EXPECT(gemini_live_player_last(pl, NULL), NUL);
    in[0] = 7;
    EXPECT(gemini_live_player_push(pl, in, 64), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_read(pl, out, 16, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_read(pl, out, 16, &got), GEMINI_LIVE_OK);
    CHECK(got == 16);
    EXPECT(gemini_live_player_read_f32(pl, fin, 4, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_flush(pl, &tp), GEMINI_LIVE_OK);
    CHECK(tp.interrupted == 1 && tp.received == 64 && tp.heard == 36 && tp.turn == 1);
    EXPECT(gemini_live_player_read(pl, out, 16, &got), GEMINI_LIVE_OK);
    CHECK(got == 0 && out[0] == 0);
    EXPECT(gemini_live_player_end_turn(pl, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_get_stats(pl, &st), GEMINI_LIVE_OK);
    CHECK(st.played == 36 && st.flushed == 28 && st.flushes == 1 && st.buffered == 0);
    EXPECT(gemini_live_player_current(pl, &tp), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_last(pl, &tp), GEMINI_LIVE_OK);
    CHECK(tp.heard == 36);
    gemini_live_player_free(pl);
    gemini_live_player_free(NULL);

    CHECK(gemini_live_transcript_heard_len(NULL, 0.5) == 0);
    CHECK(gemini_live_transcript_heard_len("one two three four", 0.5) == 7);
    CHECK(gemini_live_transcript_heard_len("one two", 1.0) == 7);
}

/* Echo cancellation (issue 21): NULLs, bad rates, levels and delays; then a canceller on a
 * 16 kHz player whose microphone hears the played audio at half level: the echo is gone from
 * the output after a second, and the statistics count the frames. */
static void echo_misuse(void) {
    gemini_live_player *pl = NULL;
    gemini_live_echo_canceller *ec = NULL;
    gemini_live_echo_stats st;
    int16_t mic[160], dev[160], out[480], reply[24000];
    size_t got = 7;
    double in_energy = 0, out_energy = 0;
    uint32_t seed = 1;
    int i, k;
    st.size = sizeof st;
    EXPECT(gemini_live_echo_canceller_new(NULL, 16000, &ec), NUL);
    EXPECT(gemini_live_player_new(16000, 1, &pl), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_new(pl, 16000, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_new(pl, 22050, &ec), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_echo_canceller_new_with(pl, 16000, 501, 0, &ec),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_echo_canceller_new_with(pl, 16000, 0, 5, &ec),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(ec == NULL);
    EXPECT(gemini_live_echo_canceller_process(NULL, mic, mic, 160), NUL);
    EXPECT(gemini_live_echo_canceller_set_enabled(NULL, 1), NUL);
    EXPECT(gemini_live_echo_canceller_set_device_delay_ms(NULL, 10), NUL);
    EXPECT(gemini_live_echo_canceller_get_stats(NULL, &st), NUL);
    EXPECT(gemini_live_echo_canceller_new_with(pl, 16000, 20, GEMINI_LIVE_NOISE_SUPPRESSION_OFF,
                                               &ec),
           GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_process(ec, NULL, mic, 160), NUL);
    EXPECT(gemini_live_echo_canceller_process(ec, mic, NULL, 160), NUL);
    EXPECT(gemini_live_echo_canceller_get_stats(ec, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_set_device_delay_ms(ec, 600), GEMINI_LIVE_INVALID_ARGUMENT);
    for (i = 0; i < 24000; i++) { /* one second of noise-like audio, the model's */
        seed = seed * 1664525u + 1013904223u;
        reply[i] = (int16_t)((int32_t)(seed >> 16) % 8000 - 4000);
    }
    EXPECT(gemini_live_player_push(pl, reply, 24000), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_end_turn(pl, NULL), GEMINI_LIVE_OK);
    for (k = 0; k < 100; k++) { /* 10 ms device reads; the microphone hears them at once */
        EXPECT(gemini_live_player_read(pl, dev, 160, NULL), GEMINI_LIVE_OK);
        for (i = 0; i < 160; i++) {
            mic[i] = (int16_t)(dev[i] / 2);
        }
        for (i = 0; k >= 70 && i < 160; i++) {
            in_energy += (double)mic[i] * mic[i];
        }
        EXPECT(gemini_live_echo_canceller_process(ec, mic, mic, 160), GEMINI_LIVE_OK);
        for (i = 0; k >= 70 && i < 160; i++) {
            out_energy += (double)mic[i] * mic[i];
        }
    }
    CHECK(in_energy > 0 && out_energy * 100 < in_energy); /* at least 20 dB */
    EXPECT(gemini_live_echo_canceller_get_stats(ec, &st), GEMINI_LIVE_OK);
    CHECK(st.capture_frames == 100 && st.reference_frames >= 99 && st.enabled == 1);
    CHECK(st.device_delay_ms == 20);
    EXPECT(gemini_live_echo_canceller_set_enabled(ec, 0), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_get_stats(ec, &st), GEMINI_LIVE_OK);
    CHECK(st.enabled == 0);
    gemini_live_echo_canceller_free(ec);
    gemini_live_echo_canceller_free(NULL);
    gemini_live_player_free(pl);

    /* The same through push (the capture callback) and pull (the sending thread, every
     * other period): the echo is as far down. */
    pl = NULL;
    ec = NULL;
    in_energy = out_energy = 0;
    EXPECT(gemini_live_player_new(16000, 1, &pl), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_new(pl, 16000, &ec), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_push(NULL, mic, 160, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_push(ec, NULL, 160, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_pull(NULL, out, 480, &got), NUL);
    EXPECT(gemini_live_echo_canceller_pull(ec, NULL, 480, &got), NUL);
    EXPECT(gemini_live_echo_canceller_pull(ec, out, 480, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_pull(ec, out, 480, &got), GEMINI_LIVE_OK);
    CHECK(got == 0); /* nothing pushed yet */
    EXPECT(gemini_live_player_push(pl, reply, 24000), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_end_turn(pl, NULL), GEMINI_LIVE_OK);
    for (k = 0; k < 100; k++) {
        size_t fit = 0;
        EXPECT(gemini_live_player_read(pl, dev, 160, NULL), GEMINI_LIVE_OK);
        for (i = 0; i < 160; i++) {
            mic[i] = (int16_t)(dev[i] / 2);
        }
        for (i = 0; k >= 70 && i < 160; i++) {
            in_energy += (double)mic[i] * mic[i];
        }
        EXPECT(gemini_live_echo_canceller_push(ec, mic, 160, &fit), GEMINI_LIVE_OK);
        CHECK(fit == 160);
        if (k % 2 == 1) {
            EXPECT(gemini_live_echo_canceller_pull(ec, out, 480, &got), GEMINI_LIVE_OK);
            CHECK(got == 320);
            for (i = 0; k >= 71 && i < 320; i++) {
                out_energy += (double)out[i] * out[i];
            }
        }
    }
    CHECK(in_energy > 0 && out_energy * 100 < in_energy); /* at least 20 dB */
    EXPECT(gemini_live_echo_canceller_get_stats(ec, &st), GEMINI_LIVE_OK);
    CHECK(st.capture_frames == 100 && st.reference_frames >= 99 && st.mic_dropped == 0);
    gemini_live_echo_canceller_free(ec);
    gemini_live_player_free(pl);
}

/* The newer setup fields, lifecycle accessors and model choice (issue 11). */
static void model_calls(gemini_live_config *c, gemini_live_session *s) {
    gemini_live_fake_server *fake = NULL;
    uint32_t status = 0;
    EXPECT(gemini_live_config_set_proactivity(NULL, 1, -1), NUL);
    EXPECT(gemini_live_config_set_initial_history_in_client_content(NULL, true), NUL);
    EXPECT(gemini_live_config_add_safety_setting(NULL, "HARM_CATEGORY_HARASSMENT", "OFF"), NUL);
    EXPECT(gemini_live_config_add_safety_setting(c, NULL, "OFF"), NUL);
    EXPECT(gemini_live_config_set_translation(NULL, "es", false), NUL);
    EXPECT(gemini_live_config_set_translation(c, NULL, false), NUL);
    EXPECT(gemini_live_config_set_transcription_options(NULL, GEMINI_LIVE_TRANSCRIPTION_INPUT,
                                                        "", ""),
           NUL);
    EXPECT(gemini_live_config_set_transcription_options(c, GEMINI_LIVE_TRANSCRIPTION_INPUT,
                                                        NULL, ""),
           NUL);
    EXPECT(gemini_live_config_set_function_behavior(NULL, "f", "BLOCKING"), NUL);
    EXPECT(gemini_live_config_set_function_behavior(c, "f", NULL), NUL);
    EXPECT(gemini_live_config_set_extra_setup_json(NULL, "{}"), NUL);
    EXPECT(gemini_live_config_set_extra_setup_json(c, NULL), NUL);
    EXPECT(gemini_live_config_set_skip_model_check(NULL, true), NUL);
    EXPECT(gemini_live_session_send_tool_response_scheduled(NULL, "id", "f", "{}", "SILENT",
                                                            false),
           NUL);
    EXPECT(gemini_live_session_send_tool_response_scheduled(s, "id", "f", "{}", NULL, false),
           NUL);
    EXPECT(gemini_live_session_send_context_update(NULL, "x", NULL), NUL);
    EXPECT(gemini_live_event_interaction_status(NULL, &status), NUL);
    EXPECT(gemini_live_fake_server_start_with_models(0, "", NULL, &fake), NUL);
    EXPECT(gemini_live_fake_server_start_paced(0, 400, 0.7, true, NULL), NUL);
    EXPECT(gemini_live_fake_server_start_paced(0, 400, -0.5, true, &fake),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(fake == NULL);
    /* Bad values: nothing changes, and the code says why. */
    EXPECT(gemini_live_config_set_proactivity(c, 2, -1), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_vad_start_sensitivity(c, "medium"),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_activity_handling(c, "sometimes"),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_function_behavior(c, "no_such_function", "BLOCKING"),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_transcription_options(c, 9, "", ""),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_extra_setup_json(c, "[1]"), GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_session_send_tool_response_scheduled(s, "id", "f", "{}", "LATER", false),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(fake == NULL);
}

int main(void) {
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    gemini_live_fake_server *fake = NULL;
    char endpoint[64], tiny[4];
    size_t needed = 0;

    misc();
    null_events();
    null_field_accessors();
    EXPECT(gemini_live_fake_server_start(0, &fake), GEMINI_LIVE_OK);
    EXPECT(gemini_live_fake_server_endpoint(fake, tiny, sizeof tiny, &needed),
           GEMINI_LIVE_BUFFER_TOO_SMALL);
    CHECK(needed > sizeof tiny);
    EXPECT(gemini_live_fake_server_endpoint(fake, endpoint, sizeof endpoint, &needed),
           GEMINI_LIVE_OK);
    CHECK(strlen(endpoint) + 1 == needed);
    EXPECT(gemini_live_config_new(&config), GEMINI_LIVE_OK);
    null_config_setters(config);
    audio_misuse(config);
    echo_misuse();
    telephony_misuse();
    EXPECT(gemini_live_config_set_endpoint(config, endpoint), GEMINI_LIVE_OK);
    EXPECT(gemini_live_config_validate(config), GEMINI_LIVE_OK);
    EXPECT(gemini_live_session_connect(config, NULL), NUL);
    EXPECT(gemini_live_session_connect(config, &session), GEMINI_LIVE_OK);
    bad_config_values(config);
    if (session) {
        model_calls(config, session);
    }
    gemini_live_config_free(config);
    if (session) {
        wrong_event_accessors(session);
        null_session_calls(session);
        bad_session_input(session);
        after_close(session);
        gemini_live_session_free(session);
    }
    gemini_live_fake_server_free(fake);

    if (failures) {
        fprintf(stderr, "misuse: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    printf("misuse: ALL OK (%d checks)\n", checks);
    return 0;
}
