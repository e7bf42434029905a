/*
 * fields/fields.h - what the two files of the fields program share: the check counters (one
 * pair, in main.c), the count of events seen per kind, and check_fields. Valid C99 and C++11.
 */
#ifndef GEMINI_LIVE_TESTS_FIELDS_H
#define GEMINI_LIVE_TESTS_FIELDS_H

#define GEMINI_LIVE_CHECK_SHARED
#include "../check.h"

#define KINDS 64
/* Events checked, by kind (agree.c counts, main.c asks that every kind it provokes came). */
extern int seen[KINDS];

/* Reads ev's typed fields and checks them against its JSON (agree.c). */
void check_fields(const gemini_live_event *ev);

#endif
