/*
 * quickstart.cpp - one text turn and one audio turn with the C++ wrapper (gemini_live.hpp).
 *
 * Build, after `cargo cinstall --release --prefix PREFIX` (PKG_CONFIG_PATH=PREFIX/lib/pkgconfig,
 * or PREFIX/lib/x86_64-linux-gnu/pkgconfig on Debian-style multiarch prefixes):
 *
 *   c++ -std=c++17 examples/cpp/quickstart.cpp $(pkg-config --cflags --libs gemini_live) -o quickstart
 *   LD_LIBRARY_PATH=PREFIX/lib ./quickstart      # not needed for a system prefix such as /usr/local
 *
 * or straight from the repository after `cargo build --release`:
 *
 *   c++ -std=c++17 examples/cpp/quickstart.cpp -Iinclude -Ltarget/release -lgemini_live -o quickstart
 *   LD_LIBRARY_PATH=target/release ./quickstart
 *
 * It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL. With neither a key nor
 * an endpoint it starts the embedded fake server and says so on stderr, so it runs offline.
 *
 * It sends "Hello from C++!" as a text turn, prints the reply, then streams one second of a
 * 440 Hz tone (16 kHz, 20 ms chunks), ends the audio stream and prints the reply text and how
 * much audio came back.
 */
#include "gemini_live.hpp"

#include <array>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

namespace {

constexpr uint32_t input_rate = 16000;
constexpr size_t chunk_samples = input_rate / 50; // 20 ms
constexpr size_t tone_samples = input_rate;       // 1 s
constexpr double pi = 3.14159265358979323846;

// FNV-1a 64 over the little-endian bytes: the fake server reports the same checksum.
uint64_t fnv1a64(uint64_t h, int16_t s) {
    const uint16_t u = static_cast<uint16_t>(s);
    for (unsigned char b : {static_cast<unsigned char>(u & 0xff), static_cast<unsigned char>(u >> 8)}) {
        h ^= b;
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool set_in_env(const char *name) {
    const char *v = std::getenv(name);
    return v != nullptr && *v != '\0';
}

// Prints the turn's text and counts its audio until the turn completes.
void run_turn(gemini_live::session &session, const char *label) {
    using gemini_live::event_type;
    size_t audio_samples = 0;
    uint32_t audio_rate = 0;
    std::cout << label << " reply: " << std::flush;
    for (;;) {
        std::optional<gemini_live::event> ev = session.next_event(std::chrono::seconds(30));
        if (!ev) {
            throw std::runtime_error(std::string(label) + ": no reply within 30 s");
        }
        switch (ev->type()) {
        case event_type::text:
            std::cout << ev->text() << std::flush;
            break;
        case event_type::audio: {
            gemini_live::audio_chunk chunk = ev->audio();
            audio_samples += chunk.samples.size();
            audio_rate = chunk.sample_rate;
            break;
        }
        case event_type::closed:
            throw std::runtime_error("session closed: " + std::string(ev->error_detail().message));
        case event_type::turn_complete:
            std::cout << '\n'
                      << label << " audio: " << audio_samples << " samples at " << audio_rate
                      << " Hz\n";
            return;
        default:
            break;
        }
    }
}

// Streams a 1 s 440 Hz tone in 20 ms chunks, then ends the audio stream.
void send_tone(gemini_live::session &session) {
    std::array<int16_t, chunk_samples> chunk{};
    uint64_t checksum = 0xcbf29ce484222325ULL;
    for (size_t sent = 0; sent < tone_samples; sent += chunk_samples) {
        for (size_t i = 0; i < chunk_samples; i++) {
            double t = static_cast<double>(sent + i) / input_rate;
            chunk[i] = static_cast<int16_t>(8000.0 * std::sin(2.0 * pi * 440.0 * t));
            checksum = fnv1a64(checksum, chunk[i]);
        }
        session.send_audio(chunk); // any contiguous int16_t container
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016" PRIx64, checksum);
    std::cout << "sent " << tone_samples * 2 << " bytes of audio, checksum " << hex << '\n';
    session.audio_stream_end();
}

} // namespace

int main() {
    try {
        std::cout << "gemini_live " << gemini_live::version() << '\n';
        gemini_live::config config; // GEMINI_API_KEY etc. from the environment
        std::optional<gemini_live::fake_server> fake;
        if (!set_in_env("GEMINI_API_KEY") && !set_in_env("GEMINI_LIVE_ENDPOINT")) {
            fake.emplace();
            config.set_endpoint(fake->endpoint());
            std::cerr << "no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake server at "
                      << fake->endpoint() << '\n';
        }
        // Declared after the fake, so it is destroyed (closed) before the fake stops.
        gemini_live::session session(config);
        session.send_text("Hello from C++!");
        run_turn(session, "text turn");
        send_tone(session);
        run_turn(session, "audio turn");
        session.close();
        return 0;
    } catch (const gemini_live::error &e) {
        std::cerr << "gemini_live error " << e.code() << ": " << e.what() << '\n';
    } catch (const std::exception &e) {
        std::cerr << "error: " << e.what() << '\n';
    }
    return 1;
}
