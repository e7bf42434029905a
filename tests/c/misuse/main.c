/*
 * misuse/main.c - the C API under misuse: NULL for every pointer of every function, calls
 * after close, double close, free(NULL), empty and odd-sized audio, invalid UTF-8, bad JSON,
 * wrong event accessors, small buffers, and a panic inside the library. Every call must return
 * its documented code and nothing may crash or abort. Run by tests/c_api.rs, which builds
 * every .c file of this folder into one program and checks that every function of the header
 * appears in one of them.
 *
 * This file holds the check counters, the library-wide calls and main; config.c, session.c,
 * events.c, audio.c and telephony.c hold the rest, declared in misuse.h.
 *
 * Prints "misuse: ALL OK (N checks)" and exits 0 on success.
 */
#include "misuse.h"
#include "gemini_live.h" /* twice on purpose: the include guard must hold */

static int checks = 0, failures = 0;

void expect_code(gemini_live_result got, gemini_live_result want, const char *call,
                 const char *file, int line) {
    checks++;
    if (got != want) {
        char detail[256];
        gemini_live_last_error_message(detail, sizeof detail, NULL);
        fprintf(stderr, "%s:%d: %s returned %u (%s), expected %u (%s)\n  detail: %s\n", file,
                line, call, (unsigned)got, gemini_live_result_str(got), (unsigned)want,
                gemini_live_result_str(want), detail);
        failures++;
    }
}

void expect_true(int ok, const char *what, const char *file, int line) {
    checks++;
    if (!ok) {
        fprintf(stderr, "%s:%d: %s is false\n", file, line, what);
        failures++;
    }
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
