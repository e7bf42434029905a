/*
 * check.h - the check counters and macros shared by the C test programs in tests/c (models.c,
 * vertex.c, features.c, growth.c, fields/; run by tests/c_api.rs and tests/abi_growth.rs).
 * Header-only; valid C99 and C++11.
 *
 * A program of one translation unit includes it as it is: the counters are static, its own.
 * A program of several (fields/) defines GEMINI_LIVE_CHECK_SHARED before including it in
 * every file, and GEMINI_LIVE_CHECK_COUNTERS too in exactly one (the one with main), which
 * then holds the one pair of counters every file counts in.
 *
 *   CHECK(cond)  counts a check; on failure prints the line, the condition and the library's
 *                last error message to stderr.
 *   OK(call)     CHECK(call == GEMINI_LIVE_OK).
 *   check_report("name") prints "name: ALL OK (N checks)" to stdout and returns 0, or
 *                "name: F of N checks FAILED" to stderr and returns 1: main's exit code.
 *   append_text(ev, buf, cap, &used) appends a TEXT event's text to buf.
 */
#ifndef GEMINI_LIVE_TESTS_CHECK_H
#define GEMINI_LIVE_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

#include "gemini_live.h"

#if !defined(GEMINI_LIVE_CHECK_SHARED)
static int checks = 0, failures = 0;
#elif defined(GEMINI_LIVE_CHECK_COUNTERS)
int checks = 0, failures = 0;
#else
extern int checks, failures;
#endif

static inline void check(int ok, const char *what, int line) {
    checks++;
    if (!ok) {
        char detail[512];
        gemini_live_last_error_message(detail, sizeof detail, NULL);
        fprintf(stderr, "line %d: %s is false\n  last error: %s\n", line, what, detail);
        failures++;
    }
}

static inline int check_report(const char *name) {
    if (failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", name, failures, checks);
        return 1;
    }
    printf("%s: ALL OK (%d checks)\n", name, checks);
    return 0;
}

/* If ev is a TEXT event whose text fits, appends it to buf (cap bytes, *used of them taken
 * before the terminator) and keeps buf NUL-terminated; otherwise leaves buf alone. */
static inline void append_text(const gemini_live_event *ev, char *buf, size_t cap,
                               size_t *used) {
    const char *p;
    size_t n;
    if (gemini_live_event_type(ev) == GEMINI_LIVE_EVENT_TEXT && cap &&
        gemini_live_event_text(ev, &p, &n) == GEMINI_LIVE_OK && *used + n < cap) {
        memcpy(buf + *used, p, n);
        *used += n;
        buf[*used] = '\0';
    }
}

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)
#define OK(call) check((call) == GEMINI_LIVE_OK, #call, __LINE__)

#endif
