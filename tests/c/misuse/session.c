/*
 * misuse/session.c - a session under misuse: NULL for every pointer, input the library refuses,
 * and calls after close.
 * Part of the misuse program (see main.c).
 */
#include "misuse.h"

void null_session_calls(gemini_live_session *s) {
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

void bad_session_input(gemini_live_session *s) {
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

void after_close(gemini_live_session *s) {
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
