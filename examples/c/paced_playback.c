/*
 * paced_playback.c - playback that does not stall, in C, against the embedded fake server.
 *
 * The fake sends each reply's audio (2 s, in 100 ms chunks, a tone in words with gaps
 * between them) at PACE times real time: 0.7 is a model generating slower than it speaks.
 * A player made with gemini_live_player_new_paced (adaptive start on) measures how fast each
 * reply arrives and plays it from a simulated sound card callback thread (24 kHz mono, 10 ms
 * every 10 ms) without running dry:
 *
 *   - the first reply has no length to go by: the player waits for its second chunk (its
 *     rate), then pauses at word gaps whenever the buffer is about to run dry;
 *   - later replies wait, before they start, just as long as the previous reply's length
 *     and rate say they need.
 *
 * For each reply it prints the player's underruns, start delay, pauses and measured rate:
 *
 *   reply 1: 0 underruns, start delay 430 ms, 3 pauses (510 ms), silence 940 ms, arrival 0.70x
 *
 * Build (after `cargo build --release`), from the repository root:
 *
 *   cc examples/c/paced_playback.c -Iinclude -Ltarget/release -lgemini_live -lpthread -ldl -lm -o paced_playback
 *
 * Run:
 *
 *   LD_LIBRARY_PATH=target/release ./paced_playback [PACE [REPLIES]]
 *
 * PACE defaults to 0.7, REPLIES to 2. It needs no network and no API key.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gemini_live.h"

#define RATE 24000
#define PERIOD_FRAMES (RATE / 100) /* 10 ms */

typedef struct {
    gemini_live_player *player;
    pthread_mutex_t lock; /* guards `stop` only; never taken around the read */
    int stop;
} device_args;

static void report(const char *what, gemini_live_result r) {
    char detail[512];
    if (gemini_live_last_error_message(detail, sizeof detail, NULL) != GEMINI_LIVE_OK) {
        detail[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s (%u)\n  %s\n", what, gemini_live_result_str(r), (unsigned)r,
            detail);
}

static void sleep_ms(long ms) {
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

static unsigned long ms_of(uint64_t samples) { return (unsigned long)(samples * 1000 / RATE); }

/* The sound card: one real-time-safe read of 10 ms every 10 ms, on an absolute schedule. */
static void *device(void *p) {
    device_args *d = (device_args *)p;
    static int16_t buf[PERIOD_FRAMES];
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        int stop;
        size_t played = 0;
        pthread_mutex_lock(&d->lock);
        stop = d->stop;
        pthread_mutex_unlock(&d->lock);
        if (stop) {
            return NULL;
        }
        gemini_live_player_read(d->player, buf, PERIOD_FRAMES, &played);
        next.tv_nsec += 10 * 1000000L;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
}

/* Feeds one reply's events to the player until the turn completes. 0 on success. */
static int play_reply(gemini_live_session *session, gemini_live_player *player) {
    gemini_live_result r = gemini_live_session_send_text(session, "Say something.");
    if (r != GEMINI_LIVE_OK) {
        report("send_text", r);
        return 1;
    }
    for (;;) {
        gemini_live_event *ev = NULL;
        uint32_t type;
        r = gemini_live_session_next_event(session, 30000, &ev);
        if (r != GEMINI_LIVE_OK) {
            report("next_event", r);
            return 1;
        }
        type = gemini_live_event_type(ev);
        /* Audio is queued (and timed) for the device; TURN_COMPLETE ends the reply. */
        r = gemini_live_player_push_event(player, ev, NULL);
        gemini_live_event_free(ev);
        if (r != GEMINI_LIVE_OK) {
            report("player_push_event", r);
            return 1;
        }
        if (type == GEMINI_LIVE_EVENT_CLOSED) {
            fprintf(stderr, "the session closed before the reply was complete\n");
            return 1;
        }
        if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            return 0;
        }
    }
}

/* Plays `replies` replies and prints what each did. 0 on success. */
static int run(gemini_live_session *session, gemini_live_player *player, int replies) {
    int i;
    for (i = 1; i <= replies; i++) {
        gemini_live_player_stats before, after;
        long waited;
        before.size = sizeof before;
        after.size = sizeof after;
        if (gemini_live_player_get_stats(player, &before) != GEMINI_LIVE_OK ||
            play_reply(session, player)) {
            return 1;
        }
        for (waited = 0; waited < 20000; waited += 10) { /* until it has played out */
            if (gemini_live_player_get_stats(player, &after) != GEMINI_LIVE_OK) {
                return 1;
            }
            if (after.buffered == 0) {
                break;
            }
            sleep_ms(10);
        }
        printf("reply %d: %lu underruns, start delay %lu ms, %lu pauses (%lu ms), silence %lu "
               "ms, arrival %.2fx\n",
               i, (unsigned long)(after.underruns - before.underruns), ms_of(after.start_delay),
               (unsigned long)(after.pauses - before.pauses), ms_of(after.paused - before.paused),
               ms_of(after.start_delay + (after.paused - before.paused) +
                     (after.underrun_samples - before.underrun_samples)),
               after.arrival_rate_milli / 1000.0);
    }
    return 0;
}

int main(int argc, char **argv) {
    double pace = argc > 1 ? atof(argv[1]) : 0.7;
    int replies = argc > 2 ? atoi(argv[2]) : 2;
    gemini_live_fake_server *fake = NULL;
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    gemini_live_player *player = NULL;
    device_args dev;
    pthread_t device_thread;
    char url[128];
    gemini_live_result r;
    int failed = 1;

    /* 2 s replies at `pace` times real time, in words with gaps (the player's pause points). */
    r = gemini_live_fake_server_start_paced(0, 2000, pace, true, &fake);
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_fake_server_endpoint(fake, url, sizeof url, NULL);
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_config_new(&config);
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_config_set_endpoint(config, url);
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_AUDIO);
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_session_connect(config, &session);
    }
    if (r == GEMINI_LIVE_OK) {
        /* 24 kHz mono, 80 ms threshold, 30 s cap, adaptive start on. */
        r = gemini_live_player_new_paced(RATE, 1, 80, 30000, true, &player);
    }
    if (r != GEMINI_LIVE_OK) {
        report("setting up", r);
    } else {
        dev.player = player;
        dev.stop = 0;
        pthread_mutex_init(&dev.lock, NULL);
        if (pthread_create(&device_thread, NULL, device, &dev) == 0) {
            printf("the fake sends each reply at %.2fx real time\n", pace);
            failed = run(session, player, replies);
            pthread_mutex_lock(&dev.lock);
            dev.stop = 1;
            pthread_mutex_unlock(&dev.lock);
            pthread_join(device_thread, NULL);
        }
        pthread_mutex_destroy(&dev.lock);
        gemini_live_session_close(session);
    }
    gemini_live_session_free(session);
    gemini_live_config_free(config);
    gemini_live_player_free(player);
    gemini_live_fake_server_free(fake);
    return failed;
}
