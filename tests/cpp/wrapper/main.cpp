/*
 * wrapper/main.cpp - the C++ wrapper (include/gemini_live.hpp) against the embedded fake server:
 * ownership and moves, errors as exceptions with their codes, string_view and span-style
 * input, typed event accessors, a tool-call round trip, reconnection through a fault plan,
 * the log callback, and the end of a session. Built as C++17 with -Wall -Wextra -Werror and
 * run (also under valgrind) by tests/cpp_api.rs.
 * Every .cpp file of this folder is built into the one program: session.cpp (ownership,
 * errors, input, tools, the end, logs), lifecycle.cpp (reconnection, context, typed fields,
 * newer surfaces, Vertex AI) and audio.cpp (audio helpers, telephony); this file holds the
 * counters, the shared session helpers and main. Prints "cpp wrapper: ALL OK (N checks)".
 */
#include "wrapper.hpp"

int checks = 0;
int failures = 0;

void check(bool ok, const char *what, const char *file, int line) {
    checks++;
    if (!ok) {
        std::fprintf(stderr, "%s:%d: %s is false\n", file, line, what);
        failures++;
    }
}

static_assert(!std::is_copy_constructible<gl::session>::value, "sessions are move-only");
static_assert(!std::is_copy_assignable<gl::config>::value, "configs are move-only");
static_assert(!std::is_copy_constructible<gl::event>::value, "events are move-only");
static_assert(!std::is_copy_constructible<gl::fake_server>::value, "servers are move-only");
static_assert(std::is_nothrow_move_constructible<gl::session>::value, "moves do not throw");
static_assert(std::is_nothrow_move_assignable<gl::event>::value, "moves do not throw");

gl::config text_config(const std::string &endpoint) {
    gl::config c;
    c.set_endpoint(endpoint)
        .set_response_modality(GEMINI_LIVE_MODALITY_TEXT)
        .set_model("fake-text-live") // TEXT: no current Google conversational model answers in it
        .add_function("get_weather", "Weather by city",
                      R"({"type":"OBJECT","properties":{"city":{"type":"STRING"}}})")
        .set_send_timeout_ms(seconds(5))
        .set_quota_delay_ms(seconds(10)); // the default, through the wrapper
    return c; // moved out
}

gl::event wait_for(gl::session &s, event_type type, std::string *text) {
    for (;;) {
        std::optional<gl::event> ev = s.next_event(seconds(10));
        if (!ev) {
            throw std::runtime_error("no event within 10 s");
        }
        if (text != nullptr && ev->is(event_type::text)) {
            *text += ev->text();
        }
        if (ev->type() == type) {
            return std::move(*ev);
        }
        if (ev->is(event_type::closed)) {
            throw std::runtime_error("closed while waiting: " + std::string(ev->json()));
        }
    }
}
int main() {
    try {
        CHECK(gl::version() == GEMINI_LIVE_VERSION_STRING);
        gl::fake_server server;
        const std::string endpoint = server.endpoint();
        CHECK(endpoint.rfind("ws://127.0.0.1:", 0) == 0);
        ownership_and_moves(endpoint);
        errors_carry_codes_and_messages(endpoint);
        text_audio_and_views(endpoint);
        tool_round_trip(endpoint);
        reconnects_through_a_fault_plan();
        context_restored_or_lost();
        typed_fields();
        newer_surfaces(endpoint);
        vertex_with_a_token_callback();
        audio_helpers_and_budget();
        telephony_helpers(endpoint);
        end_of_session(endpoint);
        log_callback(endpoint);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        failures++;
    }
    if (failures != 0) {
        std::printf("cpp wrapper: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    std::printf("cpp wrapper: ALL OK (%d checks)\n", checks);
    return 0;
}
