/*
 * fields/agree.c - each typed event field accessor agrees with gemini_live_event_json for
 * the same event, and refuses every other kind with GEMINI_LIVE_WRONG_EVENT_TYPE (and NULL
 * out-parameters with GEMINI_LIVE_NULL_ARGUMENT). Part of the fields program (see main.c).
 */
#include <stdio.h>
#include <string.h>

#include "fields.h"

int seen[KINDS];

static const char *json_of(const gemini_live_event *ev) {
    const char *j = NULL;
    size_t n = 0;
    if (gemini_live_event_json(ev, &j, &n) != GEMINI_LIVE_OK || !j) {
        return "";
    }
    return j;
}

/* The JSON of ev contains "key":value. */
static int has(const gemini_live_event *ev, const char *key, const char *value) {
    char pattern[512];
    snprintf(pattern, sizeof pattern, "\"%s\":%s", key, value);
    if (strstr(json_of(ev), pattern)) {
        return 1;
    }
    fprintf(stderr, "  %s not in %s\n", pattern, json_of(ev));
    return 0;
}

static int has_str(const gemini_live_event *ev, const char *key, const char *s) {
    char quoted[400];
    if (!s) {
        return has(ev, key, "null");
    }
    snprintf(quoted, sizeof quoted, "\"%s\"", s);
    return has(ev, key, quoted);
}

/* A count: -1 is null in the JSON. */
static int has_int(const gemini_live_event *ev, const char *key, long long v) {
    char num[32];
    if (v < 0) {
        return has(ev, key, "null");
    }
    snprintf(num, sizeof num, "%lld", v);
    return has(ev, key, num);
}

static void check_usage(const gemini_live_event *ev) {
    gemini_live_usage u;
    bool present = false;
    uint32_t list;
    u.size = sizeof u;
    OK(gemini_live_event_usage(ev, &u, &present));
    if (!present) {
        CHECK(has(ev, "usage", "null"));
        CHECK(u.prompt_token_count == -1 && u.response_token_count == -1 &&
              u.total_token_count == -1 && u.thoughts_token_count == -1 &&
              u.cached_content_token_count == -1 && u.tool_use_prompt_token_count == -1);
        return;
    }
    CHECK(has_int(ev, "prompt_token_count", u.prompt_token_count));
    CHECK(has_int(ev, "cached_content_token_count", u.cached_content_token_count));
    CHECK(has_int(ev, "response_token_count", u.response_token_count));
    CHECK(has_int(ev, "tool_use_prompt_token_count", u.tool_use_prompt_token_count));
    CHECK(has_int(ev, "thoughts_token_count", u.thoughts_token_count));
    CHECK(has_int(ev, "total_token_count", u.total_token_count));
    CHECK(u.total_token_count > 0);
    for (list = GEMINI_LIVE_USAGE_PROMPT_DETAILS; list <= GEMINI_LIVE_USAGE_TOOL_USE_PROMPT_DETAILS;
         list++) {
        size_t n = 99, i;
        const char *modality = NULL;
        int64_t tokens = 0;
        OK(gemini_live_event_usage_detail_count(ev, list, &n));
        for (i = 0; i < n; i++) {
            char item[200];
            OK(gemini_live_event_usage_detail(ev, list, i, &modality, &tokens));
            CHECK(modality != NULL && modality[0] != '\0');
            if (tokens < 0) {
                snprintf(item, sizeof item, "{\"modality\":\"%s\",\"token_count\":null}",
                         modality ? modality : "");
            } else {
                snprintf(item, sizeof item, "{\"modality\":\"%s\",\"token_count\":%lld}",
                         modality ? modality : "", (long long)tokens);
            }
            CHECK(strstr(json_of(ev), item) != NULL);
        }
        CHECK(gemini_live_event_usage_detail(ev, list, n, &modality, &tokens) ==
              GEMINI_LIVE_INVALID_ARGUMENT);
    }
    {
        size_t n = 0;
        CHECK(gemini_live_event_usage_detail_count(ev, 9, &n) == GEMINI_LIVE_INVALID_ARGUMENT);
    }
}

/* Each accessor succeeds exactly for its kinds. */
static void check_kinds(const gemini_live_event *ev, uint32_t t) {
    const char *p = NULL;
    gemini_live_usage u;
    bool b = false;
    int64_t i = 0;
    uint64_t x = 0, y = 0, z = 0;
    uint32_t k = 0;
    size_t n = 0;
    int transcription = t == GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION ||
                        t == GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION ||
                        t == GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION;
    int usage = t == GEMINI_LIVE_EVENT_USAGE || t == GEMINI_LIVE_EVENT_TURN_COMPLETE;
    int counted = t == GEMINI_LIVE_EVENT_RESUMED || t == GEMINI_LIVE_EVENT_NEW_SESSION ||
                  t == GEMINI_LIVE_EVENT_REPLY_DISCARDED || t == GEMINI_LIVE_EVENT_CONTEXT_LOST ||
                  t == GEMINI_LIVE_EVENT_CONTEXT_RESTORED;
    int ids = t == GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION ||
              t == GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED ||
              t == GEMINI_LIVE_EVENT_TOOL_CALLS_ABANDONED;
    u.size = sizeof u;
#define ONLY(call, cond)                                                                   \
    CHECK((call) == ((cond) ? GEMINI_LIVE_OK : GEMINI_LIVE_WRONG_EVENT_TYPE))
    ONLY(gemini_live_event_session_id(ev, &p), t == GEMINI_LIVE_EVENT_SETUP_COMPLETE);
    ONLY(gemini_live_event_usage(ev, &u, &b), usage);
    ONLY(gemini_live_event_usage_detail_count(ev, GEMINI_LIVE_USAGE_PROMPT_DETAILS, &n), usage);
    ONLY(gemini_live_event_reason(ev, &p), t == GEMINI_LIVE_EVENT_TURN_COMPLETE);
    ONLY(gemini_live_event_time_left(ev, &i), t == GEMINI_LIVE_EVENT_GO_AWAY);
    ONLY(gemini_live_event_resumption(ev, &p, &b), t == GEMINI_LIVE_EVENT_RESUMPTION_UPDATE);
    ONLY(gemini_live_event_reconnecting(ev, &k, &x), t == GEMINI_LIVE_EVENT_RECONNECTING);
    ONLY(gemini_live_event_count(ev, &x), counted);
    ONLY(gemini_live_event_input_dropped(ev, &x, &y), t == GEMINI_LIVE_EVENT_INPUT_DROPPED);
    ONLY(gemini_live_event_context_restored(ev, &x, &y, &z),
         t == GEMINI_LIVE_EVENT_CONTEXT_RESTORED);
    ONLY(gemini_live_event_id_count(ev, &n), ids);
    ONLY(gemini_live_event_language_code(ev, &p), transcription);
    ONLY(gemini_live_event_voice_activity(ev, &k, &i), t == GEMINI_LIVE_EVENT_VOICE_ACTIVITY);
    ONLY(gemini_live_event_vad_signal(ev, &k, &p), t == GEMINI_LIVE_EVENT_VAD_SIGNAL);
#undef ONLY
    /* A NULL out-parameter is refused before the kind is looked at. */
#define NUL(call) CHECK((call) == GEMINI_LIVE_NULL_ARGUMENT)
    NUL(gemini_live_event_session_id(ev, NULL));
    NUL(gemini_live_event_usage(ev, NULL, &b));
    NUL(gemini_live_event_usage(ev, &u, NULL));
    NUL(gemini_live_event_usage_detail_count(ev, GEMINI_LIVE_USAGE_PROMPT_DETAILS, NULL));
    NUL(gemini_live_event_usage_detail(ev, GEMINI_LIVE_USAGE_PROMPT_DETAILS, 0, NULL, &i));
    NUL(gemini_live_event_reason(ev, NULL));
    NUL(gemini_live_event_time_left(ev, NULL));
    NUL(gemini_live_event_resumption(ev, NULL, &b));
    NUL(gemini_live_event_reconnecting(ev, &k, NULL));
    NUL(gemini_live_event_count(ev, NULL));
    NUL(gemini_live_event_input_dropped(ev, NULL, &y));
    NUL(gemini_live_event_id_count(ev, NULL));
    NUL(gemini_live_event_id(ev, 0, NULL));
    NUL(gemini_live_event_language_code(ev, NULL));
    NUL(gemini_live_event_voice_activity(ev, NULL, &i));
    NUL(gemini_live_event_vad_signal(ev, &k, NULL));
#undef NUL
}

/* Reads ev's typed fields and checks them against its JSON. */
void check_fields(const gemini_live_event *ev) {
    uint32_t t = gemini_live_event_type(ev);
    const char *p = NULL, *again = NULL;
    if (t < KINDS) {
        seen[t]++;
    }
    check_kinds(ev, t);
    switch (t) {
    case GEMINI_LIVE_EVENT_SETUP_COMPLETE:
        OK(gemini_live_event_session_id(ev, &p));
        CHECK(has_str(ev, "session_id", p));
        OK(gemini_live_event_session_id(ev, &again));
        CHECK(p == again); /* made once, owned by the event */
        break;
    case GEMINI_LIVE_EVENT_TURN_COMPLETE:
        check_usage(ev);
        OK(gemini_live_event_reason(ev, &p));
        CHECK(has_str(ev, "reason", p));
        break;
    case GEMINI_LIVE_EVENT_USAGE: {
        gemini_live_usage u;
        bool present = false;
        u.size = sizeof u;
        OK(gemini_live_event_usage(ev, &u, &present));
        CHECK(present);
        check_usage(ev);
        break;
    }
    case GEMINI_LIVE_EVENT_GO_AWAY: {
        int64_t ms = 0;
        OK(gemini_live_event_time_left(ev, &ms));
        CHECK(has_int(ev, "time_left_ms", ms));
        break;
    }
    case GEMINI_LIVE_EVENT_RESUMPTION_UPDATE: {
        bool resumable = false;
        OK(gemini_live_event_resumption(ev, &p, &resumable));
        CHECK(has_str(ev, "handle", p));
        CHECK(has(ev, "resumable", resumable ? "true" : "false"));
        CHECK(resumable == (p != NULL));
        break;
    }
    case GEMINI_LIVE_EVENT_RECONNECTING: {
        uint32_t attempt = 0;
        uint64_t delay = 0;
        OK(gemini_live_event_reconnecting(ev, &attempt, &delay));
        CHECK(attempt >= 1);
        CHECK(has_int(ev, "attempt", attempt));
        CHECK(has_int(ev, "delay_ms", (long long)delay));
        break;
    }
    case GEMINI_LIVE_EVENT_RESUMED:
    case GEMINI_LIVE_EVENT_NEW_SESSION:
    case GEMINI_LIVE_EVENT_REPLY_DISCARDED:
    case GEMINI_LIVE_EVENT_CONTEXT_LOST: {
        uint64_t n = 0;
        OK(gemini_live_event_count(ev, &n));
        CHECK(has_int(ev,
                      t == GEMINI_LIVE_EVENT_REPLY_DISCARDED ? "turn"
                      : t == GEMINI_LIVE_EVENT_CONTEXT_LOST  ? "turns"
                                                             : "replayed",
                      (long long)n));
        CHECK(t == GEMINI_LIVE_EVENT_RESUMED || t == GEMINI_LIVE_EVENT_NEW_SESSION || n >= 1);
        break;
    }
    case GEMINI_LIVE_EVENT_CONTEXT_RESTORED: {
        uint64_t turns = 0, chars = 0, dropped = 0, n = 0;
        OK(gemini_live_event_context_restored(ev, &turns, &chars, &dropped));
        OK(gemini_live_event_count(ev, &n));
        CHECK(turns >= 1 && chars >= turns && n == turns);
        CHECK(has_int(ev, "turns", (long long)turns));
        CHECK(has_int(ev, "chars", (long long)chars));
        CHECK(has_int(ev, "dropped", (long long)dropped));
        break;
    }
    case GEMINI_LIVE_EVENT_INPUT_DROPPED: {
        uint64_t messages = 0, bytes = 0;
        OK(gemini_live_event_input_dropped(ev, &messages, &bytes));
        CHECK(messages >= 1 && bytes >= messages);
        CHECK(has_int(ev, "messages", (long long)messages));
        CHECK(has_int(ev, "bytes", (long long)bytes));
        break;
    }
    case GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION:
    case GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED: {
        char list[1024] = "[";
        size_t n = 0, i;
        OK(gemini_live_event_id_count(ev, &n));
        CHECK(n >= 1);
        for (i = 0; i < n; i++) {
            const char *id = NULL;
            OK(gemini_live_event_id(ev, i, &id));
            if (id && strlen(list) + strlen(id) + 4 < sizeof list) {
                strcat(list, i ? ",\"" : "\"");
                strcat(list, id);
                strcat(list, "\"");
            }
        }
        strcat(list, "]");
        CHECK(has(ev, "ids", list));
        CHECK(gemini_live_event_id(ev, n, &p) == GEMINI_LIVE_INVALID_ARGUMENT);
        break;
    }
    case GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION:
    case GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION:
    case GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION:
        OK(gemini_live_event_language_code(ev, &p));
        CHECK(has_str(ev, "language_code", p));
        break;
    case GEMINI_LIVE_EVENT_VOICE_ACTIVITY: {
        uint32_t kind = 0;
        int64_t offset = 0;
        OK(gemini_live_event_voice_activity(ev, &kind, &offset));
        CHECK(kind == GEMINI_LIVE_VOICE_ACTIVITY_START || kind == GEMINI_LIVE_VOICE_ACTIVITY_END);
        CHECK(has_str(ev, "kind", kind == GEMINI_LIVE_VOICE_ACTIVITY_START ? "start" : "end"));
        CHECK(has_int(ev, "audio_offset_ms", offset));
        break;
    }
    case GEMINI_LIVE_EVENT_VAD_SIGNAL: {
        uint32_t signal = 99;
        OK(gemini_live_event_vad_signal(ev, &signal, &p));
        CHECK(has_str(ev, "signal", p));
        CHECK(p != NULL);
        if (p) {
            CHECK((signal == GEMINI_LIVE_VAD_SIGNAL_START_OF_SPEECH) ==
                  (strcmp(p, "start_of_speech") == 0));
            CHECK((signal == GEMINI_LIVE_VAD_SIGNAL_END_OF_SPEECH) ==
                  (strcmp(p, "end_of_speech") == 0));
        }
        break;
    }
    default:
        break;
    }
}
