/*
 * wrapper/wrapper.hpp - what the files of the C++ wrapper test share: the includes, the check
 * helpers (counted in main.cpp), two session helpers and the groups of checks each file holds.
 *
 *   CHECK(cond)               counts a check; on failure prints the file, line and condition.
 *   EXPECT_ERROR(code, body)  runs body, which must throw gemini_live::error with code;
 *                             returns its message.
 */
#ifndef GEMINI_LIVE_TESTS_WRAPPER_HPP
#define GEMINI_LIVE_TESTS_WRAPPER_HPP

#include "gemini_live.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#endif

namespace gl = gemini_live;
using gl::event_type;
using std::chrono::milliseconds;
using std::chrono::seconds;

extern int checks;
extern int failures;

void check(bool ok, const char *what, const char *file, int line);

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

// Runs `f`, which must throw gemini_live::error with `code`; returns its message.
template <class F>
std::string expect_error(gemini_live_result code, F f, const char *file, int line) {
    try {
        f();
    } catch (const gl::error &e) {
        check(e.code() == code, "the error code is the expected one", file, line);
        if (e.code() != code) {
            std::fprintf(stderr, "  got %u: %s\n", static_cast<unsigned>(e.code()), e.what());
        }
        check(std::strlen(e.what()) > 0, "the error has a message", file, line);
        check(e.description() == std::string(gemini_live_result_str(code)),
              "description() is the code's", file, line);
        return e.what();
    }
    check(false, "an exception was thrown", file, line);
    return std::string();
}
#define EXPECT_ERROR(code, body) expect_error((code), [&] { body; }, __FILE__, __LINE__)

// A text session's config for `endpoint`, with a function declared (main.cpp).
gl::config text_config(const std::string &endpoint);

// Events until one of `type`; the text of TEXT events on the way is appended to `text`
// (main.cpp).
gl::event wait_for(gl::session &s, event_type type, std::string *text = nullptr);

// session.cpp
void ownership_and_moves(const std::string &endpoint);
void errors_carry_codes_and_messages(const std::string &endpoint);
void text_audio_and_views(const std::string &endpoint);
void tool_round_trip(const std::string &endpoint);
void end_of_session(const std::string &endpoint);
void log_callback(const std::string &endpoint);

// lifecycle.cpp
void reconnects_through_a_fault_plan();
void context_restored_or_lost();
void typed_fields();
void newer_surfaces(const std::string &endpoint);
void vertex_with_a_token_callback();

// audio.cpp
void audio_helpers_and_budget();
void telephony_helpers(const std::string &endpoint);

#endif
