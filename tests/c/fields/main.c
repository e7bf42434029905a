/*
 * fields/main.c - the typed event field accessors (session id, usage, reason, GoAway time,
 * resumption, reconnection, counts, dropped input, call ids, language code, voice activity,
 * VAD signal) on real events, each agreeing with gemini_live_event_json for the same event,
 * and refusing every other kind with GEMINI_LIVE_WRONG_EVENT_TYPE. Run by tests/c_api.rs, which
 * builds every .c file of this folder into one program: agree.c holds the checks of each
 * event, this file the sessions that provoke the events and main.
 *
 * Servers: embedded fakes started here with fault plans (GoAway, a reply cut mid-way, a
 * stall with a small replay buffer), a transcribe model, plus two the Rust test starts:
 * GEMINI_LIVE_FIELDS_CONTEXT_LOST (a fake that drops the connection right after the first
 * turnComplete) and GEMINI_LIVE_FIELDS_SCRIPTED (replays a script with a session id, voice
 * activity, VAD signals, a language code, a turn-complete reason and detailed usage).
 * Prints "fields: ALL OK (N checks)" and exits 0 on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEMINI_LIVE_CHECK_COUNTERS /* the one pair of counters: see check.h */
#include "fields.h"

/* Reads events (checking each) until one of type `until` (returned, not freed) or CLOSED or
 * a timeout (NULL). */
static gemini_live_event *read_until(gemini_live_session *s, uint32_t until) {
    gemini_live_event *ev = NULL;
    while (gemini_live_session_next_event(s, 15000, &ev) == GEMINI_LIVE_OK && ev) {
        uint32_t t = gemini_live_event_type(ev);
        check_fields(ev);
        if (t == until) {
            return ev;
        }
        gemini_live_event_free(ev);
        if (t == GEMINI_LIVE_EVENT_CLOSED) {
            break;
        }
        ev = NULL;
    }
    return NULL;
}

static void turn(gemini_live_session *s, const char *text) {
    OK(gemini_live_session_send_text(s, text));
    gemini_live_event *ev = read_until(s, GEMINI_LIVE_EVENT_TURN_COMPLETE);
    CHECK(ev != NULL);
    gemini_live_event_free(ev);
}

static gemini_live_config *text_config(const char *endpoint) {
    gemini_live_config *c = NULL;
    OK(gemini_live_config_new(&c));
    OK(gemini_live_config_set_endpoint(c, endpoint));
    OK(gemini_live_config_set_response_modality(c, GEMINI_LIVE_MODALITY_TEXT));
    /* TEXT: no current Google conversational model answers in it; the fake's own does. */
    OK(gemini_live_config_set_model(c, "fake-text-live"));
    OK(gemini_live_config_set_reconnect_delays_ms(c, 10, 50));
    return c;
}

static gemini_live_session *connect_to(gemini_live_config *c) {
    gemini_live_session *s = NULL;
    OK(gemini_live_session_connect(c, &s));
    gemini_live_config_free(c);
    return s;
}

static void finish(gemini_live_session *s) {
    gemini_live_event *ev;
    OK(gemini_live_session_close(s));
    ev = read_until(s, GEMINI_LIVE_EVENT_CLOSED);
    gemini_live_event_free(ev);
    gemini_live_session_free(s);
}

/* A fake started here: its endpoint in buf. */
static gemini_live_fake_server *fake(const char *plan, const char *models, char *buf,
                                     size_t cap) {
    gemini_live_fake_server *f = NULL;
    if (models) {
        OK(gemini_live_fake_server_start_with_models(0, plan, models, &f));
    } else {
        OK(gemini_live_fake_server_start_with_faults(0, plan, &f));
    }
    OK(gemini_live_fake_server_endpoint(f, buf, cap, NULL));
    return f;
}

/* Usage, resumption updates, a usage-only message, a cancelled tool call, a tool response
 * for an unknown call, output transcription in AUDIO mode. */
static void plain(void) {
    char ep[64];
    gemini_live_fake_server *f = fake("", NULL, ep, sizeof ep);
    gemini_live_session *s = connect_to(text_config(ep));
    gemini_live_event *ev;
    gemini_live_config *c;
    turn(s, "hello");
    turn(s, "usage only");
    OK(gemini_live_session_send_text(s, "call tool f with {\"x\": 1}"));
    ev = read_until(s, GEMINI_LIVE_EVENT_TOOL_CALL);
    CHECK(ev != NULL);
    gemini_live_event_free(ev);
    OK(gemini_live_session_send_text(s, "never mind")); /* cancels the pending call */
    ev = read_until(s, GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION);
    CHECK(ev != NULL);
    if (ev) {
        const char *id = NULL;
        OK(gemini_live_event_id(ev, 0, &id));
        CHECK(id && strncmp(id, "function-call-", 14) == 0);
    }
    gemini_live_event_free(ev);
    ev = read_until(s, GEMINI_LIVE_EVENT_TURN_COMPLETE);
    gemini_live_event_free(ev);
    OK(gemini_live_session_send_tool_response(s, "no-such-call", "f", "{}"));
    ev = read_until(s, GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED);
    CHECK(ev != NULL);
    if (ev) {
        const char *id = NULL;
        OK(gemini_live_event_id(ev, 0, &id));
        CHECK(id && strcmp(id, "no-such-call") == 0);
    }
    gemini_live_event_free(ev);
    finish(s);

    c = text_config(ep);
    OK(gemini_live_config_set_response_modality(c, GEMINI_LIVE_MODALITY_AUDIO));
    OK(gemini_live_config_set_output_transcription(c, true));
    s = connect_to(c);
    turn(s, "speak");
    finish(s);
    gemini_live_fake_server_free(f);
}

/* The transcribe model: interim and final input transcriptions with a language code, and a
 * TURN_COMPLETE without usage. */
static void transcribe(void) {
    char ep[64];
    static const int16_t silence[3200] = {0};
    const char *model = "gemini-3.5-transcribe-live-preview";
    gemini_live_fake_server *f = fake("", model, ep, sizeof ep);
    gemini_live_config *c = text_config(ep);
    gemini_live_session *s;
    gemini_live_event *ev;
    OK(gemini_live_config_set_model(c, model));
    s = connect_to(c);
    OK(gemini_live_session_send_audio(s, silence, 3200));
    OK(gemini_live_session_audio_stream_end(s));
    ev = read_until(s, GEMINI_LIVE_EVENT_TURN_COMPLETE);
    CHECK(ev != NULL);
    if (ev) {
        gemini_live_usage u;
        bool present = true;
        u.size = sizeof u;
        OK(gemini_live_event_usage(ev, &u, &present));
        CHECK(!present && u.total_token_count == -1);
    }
    gemini_live_event_free(ev);
    finish(s);
    gemini_live_fake_server_free(f);
}

/* GoAway after the first turn (a planned handover), and a reply cut mid-way. */
static void goaway_and_cut(void) {
    char ep[64];
    gemini_live_config *c;
    gemini_live_fake_server *f = fake("1@2:goaway=3s", NULL, ep, sizeof ep);
    gemini_live_session *s = connect_to(text_config(ep));
    gemini_live_event *ev;
    turn(s, "one");
    ev = read_until(s, GEMINI_LIVE_EVENT_RESUMED);
    CHECK(ev != NULL);
    gemini_live_event_free(ev);
    turn(s, "two");
    finish(s);
    gemini_live_fake_server_free(f);

    /* Without resumption: the question is asked again in a new session. */
    f = fake("1@2:cut=2", NULL, ep, sizeof ep);
    c = text_config(ep);
    OK(gemini_live_config_set_session_resumption(c, false));
    s = connect_to(c);
    turn(s, "first");
    finish(s);
    gemini_live_fake_server_free(f);
}

/* A stalled connection with a replay buffer too small for the unanswered input. */
static void input_dropped(void) {
    char ep[64];
    int i;
    gemini_live_fake_server *f = fake("1@2:stall", NULL, ep, sizeof ep);
    gemini_live_config *c = text_config(ep);
    gemini_live_session *s;
    gemini_live_event *ev;
    OK(gemini_live_config_set_replay_max_bytes(c, 200));
    OK(gemini_live_config_set_stall_timeout_ms(c, 400));
    s = connect_to(c);
    for (i = 0; i < 4; i++) {
        OK(gemini_live_session_send_text(s, "a line long enough that four of them do not fit in "
                                            "the two hundred bytes of replay buffer"));
    }
    ev = read_until(s, GEMINI_LIVE_EVENT_INPUT_DROPPED);
    CHECK(ev != NULL);
    gemini_live_event_free(ev);
    finish(s);
    gemini_live_fake_server_free(f);
}

/* The connection drops before the handle that covers turn 1: with restore on (the
 * default) the turn is put back (CONTEXT_RESTORED), with it off the loss is reported. */
static void context_lost(const char *ep, bool restore) {
    gemini_live_config *c = text_config(ep);
    gemini_live_session *s;
    gemini_live_event *ev;
    OK(gemini_live_config_set_restore_context(c, restore));
    s = connect_to(c);
    OK(gemini_live_session_send_text(s, "one"));
    ev = read_until(s, restore ? GEMINI_LIVE_EVENT_CONTEXT_RESTORED : GEMINI_LIVE_EVENT_CONTEXT_LOST);
    CHECK(ev != NULL);
    if (ev) {
        uint64_t turns = 0;
        OK(gemini_live_event_count(ev, &turns));
        CHECK(turns == 1);
    }
    gemini_live_event_free(ev);
    turn(s, "two");
    finish(s);
}

/* The script: a session id, voice activity, VAD signals, a language code, a turn-complete
 * reason and detailed usage. */
static void scripted(const char *ep) {
    gemini_live_config *c = text_config(ep);
    gemini_live_session *s;
    gemini_live_event *ev;
    const char *p = NULL;
    OK(gemini_live_config_set_reconnect(c, false));
    OK(gemini_live_config_set_session_resumption(c, false));
    s = connect_to(c);
    ev = read_until(s, GEMINI_LIVE_EVENT_VOICE_ACTIVITY);
    CHECK(ev != NULL);
    if (ev) {
        uint32_t kind = 0;
        int64_t offset = 0;
        OK(gemini_live_event_voice_activity(ev, &kind, &offset));
        CHECK(kind == GEMINI_LIVE_VOICE_ACTIVITY_START && offset == 1500);
    }
    gemini_live_event_free(ev);
    ev = read_until(s, GEMINI_LIVE_EVENT_TURN_COMPLETE);
    CHECK(ev != NULL);
    if (ev) {
        gemini_live_usage u;
        bool present = false;
        int64_t tokens = 0;
        u.size = sizeof u;
        OK(gemini_live_event_reason(ev, &p));
        CHECK(p && strcmp(p, "NEED_MORE_INPUT") == 0);
        OK(gemini_live_event_usage(ev, &u, &present));
        CHECK(present && u.prompt_token_count == 3 && u.cached_content_token_count == 1 &&
              u.thoughts_token_count == 2 && u.response_token_count == -1 &&
              u.total_token_count == 9);
        OK(gemini_live_event_usage_detail(ev, GEMINI_LIVE_USAGE_CACHE_DETAILS, 0, &p, &tokens));
        CHECK(p && strcmp(p, "AUDIO") == 0 && tokens == 1);
    }
    gemini_live_event_free(ev);
    finish(s);
}

int main(void) {
    const char *lost = getenv("GEMINI_LIVE_FIELDS_CONTEXT_LOST");
    const char *restored = getenv("GEMINI_LIVE_FIELDS_CONTEXT_RESTORED");
    const char *script = getenv("GEMINI_LIVE_FIELDS_SCRIPTED");
    static const uint32_t expected[] = {
        GEMINI_LIVE_EVENT_SETUP_COMPLETE,       GEMINI_LIVE_EVENT_TURN_COMPLETE,
        GEMINI_LIVE_EVENT_USAGE,                GEMINI_LIVE_EVENT_GO_AWAY,
        GEMINI_LIVE_EVENT_RESUMPTION_UPDATE,    GEMINI_LIVE_EVENT_RECONNECTING,
        GEMINI_LIVE_EVENT_RESUMED,              GEMINI_LIVE_EVENT_NEW_SESSION,
        GEMINI_LIVE_EVENT_REPLY_DISCARDED,      GEMINI_LIVE_EVENT_CONTEXT_LOST,
        GEMINI_LIVE_EVENT_CONTEXT_RESTORED,
        GEMINI_LIVE_EVENT_INPUT_DROPPED,        GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION,
        GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED, GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
        GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION, GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION,
        GEMINI_LIVE_EVENT_VOICE_ACTIVITY,       GEMINI_LIVE_EVENT_VAD_SIGNAL,
    };
    size_t i;
    CHECK(lost != NULL && restored != NULL && script != NULL);
    plain();
    transcribe();
    goaway_and_cut();
    input_dropped();
    if (lost) {
        context_lost(lost, false);
    }
    if (restored) {
        context_lost(restored, true);
    }
    if (script) {
        scripted(script);
    }
    for (i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        if (!seen[expected[i]]) {
            fprintf(stderr, "no event of type %u was seen\n", (unsigned)expected[i]);
        }
        CHECK(seen[expected[i]] > 0);
    }
    printf("fields: %d VAD signals, %d voice activities, %d turn completes checked\n",
           seen[GEMINI_LIVE_EVENT_VAD_SIGNAL], seen[GEMINI_LIVE_EVENT_VOICE_ACTIVITY],
           seen[GEMINI_LIVE_EVENT_TURN_COMPLETE]);
    return check_report("fields");
}
