/*
 * vertex.c - Vertex AI from C: the target setters, an access-token callback that hands out
 * a new token per connect (through a drop and a reconnection, against the fake at
 * $GEMINI_LIVE_ENDPOINT, which checks each token), transparent resumption (the resumption
 * updates' JSON carries last_consumed_index), user_data_free called once, and a failing
 * callback reported as GEMINI_LIVE_ACCESS_TOKEN. Run by tests/c_api.rs.
 * Prints "vertex: ALL OK (N checks)" and "vertex: tokens handed out: N" on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct {
    int calls;
    int freed;
    int fail;
} token_state;

/* Called on the connecting thread before every connect: writes a fresh token into buf. */
static uint32_t next_token(void *user_data, char *buf, size_t len) {
    token_state *s = (token_state *)user_data;
    if (s->fail) {
        snprintf(buf, len, "no credentials in this test");
        return GEMINI_LIVE_TOKEN_FAILED;
    }
    s->calls++;
    snprintf(buf, len, "ya29.c-token-%d", s->calls);
    return GEMINI_LIVE_TOKEN_OK;
}

static void free_state(void *user_data) { ((token_state *)user_data)->freed++; }

/* Sends `text` and collects the reply until TURN_COMPLETE (restarting on RESUMED);
 * counts resumption updates whose JSON has a last_consumed_index. */
static void turn(gemini_live_session *s, const char *text, char *reply, size_t cap,
                 int *indexed_updates) {
    gemini_live_event *ev = NULL;
    size_t used = 0;
    reply[0] = '\0';
    OK(gemini_live_session_send_text(s, text));
    while (gemini_live_session_next_event(s, 10000, &ev) == GEMINI_LIVE_OK) {
        uint32_t t = gemini_live_event_type(ev);
        const char *p;
        size_t n;
        append_text(ev, reply, cap, &used);
        if (t == GEMINI_LIVE_EVENT_RESUMED) {
            used = 0;
            reply[0] = '\0';
        }
        if (t == GEMINI_LIVE_EVENT_RESUMPTION_UPDATE) {
            int64_t index = -2;
            CHECK(gemini_live_event_last_consumed_index(ev, &index) == GEMINI_LIVE_OK);
            CHECK(index >= -1);
            /* The JSON rendering says the same. */
            CHECK(gemini_live_event_json(ev, &p, &n) == GEMINI_LIVE_OK);
            if (index >= 0 && strstr(p, "\"last_consumed_index\":") &&
                !strstr(p, "\"last_consumed_index\":null")) {
                (*indexed_updates)++;
            }
        } else {
            int64_t index = 0;
            CHECK(gemini_live_event_last_consumed_index(ev, &index) ==
                  GEMINI_LIVE_WRONG_EVENT_TYPE);
        }
        gemini_live_event_free(ev);
        if (t == GEMINI_LIVE_EVENT_TURN_COMPLETE || t == GEMINI_LIVE_EVENT_CLOSED) {
            return;
        }
    }
}

int main(void) {
    const char *endpoint = getenv("GEMINI_LIVE_ENDPOINT");
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    token_state state = {0, 0, 0};
    char reply[256];
    int indexed = 0;
    if (!endpoint) {
        fprintf(stderr, "set GEMINI_LIVE_ENDPOINT to a Vertex fake\n");
        return 2;
    }

    OK(gemini_live_config_new(&config));
    OK(gemini_live_config_set_endpoint(config, endpoint));
    OK(gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT));
    /* TEXT: no current Google conversational model answers in it; the fake's own does. */
    OK(gemini_live_config_set_model(config, "fake-text-live"));
    /* Vertex options need a target first. */
    CHECK(gemini_live_config_set_vertex_user_project(config, "billing") ==
          GEMINI_LIVE_INVALID_ARGUMENT);
    OK(gemini_live_config_set_vertex(config, "c-proj", "us-central1"));
    CHECK(gemini_live_config_set_vertex_api_version(config, "v1beta") ==
          GEMINI_LIVE_INVALID_ARGUMENT);
    OK(gemini_live_config_set_vertex_api_version(config, "v1beta1"));
    OK(gemini_live_config_set_vertex_user_project(config, "billing"));
    OK(gemini_live_config_set_vertex_transparent_resumption(config, true));
    /* An API key is refused on Vertex, clearly, before connecting. */
    OK(gemini_live_config_set_api_key(config, "AIzaNOTFORVERTEX"));
    CHECK(gemini_live_config_validate(config) == GEMINI_LIVE_INVALID_CONFIG);
    OK(gemini_live_config_set_access_token_callback(config, next_token, &state, free_state));
    OK(gemini_live_config_validate(config));

    OK(gemini_live_session_connect(config, &session));
    gemini_live_config_free(config);
    CHECK(state.freed == 0); /* the session still holds the callback */
    if (session) {
        turn(session, "one", reply, sizeof reply, &indexed);
        printf("vertex reply: %s\n", reply);
        CHECK(strcmp(reply, "[turn 1] echo: one") == 0);
        turn(session, "two", reply, sizeof reply, &indexed);
        printf("vertex reply: %s\n", reply);
        CHECK(strcmp(reply, "[turn 2] echo: two") == 0);
        OK(gemini_live_session_close(session));
        gemini_live_session_free(session);
    }
    CHECK(state.calls >= 2); /* a new token for the reconnection */
    CHECK(indexed >= 1);
    CHECK(state.freed == 1);
    printf("vertex: tokens handed out: %d\n", state.calls);

    /* A failing callback: GEMINI_LIVE_ACCESS_TOKEN with its message, against a Vertex fake
     * started from C; no session is made. */
    {
        gemini_live_fake_server *fake = NULL;
        char own[64];
        char detail[512];
        token_state failing = {0, 0, 1};
        session = NULL;
        OK(gemini_live_fake_server_start_vertex(0, "c-proj", "global", "", &fake));
        OK(gemini_live_fake_server_endpoint(fake, own, sizeof own, NULL));
        OK(gemini_live_config_new(&config));
        OK(gemini_live_config_set_endpoint(config, own));
        OK(gemini_live_config_set_vertex(config, "c-proj", "global"));
        OK(gemini_live_config_set_access_token_callback(config, next_token, &failing,
                                                         free_state));
        CHECK(gemini_live_session_connect(config, &session) == GEMINI_LIVE_ACCESS_TOKEN);
        gemini_live_last_error_message(detail, sizeof detail, NULL);
        CHECK(strstr(detail, "no credentials in this test") != NULL);
        CHECK(session == NULL);
        /* Replacing the callback releases the old user data. */
        OK(gemini_live_config_set_access_token_callback(config, NULL, NULL, NULL));
        CHECK(failing.freed == 1);
        CHECK(gemini_live_config_validate(config) == GEMINI_LIVE_INVALID_CONFIG);
        gemini_live_config_free(config);
        gemini_live_fake_server_free(fake);
    }

    return check_report("vertex");
}
