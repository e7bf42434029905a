/*
 * misuse/events.c - events under misuse: NULL events, NULL out-parameters and the wrong accessor
 * for the kind.
 * Part of the misuse program (see main.c).
 */
#include "misuse.h"

void null_events(void) {
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
void null_field_accessors(void) {
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
void wrong_event_accessors(gemini_live_session *s) {
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
