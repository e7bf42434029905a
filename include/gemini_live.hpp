/*
 * gemini_live.hpp - header-only C++17 wrapper over the gemini_live C API (gemini_live.h).
 *
 * Build: c++ -std=c++17 app.cpp $(pkg-config --cflags --libs gemini_live)
 *   (or, in the repository: c++ -std=c++17 app.cpp -Iinclude -Ltarget/release -lgemini_live)
 *
 *     #include "gemini_live.hpp"
 *     #include <iostream>
 *
 *     int main() try {
 *         gemini_live::config config;                  // GEMINI_API_KEY etc. from the environment
 *         gemini_live::session session(config);        // default model, audio + transcript
 *         session.send_text("Hello!");
 *         while (auto ev = session.next_event(std::chrono::seconds(30))) {
 *             if (ev->type() == gemini_live::event_type::text) std::cout << ev->text();
 *             if (ev->type() == gemini_live::event_type::turn_complete) break;
 *         }
 *         session.close();
 *         return 0;
 *     } catch (const gemini_live::error &e) {
 *         std::cerr << e.what() << '\n';               // e.code() is the gemini_live_result
 *         return 1;
 *     }
 *
 * What it adds to the C API, and nothing else:
 * - Ownership: config, session, event and fake_server own their C object, free it in their
 *   destructor, and are move-only. A moved-from object holds nothing; using it throws
 *   gemini_live::error with GEMINI_LIVE_NULL_ARGUMENT.
 * - Errors: every failing call throws gemini_live::error, carrying the gemini_live_result
 *   (code()), its description and the library's detail text (detail()). Expected outcomes are
 *   not errors: next_event returns an empty optional on GEMINI_LIVE_TIMEOUT, try_send_audio
 *   returns false on GEMINI_LIVE_WOULD_BLOCK. After the final CLOSED event next_event throws
 *   with GEMINI_LIVE_CLOSED.
 * - Input: strings as std::string_view (copied; one containing a NUL byte is refused with
 *   GEMINI_LIVE_INVALID_ARGUMENT rather than cut short), audio as samples_view (pointer and
 *   count, or any contiguous int16_t container: std::vector, std::array, C arrays, std::span)
 *   and bytes as bytes_view.
 * - Events: typed accessors on gemini_live::event (text(), audio(), tool_calls(), close()...),
 *   returning views into the event: zero-copy, valid until the event is destroyed. Accessors
 *   on the wrong event type throw with GEMINI_LIVE_WRONG_EVENT_TYPE. Event kinds added to a
 *   newer library arrive as event_type values this header does not name; json() renders any.
 * - Out-structs (metrics, usage, the stats structs, gemini_live_turn_playback) come back by
 *   value with their `size` set by the wrapper: the C API's "ABI growth" field is never yours
 *   to fill.
 * - Threads, lifetimes and shutdown order are the C API's (see gemini_live.h): a session may
 *   be used from several threads at once, but not destroyed while another thread uses it.
 *
 * Anything not wrapped is one get() away: every class exposes its C pointer.
 */
#ifndef GEMINI_LIVE_HPP
#define GEMINI_LIVE_HPP

#include "gemini_live.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace gemini_live {

/** A failed call: the result code, its description and the library's detail text. */
class error : public std::runtime_error {
  public:
    error(gemini_live_result code, const std::string &what, std::string detail)
        : std::runtime_error(what), code_(code), detail_(std::move(detail)) {}

    /** The GEMINI_LIVE_* result code. */
    gemini_live_result code() const noexcept { return code_; }
    /** The library's detail text for this failure (may be empty). */
    const std::string &detail() const noexcept { return detail_; }
    /** The static description of code() (gemini_live_result_str). */
    const char *description() const noexcept { return gemini_live_result_str(code_); }

  private:
    gemini_live_result code_;
    std::string detail_;
};

namespace detail {

/** The calling thread's latest error detail, read right after the failure. */
inline std::string last_error_message() {
    std::string buf(512, '\0');
    size_t needed = 0;
    gemini_live_result r = gemini_live_last_error_message(&buf[0], buf.size(), &needed);
    if (r == GEMINI_LIVE_BUFFER_TOO_SMALL && needed > buf.size()) {
        buf.assign(needed, '\0');
        r = gemini_live_last_error_message(&buf[0], buf.size(), &needed);
    }
    if (r != GEMINI_LIVE_OK) {
        return std::string();
    }
    buf.resize(std::char_traits<char>::length(buf.c_str()));
    return buf;
}

[[noreturn]] inline void fail(gemini_live_result code, const char *call, std::string detail) {
    std::string what = std::string(call) + ": " + gemini_live_result_str(code) + " (" +
                       std::to_string(code) + ")";
    if (!detail.empty()) {
        what += ": " + detail;
    }
    throw error(code, what, std::move(detail));
}

/** Throws gemini_live::error unless `r` is GEMINI_LIVE_OK. */
inline void check(gemini_live_result r, const char *call) {
    if (r != GEMINI_LIVE_OK) {
        fail(r, call, last_error_message());
    }
}

/** A NUL-terminated copy of `s`; refuses an embedded NUL instead of cutting the text. */
inline std::string c_string(std::string_view s, const char *call) {
    if (s.find('\0') != std::string_view::npos) {
        fail(GEMINI_LIVE_INVALID_ARGUMENT, call, "the text contains a NUL byte");
    }
    return std::string(s);
}

/** Calls `f(buf, len, &needed)` and returns the string it copied out, growing as asked. */
template <class F> std::string copy_out(F f, const char *call) {
    std::string buf(128, '\0');
    size_t needed = 0;
    gemini_live_result r = f(&buf[0], buf.size(), &needed);
    // The text may grow between calls (metrics text, a new handle): retry with the size asked.
    for (int tries = 0; r == GEMINI_LIVE_BUFFER_TOO_SMALL && needed > buf.size() && tries < 4;
         ++tries) {
        buf.assign(needed, '\0');
        r = f(&buf[0], buf.size(), &needed);
    }
    check(r, call);
    buf.resize(std::char_traits<char>::length(buf.c_str()));
    return buf;
}

inline uint32_t to_ms(std::chrono::milliseconds d) {
    if (d.count() <= 0) {
        return 0;
    }
    if (d.count() >= static_cast<long long>(std::numeric_limits<uint32_t>::max())) {
        return std::numeric_limits<uint32_t>::max();
    }
    return static_cast<uint32_t>(d.count());
}

template <class C, class T, class = void> struct is_contiguous_of : std::false_type {};
template <class C, class T>
struct is_contiguous_of<
    C, T,
    std::void_t<decltype(std::declval<const C &>().data()),
                decltype(std::declval<const C &>().size())>>
    : std::is_convertible<decltype(std::declval<const C &>().data()), const T *> {};

} // namespace detail

/** A read-only view of contiguous elements (a C++17 stand-in for std::span<const T>). */
template <class T> class basic_view {
  public:
    constexpr basic_view() noexcept = default;
    constexpr basic_view(const T *data, size_t size) noexcept : data_(data), size_(size) {}
    template <size_t N> constexpr basic_view(const T (&array)[N]) noexcept : data_(array), size_(N) {}
    /** Any contiguous container of T: std::vector, std::array, std::basic_string, std::span. */
    template <class C, class = std::enable_if_t<detail::is_contiguous_of<C, T>::value &&
                                                !std::is_same<C, basic_view>::value>>
    constexpr basic_view(const C &c) noexcept : data_(c.data()), size_(c.size()) {}

    constexpr const T *data() const noexcept { return data_; }
    constexpr size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr const T *begin() const noexcept { return data_; }
    constexpr const T *end() const noexcept { return data_ + size_; }
    constexpr const T &operator[](size_t i) const noexcept { return data_[i]; }

  private:
    const T *data_ = nullptr;
    size_t size_ = 0;
};

/** PCM16 mono samples (native endian). */
using samples_view = basic_view<int16_t>;
/** Raw bytes (little-endian PCM16, a JPEG frame, a PEM file...). */
using bytes_view = basic_view<uint8_t>;

/** The GEMINI_LIVE_EVENT_* kinds; values outside this list come from a newer library. */
enum class event_type : uint32_t {
    none = GEMINI_LIVE_EVENT_NONE,
    setup_complete = GEMINI_LIVE_EVENT_SETUP_COMPLETE,
    text = GEMINI_LIVE_EVENT_TEXT,
    thought = GEMINI_LIVE_EVENT_THOUGHT,
    audio = GEMINI_LIVE_EVENT_AUDIO,
    inline_data = GEMINI_LIVE_EVENT_INLINE_DATA,
    code_execution = GEMINI_LIVE_EVENT_CODE_EXECUTION,
    input_transcription = GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
    output_transcription = GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
    tool_call = GEMINI_LIVE_EVENT_TOOL_CALL,
    tool_call_cancellation = GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION,
    interrupted = GEMINI_LIVE_EVENT_INTERRUPTED,
    generation_complete = GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
    turn_complete = GEMINI_LIVE_EVENT_TURN_COMPLETE,
    usage = GEMINI_LIVE_EVENT_USAGE,
    grounding = GEMINI_LIVE_EVENT_GROUNDING,
    go_away = GEMINI_LIVE_EVENT_GO_AWAY,
    resumption_update = GEMINI_LIVE_EVENT_RESUMPTION_UPDATE,
    state_changed = GEMINI_LIVE_EVENT_STATE_CHANGED,
    unknown = GEMINI_LIVE_EVENT_UNKNOWN,
    error = GEMINI_LIVE_EVENT_ERROR,
    closed = GEMINI_LIVE_EVENT_CLOSED,
    reconnecting = GEMINI_LIVE_EVENT_RECONNECTING,
    resumed = GEMINI_LIVE_EVENT_RESUMED,
    new_session = GEMINI_LIVE_EVENT_NEW_SESSION,
    input_dropped = GEMINI_LIVE_EVENT_INPUT_DROPPED,
    tool_responses_dropped = GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED,
    url_context = GEMINI_LIVE_EVENT_URL_CONTEXT,
    waiting_for_input = GEMINI_LIVE_EVENT_WAITING_FOR_INPUT,
    voice_activity = GEMINI_LIVE_EVENT_VOICE_ACTIVITY,
    vad_signal = GEMINI_LIVE_EVENT_VAD_SIGNAL,
    interim_input_transcription = GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION,
    text_finished = GEMINI_LIVE_EVENT_TEXT_FINISHED,
    reply_discarded = GEMINI_LIVE_EVENT_REPLY_DISCARDED,
    context_lost = GEMINI_LIVE_EVENT_CONTEXT_LOST,
    context_restored = GEMINI_LIVE_EVENT_CONTEXT_RESTORED,
    tool_calls_abandoned = GEMINI_LIVE_EVENT_TOOL_CALLS_ABANDONED,
};

/** Model audio of an AUDIO event, borrowed from the event. */
struct audio_chunk {
    samples_view samples;
    uint32_t sample_rate = 0;
};

/** Payload of an INLINE_DATA event, borrowed from the event. */
struct inline_payload {
    std::string_view mime_type;
    bytes_view data;
};

/** One function call of a TOOL_CALL event, borrowed from the event. */
struct function_call {
    std::string_view id;
    std::string_view name;
    std::string_view args_json;
};

/** Close code and reason of a CLOSED event, borrowed from the event. */
struct close_info {
    uint16_t code = 0;
    std::string_view reason;
};

/** The error of an ERROR, CLOSED or RECONNECTING event (GEMINI_LIVE_OK: none). */
struct error_info {
    gemini_live_result code = GEMINI_LIVE_OK;
    std::string_view message;
};

/** One per-modality token count of a usage (event::usage_details). */
struct usage_detail {
    std::string_view modality;
    int64_t token_count = -1; /**< -1 where the server sent none */
};

/** One word of a TRANSCRIPTION_DETAIL event (event::transcription_detail). */
struct transcript_word {
    std::string_view word;
    std::optional<std::chrono::milliseconds> start; /**< in the audio; none when not sent */
    std::optional<std::chrono::milliseconds> end;
};

/** TRANSCRIPTION_DETAIL: word timings, speaker label and offsets (protocol.md D.3). */
struct transcription_detail_info {
    uint32_t source = 0; /**< GEMINI_LIVE_TRANSCRIPT_* */
    std::optional<std::string_view> speaker_label;
    std::optional<std::chrono::milliseconds> start;
    std::optional<std::chrono::milliseconds> end;
    std::vector<transcript_word> words;
};

/** A usage's labels (event::usage_labels): Vertex AI's trafficType, the Developer API's
 *  serviceTier; none when not sent. */
struct usage_labels_info {
    std::optional<std::string_view> traffic_type;
    std::optional<std::string_view> service_tier;
};

/** RESUMPTION_UPDATE (event::resumption). */
struct resumption_info {
    std::optional<std::string_view> handle; /**< none when not resumable */
    bool resumable = false;
};

/** RECONNECTING (event::reconnecting). */
struct reconnect_info {
    uint32_t attempt = 0; /**< 1-based within this outage */
    std::chrono::milliseconds delay{0};
};

/** CONTEXT_RESTORED (event::context_restored): exchanges put back as history, their
 *  characters, and the exchanges the server lost that did not fit the context budget. */
struct restored_context {
    uint64_t turns = 0;
    uint64_t chars = 0;
    uint64_t dropped = 0;
};

/** INPUT_DROPPED (event::input_dropped). */
struct dropped_input {
    uint64_t messages = 0;
    uint64_t bytes = 0;
};

/** VOICE_ACTIVITY (event::voice_activity). */
struct voice_activity_info {
    uint32_t kind = 0; /**< GEMINI_LIVE_VOICE_ACTIVITY_START or _END */
    std::optional<std::chrono::milliseconds> audio_offset;
};

/** VAD_SIGNAL (event::vad_signal). */
struct vad_signal_info {
    uint32_t signal = GEMINI_LIVE_VAD_SIGNAL_OTHER; /**< a GEMINI_LIVE_VAD_SIGNAL_* */
    std::string_view name; /**< "start_of_speech", "end_of_speech" or the value as sent */
};

/** Thrown by a token_callback when no token can be had now but a later attempt may succeed
 *  (GEMINI_LIVE_TOKEN_RETRY_LATER); any other exception means GEMINI_LIVE_TOKEN_FAILED. */
class token_retry_later : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/** Returns a fresh OAuth 2 access token for Vertex AI (cache it until shortly before it
 *  expires). Called before every connect, on the connecting thread (see
 *  gemini_live_token_callback); its exceptions never reach the library. */
using token_callback = std::function<std::string()>;

namespace detail {
inline void write_message(char *buf, size_t len, const char *text) {
    if (buf == nullptr || len == 0) {
        return;
    }
    size_t n = std::char_traits<char>::length(text);
    n = n < len - 1 ? n : len - 1;
    std::char_traits<char>::copy(buf, text, n);
    buf[n] = '\0';
}

inline uint32_t token_trampoline(void *user_data, char *buf, size_t len) {
    try {
        std::string token = (*static_cast<token_callback *>(user_data))();
        const bool fits = buf != nullptr && token.size() < len;
        if (fits) {
            std::char_traits<char>::copy(buf, token.data(), token.size());
            buf[token.size()] = '\0';
        }
        std::fill(token.begin(), token.end(), '\0'); // no copy of the secret lingers here
        if (!fits) {
            write_message(buf, len, "the access token does not fit the library's buffer");
            return GEMINI_LIVE_TOKEN_FAILED;
        }
        return GEMINI_LIVE_TOKEN_OK;
    } catch (const token_retry_later &e) {
        write_message(buf, len, e.what());
        return GEMINI_LIVE_TOKEN_RETRY_LATER;
    } catch (const std::exception &e) {
        write_message(buf, len, e.what());
        return GEMINI_LIVE_TOKEN_FAILED;
    } catch (...) {
        write_message(buf, len, "the token callback threw");
        return GEMINI_LIVE_TOKEN_FAILED;
    }
}

inline void token_free(void *user_data) { delete static_cast<token_callback *>(user_data); }
} // namespace detail

/** Configuration: starts from the library defaults overridden by the environment
 *  (GEMINI_API_KEY, GEMINI_LIVE_MODEL, GEMINI_LIVE_ENDPOINT...). Setters return *this. */
class config {
  public:
    config() { detail::check(gemini_live_config_new(&p_), "gemini_live_config_new"); }
    ~config() { gemini_live_config_free(p_); }
    config(config &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    config &operator=(config &&o) noexcept {
        if (this != &o) {
            gemini_live_config_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    config(const config &) = delete;
    config &operator=(const config &) = delete;

    /** The C object, still owned by this config. */
    gemini_live_config *get() const noexcept { return p_; }

    /** Checks the configuration as connect would, without connecting. */
    void validate() const { detail::check(gemini_live_config_validate(p_), "gemini_live_config_validate"); }

#define GEMINI_LIVE_HPP_STR_SETTER(name)                                                        \
    config &name(std::string_view value) {                                                      \
        std::string s = detail::c_string(value, "gemini_live_config_" #name);                   \
        detail::check(gemini_live_config_##name(p_, s.c_str()), "gemini_live_config_" #name);   \
        return *this;                                                                           \
    }
#define GEMINI_LIVE_HPP_SETTER(name, type)                                                      \
    config &name(type value) {                                                                  \
        detail::check(gemini_live_config_##name(p_, value), "gemini_live_config_" #name);       \
        return *this;                                                                           \
    }
#define GEMINI_LIVE_HPP_MS_SETTER(name)                                                         \
    config &name(std::chrono::milliseconds value) {                                             \
        detail::check(gemini_live_config_##name(p_, detail::to_ms(value)),                      \
                      "gemini_live_config_" #name);                                             \
        return *this;                                                                           \
    }
#define GEMINI_LIVE_HPP_ACTION(name)                                                            \
    config &name() {                                                                            \
        detail::check(gemini_live_config_##name(p_), "gemini_live_config_" #name);              \
        return *this;                                                                           \
    }

    // Connection and credentials.
    GEMINI_LIVE_HPP_STR_SETTER(set_api_key)
    GEMINI_LIVE_HPP_STR_SETTER(set_ephemeral_token)
    GEMINI_LIVE_HPP_STR_SETTER(set_model)
    GEMINI_LIVE_HPP_STR_SETTER(set_endpoint)
    GEMINI_LIVE_HPP_STR_SETTER(set_api_version)
    /** The proxy for every connect and reconnect, overriding the environment:
     *  "http://[user:password@]host:port" (HTTP CONNECT; "https://..." over TLS to the proxy),
     *  "socks5h://[user:password@]host:port" (SOCKS5, remote DNS; "socks5://..." local DNS),
     *  "none" (direct) or "env" (the default: wss_proxy, https_proxy, all_proxy, no_proxy).
     *  A malformed URL throws gemini_live::error (GEMINI_LIVE_INVALID_CONFIG); a refusal at
     *  connect is GEMINI_LIVE_PROXY. See gemini_live_config_set_proxy. */
    GEMINI_LIVE_HPP_STR_SETTER(set_proxy)
    /** GEMINI_LIVE_MODALITY_TEXT, _AUDIO or _TEXT_AND_AUDIO. */
    GEMINI_LIVE_HPP_SETTER(set_response_modality, uint32_t)
    GEMINI_LIVE_HPP_STR_SETTER(set_system_instruction)
    GEMINI_LIVE_HPP_STR_SETTER(set_voice)
    GEMINI_LIVE_HPP_STR_SETTER(set_language_code)
    GEMINI_LIVE_HPP_SETTER(set_input_transcription, bool)
    GEMINI_LIVE_HPP_SETTER(set_output_transcription, bool)
    GEMINI_LIVE_HPP_SETTER(set_session_resumption, bool)
    GEMINI_LIVE_HPP_STR_SETTER(set_resumption_handle)
    // Vertex AI.
    /** Vertex AI in `project` and `location` instead of the Developer API (needs an access
     *  token callback; an empty project switches back). */
    config &set_vertex(std::string_view project, std::string_view location) {
        const char *call = "gemini_live_config_set_vertex";
        std::string p = detail::c_string(project, call);
        std::string l = detail::c_string(location, call);
        detail::check(gemini_live_config_set_vertex(p_, p.c_str(), l.c_str()), call);
        return *this;
    }
    GEMINI_LIVE_HPP_STR_SETTER(set_vertex_api_version)
    GEMINI_LIVE_HPP_SETTER(set_vertex_transparent_resumption, bool)
    GEMINI_LIVE_HPP_STR_SETTER(set_vertex_user_project)
    /** The access-token source (sent as Authorization: Bearer, never logged); replaces any
     *  key or token. An empty callback removes the credentials. */
    config &set_access_token_callback(token_callback callback) {
        const char *call = "gemini_live_config_set_access_token_callback";
        if (!callback) {
            detail::check(gemini_live_config_set_access_token_callback(p_, nullptr, nullptr, nullptr), call);
            return *this;
        }
        auto *owned = new token_callback(std::move(callback));
        gemini_live_result r = gemini_live_config_set_access_token_callback(
            p_, &detail::token_trampoline, owned, &detail::token_free);
        if (r != GEMINI_LIVE_OK) {
            delete owned; // not taken on failure
            detail::check(r, call);
        }
        return *this;
    }

    /** The first connect: at most `attempts` within `total` (defaults 3 and 10 s). */
    config &set_first_connect_budget(uint32_t attempts, std::chrono::milliseconds total) {
        detail::check(gemini_live_config_set_first_connect_budget(p_, attempts, detail::to_ms(total)),
                      "gemini_live_config_set_first_connect_budget");
        return *this;
    }
    GEMINI_LIVE_HPP_MS_SETTER(set_resume_wait_ms)
    GEMINI_LIVE_HPP_MS_SETTER(set_quota_delay_ms)
    /** Records every frame as JSON Lines to `path` (GEMINI_LIVE_RECORD_AUDIO_KEEP or _SUMMARY);
     *  an empty path turns recording off. Secrets are never written. */
    config &set_record(std::string_view path, uint32_t audio = GEMINI_LIVE_RECORD_AUDIO_KEEP) {
        const char *call = "gemini_live_config_set_record";
        std::string p = detail::c_string(path, call);
        detail::check(gemini_live_config_set_record(p_, path.empty() ? nullptr : p.c_str(), audio), call);
        return *this;
    }

    /** Skips the check against the model capability table (to see how the service refuses). */
    GEMINI_LIVE_HPP_SETTER(set_skip_model_check, bool)
    /** A JSON object merged into `setup` (not validated; empty removes it). */
    GEMINI_LIVE_HPP_STR_SETTER(set_extra_setup_json)
    GEMINI_LIVE_HPP_SETTER(set_initial_history_in_client_content, bool)
    /** -1 not sent, 0 false, 1 true (both -1 removes it). */
    config &set_proactivity(int32_t audio, int32_t video) {
        detail::check(gemini_live_config_set_proactivity(p_, audio, video),
                      "gemini_live_config_set_proactivity");
        return *this;
    }
    /** `which` is GEMINI_LIVE_TRANSCRIPTION_INPUT or _OUTPUT; `language_codes` comma-separated. */
    config &set_transcription_options(uint32_t which, std::string_view language_codes,
                                      std::string_view mode) {
        const char *call = "gemini_live_config_set_transcription_options";
        std::string codes = detail::c_string(language_codes, call);
        std::string m = detail::c_string(mode, call);
        detail::check(gemini_live_config_set_transcription_options(p_, which, codes.c_str(), m.c_str()),
                      call);
        return *this;
    }
    /** Live-translate models: the target language (empty removes it). */
    config &set_translation(std::string_view target_language_code, bool echo_target_language) {
        const char *call = "gemini_live_config_set_translation";
        std::string code = detail::c_string(target_language_code, call);
        detail::check(gemini_live_config_set_translation(p_, code.c_str(), echo_target_language), call);
        return *this;
    }
    config &add_safety_setting(std::string_view category, std::string_view threshold) {
        const char *call = "gemini_live_config_add_safety_setting";
        std::string c = detail::c_string(category, call);
        std::string t = detail::c_string(threshold, call);
        detail::check(gemini_live_config_add_safety_setting(p_, c.c_str(), t.c_str()), call);
        return *this;
    }

    // Tools.
    /** Declares a function the model may call; `parameters_json` is an OpenAPI-style schema
     *  object, e.g. {"type":"OBJECT","properties":{"city":{"type":"STRING"}}} (empty: none). */
    config &add_function(std::string_view name, std::string_view description,
                         std::string_view parameters_json = {}) {
        const char *call = "gemini_live_config_add_function";
        std::string n = detail::c_string(name, call);
        std::string d = detail::c_string(description, call);
        std::string p = detail::c_string(parameters_json, call);
        detail::check(gemini_live_config_add_function(p_, n.c_str(), d.c_str(), p.c_str()), call);
        return *this;
    }
    /** BLOCKING, NON_BLOCKING or empty (the model's default) for a function added above. */
    config &set_function_behavior(std::string_view name, std::string_view behavior) {
        const char *call = "gemini_live_config_set_function_behavior";
        std::string n = detail::c_string(name, call);
        std::string b = detail::c_string(behavior, call);
        detail::check(gemini_live_config_set_function_behavior(p_, n.c_str(), b.c_str()), call);
        return *this;
    }
    GEMINI_LIVE_HPP_ACTION(add_google_search)
    GEMINI_LIVE_HPP_ACTION(add_code_execution)
    GEMINI_LIVE_HPP_ACTION(add_url_context)
    GEMINI_LIVE_HPP_ACTION(clear_tools)

    // Generation.
    GEMINI_LIVE_HPP_SETTER(set_temperature, float)
    GEMINI_LIVE_HPP_SETTER(set_top_p, float)
    GEMINI_LIVE_HPP_SETTER(set_top_k, uint32_t)
    GEMINI_LIVE_HPP_SETTER(set_max_output_tokens, uint32_t)
    GEMINI_LIVE_HPP_SETTER(set_seed, int64_t)
    GEMINI_LIVE_HPP_SETTER(set_presence_penalty, float)
    GEMINI_LIVE_HPP_SETTER(set_frequency_penalty, float)
    GEMINI_LIVE_HPP_STR_SETTER(set_media_resolution)
    GEMINI_LIVE_HPP_SETTER(set_thinking_budget, int32_t)
    GEMINI_LIVE_HPP_STR_SETTER(set_thinking_level)
    GEMINI_LIVE_HPP_SETTER(set_include_thoughts, bool)
    GEMINI_LIVE_HPP_SETTER(set_affective_dialog, bool)

    // Voice activity detection.
    GEMINI_LIVE_HPP_SETTER(set_automatic_activity_detection, bool)
    GEMINI_LIVE_HPP_STR_SETTER(set_vad_start_sensitivity)
    GEMINI_LIVE_HPP_STR_SETTER(set_vad_end_sensitivity)
    GEMINI_LIVE_HPP_MS_SETTER(set_vad_prefix_padding_ms)
    GEMINI_LIVE_HPP_MS_SETTER(set_vad_silence_duration_ms)
    GEMINI_LIVE_HPP_STR_SETTER(set_activity_handling)
    GEMINI_LIVE_HPP_STR_SETTER(set_turn_coverage)
    config &set_context_window_compression(bool enabled, uint64_t trigger_tokens = 0,
                                           uint64_t target_tokens = 0) {
        detail::check(gemini_live_config_set_context_window_compression(p_, enabled, trigger_tokens,
                                                                        target_tokens),
                      "gemini_live_config_set_context_window_compression");
        return *this;
    }

    // Timeouts, queues and limits.
    GEMINI_LIVE_HPP_MS_SETTER(set_connect_timeout_ms)
    /** `phase` is a GEMINI_LIVE_PHASE_* constant. */
    config &set_phase_timeout_ms(uint32_t phase, std::chrono::milliseconds value) {
        detail::check(gemini_live_config_set_phase_timeout_ms(p_, phase, detail::to_ms(value)),
                      "gemini_live_config_set_phase_timeout_ms");
        return *this;
    }
    GEMINI_LIVE_HPP_MS_SETTER(set_send_timeout_ms)
    GEMINI_LIVE_HPP_MS_SETTER(set_close_timeout_ms)
    GEMINI_LIVE_HPP_SETTER(set_send_queue_capacity, size_t)
    GEMINI_LIVE_HPP_SETTER(set_event_queue_capacity, size_t)
    GEMINI_LIVE_HPP_SETTER(set_max_message_size, size_t)
    config &set_extra_root_ca_pem(bytes_view pem) {
        detail::check(gemini_live_config_set_extra_root_ca_pem(p_, pem.data(), pem.size()),
                      "gemini_live_config_set_extra_root_ca_pem");
        return *this;
    }
    config &set_extra_root_ca_pem(std::string_view pem) {
        return set_extra_root_ca_pem(
            bytes_view(reinterpret_cast<const uint8_t *>(pem.data()), pem.size()));
    }

    // Keeping the conversation (restored when the server lost it).
    GEMINI_LIVE_HPP_SETTER(set_restore_context, bool)
    GEMINI_LIVE_HPP_SETTER(set_context_budget_chars, size_t)
    GEMINI_LIVE_HPP_SETTER(set_context_budget_turns, size_t)

    // Reconnection.
    GEMINI_LIVE_HPP_SETTER(set_reconnect, bool)
    GEMINI_LIVE_HPP_SETTER(set_reconnect_max_attempts, uint32_t)
    config &set_reconnect_delays_ms(std::chrono::milliseconds initial, std::chrono::milliseconds max) {
        detail::check(gemini_live_config_set_reconnect_delays_ms(p_, detail::to_ms(initial),
                                                                 detail::to_ms(max)),
                      "gemini_live_config_set_reconnect_delays_ms");
        return *this;
    }
    GEMINI_LIVE_HPP_MS_SETTER(set_reconnect_max_total_ms)
    GEMINI_LIVE_HPP_MS_SETTER(set_goaway_margin_ms)
    GEMINI_LIVE_HPP_SETTER(set_replay_max_bytes, size_t)
    GEMINI_LIVE_HPP_MS_SETTER(set_replay_max_audio_ms)
    GEMINI_LIVE_HPP_MS_SETTER(set_stall_timeout_ms)
    GEMINI_LIVE_HPP_MS_SETTER(set_keepalive_interval_ms)
    GEMINI_LIVE_HPP_MS_SETTER(set_pong_timeout_ms)

#undef GEMINI_LIVE_HPP_STR_SETTER
#undef GEMINI_LIVE_HPP_SETTER
#undef GEMINI_LIVE_HPP_MS_SETTER
#undef GEMINI_LIVE_HPP_ACTION

  private:
    gemini_live_config *p_ = nullptr;
};

/** One event from a session. Views returned by its accessors live as long as the event. */
class event {
  public:
    /** Takes ownership of `p` (from gemini_live_session_next_event). */
    explicit event(gemini_live_event *p) noexcept : p_(p) {}
    ~event() { gemini_live_event_free(p_); }
    event(event &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    event &operator=(event &&o) noexcept {
        if (this != &o) {
            gemini_live_event_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    event(const event &) = delete;
    event &operator=(const event &) = delete;

    /** The C object, still owned by this event. */
    gemini_live_event *get() const noexcept { return p_; }

    /** The kind (event_type::none for a moved-from event). */
    event_type type() const noexcept { return static_cast<event_type>(gemini_live_event_type(p_)); }
    bool is(event_type t) const noexcept { return type() == t; }

    /** TEXT, THOUGHT, INPUT_TRANSCRIPTION, OUTPUT_TRANSCRIPTION, INTERIM_INPUT_TRANSCRIPTION. */
    std::string_view text() const {
        const char *text = nullptr;
        size_t len = 0;
        detail::check(gemini_live_event_text(p_, &text, &len), "gemini_live_event_text");
        return std::string_view(text, len);
    }
    /** AUDIO. */
    audio_chunk audio() const {
        const int16_t *samples = nullptr;
        size_t n = 0;
        uint32_t rate = 0;
        detail::check(gemini_live_event_audio(p_, &samples, &n, &rate), "gemini_live_event_audio");
        return audio_chunk{samples_view(samples, n), rate};
    }
    /** INLINE_DATA. */
    inline_payload data() const {
        const char *mime = nullptr;
        const uint8_t *data = nullptr;
        size_t len = 0;
        detail::check(gemini_live_event_data(p_, &mime, &data, &len), "gemini_live_event_data");
        return inline_payload{std::string_view(mime), bytes_view(data, len)};
    }
    /** INPUT_TRANSCRIPTION, OUTPUT_TRANSCRIPTION: whether the utterance is final. */
    bool finished() const {
        bool finished = false;
        detail::check(gemini_live_event_finished(p_, &finished), "gemini_live_event_finished");
        return finished;
    }
    /** STATE_CHANGED: the new GEMINI_LIVE_STATE_*. */
    uint32_t state() const {
        uint32_t state = 0;
        detail::check(gemini_live_event_state(p_, &state), "gemini_live_event_state");
        return state;
    }
    /** TOOL_CALL: the function calls; answer each with session::send_tool_response. */
    std::vector<function_call> tool_calls() const {
        size_t count = 0;
        detail::check(gemini_live_event_tool_call_count(p_, &count), "gemini_live_event_tool_call_count");
        std::vector<function_call> calls;
        calls.reserve(count);
        for (size_t i = 0; i < count; i++) {
            const char *id = nullptr;
            const char *name = nullptr;
            const char *args = nullptr;
            detail::check(gemini_live_event_tool_call(p_, i, &id, &name, &args),
                          "gemini_live_event_tool_call");
            calls.push_back(function_call{id, name, args});
        }
        return calls;
    }
    /** TURN_COMPLETE: the GEMINI_LIVE_INTERACTION_* status (NONE where the model sends none). */
    uint32_t interaction_status() const {
        uint32_t status = 0;
        detail::check(gemini_live_event_interaction_status(p_, &status),
                      "gemini_live_event_interaction_status");
        return status;
    }
    /** RESUMPTION_UPDATE (Vertex, transparent resumption): the last client message index
     *  the server's state includes, or -1 when the update carried none. */
    int64_t last_consumed_index() const {
        int64_t index = -1;
        detail::check(gemini_live_event_last_consumed_index(p_, &index),
                      "gemini_live_event_last_consumed_index");
        return index;
    }
    /** SETUP_COMPLETE: the session id, if the service sent one. */
    std::optional<std::string_view> session_id() const {
        const char *id = nullptr;
        detail::check(gemini_live_event_session_id(p_, &id), "gemini_live_event_session_id");
        return opt(id);
    }
    /** USAGE, TURN_COMPLETE: the token counts (-1 where absent); none for a TURN_COMPLETE
     *  without usage. */
    std::optional<gemini_live_usage> usage() const {
        gemini_live_usage u{};
        u.size = sizeof u;
        bool present = false;
        detail::check(gemini_live_event_usage(p_, &u, &present), "gemini_live_event_usage");
        return present ? std::optional<gemini_live_usage>(u) : std::nullopt;
    }
    /** USAGE, TURN_COMPLETE: the per-modality counts of list `list`
     *  (GEMINI_LIVE_USAGE_*_DETAILS). */
    std::vector<usage_detail> usage_details(uint32_t list) const {
        size_t count = 0;
        detail::check(gemini_live_event_usage_detail_count(p_, list, &count),
                      "gemini_live_event_usage_detail_count");
        std::vector<usage_detail> out;
        out.reserve(count);
        for (size_t i = 0; i < count; i++) {
            const char *modality = nullptr;
            int64_t tokens = -1;
            detail::check(gemini_live_event_usage_detail(p_, list, i, &modality, &tokens),
                          "gemini_live_event_usage_detail");
            out.push_back(usage_detail{std::string_view(modality), tokens});
        }
        return out;
    }
    /** TURN_COMPLETE: the turnCompleteReason, if the model sent one. */
    std::optional<std::string_view> reason() const {
        const char *reason = nullptr;
        detail::check(gemini_live_event_reason(p_, &reason), "gemini_live_event_reason");
        return opt(reason);
    }
    /** GO_AWAY: the time left, if the server said. */
    std::optional<std::chrono::milliseconds> time_left() const {
        int64_t ms = -1;
        detail::check(gemini_live_event_time_left(p_, &ms), "gemini_live_event_time_left");
        return ms < 0 ? std::nullopt : std::optional<std::chrono::milliseconds>(ms);
    }
    /** RESUMPTION_UPDATE: the new handle (none when not resumable) and resumable. */
    resumption_info resumption() const {
        const char *handle = nullptr;
        bool resumable = false;
        detail::check(gemini_live_event_resumption(p_, &handle, &resumable),
                      "gemini_live_event_resumption");
        return resumption_info{opt(handle), resumable};
    }
    /** RECONNECTING: the attempt and its delay (the cause is error_detail()). */
    reconnect_info reconnecting() const {
        uint32_t attempt = 0;
        uint64_t delay = 0;
        detail::check(gemini_live_event_reconnecting(p_, &attempt, &delay),
                      "gemini_live_event_reconnecting");
        return reconnect_info{attempt, std::chrono::milliseconds(static_cast<int64_t>(delay))};
    }
    /** RESUMED, NEW_SESSION: messages replayed; REPLY_DISCARDED: the turn number;
     *  CONTEXT_LOST: the turns the model no longer remembers; CONTEXT_RESTORED: the
     *  exchanges put back. */
    uint64_t count() const {
        uint64_t n = 0;
        detail::check(gemini_live_event_count(p_, &n), "gemini_live_event_count");
        return n;
    }
    /** INPUT_DROPPED: the messages and bytes dropped. */
    dropped_input input_dropped() const {
        dropped_input d;
        detail::check(gemini_live_event_input_dropped(p_, &d.messages, &d.bytes),
                      "gemini_live_event_input_dropped");
        return d;
    }
    /** CONTEXT_RESTORED: what was put back after the server lost it. */
    restored_context context_restored() const {
        restored_context r;
        detail::check(gemini_live_event_context_restored(p_, &r.turns, &r.chars, &r.dropped),
                      "gemini_live_event_context_restored");
        return r;
    }
    /** TOOL_CALL_CANCELLATION, TOOL_RESPONSES_DROPPED, TOOL_CALLS_ABANDONED: the call ids. */
    std::vector<std::string_view> ids() const {
        size_t count = 0;
        detail::check(gemini_live_event_id_count(p_, &count), "gemini_live_event_id_count");
        std::vector<std::string_view> out;
        out.reserve(count);
        for (size_t i = 0; i < count; i++) {
            const char *id = nullptr;
            detail::check(gemini_live_event_id(p_, i, &id), "gemini_live_event_id");
            out.emplace_back(id);
        }
        return out;
    }
    /** INPUT_TRANSCRIPTION, OUTPUT_TRANSCRIPTION, INTERIM_INPUT_TRANSCRIPTION: the
     *  language (BCP-47), if the model sent one. */
    std::optional<std::string_view> language_code() const {
        const char *code = nullptr;
        detail::check(gemini_live_event_language_code(p_, &code), "gemini_live_event_language_code");
        return opt(code);
    }
    /** VOICE_ACTIVITY: start or end, and where in the input audio (if the server said). */
    voice_activity_info voice_activity() const {
        uint32_t kind = 0;
        int64_t offset = -1;
        detail::check(gemini_live_event_voice_activity(p_, &kind, &offset),
                      "gemini_live_event_voice_activity");
        return voice_activity_info{kind, offset < 0 ? std::nullopt
                                                    : std::optional<std::chrono::milliseconds>(offset)};
    }
    /** VAD_SIGNAL: the signal and its name. */
    vad_signal_info vad_signal() const {
        uint32_t signal = 0;
        const char *name = nullptr;
        detail::check(gemini_live_event_vad_signal(p_, &signal, &name), "gemini_live_event_vad_signal");
        return vad_signal_info{signal, std::string_view(name)};
    }
    /** TRANSCRIPTION_DETAIL: the word timings, speaker label and offsets of the
     *  transcription fragment just delivered. */
    transcription_detail_info transcription_detail() const {
        transcription_detail_info out;
        const char *label = nullptr;
        int64_t start = -1, end = -1;
        size_t count = 0;
        detail::check(gemini_live_event_transcription_detail(p_, &out.source, &label, &start,
                                                             &end, &count),
                      "gemini_live_event_transcription_detail");
        out.speaker_label = opt(label);
        out.start = ms(start);
        out.end = ms(end);
        for (size_t i = 0; i < count; ++i) {
            const char *word = nullptr;
            detail::check(gemini_live_event_transcription_word(p_, i, &word, &start, &end),
                          "gemini_live_event_transcription_word");
            out.words.push_back(transcript_word{std::string_view(word), ms(start), ms(end)});
        }
        return out;
    }
    /** THOUGHT_SIGNATURE, VOICE_CONSENT_SIGNATURE: the signature. */
    std::string_view signature() const {
        const char *sig = nullptr;
        detail::check(gemini_live_event_signature(p_, &sig), "gemini_live_event_signature");
        return std::string_view(sig);
    }
    /** TOOL_CALL (Vertex AI streamed arguments): call `index`'s partialArgs as a JSON array,
     *  and whether more of the call follows. */
    std::pair<std::string_view, bool> tool_call_stream(size_t index) const {
        const char *json = nullptr;
        bool more = false;
        detail::check(gemini_live_event_tool_call_stream(p_, index, &json, &more),
                      "gemini_live_event_tool_call_stream");
        return {std::string_view(json), more};
    }
    /** USAGE, TURN_COMPLETE: trafficType (Vertex AI) and serviceTier (Developer API). */
    usage_labels_info usage_labels() const {
        const char *traffic = nullptr, *tier = nullptr;
        detail::check(gemini_live_event_usage_labels(p_, &traffic, &tier),
                      "gemini_live_event_usage_labels");
        return usage_labels_info{opt(traffic), opt(tier)};
    }
    /** CLOSED: the close code and reason. */
    close_info close() const {
        uint16_t code = 0;
        const char *reason = nullptr;
        detail::check(gemini_live_event_close(p_, &code, &reason), "gemini_live_event_close");
        return close_info{code, std::string_view(reason)};
    }
    /** ERROR, CLOSED, RECONNECTING: what went wrong (code GEMINI_LIVE_OK: nothing). */
    error_info error_detail() const {
        gemini_live_result code = GEMINI_LIVE_OK;
        const char *message = nullptr;
        detail::check(gemini_live_event_error(p_, &code, &message), "gemini_live_event_error");
        return error_info{code, std::string_view(message)};
    }
    /** Any event as JSON, `{"type":"<kind>", ...}` (audio summarised without samples). */
    std::string_view json() const {
        const char *json = nullptr;
        size_t len = 0;
        detail::check(gemini_live_event_json(p_, &json, &len), "gemini_live_event_json");
        return std::string_view(json, len);
    }

  private:
    static std::optional<std::string_view> opt(const char *s) {
        return s ? std::optional<std::string_view>(s) : std::nullopt;
    }
    static std::optional<std::chrono::milliseconds> ms(int64_t v) {
        return v < 0 ? std::nullopt : std::optional<std::chrono::milliseconds>(v);
    }
    gemini_live_event *p_ = nullptr;
};

/** A connected Live session. Destroying it closes it (bounded by the close timeout). */
class session {
  public:
    /** Connects (retrying as the config's reconnect policy allows); throws on failure. */
    explicit session(const config &c) {
        detail::check(gemini_live_session_connect(c.get(), &p_), "gemini_live_session_connect");
    }
    ~session() { gemini_live_session_free(p_); }
    session(session &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    session &operator=(session &&o) noexcept {
        if (this != &o) {
            gemini_live_session_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    session(const session &) = delete;
    session &operator=(const session &) = delete;

    /** The C object, still owned by this session. */
    gemini_live_session *get() const noexcept { return p_; }

    /** The next event, or nothing if none arrived within `timeout`. Throws
     *  GEMINI_LIVE_CLOSED once the final CLOSED event has been taken. */
    std::optional<event> next_event(std::chrono::milliseconds timeout) {
        gemini_live_event *ev = nullptr;
        gemini_live_result r = gemini_live_session_next_event(p_, detail::to_ms(timeout), &ev);
        if (r == GEMINI_LIVE_TIMEOUT) {
            return std::nullopt;
        }
        detail::check(r, "gemini_live_session_next_event");
        return std::optional<event>(std::in_place, ev);
    }

    /** A text turn (clientContent with turnComplete). */
    void send_text(std::string_view text) {
        std::string s = detail::c_string(text, "gemini_live_session_send_text");
        detail::check(gemini_live_session_send_text(p_, s.c_str()), "gemini_live_session_send_text");
    }
    /** Text as realtime input (answered under server VAD like speech). */
    void send_realtime_text(std::string_view text) {
        std::string s = detail::c_string(text, "gemini_live_session_send_realtime_text");
        detail::check(gemini_live_session_send_realtime_text(p_, s.c_str()),
                      "gemini_live_session_send_realtime_text");
    }
    /** 16 kHz mono samples (20-100 ms per call). */
    void send_audio(samples_view samples) {
        detail::check(gemini_live_session_send_audio(p_, samples.data(), samples.size()),
                      "gemini_live_session_send_audio");
    }
    /** Mono samples at `sample_rate` Hz. */
    void send_audio(samples_view samples, uint32_t sample_rate) {
        detail::check(gemini_live_session_send_audio_rate(p_, samples.data(), samples.size(), sample_rate),
                      "gemini_live_session_send_audio_rate");
    }
    /** Little-endian PCM16 bytes at 16 kHz. */
    void send_audio_bytes(bytes_view pcm) {
        detail::check(gemini_live_session_send_audio_bytes(p_, pcm.data(), pcm.size()),
                      "gemini_live_session_send_audio_bytes");
    }
    /** Little-endian PCM16 bytes at `sample_rate` Hz. */
    void send_audio_bytes(bytes_view pcm, uint32_t sample_rate) {
        detail::check(gemini_live_session_send_audio_bytes_rate(p_, pcm.data(), pcm.size(), sample_rate),
                      "gemini_live_session_send_audio_bytes_rate");
    }
    /** Never waits: false if the send queue is full (GEMINI_LIVE_WOULD_BLOCK). */
    bool try_send_audio(samples_view samples, uint32_t sample_rate = 16000) {
        gemini_live_result r =
            gemini_live_session_try_send_audio(p_, samples.data(), samples.size(), sample_rate);
        if (r == GEMINI_LIVE_WOULD_BLOCK) {
            return false;
        }
        detail::check(r, "gemini_live_session_try_send_audio");
        return true;
    }
    /** One JPEG frame. */
    void send_video_frame(bytes_view jpeg) {
        detail::check(gemini_live_session_send_video_frame(p_, jpeg.data(), jpeg.size()),
                      "gemini_live_session_send_video_frame");
    }
    void audio_stream_end() {
        detail::check(gemini_live_session_audio_stream_end(p_), "gemini_live_session_audio_stream_end");
    }
    void activity_start() {
        detail::check(gemini_live_session_activity_start(p_), "gemini_live_session_activity_start");
    }
    void activity_end() {
        detail::check(gemini_live_session_activity_end(p_), "gemini_live_session_activity_end");
    }
    /** Answers one function call: its id and name, and a JSON object. */
    void send_tool_response(std::string_view call_id, std::string_view name,
                            std::string_view response_json) {
        const char *call = "gemini_live_session_send_tool_response";
        std::string id = detail::c_string(call_id, call);
        std::string n = detail::c_string(name, call);
        std::string json = detail::c_string(response_json, call);
        detail::check(gemini_live_session_send_tool_response(p_, id.c_str(), n.c_str(), json.c_str()), call);
    }
    /** Answers a non-blocking function call: `scheduling` SILENT, WHEN_IDLE, INTERRUPT or
     *  empty; `will_continue`: more responses to this call follow. */
    void send_tool_response(std::string_view call_id, std::string_view name,
                            std::string_view response_json, std::string_view scheduling,
                            bool will_continue = false) {
        const char *call = "gemini_live_session_send_tool_response_scheduled";
        std::string id = detail::c_string(call_id, call);
        std::string n = detail::c_string(name, call);
        std::string json = detail::c_string(response_json, call);
        std::string sched = detail::c_string(scheduling, call);
        detail::check(gemini_live_session_send_tool_response_scheduled(
                          p_, id.c_str(), n.c_str(), json.c_str(), sched.c_str(), will_continue),
                      call);
    }
    /** contextUpdate: a new system instruction (nullopt keeps it) and the tools of
     *  `tools_from` (nullptr keeps them; a config without tools clears them). */
    void send_context_update(std::optional<std::string_view> system_instruction,
                             const config *tools_from = nullptr) {
        const char *call = "gemini_live_session_send_context_update";
        std::string text = system_instruction ? detail::c_string(*system_instruction, call) : std::string();
        detail::check(gemini_live_session_send_context_update(
                          p_, system_instruction ? text.c_str() : nullptr,
                          tools_from != nullptr ? tools_from->get() : nullptr),
                      call);
    }
    /** A clientContent message given as JSON (history, several turns). */
    void send_client_content_json(std::string_view json) {
        std::string s = detail::c_string(json, "gemini_live_session_send_client_content_json");
        detail::check(gemini_live_session_send_client_content_json(p_, s.c_str()),
                      "gemini_live_session_send_client_content_json");
    }

    /** The current GEMINI_LIVE_STATE_*. */
    uint32_t state() const {
        uint32_t state = 0;
        detail::check(gemini_live_session_state(p_, &state), "gemini_live_session_state");
        return state;
    }
    /** The latest resumable handle (empty if none yet). */
    std::string resumption_handle() const {
        gemini_live_session *p = p_;
        return detail::copy_out(
            [p](char *buf, size_t len, size_t *needed) {
                return gemini_live_session_resumption_handle(p, buf, len, needed);
            },
            "gemini_live_session_resumption_handle");
    }
    /** The close reason of the latest connection that ended. */
    std::string last_close_reason() const {
        gemini_live_session *p = p_;
        return detail::copy_out(
            [p](char *buf, size_t len, size_t *needed) {
                return gemini_live_session_last_close_reason(p, buf, len, needed);
            },
            "gemini_live_session_last_close_reason");
    }
    /** The session's metrics as OpenMetrics text (Prometheus exposition, ends with # EOF). */
    std::string metrics_openmetrics() const {
        gemini_live_session *p = p_;
        return detail::copy_out(
            [p](char *buf, size_t len, size_t *needed) {
                return gemini_live_session_metrics_openmetrics(p, buf, len, needed);
            },
            "gemini_live_session_metrics_openmetrics");
    }
    /** A snapshot of the session's metrics. */
    gemini_live_metrics metrics() const {
        gemini_live_metrics m{};
        m.size = sizeof m;
        detail::check(gemini_live_session_metrics(p_, &m), "gemini_live_session_metrics");
        return m;
    }
    /** Flushes queued input and closes; remaining events can still be read. */
    void close() { detail::check(gemini_live_session_close(p_), "gemini_live_session_close"); }

  private:
    gemini_live_session *p_ = nullptr;
};

/** The embedded fake Live server on 127.0.0.1, for offline tests and examples. Destroy it
 *  after the sessions connected to it. */
class fake_server {
  public:
    /** Starts it on `port` (0 picks a free one). */
    explicit fake_server(uint16_t port = 0) {
        detail::check(gemini_live_fake_server_start(port, &p_), "gemini_live_fake_server_start");
    }
    /** Starts it with a fault plan, e.g. "1@3:close=1011,2@up:refuse=503". */
    fake_server(uint16_t port, std::string_view fault_plan) {
        const char *call = "gemini_live_fake_server_start_with_faults";
        std::string plan = detail::c_string(fault_plan, call);
        detail::check(gemini_live_fake_server_start_with_faults(port, plan.c_str(), &p_), call);
    }
    /** Starts it with a fault plan (may be empty) serving only `models`, comma-separated
     *  (empty: every model of the capability table). */
    fake_server(uint16_t port, std::string_view fault_plan, std::string_view models) {
        const char *call = "gemini_live_fake_server_start_with_models";
        std::string plan = detail::c_string(fault_plan, call);
        std::string m = detail::c_string(models, call);
        detail::check(gemini_live_fake_server_start_with_models(port, plan.c_str(), m.c_str(), &p_), call);
    }
    /** A fake that also serves the Vertex AI path for `project` and `location` (each upgrade
     *  needs a bearer token no earlier upgrade presented). */
    static fake_server vertex(uint16_t port, std::string_view project, std::string_view location,
                              std::string_view fault_plan = {}) {
        const char *call = "gemini_live_fake_server_start_vertex";
        std::string p = detail::c_string(project, call);
        std::string l = detail::c_string(location, call);
        std::string plan = detail::c_string(fault_plan, call);
        gemini_live_fake_server *out = nullptr;
        detail::check(gemini_live_fake_server_start_vertex(port, p.c_str(), l.c_str(), plan.c_str(), &out),
                      call);
        return fake_server(adopt{}, out);
    }
    /** A fake whose audio replies last `audio_reply` (in 100 ms chunks) and arrive at
     *  `audio_pace` times real time (0.7: slower than they play; 0: as fast as the socket),
     *  in words with silent gaps when `audio_words` (see gemini_live_fake_server_start_paced). */
    static fake_server paced(uint16_t port, std::chrono::milliseconds audio_reply, double audio_pace,
                             bool audio_words = true) {
        const char *call = "gemini_live_fake_server_start_paced";
        gemini_live_fake_server *out = nullptr;
        detail::check(gemini_live_fake_server_start_paced(port, detail::to_ms(audio_reply), audio_pace,
                                                          audio_words, &out),
                      call);
        return fake_server(adopt{}, out);
    }
    ~fake_server() { gemini_live_fake_server_free(p_); }
    fake_server(fake_server &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    fake_server &operator=(fake_server &&o) noexcept {
        if (this != &o) {
            gemini_live_fake_server_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    fake_server(const fake_server &) = delete;
    fake_server &operator=(const fake_server &) = delete;

    /** The C object, still owned by this server. */
    gemini_live_fake_server *get() const noexcept { return p_; }

    /** e.g. "ws://127.0.0.1:40123": pass it to config::set_endpoint. */
    std::string endpoint() const {
        gemini_live_fake_server *p = p_;
        return detail::copy_out(
            [p](char *buf, size_t len, size_t *needed) {
                return gemini_live_fake_server_endpoint(p, buf, len, needed);
            },
            "gemini_live_fake_server_endpoint");
    }

  private:
    struct adopt {};
    fake_server(adopt, gemini_live_fake_server *adopted) noexcept : p_(adopted) {}
    gemini_live_fake_server *p_ = nullptr;
};

/** Streaming resampler: `channels` interleaved channels at `in_rate` Hz to mono at `out_rate`
 *  Hz (16000 for the Live API's input). State carries across calls; move-only. */
class resampler {
  public:
    resampler(uint32_t in_rate, uint16_t channels, uint32_t out_rate = 16000) {
        detail::check(gemini_live_resampler_new(in_rate, channels, out_rate, &p_),
                      "gemini_live_resampler_new");
    }
    ~resampler() { gemini_live_resampler_free(p_); }
    resampler(resampler &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    resampler &operator=(resampler &&o) noexcept {
        if (this != &o) {
            gemini_live_resampler_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    resampler(const resampler &) = delete;
    resampler &operator=(const resampler &) = delete;

    gemini_live_resampler *get() const noexcept { return p_; }

    /** Resamples `input` (a trailing incomplete frame is kept for the next call). */
    std::vector<int16_t> process(samples_view input) {
        std::vector<int16_t> out(gemini_live_resampler_max_output(p_, input.size()));
        size_t n = 0;
        detail::check(gemini_live_resampler_process(p_, input.data(), input.size(), out.data(),
                                                    out.size(), &n),
                      "gemini_live_resampler_process");
        out.resize(n);
        return out;
    }
    /** Float input (-1.0 to 1.0). */
    std::vector<int16_t> process(basic_view<float> input) {
        std::vector<int16_t> out(gemini_live_resampler_max_output(p_, input.size()));
        size_t n = 0;
        detail::check(gemini_live_resampler_process_f32(p_, input.data(), input.size(), out.data(),
                                                        out.size(), &n),
                      "gemini_live_resampler_process_f32");
        out.resize(n);
        return out;
    }
    /** Ends the stream: the filter's tail; the resampler is then ready for a new stream. */
    std::vector<int16_t> flush() {
        std::vector<int16_t> out(gemini_live_resampler_max_output(p_, 0));
        size_t n = 0;
        detail::check(gemini_live_resampler_flush(p_, out.data(), out.size(), &n),
                      "gemini_live_resampler_flush");
        out.resize(n);
        return out;
    }
    /** The most input held back before its output appears. */
    std::chrono::microseconds latency() const noexcept {
        return std::chrono::microseconds(
            static_cast<std::chrono::microseconds::rep>(gemini_live_resampler_latency_us(p_)));
    }

  private:
    gemini_live_resampler *p_ = nullptr;
};

/** Playout buffer for the model's audio: the session side pushes, the sound card's callback
 *  reads (real-time safe: read() never locks, allocates or throws). Move-only. */
class player {
  public:
    /** For a device at `device_rate` Hz with `channels` interleaved channels. */
    player(uint32_t device_rate, uint16_t channels) {
        detail::check(gemini_live_player_new(device_rate, channels, &p_), "gemini_live_player_new");
    }
    player(uint32_t device_rate, uint16_t channels, std::chrono::milliseconds start_threshold,
           std::chrono::milliseconds max_latency) {
        detail::check(gemini_live_player_new_with(device_rate, channels, detail::to_ms(start_threshold),
                                                  detail::to_ms(max_latency), &p_),
                      "gemini_live_player_new_with");
    }
    /** `adaptive_start`: wait for a reply that arrives slower than real time until the buffer
     *  will last to its end (the other constructors turn it on). */
    player(uint32_t device_rate, uint16_t channels, std::chrono::milliseconds start_threshold,
           std::chrono::milliseconds max_latency, bool adaptive_start) {
        detail::check(gemini_live_player_new_paced(device_rate, channels, detail::to_ms(start_threshold),
                                                   detail::to_ms(max_latency), adaptive_start, &p_),
                      "gemini_live_player_new_paced");
    }
    ~player() { gemini_live_player_free(p_); }
    player(player &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    player &operator=(player &&o) noexcept {
        if (this != &o) {
            gemini_live_player_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    player(const player &) = delete;
    player &operator=(const player &) = delete;

    gemini_live_player *get() const noexcept { return p_; }

    /** Session side: queues 24 kHz mono samples. */
    void push(samples_view samples) {
        detail::check(gemini_live_player_push(p_, samples.data(), samples.size()), "gemini_live_player_push");
    }
    /** Session side: audio is queued, INTERRUPTED / REPLY_DISCARDED flush, TURN_COMPLETE ends
     *  the turn; returns the turn's playback for those three. */
    std::optional<gemini_live_turn_playback> push_event(const event &ev) {
        gemini_live_turn_playback pb{};
        pb.size = sizeof pb;
        pb.turn = std::numeric_limits<uint64_t>::max(); // left alone for other events
        detail::check(gemini_live_player_push_event(p_, ev.get(), &pb), "gemini_live_player_push_event");
        if (pb.turn == std::numeric_limits<uint64_t>::max()) {
            return std::nullopt;
        }
        return pb;
    }
    /** Session side: the reply is complete. */
    gemini_live_turn_playback end_turn() {
        gemini_live_turn_playback pb{};
        pb.size = sizeof pb;
        detail::check(gemini_live_player_end_turn(p_, &pb), "gemini_live_player_end_turn");
        return pb;
    }
    /** Barge-in, from any thread: discards what is queued; how much of the turn was heard. */
    gemini_live_turn_playback flush() {
        gemini_live_turn_playback pb{};
        pb.size = sizeof pb;
        detail::check(gemini_live_player_flush(p_, &pb), "gemini_live_player_flush");
        return pb;
    }
    /** Real-time safe: fills `frames` interleaved frames at `out`; the frames of real audio
     *  (0 as well on a misuse, e.g. a moved-from player). */
    size_t read(int16_t *out, size_t frames) noexcept {
        size_t played = 0;
        return gemini_live_player_read(p_, out, frames, &played) == GEMINI_LIVE_OK ? played : 0;
    }
    /** Real-time safe, float devices. */
    size_t read(float *out, size_t frames) noexcept {
        size_t played = 0;
        return gemini_live_player_read_f32(p_, out, frames, &played) == GEMINI_LIVE_OK ? played : 0;
    }
    gemini_live_player_stats stats() const {
        gemini_live_player_stats st{};
        st.size = sizeof st;
        detail::check(gemini_live_player_get_stats(p_, &st), "gemini_live_player_get_stats");
        return st;
    }
    gemini_live_turn_playback current() const {
        gemini_live_turn_playback pb{};
        pb.size = sizeof pb;
        detail::check(gemini_live_player_current(p_, &pb), "gemini_live_player_current");
        return pb;
    }
    gemini_live_turn_playback last() const {
        gemini_live_turn_playback pb{};
        pb.size = sizeof pb;
        detail::check(gemini_live_player_last(p_, &pb), "gemini_live_player_last");
        return pb;
    }

  private:
    gemini_live_player *p_ = nullptr;
};

/** Echo cancellation for a speakerphone (C: gemini_live_echo_canceller): the microphone's
 *  audio in, the same audio without the echo of what `player` played out (WebRTC's AEC3;
 *  optional noise suppression). Creating one turns it on: make it before the player's read
 *  starts being called. AEC3 allocates, so it runs off the audio callbacks: the capture
 *  callback push()es the microphone (real-time safe, noexcept) and the sending thread
 *  pull()s the cleaned audio; or that thread calls process() on samples it got itself.
 *  pull() and process() are one 10 ms frame late and take no lock but allocate; the
 *  player's read stays real-time safe. Move-only. */
class echo_canceller {
  public:
    /** For microphone audio at `capture_rate` Hz (16000 recommended), a device delay hint
     *  (output plus input latency, 0-500 ms; 0: the estimator finds it) and a
     *  GEMINI_LIVE_NOISE_SUPPRESSION_* level. */
    explicit echo_canceller(player &p, uint32_t capture_rate = 16000,
                            std::chrono::milliseconds device_delay = std::chrono::milliseconds(0),
                            uint32_t noise_suppression = GEMINI_LIVE_NOISE_SUPPRESSION_OFF) {
        detail::check(gemini_live_echo_canceller_new_with(p.get(), capture_rate, detail::to_ms(device_delay),
                                                          noise_suppression, &c_),
                      "gemini_live_echo_canceller_new_with");
    }
    ~echo_canceller() { gemini_live_echo_canceller_free(c_); }
    echo_canceller(echo_canceller &&o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
    echo_canceller &operator=(echo_canceller &&o) noexcept {
        if (this != &o) {
            gemini_live_echo_canceller_free(c_);
            c_ = std::exchange(o.c_, nullptr);
        }
        return *this;
    }
    echo_canceller(const echo_canceller &) = delete;
    echo_canceller &operator=(const echo_canceller &) = delete;

    gemini_live_echo_canceller *get() const noexcept { return c_; }

    /** Real-time safe, for the capture callback: queues `n` mono PCM16 samples (at the
     *  capture rate) for pull(), in a lock-free ring of 1 s; returns how many fit (the rest
     *  are dropped and counted in stats().mic_dropped). Never throws. */
    size_t push(const int16_t *mic, size_t n) noexcept {
        size_t fit = 0;
        return gemini_live_echo_canceller_push(c_, mic, n, &fit) == GEMINI_LIVE_OK ? fit : 0;
    }
    /** The sending thread: the cleaned audio of what push() queued, up to `max` samples
     *  (empty when nothing is queued). Not real-time safe. */
    std::vector<int16_t> pull(size_t max = 16000) {
        std::vector<int16_t> out(max);
        size_t got = 0;
        if (max > 0) {
            detail::check(gemini_live_echo_canceller_pull(c_, out.data(), max, &got),
                          "gemini_live_echo_canceller_pull");
        }
        out.resize(got);
        return out;
    }
    /** Cancels the echo in the `n` samples at `mic` (mono PCM16 at the capture rate), in place. */
    void process(int16_t *mic, size_t n) {
        detail::check(gemini_live_echo_canceller_process(c_, mic, mic, n), "gemini_live_echo_canceller_process");
    }
    /** Cancels the echo in `mic`; returns as many samples. */
    std::vector<int16_t> process(samples_view mic) {
        std::vector<int16_t> out(mic.size());
        if (mic.empty()) {
            return out;
        }
        detail::check(gemini_live_echo_canceller_process(c_, mic.data(), out.data(), mic.size()),
                      "gemini_live_echo_canceller_process");
        return out;
    }
    /** Off passes the microphone through (still one frame late); on again needs no re-alignment. */
    void set_enabled(bool enabled) {
        detail::check(gemini_live_echo_canceller_set_enabled(c_, enabled ? 1 : 0),
                      "gemini_live_echo_canceller_set_enabled");
    }
    void set_device_delay(std::chrono::milliseconds delay) {
        detail::check(gemini_live_echo_canceller_set_device_delay_ms(c_, detail::to_ms(delay)),
                      "gemini_live_echo_canceller_set_device_delay_ms");
    }
    gemini_live_echo_stats stats() const {
        gemini_live_echo_stats st{};
        st.size = sizeof st;
        detail::check(gemini_live_echo_canceller_get_stats(c_, &st), "gemini_live_echo_canceller_get_stats");
        return st;
    }

  private:
    gemini_live_echo_canceller *c_ = nullptr;
};

/** The part of a reply's transcript the user heard, given the turn's heard fraction (cut at
 *  a word boundary; an estimate). */
inline std::string_view transcript_heard(std::string_view text, double heard_fraction) {
    std::string s = detail::c_string(text, "gemini_live_transcript_heard_len");
    size_t n = gemini_live_transcript_heard_len(s.c_str(), heard_fraction);
    return text.substr(0, n < text.size() ? n : text.size());
}

/** The library's version, e.g. "0.1.0". */
inline std::string_view version() noexcept { return gemini_live_version(); }

/** Receives log records: a GEMINI_LIVE_LOG_* level, the module and the text (valid during
 *  the call). Called from library threads; an exception it throws is swallowed. */
using log_callback = std::function<void(int level, std::string_view target, std::string_view message)>;

namespace detail {
inline void log_trampoline(void *user_data, int level, const char *target, const char *message) {
    try {
        (*static_cast<log_callback *>(user_data))(level, target ? target : "", message ? message : "");
    } catch (...) {
        // Nothing may unwind into the library.
    }
}
inline void log_free(void *user_data) { delete static_cast<log_callback *>(user_data); }
} // namespace detail

/** Routes the library's logs to `callback`; an empty callback removes the current one.
 *  The library frees the previous callback after any call in progress has returned. */
inline void set_log_callback(log_callback callback) {
    if (!callback) {
        detail::check(gemini_live_set_log_callback(nullptr, nullptr, nullptr),
                      "gemini_live_set_log_callback");
        return;
    }
    auto *owned = new log_callback(std::move(callback));
    gemini_live_result r =
        gemini_live_set_log_callback(&detail::log_trampoline, owned, &detail::log_free);
    if (r != GEMINI_LIVE_OK) {
        delete owned; // not taken on failure (see gemini_live_set_log_callback)
        detail::check(r, "gemini_live_set_log_callback");
    }
}

/** GEMINI_LIVE_LOG_OFF to GEMINI_LIVE_LOG_TRACE. */
inline void set_log_level(uint32_t level) {
    detail::check(gemini_live_set_log_level(level), "gemini_live_set_log_level");
}

/* ---- Telephony: G.711 and the phone-line converters (real-time safe) ------------------- */

/** G.711 companding laws: GEMINI_LIVE_G711_ULAW (Twilio, North America) or _ALAW (Europe). */
enum class g711 : uint32_t { ulaw = GEMINI_LIVE_G711_ULAW, alaw = GEMINI_LIVE_G711_ALAW };

/** Encodes PCM16 samples as G.711 codes. Real-time safe apart from the vector it returns. */
inline std::vector<uint8_t> g711_encode(g711 law, samples_view pcm) {
    std::vector<uint8_t> out(pcm.size());
    detail::check(gemini_live_g711_encode(static_cast<uint32_t>(law), pcm.data(), pcm.size(), out.data()),
                  "gemini_live_g711_encode");
    return out;
}

/** Decodes G.711 codes to PCM16 samples. */
inline std::vector<int16_t> g711_decode(g711 law, basic_view<uint8_t> codes) {
    std::vector<int16_t> out(codes.size());
    detail::check(gemini_live_g711_decode(static_cast<uint32_t>(law), codes.data(), codes.size(), out.data()),
                  "gemini_live_g711_decode");
    return out;
}

/** The caller's side of a phone call: 8 kHz G.711 in, 16 kHz PCM16 out (for send_audio).
 *  process_into() allocates nothing (real-time safe). Move-only. */
class phone_in {
  public:
    explicit phone_in(g711 law) {
        detail::check(gemini_live_phone_in_new(static_cast<uint32_t>(law), &p_), "gemini_live_phone_in_new");
    }
    ~phone_in() { gemini_live_phone_in_free(p_); }
    phone_in(phone_in &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    phone_in &operator=(phone_in &&o) noexcept {
        if (this != &o) {
            gemini_live_phone_in_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    phone_in(const phone_in &) = delete;
    phone_in &operator=(const phone_in &) = delete;

    gemini_live_phone_in *get() const noexcept { return p_; }

    /** The room process_into() needs for `codes` more input codes. */
    size_t max_output(size_t codes) const noexcept { return gemini_live_phone_in_max_output(p_, codes); }
    /** Real-time safe: converts `codes` into `out` (room for `capacity` samples, at least
     *  max_output()); returns the 16 kHz samples written. */
    size_t process_into(basic_view<uint8_t> codes, int16_t *out, size_t capacity) {
        size_t n = 0;
        detail::check(gemini_live_phone_in_process(p_, codes.data(), codes.size(), out, capacity, &n),
                      "gemini_live_phone_in_process");
        return n;
    }
    /** Converts `codes`; the 16 kHz samples available so far. */
    std::vector<int16_t> process(basic_view<uint8_t> codes) {
        std::vector<int16_t> out(max_output(codes.size()));
        out.resize(process_into(codes, out.data(), out.size()));
        return out;
    }
    /** A new call: forgets held input and the filter's state. */
    void reset() noexcept { gemini_live_phone_in_reset(p_); }

  private:
    gemini_live_phone_in *p_ = nullptr;
};

/** The model's side of a phone call: 24 kHz PCM16 in, band-limited 8 kHz G.711 frames out;
 *  clear() on barge-in. Every call allocates nothing (real-time safe). Move-only. */
class phone_out {
  public:
    /** `frame`: codes per frame (0: 160 = 20 ms); `max_buffer`: most audio queued (0: 60 s). */
    explicit phone_out(g711 law, size_t frame = 0,
                       std::chrono::milliseconds max_buffer = std::chrono::milliseconds(0)) {
        detail::check(gemini_live_phone_out_new(static_cast<uint32_t>(law), frame, detail::to_ms(max_buffer), &p_),
                      "gemini_live_phone_out_new");
    }
    ~phone_out() { gemini_live_phone_out_free(p_); }
    phone_out(phone_out &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    phone_out &operator=(phone_out &&o) noexcept {
        if (this != &o) {
            gemini_live_phone_out_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    phone_out(const phone_out &) = delete;
    phone_out &operator=(const phone_out &) = delete;

    gemini_live_phone_out *get() const noexcept { return p_; }

    /** Queues the model's 24 kHz samples; the 8 kHz codes queued. */
    size_t push(samples_view pcm) {
        size_t n = 0;
        detail::check(gemini_live_phone_out_push(p_, pcm.data(), pcm.size(), &n), "gemini_live_phone_out_push");
        return n;
    }
    /** Audio is queued, INTERRUPTED / REPLY_DISCARDED clear, TURN_COMPLETE finishes; returns a
     *  GEMINI_LIVE_PHONE_OUT_* action (on _CLEARED, tell the line to drop its audio). */
    uint32_t push_event(const event &ev) {
        uint32_t action = GEMINI_LIVE_PHONE_OUT_IGNORED;
        detail::check(gemini_live_phone_out_push_event(p_, ev.get(), &action, nullptr),
                      "gemini_live_phone_out_push_event");
        return action;
    }
    /** The reply ended: the last frame is padded with silence. */
    void finish() { detail::check(gemini_live_phone_out_finish(p_), "gemini_live_phone_out_finish"); }
    /** Takes the next whole frame into `frame` (room for `capacity` codes); false if less
     *  than a frame is queued. */
    bool pop_frame(uint8_t *frame, size_t capacity) {
        size_t got = 0;
        detail::check(gemini_live_phone_out_pop_frame(p_, frame, capacity, &got), "gemini_live_phone_out_pop_frame");
        return got != 0;
    }
    /** Barge-in: drops what is queued; the codes dropped. */
    size_t clear() {
        size_t n = 0;
        detail::check(gemini_live_phone_out_clear(p_, &n), "gemini_live_phone_out_clear");
        return n;
    }
    gemini_live_phone_out_stats stats() const {
        gemini_live_phone_out_stats st{};
        st.size = sizeof st;
        detail::check(gemini_live_phone_out_get_stats(p_, &st), "gemini_live_phone_out_get_stats");
        return st;
    }

  private:
    gemini_live_phone_out *p_ = nullptr;
};

/* ---- Client VAD: activityStart / activityEnd from the client ------------------------------ */

/** A client-side voice activity detector in front of a session: GEMINI_LIVE_CLIENT_VAD_ACTIVITY
 *  (server VAD off, the client marks each utterance, with pre-roll) or _GATE (server VAD on,
 *  silence not sent). push() sends (not for the audio callback); process() only detects and is
 *  real-time safe. A fast onset path starts speech 8-30 ms into a plosive or fricative; the
 *  model confirms it within 250 ms or it is retracted (push() then sends nothing of it): see
 *  gemini_live_client_vad in gemini_live.h. Move-only. */
class client_vad {
  public:
    explicit client_vad(uint32_t mode = GEMINI_LIVE_CLIENT_VAD_ACTIVITY, float threshold = 0.5f,
                        std::chrono::milliseconds hangover = std::chrono::milliseconds(500),
                        std::chrono::milliseconds pre_roll = std::chrono::milliseconds(300)) {
        detail::check(gemini_live_client_vad_new(mode, threshold, detail::to_ms(hangover), detail::to_ms(pre_roll), &p_),
                      "gemini_live_client_vad_new");
    }
    ~client_vad() { gemini_live_client_vad_free(p_); }
    client_vad(client_vad &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    client_vad &operator=(client_vad &&o) noexcept {
        if (this != &o) {
            gemini_live_client_vad_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    client_vad(const client_vad &) = delete;
    client_vad &operator=(const client_vad &) = delete;

    gemini_live_client_vad *get() const noexcept { return p_; }

    /** Before connecting: ACTIVITY mode turns the server's VAD off in `c`. */
    void configure(config &c) const {
        detail::check(gemini_live_client_vad_configure(p_, c.get()), "gemini_live_client_vad_configure");
    }
    /** 16 kHz microphone audio: sends the utterances and activity signals; the events of this
     *  call (GEMINI_LIVE_CLIENT_VAD_SPEECH_START | _SPEECH_END bits). */
    uint32_t push(const session &s, samples_view pcm) {
        uint32_t events = 0;
        detail::check(gemini_live_client_vad_push(p_, s.get(), pcm.data(), pcm.size(), &events),
                      "gemini_live_client_vad_push");
        return events;
    }
    /** Ends the stream: an utterance in progress is sent and closed. */
    void finish(const session &s) {
        detail::check(gemini_live_client_vad_finish(p_, s.get()), "gemini_live_client_vad_finish");
    }
    /** Real-time safe: the detector only (nothing sent); the events' bits (0 on a misuse). */
    uint32_t process(samples_view pcm) noexcept {
        uint32_t events = 0;
        return gemini_live_client_vad_process(p_, pcm.data(), pcm.size(), &events) == GEMINI_LIVE_OK ? events : 0;
    }
    gemini_live_client_vad_stats stats() const {
        gemini_live_client_vad_stats st{};
        st.size = sizeof st;
        detail::check(gemini_live_client_vad_get_stats(p_, &st), "gemini_live_client_vad_get_stats");
        return st;
    }

  private:
    gemini_live_client_vad *p_ = nullptr;
};

} // namespace gemini_live

#endif /* GEMINI_LIVE_HPP */
