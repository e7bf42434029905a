/*
 * models.c - today's Live models from C: the capability check before connecting, the fake
 * serving chosen models with their rules, the extended-thinking lifecycle
 * (GEMINI_LIVE_INTERACTION_IN_PROGRESS, then _IDLE), non-blocking tool responses with
 * scheduling, and the newer setup fields. Run by tests/c_api.rs.
 * Prints "models: ALL OK (N checks)" and exits 0 on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *ET = "gemini-3.8-live-extended-thinking";

static gemini_live_config *config_for(const char *endpoint, const char *model) {
    gemini_live_config *c = NULL;
    OK(gemini_live_config_new(&c));
    OK(gemini_live_config_set_endpoint(c, endpoint));
    OK(gemini_live_config_set_model(c, model));
    OK(gemini_live_config_set_reconnect(c, false));
    return c;
}

/* Reads events until a TURN_COMPLETE that ends the interaction; collects the text and
 * counts the IN_PROGRESS segments. Returns the number of TURN_COMPLETE events seen. */
static int interaction(gemini_live_session *s, char *text, size_t cap, int *in_progress,
                       int *interrupted) {
    gemini_live_event *ev = NULL;
    size_t used = 0;
    int turns = 0;
    text[0] = '\0';
    *in_progress = 0;
    if (interrupted) {
        *interrupted = 0;
    }
    while (gemini_live_session_next_event(s, 10000, &ev) == GEMINI_LIVE_OK) {
        uint32_t t = gemini_live_event_type(ev), status = 99;
        append_text(ev, text, cap, &used);
        if (t == GEMINI_LIVE_EVENT_INTERRUPTED && interrupted) {
            *interrupted = 1;
        }
        if (t == GEMINI_LIVE_EVENT_TEXT) {
            /* Only TURN_COMPLETE events have an interaction status. */
            CHECK(gemini_live_event_interaction_status(ev, &status) ==
                  GEMINI_LIVE_WRONG_EVENT_TYPE);
        }
        if (t == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            turns++;
            OK(gemini_live_event_interaction_status(ev, &status));
            if (status == GEMINI_LIVE_INTERACTION_IN_PROGRESS) {
                (*in_progress)++;
            } else {
                CHECK(status == GEMINI_LIVE_INTERACTION_IDLE);
                gemini_live_event_free(ev);
                return turns;
            }
        }
        gemini_live_event_free(ev);
        if (t == GEMINI_LIVE_EVENT_CLOSED) {
            break;
        }
    }
    return -1;
}

/* Reads events up to the next TURN_COMPLETE; 1 if it was marked IN_PROGRESS. */
static int until_in_progress(gemini_live_session *s) {
    gemini_live_event *ev = NULL;
    while (gemini_live_session_next_event(s, 10000, &ev) == GEMINI_LIVE_OK) {
        uint32_t t = gemini_live_event_type(ev), status = 0;
        if (t == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            OK(gemini_live_event_interaction_status(ev, &status));
            gemini_live_event_free(ev);
            return status == GEMINI_LIVE_INTERACTION_IN_PROGRESS;
        }
        gemini_live_event_free(ev);
        if (t == GEMINI_LIVE_EVENT_CLOSED) {
            break;
        }
    }
    return 0;
}

static void refused_before_connecting(const char *endpoint) {
    char detail[512];
    gemini_live_session *s = NULL;
    gemini_live_config *c = config_for(endpoint, "gemini-3.8-live");
    OK(gemini_live_config_set_response_modality(c, GEMINI_LIVE_MODALITY_TEXT));
    CHECK(gemini_live_config_validate(c) == GEMINI_LIVE_INVALID_CONFIG);
    gemini_live_last_error_message(detail, sizeof detail, NULL);
    CHECK(strstr(detail, "gemini-3.8-live") && strstr(detail, "TEXT"));
    CHECK(gemini_live_session_connect(c, &s) == GEMINI_LIVE_INVALID_CONFIG && s == NULL);
    /* Bypassed, the fake refuses it as the service does (1007, not retried). */
    OK(gemini_live_config_set_skip_model_check(c, true));
    OK(gemini_live_config_validate(c));
    CHECK(gemini_live_session_connect(c, &s) != GEMINI_LIVE_OK && s == NULL);
    gemini_live_last_error_message(detail, sizeof detail, NULL);
    CHECK(strstr(detail, "1007") != NULL);
    printf("refused: %s\n", detail);
    gemini_live_config_free(c);
}

static void not_served(const char *endpoint) {
    gemini_live_session *s = NULL;
    gemini_live_config *c = config_for(endpoint, "gemini-2.5-flash-native-audio-preview-12-2025");
    CHECK(gemini_live_session_connect(c, &s) == GEMINI_LIVE_MODEL_NOT_FOUND);
    gemini_live_config_free(c);
}

static void extended_thinking(const char *endpoint) {
    char text[1024];
    int in_progress = 0, interrupted = 0;
    gemini_live_session *s = NULL;
    gemini_live_event *ev = NULL;
    gemini_live_config *c = config_for(endpoint, ET);
    /* Newer setup fields the model accepts. */
    OK(gemini_live_config_set_proactivity(c, 1, 0));
    OK(gemini_live_config_set_initial_history_in_client_content(c, false));
    OK(gemini_live_config_add_safety_setting(c, "HARM_CATEGORY_HARASSMENT", "BLOCK_ONLY_HIGH"));
    OK(gemini_live_config_set_transcription_options(c, GEMINI_LIVE_TRANSCRIPTION_INPUT,
                                                    "en-US,de-DE", "VERBATIM"));
    OK(gemini_live_config_set_vad_start_sensitivity(c, "low"));
    OK(gemini_live_config_set_turn_coverage(c, "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO"));
    OK(gemini_live_config_set_media_resolution(c, "MEDIA_RESOLUTION_LOW"));
    OK(gemini_live_config_add_function(c, "get_time", "The time", ""));
    OK(gemini_live_config_set_function_behavior(c, "get_time", "NON_BLOCKING"));
    OK(gemini_live_config_set_extra_setup_json(c, "{\"generationConfig\":{\"temperature\":0.5}}"));
    OK(gemini_live_session_connect(c, &s));
    gemini_live_config_free(c);
    if (!s) {
        return;
    }
    OK(gemini_live_session_send_text(s, "hello c"));
    CHECK(interaction(s, text, sizeof text, &in_progress, NULL) == 2);
    CHECK(in_progress == 1);
    CHECK(strstr(text, "let me think about that.") && strstr(text, "[turn 1] echo: hello c"));
    printf("extended thinking: %s\n", text);

    /* A non-blocking call answered with INTERRUPT. */
    OK(gemini_live_session_send_text(s, "call tool get_time with {}"));
    while (gemini_live_session_next_event(s, 10000, &ev) == GEMINI_LIVE_OK &&
           gemini_live_event_type(ev) != GEMINI_LIVE_EVENT_TOOL_CALL) {
        gemini_live_event_free(ev);
        ev = NULL;
    }
    CHECK(ev != NULL);
    if (ev) {
        const char *id, *name, *args;
        char id_copy[64];
        OK(gemini_live_event_tool_call(ev, 0, &id, &name, &args));
        snprintf(id_copy, sizeof id_copy, "%s", id);
        gemini_live_event_free(ev);
        /* The model keeps talking while the call runs: a segment marked IN_PROGRESS. */
        CHECK(until_in_progress(s) == 1);
        OK(gemini_live_session_send_tool_response_scheduled(s, id_copy, "get_time",
                                                            "{\"time\":\"12:00\"}",
                                                            "INTERRUPT", false));
        CHECK(interaction(s, text, sizeof text, &in_progress, &interrupted) >= 1);
        CHECK(interrupted == 1);
        CHECK(strstr(text, "tool get_time returned {\"time\":\"12:00\"}") != NULL);
        printf("tool reply: %s\n", text);
    }
    /* A context update (the fake accepts it; service support varies by model). */
    OK(gemini_live_session_send_context_update(s, "Be concise.", NULL));
    OK(gemini_live_session_send_text(s, "after update"));
    CHECK(interaction(s, text, sizeof text, &in_progress, NULL) == 2);
    CHECK(strstr(text, "echo: after update") != NULL);
    gemini_live_session_free(s);
}

int main(void) {
    gemini_live_fake_server *fake = NULL;
    char endpoint[64];
    OK(gemini_live_fake_server_start_with_models(0, "", "gemini-3.8-live, gemini-3.8-live-extended-thinking",
                                                  &fake));
    if (!fake) {
        return 1;
    }
    OK(gemini_live_fake_server_endpoint(fake, endpoint, sizeof endpoint, NULL));
    refused_before_connecting(endpoint);
    not_served(endpoint);
    extended_thinking(endpoint);
    gemini_live_fake_server_free(fake);
    return check_report("models");
}
