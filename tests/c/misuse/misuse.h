/*
 * misuse/misuse.h - what the files of the misuse program share: the check helpers (defined
 * in main.c, which counts) and the groups of calls each file holds. Valid C99 and C++11.
 *
 *   EXPECT(call, want)  counts a check; on a different code prints the file, line, call,
 *                       both codes and the library's last error message to stderr.
 *   CHECK(cond)         counts a check; on failure prints the file, line and condition.
 *   NUL                 GEMINI_LIVE_NULL_ARGUMENT, the code most calls here expect.
 */
#ifndef GEMINI_LIVE_TESTS_MISUSE_H
#define GEMINI_LIVE_TESTS_MISUSE_H

/* gemini_live_test_panic: only in the test build (cargo feature test-exports) */
#define GEMINI_LIVE_TEST_EXPORTS
#include "gemini_live.h"

#include <stdio.h>
#include <string.h>

void expect_code(gemini_live_result got, gemini_live_result want, const char *call,
                 const char *file, int line);
void expect_true(int ok, const char *what, const char *file, int line);

#define EXPECT(call, want) expect_code((call), (want), #call, __FILE__, __LINE__)
#define NUL GEMINI_LIVE_NULL_ARGUMENT
#define CHECK(cond) expect_true((cond) ? 1 : 0, #cond, __FILE__, __LINE__)

/* config.c */
void null_config_setters(gemini_live_config *c);
void bad_config_values(gemini_live_config *c);
void model_calls(gemini_live_config *c, gemini_live_session *s);

/* session.c */
void null_session_calls(gemini_live_session *s);
void bad_session_input(gemini_live_session *s);
void after_close(gemini_live_session *s);

/* events.c */
void null_events(void);
void null_field_accessors(void);
void wrong_event_accessors(gemini_live_session *s);

/* audio.c */
void audio_misuse(gemini_live_config *c);
void echo_misuse(void);

/* telephony.c */
void telephony_misuse(void);

#endif
