/*
 * features.c - the C API doing real work against the embedded fake server: log callback,
 * tool-call round trip, event JSON, metrics, resumption handle, a server-side close turned
 * into a CLOSED event with a classified error, and connect failures with their codes.
 * Run by tests/c_api.rs. Prints "features: ALL OK (N checks)" and exits 0 on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct {
    int records;
    int connected_seen;
    int freed;
} log_state;

static void on_log(void *user_data, int level, const char *target, const char *message) {
    log_state *s = (log_state *)user_data;
    s->records++;
    if (level >= GEMINI_LIVE_LOG_ERROR && level <= GEMINI_LIVE_LOG_TRACE && target &&
        strncmp(target, "gemini_live", 11) == 0 && strstr(message, "connected to")) {
        s->connected_seen = 1;
    }
}

static void on_log_free(void *user_data) { ((log_state *)user_data)->freed++; }

static gemini_live_session *connect_to(const char *endpoint, int reconnect) {
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    OK(gemini_live_config_new(&config));
    OK(gemini_live_config_set_endpoint(config, endpoint));
    OK(gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT));
    /* TEXT: no current Google conversational model answers in it; the fake's own does. */
    OK(gemini_live_config_set_model(config, "fake-text-live"));
    OK(gemini_live_config_add_function(config, "get_weather", "Weather by city",
                                       "{\"type\":\"OBJECT\",\"properties\":"
                                       "{\"city\":{\"type\":\"STRING\"}}}"));
    OK(gemini_live_config_set_reconnect(config, reconnect != 0));
    OK(gemini_live_session_connect(config, &session));
    gemini_live_config_free(config);
    return session;
}

/* Waits for an event of `type`, freeing the others; NULL on timeout or end. */
static gemini_live_event *wait_for(gemini_live_session *s, uint32_t type, char *text,
                                   size_t text_len) {
    gemini_live_event *ev = NULL;
    size_t used = 0;
    if (text_len) {
        text[0] = '\0';
    }
    while (gemini_live_session_next_event(s, 10000, &ev) == GEMINI_LIVE_OK) {
        uint32_t t = gemini_live_event_type(ev);
        append_text(ev, text, text_len, &used);
        if (t == type) {
            return ev;
        }
        gemini_live_event_free(ev);
        if (t == GEMINI_LIVE_EVENT_CLOSED) {
            break;
        }
    }
    return NULL;
}

static void tool_round_trip(gemini_live_session *s) {
    char text[512];
    const char *id, *name, *args, *json;
    char id_copy[64];
    size_t count = 0, len = 0;
    gemini_live_event *ev;
    OK(gemini_live_session_send_text(s, "call tool get_weather with {\"city\": \"Paris\"}"));
    ev = wait_for(s, GEMINI_LIVE_EVENT_TOOL_CALL, NULL, 0);
    CHECK(ev != NULL);
    if (!ev) {
        return;
    }
    OK(gemini_live_event_tool_call_count(ev, &count));
    CHECK(count == 1);
    OK(gemini_live_event_tool_call(ev, 0, &id, &name, &args));
    CHECK(strcmp(name, "get_weather") == 0);
    CHECK(strstr(args, "\"city\":\"Paris\"") != NULL);
    CHECK(gemini_live_event_tool_call(ev, 1, &id, &name, &args) == GEMINI_LIVE_INVALID_ARGUMENT);
    OK(gemini_live_event_json(ev, &json, &len));
    CHECK(strstr(json, "\"type\":\"tool_call\"") != NULL && strstr(json, "get_weather"));
    snprintf(id_copy, sizeof id_copy, "%s", id);
    gemini_live_event_free(ev); /* id, name, args are invalid from here on */
    OK(gemini_live_session_send_tool_response(s, id_copy, "get_weather",
                                              "{\"result\":\"sunny, 21C\"}"));
    ev = wait_for(s, GEMINI_LIVE_EVENT_TURN_COMPLETE, text, sizeof text);
    CHECK(ev != NULL);
    CHECK(strstr(text, "tool get_weather returned") != NULL && strstr(text, "sunny, 21C"));
    printf("tool reply: %s\n", text);
    gemini_live_event_free(ev);
}

static void text_turn_metrics_and_handle(gemini_live_session *s) {
    char text[256], handle[256];
    gemini_live_metrics m;
    gemini_live_event *ev;
    size_t needed = 0;
    uint32_t state = 99;
    OK(gemini_live_session_send_text(s, "hello features"));
    ev = wait_for(s, GEMINI_LIVE_EVENT_TURN_COMPLETE, text, sizeof text);
    CHECK(ev != NULL);
    CHECK(strstr(text, "echo: hello features") != NULL);
    printf("text reply: %s\n", text);
    gemini_live_event_free(ev);

    memset(&m, 0, sizeof m);
    m.size = sizeof m;
    OK(gemini_live_session_metrics(s, &m));
    CHECK(m.size == sizeof m && m.version == 3);
    CHECK(m.messages_sent >= 1 && m.messages_received >= 3 && m.bytes_received > 0);
    CHECK(m.connect_total_us > 0 && m.last_turn_complete_us >= 0);
    CHECK(m.state == GEMINI_LIVE_STATE_CONNECTED && m.last_close_code == -1);
    CHECK(m.send_latency_count >= 1 && m.send_latency_max_us >= 0);
    CHECK(m.send_latency_p99_us >= m.send_latency_p50_us);
    /* an old caller with a smaller struct gets only what it asked for */
    memset(&m, 0xAB, sizeof m);
    m.size = 16;
    OK(gemini_live_session_metrics(s, &m));
    CHECK(m.size == 16 && m.messages_sent == 0xABABABABABABABABULL);

    OK(gemini_live_session_resumption_handle(s, handle, sizeof handle, &needed));
    CHECK(needed == strlen(handle) + 1);
    OK(gemini_live_session_state(s, &state));
    CHECK(state == GEMINI_LIVE_STATE_CONNECTED);
}

static void server_close(const char *endpoint) {
    gemini_live_session *s = connect_to(endpoint, 0);
    gemini_live_event *ev;
    gemini_live_result code = 0;
    const char *message = NULL, *reason = NULL;
    uint16_t close_code = 0;
    if (!s) {
        return;
    }
    OK(gemini_live_session_send_text(s, "this one is cut off"));
    ev = wait_for(s, GEMINI_LIVE_EVENT_CLOSED, NULL, 0);
    CHECK(ev != NULL);
    if (ev) {
        OK(gemini_live_event_close(ev, &close_code, &reason));
        CHECK(close_code == 1011);
        OK(gemini_live_event_error(ev, &code, &message));
        CHECK(code == GEMINI_LIVE_SERVER_CLOSED_RETRYABLE);
        printf("server close: %u %s / %s\n", (unsigned)close_code, reason, message);
        gemini_live_event_free(ev);
    }
    CHECK(gemini_live_session_next_event(s, 5000, &ev) == GEMINI_LIVE_CLOSED);
    CHECK(gemini_live_session_send_text(s, "late") == GEMINI_LIVE_CLOSED);
    {
        char why[128];
        gemini_live_metrics m;
        memset(&m, 0, sizeof m);
        m.size = sizeof m;
        OK(gemini_live_session_metrics(s, &m));
        CHECK(m.last_close_code == 1011 && m.state == GEMINI_LIVE_STATE_CLOSED);
        OK(gemini_live_session_last_close_reason(s, why, sizeof why, NULL));
        CHECK(strcmp(why, "Internal error occurred.") == 0);
    }
    gemini_live_session_free(s);
}

static void connect_failures(const char *endpoint) {
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    char detail[512];
    OK(gemini_live_config_new(&config));
    OK(gemini_live_config_set_endpoint(config, endpoint));
    OK(gemini_live_config_set_reconnect(config, false)); /* fail at once, no retries */
    OK(gemini_live_config_set_model(config, "no-such-model"));
    CHECK(gemini_live_session_connect(config, &session) == GEMINI_LIVE_MODEL_NOT_FOUND);
    CHECK(session == NULL);
    OK(gemini_live_last_error_message(detail, sizeof detail, NULL));
    CHECK(strstr(detail, "no-such-model") != NULL);
    printf("model not found: %s\n", detail);
    /* port 1 on loopback: refused */
    OK(gemini_live_config_set_endpoint(config, "ws://127.0.0.1:1"));
    OK(gemini_live_config_set_model(config, "fake-text-live"));
    CHECK(gemini_live_session_connect(config, &session) == GEMINI_LIVE_IO);
    CHECK(session == NULL);
    /* through a proxy nobody listens on: the message names it, never its password */
    OK(gemini_live_config_set_endpoint(config, endpoint));
    OK(gemini_live_config_set_proxy(config, "http://user:CPROXYCANARY@127.0.0.1:1"));
    CHECK(gemini_live_session_connect(config, &session) == GEMINI_LIVE_IO);
    OK(gemini_live_last_error_message(detail, sizeof detail, NULL));
    CHECK(strstr(detail, "proxy http://127.0.0.1:1") != NULL);
    CHECK(strstr(detail, "CPROXYCANARY") == NULL);
    printf("proxy down: %s\n", detail);
    gemini_live_config_free(config);
}

int main(void) {
    log_state logs = {0, 0, 0};
    gemini_live_fake_server *fake = NULL, *closing = NULL;
    gemini_live_session *s;
    char endpoint[64], closing_endpoint[64];

    OK(gemini_live_set_log_level(GEMINI_LIVE_LOG_DEBUG));
    OK(gemini_live_set_log_callback(on_log, &logs, on_log_free));
    OK(gemini_live_fake_server_start(0, &fake));
    OK(gemini_live_fake_server_endpoint(fake, endpoint, sizeof endpoint, NULL));
    /* connection 1: close with 1011 when the 2nd client message (after setup) arrives */
    OK(gemini_live_fake_server_start_with_faults(0, "1@2:close=1011", &closing));
    OK(gemini_live_fake_server_endpoint(closing, closing_endpoint, sizeof closing_endpoint, NULL));

    s = connect_to(endpoint, 1);
    CHECK(s != NULL);
    if (s) {
        tool_round_trip(s);
        text_turn_metrics_and_handle(s);
        OK(gemini_live_session_close(s));
        gemini_live_session_free(s);
    }
    server_close(closing_endpoint);
    connect_failures(endpoint);

    OK(gemini_live_set_log_callback(NULL, NULL, NULL));
    CHECK(logs.records > 0 && logs.connected_seen);
    CHECK(logs.freed == 1);
    printf("log records: %d\n", logs.records);
    gemini_live_fake_server_free(closing);
    gemini_live_fake_server_free(fake);

    return check_report("features");
}
