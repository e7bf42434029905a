"""Loads the gemini_live shared library and declares every function of gemini_live.h.

The library is looked for, in order:

1. the path in the environment variable ``GEMINI_LIVE_LIBRARY`` (no fallback if it is set);
2. beside this package (``gemini_live/libgemini_live.so``, ``.dylib`` or ``gemini_live.dll``),
   where ``pip install ./bindings/python`` puts the library it built or bundled;
3. the repository's ``target/release``, then ``target/debug`` (a source checkout after
   ``cargo build``; only when this package sits in ``bindings/python`` of the repository).

``FUNCTIONS`` maps each C function to ``(restype, argtypes)``; a test checks that it covers
every function of the header, with the same number of arguments. The constants mirror the
header's ``#define``s and ``Metrics._fields_`` its ``gemini_live_metrics`` (both checked by
tests against ``include/gemini_live.h``).
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
    c_double,
    c_float,
    c_int,
    c_int16,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Set, Tuple

# ---- result codes (never renumbered) ------------------------------------------------------
OK = 0
TIMEOUT = 100
WOULD_BLOCK = 101
CLOSED = 102
SEND_TIMEOUT = 103
NULL_ARGUMENT = 200
INVALID_ARGUMENT = 201
INVALID_UTF8 = 202
INVALID_CONFIG = 203
BUFFER_TOO_SMALL = 204
MESSAGE_TOO_LARGE = 205
WRONG_EVENT_TYPE = 206
INVALID_JSON = 207
CONNECT_TIMEOUT = 300
IO = 301
TLS = 302
HTTP = 303
SERVER_CLOSED_FATAL = 304
SERVER_CLOSED_RETRYABLE = 305
MODEL_NOT_FOUND = 306
PROTOCOL = 307
CONNECTION_LOST = 308
STALLED = 309
ACCESS_TOKEN = 310
PROXY = 311
PANIC = 900
INTERNAL = 901

# ---- other constants -----------------------------------------------------------------------
MODALITY_TEXT = 1
MODALITY_AUDIO = 2
MODALITY_TEXT_AND_AUDIO = 3

EVENT_NONE = 0
EVENT_SETUP_COMPLETE = 1
EVENT_TEXT = 2
EVENT_THOUGHT = 3
EVENT_AUDIO = 4
EVENT_INLINE_DATA = 5
EVENT_CODE_EXECUTION = 6
EVENT_INPUT_TRANSCRIPTION = 7
EVENT_OUTPUT_TRANSCRIPTION = 8
EVENT_TOOL_CALL = 9
EVENT_TOOL_CALL_CANCELLATION = 10
EVENT_INTERRUPTED = 11
EVENT_GENERATION_COMPLETE = 12
EVENT_TURN_COMPLETE = 13
EVENT_USAGE = 14
EVENT_GROUNDING = 15
EVENT_GO_AWAY = 16
EVENT_RESUMPTION_UPDATE = 17
EVENT_STATE_CHANGED = 18
EVENT_UNKNOWN = 19
EVENT_ERROR = 20
EVENT_CLOSED = 21
EVENT_RECONNECTING = 22
EVENT_RESUMED = 23
EVENT_NEW_SESSION = 24
EVENT_INPUT_DROPPED = 25
EVENT_TOOL_RESPONSES_DROPPED = 26
EVENT_URL_CONTEXT = 27
EVENT_WAITING_FOR_INPUT = 28
EVENT_VOICE_ACTIVITY = 29
EVENT_VAD_SIGNAL = 30
EVENT_INTERIM_INPUT_TRANSCRIPTION = 31
EVENT_TEXT_FINISHED = 32
EVENT_REPLY_DISCARDED = 40
EVENT_CONTEXT_LOST = 41
EVENT_CONTEXT_RESTORED = 42
EVENT_TOOL_CALLS_ABANDONED = 43
# event_details.rs: the fields of protocol.md Part D.3.
EVENT_TRANSCRIPTION_DETAIL = 50
EVENT_THOUGHT_SIGNATURE = 51
EVENT_FUNCTION_CALL_PART = 52
EVENT_VOICE_CONSENT_SIGNATURE = 53
TRANSCRIPT_INPUT = 1
TRANSCRIPT_INTERIM_INPUT = 2
TRANSCRIPT_OUTPUT = 3

INTERACTION_NONE = 0
INTERACTION_IN_PROGRESS = 1
INTERACTION_IDLE = 2
INTERACTION_REQUIRES_ACTION = 3

# event_fields.rs: the usage detail lists, voice activity kinds, VAD signals.
USAGE_PROMPT_DETAILS = 0
USAGE_CACHE_DETAILS = 1
USAGE_RESPONSE_DETAILS = 2
USAGE_TOOL_USE_PROMPT_DETAILS = 3
VOICE_ACTIVITY_START = 1
VOICE_ACTIVITY_END = 2
VAD_SIGNAL_OTHER = 0
VAD_SIGNAL_START_OF_SPEECH = 1
VAD_SIGNAL_END_OF_SPEECH = 2

TRANSCRIPTION_INPUT = 1
TRANSCRIPTION_OUTPUT = 2

STATE_CONNECTING = 0
STATE_CONNECTED = 1
STATE_RECONNECTING = 2
STATE_CLOSING = 3
STATE_CLOSED = 4

LOG_OFF = 0
LOG_ERROR = 1
LOG_WARN = 2
LOG_INFO = 3
LOG_DEBUG = 4
LOG_TRACE = 5

PHASE_TCP_CONNECT = 1
PHASE_TLS_HANDSHAKE = 2
PHASE_UPGRADE = 3
PHASE_SETUP = 4
PHASE_PROXY = 5

TOKEN_OK = 0
TOKEN_RETRY_LATER = 1
TOKEN_FAILED = 2
TOKEN_BUFFER_SIZE = 16384


# ---- types ----------------------------------------------------------------------------------
class _Opaque(Structure):
    """Base of the opaque C objects (never instantiated in Python)."""


class Config(_Opaque):
    """``gemini_live_config``."""


class Session(_Opaque):
    """``gemini_live_session``."""


class Event(_Opaque):
    """``gemini_live_event``."""


class FakeServer(_Opaque):
    """``gemini_live_fake_server``."""


CONFIG_P: Any = POINTER(Config)
SESSION_P: Any = POINTER(Session)
EVENT_P: Any = POINTER(Event)
FAKE_P: Any = POINTER(FakeServer)
RESULT = c_uint32


class Usage(Structure):
    """``gemini_live_usage``: token counts, -1 where absent."""

    _fields_ = [
        ("prompt_token_count", c_int64),
        ("cached_content_token_count", c_int64),
        ("response_token_count", c_int64),
        ("tool_use_prompt_token_count", c_int64),
        ("thoughts_token_count", c_int64),
        ("total_token_count", c_int64),
    ]


class Metrics(Structure):
    """``gemini_live_metrics``: set ``size`` before the call."""

    _fields_ = [
        ("size", c_uint32),
        ("version", c_uint32),
        ("connect_tcp_us", c_int64),
        ("connect_tls_us", c_int64),
        ("connect_upgrade_us", c_int64),
        ("connect_setup_us", c_int64),
        ("connect_total_us", c_int64),
        ("messages_sent", c_uint64),
        ("bytes_sent", c_uint64),
        ("messages_received", c_uint64),
        ("bytes_received", c_uint64),
        ("send_queue_depth", c_uint64),
        ("send_queue_peak", c_uint64),
        ("decode_errors", c_uint64),
        ("last_first_reply_us", c_int64),
        ("last_first_audio_us", c_int64),
        ("last_turn_complete_us", c_int64),
        ("since_last_received_us", c_int64),
        ("reconnects", c_uint64),
        ("downtime_us", c_int64),
        ("replayed_messages", c_uint64),
        ("dropped_messages", c_uint64),
        ("last_close_code", c_int32),
        ("state", c_uint32),
        ("send_latency_count", c_uint64),
        ("send_latency_p50_us", c_int64),
        ("send_latency_p99_us", c_int64),
        ("send_latency_max_us", c_int64),
        ("connect_proxy_us", c_int64),
    ]


LOG_CALLBACK: Any = CFUNCTYPE(None, c_void_p, c_int, c_char_p, c_char_p)
USER_DATA_FREE: Any = CFUNCTYPE(None, c_void_p)
# uint32_t (*)(void *user_data, char *buf, size_t len): buf is written with memmove.
TOKEN_CALLBACK: Any = CFUNCTYPE(c_uint32, c_void_p, c_void_p, c_size_t)

_STR = c_char_p  # const char * argument (NUL-terminated UTF-8)
_BYTES = c_char_p  # const uint8_t * argument with a length
_OUT_STR = POINTER(c_void_p)  # const char ** out-parameter (read with string_at)
SAMPLES: Any = POINTER(c_int16)
_SAMPLES = SAMPLES

FUNCTIONS: Dict[str, Tuple[Any, List[Any]]] = {
    # result.rs
    "gemini_live_result_str": (c_char_p, [RESULT]),
    "gemini_live_version": (c_char_p, []),
    "gemini_live_last_error_message": (RESULT, [c_char_p, c_size_t, POINTER(c_size_t)]),
    "gemini_live_test_panic": (RESULT, []),
    # config.rs
    "gemini_live_config_new": (RESULT, [POINTER(CONFIG_P)]),
    "gemini_live_config_free": (None, [CONFIG_P]),
    "gemini_live_config_validate": (RESULT, [CONFIG_P]),
    "gemini_live_config_set_api_key": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_ephemeral_token": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_model": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_endpoint": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_proxy": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_api_version": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_response_modality": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_system_instruction": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_voice": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_language_code": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_input_transcription": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_output_transcription": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_session_resumption": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_resumption_handle": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_add_function": (RESULT, [CONFIG_P, _STR, _STR, _STR]),
    "gemini_live_config_add_google_search": (RESULT, [CONFIG_P]),
    "gemini_live_config_add_code_execution": (RESULT, [CONFIG_P]),
    "gemini_live_config_add_url_context": (RESULT, [CONFIG_P]),
    "gemini_live_config_clear_tools": (RESULT, [CONFIG_P]),
    # tuning.rs
    "gemini_live_config_set_temperature": (RESULT, [CONFIG_P, c_float]),
    "gemini_live_config_set_top_p": (RESULT, [CONFIG_P, c_float]),
    "gemini_live_config_set_top_k": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_max_output_tokens": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_seed": (RESULT, [CONFIG_P, c_int64]),
    "gemini_live_config_set_presence_penalty": (RESULT, [CONFIG_P, c_float]),
    "gemini_live_config_set_frequency_penalty": (RESULT, [CONFIG_P, c_float]),
    "gemini_live_config_set_media_resolution": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_thinking_budget": (RESULT, [CONFIG_P, c_int32]),
    "gemini_live_config_set_thinking_level": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_include_thoughts": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_affective_dialog": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_automatic_activity_detection": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_vad_start_sensitivity": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_vad_end_sensitivity": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_vad_prefix_padding_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_vad_silence_duration_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_activity_handling": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_turn_coverage": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_context_window_compression": (
        RESULT,
        [CONFIG_P, c_bool, c_uint64, c_uint64],
    ),
    "gemini_live_config_set_connect_timeout_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_phase_timeout_ms": (RESULT, [CONFIG_P, c_uint32, c_uint32]),
    "gemini_live_config_set_send_timeout_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_close_timeout_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_send_queue_capacity": (RESULT, [CONFIG_P, c_size_t]),
    "gemini_live_config_set_event_queue_capacity": (RESULT, [CONFIG_P, c_size_t]),
    "gemini_live_config_set_max_message_size": (RESULT, [CONFIG_P, c_size_t]),
    "gemini_live_config_set_extra_root_ca_pem": (RESULT, [CONFIG_P, _BYTES, c_size_t]),
    # setup.rs
    "gemini_live_config_set_proactivity": (RESULT, [CONFIG_P, c_int32, c_int32]),
    "gemini_live_config_set_initial_history_in_client_content": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_add_safety_setting": (RESULT, [CONFIG_P, _STR, _STR]),
    "gemini_live_config_set_translation": (RESULT, [CONFIG_P, _STR, c_bool]),
    "gemini_live_config_set_transcription_options": (RESULT, [CONFIG_P, c_uint32, _STR, _STR]),
    "gemini_live_config_set_function_behavior": (RESULT, [CONFIG_P, _STR, _STR]),
    "gemini_live_config_set_extra_setup_json": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_skip_model_check": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_session_send_tool_response_scheduled": (
        RESULT,
        [SESSION_P, _STR, _STR, _STR, _STR, c_bool],
    ),
    "gemini_live_session_send_context_update": (RESULT, [SESSION_P, _STR, CONFIG_P]),
    # resilience.rs
    "gemini_live_config_set_reconnect": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_reconnect_max_attempts": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_reconnect_delays_ms": (RESULT, [CONFIG_P, c_uint32, c_uint32]),
    "gemini_live_config_set_reconnect_max_total_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_goaway_margin_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_resume_wait_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_first_connect_budget": (RESULT, [CONFIG_P, c_uint32, c_uint32]),
    "gemini_live_config_set_replay_max_bytes": (RESULT, [CONFIG_P, c_size_t]),
    "gemini_live_config_set_replay_max_audio_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_stall_timeout_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_keepalive_interval_ms": (RESULT, [CONFIG_P, c_uint32]),
    "gemini_live_config_set_pong_timeout_ms": (RESULT, [CONFIG_P, c_uint32]),
    # context.rs
    "gemini_live_config_set_restore_context": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_context_budget_chars": (RESULT, [CONFIG_P, c_size_t]),
    "gemini_live_config_set_context_budget_turns": (RESULT, [CONFIG_P, c_size_t]),
    # session.rs
    "gemini_live_session_connect": (RESULT, [CONFIG_P, POINTER(SESSION_P)]),
    "gemini_live_session_next_event": (RESULT, [SESSION_P, c_uint32, POINTER(EVENT_P)]),
    "gemini_live_session_state": (RESULT, [SESSION_P, POINTER(c_uint32)]),
    "gemini_live_session_resumption_handle": (
        RESULT,
        [SESSION_P, c_char_p, c_size_t, POINTER(c_size_t)],
    ),
    "gemini_live_session_last_close_reason": (
        RESULT,
        [SESSION_P, c_char_p, c_size_t, POINTER(c_size_t)],
    ),
    "gemini_live_session_metrics": (RESULT, [SESSION_P, POINTER(Metrics)]),
    "gemini_live_session_metrics_openmetrics": (
        RESULT,
        [SESSION_P, c_char_p, c_size_t, POINTER(c_size_t)],
    ),
    "gemini_live_session_close": (RESULT, [SESSION_P]),
    "gemini_live_session_free": (None, [SESSION_P]),
    # send.rs
    "gemini_live_session_send_text": (RESULT, [SESSION_P, _STR]),
    "gemini_live_session_send_realtime_text": (RESULT, [SESSION_P, _STR]),
    "gemini_live_session_send_audio": (RESULT, [SESSION_P, _SAMPLES, c_size_t]),
    "gemini_live_session_send_audio_rate": (RESULT, [SESSION_P, _SAMPLES, c_size_t, c_uint32]),
    "gemini_live_session_send_audio_bytes": (RESULT, [SESSION_P, _BYTES, c_size_t]),
    "gemini_live_session_send_audio_bytes_rate": (
        RESULT,
        [SESSION_P, _BYTES, c_size_t, c_uint32],
    ),
    "gemini_live_session_try_send_audio": (RESULT, [SESSION_P, _SAMPLES, c_size_t, c_uint32]),
    "gemini_live_session_send_video_frame": (RESULT, [SESSION_P, _BYTES, c_size_t]),
    "gemini_live_session_audio_stream_end": (RESULT, [SESSION_P]),
    "gemini_live_session_activity_start": (RESULT, [SESSION_P]),
    "gemini_live_session_activity_end": (RESULT, [SESSION_P]),
    "gemini_live_session_send_tool_response": (RESULT, [SESSION_P, _STR, _STR, _STR]),
    "gemini_live_session_send_client_content_json": (RESULT, [SESSION_P, _STR]),
    # event.rs
    "gemini_live_event_type": (c_uint32, [EVENT_P]),
    "gemini_live_event_text": (RESULT, [EVENT_P, _OUT_STR, POINTER(c_size_t)]),
    "gemini_live_event_audio": (
        RESULT,
        [EVENT_P, POINTER(_SAMPLES), POINTER(c_size_t), POINTER(c_uint32)],
    ),
    "gemini_live_event_data": (
        RESULT,
        [EVENT_P, _OUT_STR, POINTER(POINTER(c_uint8)), POINTER(c_size_t)],
    ),
    "gemini_live_event_finished": (RESULT, [EVENT_P, POINTER(c_bool)]),
    "gemini_live_event_state": (RESULT, [EVENT_P, POINTER(c_uint32)]),
    "gemini_live_event_tool_call_count": (RESULT, [EVENT_P, POINTER(c_size_t)]),
    "gemini_live_event_tool_call": (
        RESULT,
        [EVENT_P, c_size_t, _OUT_STR, _OUT_STR, _OUT_STR],
    ),
    "gemini_live_event_close": (RESULT, [EVENT_P, POINTER(c_uint16), _OUT_STR]),
    "gemini_live_event_error": (RESULT, [EVENT_P, POINTER(RESULT), _OUT_STR]),
    "gemini_live_event_json": (RESULT, [EVENT_P, _OUT_STR, POINTER(c_size_t)]),
    "gemini_live_event_free": (None, [EVENT_P]),
    # event_fields.rs
    "gemini_live_event_session_id": (RESULT, [EVENT_P, _OUT_STR]),
    "gemini_live_event_usage": (RESULT, [EVENT_P, POINTER(Usage), POINTER(c_bool)]),
    "gemini_live_event_usage_detail_count": (RESULT, [EVENT_P, c_uint32, POINTER(c_size_t)]),
    "gemini_live_event_usage_detail": (
        RESULT,
        [EVENT_P, c_uint32, c_size_t, _OUT_STR, POINTER(c_int64)],
    ),
    "gemini_live_event_reason": (RESULT, [EVENT_P, _OUT_STR]),
    "gemini_live_event_time_left": (RESULT, [EVENT_P, POINTER(c_int64)]),
    "gemini_live_event_resumption": (RESULT, [EVENT_P, _OUT_STR, POINTER(c_bool)]),
    "gemini_live_event_reconnecting": (RESULT, [EVENT_P, POINTER(c_uint32), POINTER(c_uint64)]),
    "gemini_live_event_count": (RESULT, [EVENT_P, POINTER(c_uint64)]),
    "gemini_live_event_input_dropped": (RESULT, [EVENT_P, POINTER(c_uint64), POINTER(c_uint64)]),
    "gemini_live_event_context_restored": (
        RESULT,
        [EVENT_P, POINTER(c_uint64), POINTER(c_uint64), POINTER(c_uint64)],
    ),
    # event_details.rs
    "gemini_live_event_transcription_detail": (
        RESULT,
        [EVENT_P, POINTER(c_uint32), _OUT_STR, POINTER(c_int64), POINTER(c_int64), POINTER(c_size_t)],
    ),
    "gemini_live_event_transcription_word": (
        RESULT,
        [EVENT_P, c_size_t, _OUT_STR, POINTER(c_int64), POINTER(c_int64)],
    ),
    "gemini_live_event_signature": (RESULT, [EVENT_P, _OUT_STR]),
    "gemini_live_event_tool_call_stream": (RESULT, [EVENT_P, c_size_t, _OUT_STR, POINTER(c_bool)]),
    "gemini_live_event_usage_labels": (RESULT, [EVENT_P, _OUT_STR, _OUT_STR]),
    "gemini_live_event_id_count": (RESULT, [EVENT_P, POINTER(c_size_t)]),
    "gemini_live_event_id": (RESULT, [EVENT_P, c_size_t, _OUT_STR]),
    "gemini_live_event_language_code": (RESULT, [EVENT_P, _OUT_STR]),
    "gemini_live_event_voice_activity": (RESULT, [EVENT_P, POINTER(c_uint32), POINTER(c_int64)]),
    "gemini_live_event_vad_signal": (RESULT, [EVENT_P, POINTER(c_uint32), _OUT_STR]),
    # lifecycle.rs
    "gemini_live_event_interaction_status": (RESULT, [EVENT_P, POINTER(c_uint32)]),
    # fake.rs
    "gemini_live_fake_server_start": (RESULT, [c_uint16, POINTER(FAKE_P)]),
    "gemini_live_fake_server_start_with_faults": (RESULT, [c_uint16, _STR, POINTER(FAKE_P)]),
    "gemini_live_fake_server_start_with_models": (
        RESULT,
        [c_uint16, _STR, _STR, POINTER(FAKE_P)],
    ),
    "gemini_live_fake_server_endpoint": (
        RESULT,
        [FAKE_P, c_char_p, c_size_t, POINTER(c_size_t)],
    ),
    "gemini_live_fake_server_free": (None, [FAKE_P]),
    "gemini_live_fake_server_start_paced": (
        RESULT,
        [c_uint16, c_uint32, c_double, c_bool, POINTER(FAKE_P)],
    ),
    # vertex.rs
    "gemini_live_config_set_vertex": (RESULT, [CONFIG_P, _STR, _STR]),
    "gemini_live_config_set_vertex_api_version": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_vertex_user_project": (RESULT, [CONFIG_P, _STR]),
    "gemini_live_config_set_vertex_transparent_resumption": (RESULT, [CONFIG_P, c_bool]),
    "gemini_live_config_set_access_token_callback": (
        RESULT,
        [CONFIG_P, TOKEN_CALLBACK, c_void_p, USER_DATA_FREE],
    ),
    "gemini_live_event_last_consumed_index": (RESULT, [EVENT_P, POINTER(c_int64)]),
    "gemini_live_fake_server_start_vertex": (
        RESULT,
        [c_uint16, _STR, _STR, _STR, POINTER(FAKE_P)],
    ),
    # logging.rs
    "gemini_live_set_log_callback": (RESULT, [LOG_CALLBACK, c_void_p, USER_DATA_FREE]),
    "gemini_live_set_log_level": (RESULT, [c_uint32]),
}


# Functions a library may lack: the embedded fake server and the test-only exports can be
# left out of an installed library (a cargo feature). Everything else must be there.
OPTIONAL_PREFIXES = ("gemini_live_fake_server_", "gemini_live_test_")


# ---- audio.rs (resampler, real-time-safe player, recorder) -----------------------------------
RECORD_AUDIO_KEEP = 0
RECORD_AUDIO_SUMMARY = 1


class Resampler(_Opaque):
    """``gemini_live_resampler``."""


class Player(_Opaque):
    """``gemini_live_player``."""


RESAMPLER_P = POINTER(Resampler)
PLAYER_P = POINTER(Player)


class PlayerStats(Structure):
    """``gemini_live_player_stats``."""

    _fields_ = [
        ("device_rate", c_uint32),
        ("buffered", c_uint64),
        ("played", c_uint64),
        ("underruns", c_uint64),
        ("underrun_samples", c_uint64),
        ("dropped", c_uint64),
        ("overflowed", c_uint64),
        ("flushed", c_uint64),
        ("flushes", c_uint64),
        ("reads", c_uint64),
        ("turn", c_uint64),
        ("start_delay", c_uint64),
        ("arrival_rate_milli", c_uint64),
        ("pauses", c_uint64),
        ("paused", c_uint64),
    ]


class TurnPlayback(Structure):
    """``gemini_live_turn_playback``."""

    _fields_ = [
        ("turn", c_uint64),
        ("received", c_uint64),
        ("heard", c_uint64),
        ("source_rate", c_uint32),
        ("interrupted", c_uint32),
        ("heard_fraction", ctypes.c_double),
    ]


_OUT_LEN = POINTER(c_size_t)
FUNCTIONS.update(
    {
        "gemini_live_config_set_record": (RESULT, [CONFIG_P, _STR, c_uint32]),
        "gemini_live_resampler_new": (
            RESULT,
            [c_uint32, c_uint16, c_uint32, POINTER(RESAMPLER_P)],
        ),
        "gemini_live_resampler_max_output": (c_size_t, [RESAMPLER_P, c_size_t]),
        "gemini_live_resampler_latency_us": (c_uint64, [RESAMPLER_P]),
        "gemini_live_resampler_process": (
            RESULT,
            [RESAMPLER_P, _SAMPLES, c_size_t, _SAMPLES, c_size_t, _OUT_LEN],
        ),
        "gemini_live_resampler_process_f32": (
            RESULT,
            [RESAMPLER_P, POINTER(ctypes.c_float), c_size_t, _SAMPLES, c_size_t, _OUT_LEN],
        ),
        "gemini_live_resampler_flush": (RESULT, [RESAMPLER_P, _SAMPLES, c_size_t, _OUT_LEN]),
        "gemini_live_resampler_free": (None, [RESAMPLER_P]),
        "gemini_live_player_new": (RESULT, [c_uint32, c_uint16, POINTER(PLAYER_P)]),
        "gemini_live_player_new_with": (
            RESULT,
            [c_uint32, c_uint16, c_uint32, c_uint32, POINTER(PLAYER_P)],
        ),
        "gemini_live_player_new_paced": (
            RESULT,
            [c_uint32, c_uint16, c_uint32, c_uint32, c_bool, POINTER(PLAYER_P)],
        ),
        "gemini_live_player_push": (RESULT, [PLAYER_P, _SAMPLES, c_size_t]),
        "gemini_live_player_push_event": (
            RESULT,
            [PLAYER_P, EVENT_P, POINTER(TurnPlayback)],
        ),
        "gemini_live_player_end_turn": (RESULT, [PLAYER_P, POINTER(TurnPlayback)]),
        "gemini_live_player_flush": (RESULT, [PLAYER_P, POINTER(TurnPlayback)]),
        "gemini_live_player_read": (RESULT, [PLAYER_P, _SAMPLES, c_size_t, _OUT_LEN]),
        "gemini_live_player_read_f32": (
            RESULT,
            [PLAYER_P, POINTER(ctypes.c_float), c_size_t, _OUT_LEN],
        ),
        "gemini_live_player_get_stats": (RESULT, [PLAYER_P, POINTER(PlayerStats)]),
        "gemini_live_player_current": (RESULT, [PLAYER_P, POINTER(TurnPlayback)]),
        "gemini_live_player_last": (RESULT, [PLAYER_P, POINTER(TurnPlayback)]),
        "gemini_live_player_free": (None, [PLAYER_P]),
        "gemini_live_transcript_heard_len": (c_size_t, [_STR, ctypes.c_double]),
    }
)


# ---- echo.rs (echo cancellation fed by the player) ------------------------------------------
NOISE_SUPPRESSION_OFF = 0
NOISE_SUPPRESSION_LOW = 1
NOISE_SUPPRESSION_MODERATE = 2
NOISE_SUPPRESSION_HIGH = 3
NOISE_SUPPRESSION_VERY_HIGH = 4


class EchoCanceller(_Opaque):
    """``gemini_live_echo_canceller``."""


ECHO_CANCELLER_P = POINTER(EchoCanceller)


class EchoStats(Structure):
    """``gemini_live_echo_stats``."""

    _fields_ = [
        ("erle_db", ctypes.c_double),
        ("erl_db", ctypes.c_double),
        ("delay_estimate_ms", ctypes.c_int32),
        ("device_delay_ms", c_uint32),
        ("capture_frames", c_uint64),
        ("reference_frames", c_uint64),
        ("reference_late", c_uint64),
        ("realigned", c_uint64),
        ("enabled", c_uint32),
    ]


FUNCTIONS.update(
    {
        "gemini_live_echo_canceller_new": (
            RESULT,
            [PLAYER_P, c_uint32, POINTER(ECHO_CANCELLER_P)],
        ),
        "gemini_live_echo_canceller_new_with": (
            RESULT,
            [PLAYER_P, c_uint32, c_uint32, c_uint32, POINTER(ECHO_CANCELLER_P)],
        ),
        "gemini_live_echo_canceller_process": (
            RESULT,
            [ECHO_CANCELLER_P, _SAMPLES, _SAMPLES, c_size_t],
        ),
        "gemini_live_echo_canceller_set_enabled": (RESULT, [ECHO_CANCELLER_P, c_uint32]),
        "gemini_live_echo_canceller_set_device_delay_ms": (RESULT, [ECHO_CANCELLER_P, c_uint32]),
        "gemini_live_echo_canceller_get_stats": (RESULT, [ECHO_CANCELLER_P, POINTER(EchoStats)]),
        "gemini_live_echo_canceller_free": (None, [ECHO_CANCELLER_P]),
    }
)



# ---- telephony.rs (G.711, phone-line converters; real-time safe) ----------------------------
G711_ULAW = 1
G711_ALAW = 2
PHONE_FRAME = 160
PHONE_OUT_IGNORED = 0
PHONE_OUT_QUEUED = 1
PHONE_OUT_CLEARED = 2
PHONE_OUT_FINISHED = 3


class PhoneIn(_Opaque):
    """``gemini_live_phone_in``."""


class PhoneOut(_Opaque):
    """``gemini_live_phone_out``."""


PHONE_IN_P = POINTER(PhoneIn)
PHONE_OUT_P = POINTER(PhoneOut)
_CODES = POINTER(c_uint8)


class PhoneOutStats(Structure):
    """``gemini_live_phone_out_stats``."""

    _fields_ = [
        ("buffered", c_uint64),
        ("sent", c_uint64),
        ("cleared", c_uint64),
        ("overflowed", c_uint64),
        ("frames", c_uint64),
    ]


FUNCTIONS.update(
    {
        "gemini_live_g711_encode": (RESULT, [c_uint32, _SAMPLES, c_size_t, _CODES]),
        "gemini_live_g711_decode": (RESULT, [c_uint32, _CODES, c_size_t, _SAMPLES]),
        "gemini_live_phone_in_new": (RESULT, [c_uint32, POINTER(PHONE_IN_P)]),
        "gemini_live_phone_in_max_output": (c_size_t, [PHONE_IN_P, c_size_t]),
        "gemini_live_phone_in_process": (
            RESULT,
            [PHONE_IN_P, _CODES, c_size_t, _SAMPLES, c_size_t, _OUT_LEN],
        ),
        "gemini_live_phone_in_reset": (None, [PHONE_IN_P]),
        "gemini_live_phone_in_free": (None, [PHONE_IN_P]),
        "gemini_live_phone_out_new": (
            RESULT,
            [c_uint32, c_size_t, c_uint32, POINTER(PHONE_OUT_P)],
        ),
        "gemini_live_phone_out_push": (RESULT, [PHONE_OUT_P, _SAMPLES, c_size_t, _OUT_LEN]),
        "gemini_live_phone_out_push_event": (
            RESULT,
            [PHONE_OUT_P, EVENT_P, POINTER(c_uint32), _OUT_LEN],
        ),
        "gemini_live_phone_out_finish": (RESULT, [PHONE_OUT_P]),
        "gemini_live_phone_out_pop_frame": (RESULT, [PHONE_OUT_P, _CODES, c_size_t, _OUT_LEN]),
        "gemini_live_phone_out_clear": (RESULT, [PHONE_OUT_P, _OUT_LEN]),
        "gemini_live_phone_out_get_stats": (RESULT, [PHONE_OUT_P, POINTER(PhoneOutStats)]),
        "gemini_live_phone_out_free": (None, [PHONE_OUT_P]),
    }
)


# ---- vad.rs (the client VAD) ------------------------------------------------------------------
CLIENT_VAD_ACTIVITY = 1
CLIENT_VAD_GATE = 2
CLIENT_VAD_SPEECH_START = 1
CLIENT_VAD_SPEECH_END = 2


class ClientVad(_Opaque):
    """``gemini_live_client_vad``."""


CLIENT_VAD_P = POINTER(ClientVad)


class ClientVadStats(Structure):
    """``gemini_live_client_vad_stats``."""

    _fields_ = [
        ("speaking", c_uint32),
        ("score", c_float),
        ("utterances", c_uint64),
        ("sent", c_uint64),
        ("withheld", c_uint64),
    ]


FUNCTIONS.update(
    {
        "gemini_live_client_vad_new": (
            RESULT,
            [c_uint32, c_float, c_uint32, c_uint32, POINTER(CLIENT_VAD_P)],
        ),
        "gemini_live_client_vad_configure": (RESULT, [CLIENT_VAD_P, CONFIG_P]),
        "gemini_live_client_vad_push": (
            RESULT,
            [CLIENT_VAD_P, SESSION_P, _SAMPLES, c_size_t, POINTER(c_uint32)],
        ),
        "gemini_live_client_vad_finish": (RESULT, [CLIENT_VAD_P, SESSION_P]),
        "gemini_live_client_vad_process": (
            RESULT,
            [CLIENT_VAD_P, _SAMPLES, c_size_t, POINTER(c_uint32)],
        ),
        "gemini_live_client_vad_get_stats": (RESULT, [CLIENT_VAD_P, POINTER(ClientVadStats)]),
        "gemini_live_client_vad_free": (None, [CLIENT_VAD_P]),
    }
)


def _library_name() -> str:
    if sys.platform == "win32":
        return "gemini_live.dll"
    if sys.platform == "darwin":
        return "libgemini_live.dylib"
    return "libgemini_live.so"


def _repository() -> Path | None:
    """The repository root if this package is the source tree's ``bindings/python``."""
    here = Path(__file__).resolve().parent
    repo = here.parents[2]  # bindings/python/gemini_live -> repository root
    if (repo / "Cargo.toml").is_file() and (repo / "include" / "gemini_live.h").is_file():
        return repo
    return None


def candidates() -> List[Path]:
    """Where the library is looked for, in order."""
    env = os.environ.get("GEMINI_LIVE_LIBRARY")
    if env:
        return [Path(env)]  # an explicit choice must not silently fall back
    name = _library_name()
    found = [Path(__file__).resolve().parent / name]
    repo = _repository()
    if repo is not None:
        found.append(repo / "target" / "release" / name)
        found.append(repo / "target" / "debug" / name)
    return found


def _load() -> Tuple[ctypes.CDLL, Path]:
    tried = candidates()
    for path in tried:
        if path.is_file():
            return ctypes.CDLL(str(path)), path
    raise ImportError(
        "cannot find the gemini_live library; tried: "
        + ", ".join(str(p) for p in tried)
        + ". Install the package with `pip install ./bindings/python` (it builds and bundles"
        " the library), build it with `cargo build --release`, or set GEMINI_LIVE_LIBRARY."
    )


def _bind(library: ctypes.CDLL, where: Path) -> FrozenSet[str]:
    """Sets restype/argtypes of every function; returns the optional ones the library lacks."""
    absent: Set[str] = set()
    for name, (restype, argtypes) in FUNCTIONS.items():
        try:
            fn = getattr(library, name)
        except AttributeError:
            absent.add(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    required = sorted(n for n in absent if not n.startswith(OPTIONAL_PREFIXES))
    if required:
        raise ImportError(
            f"the gemini_live library at {where} lacks {', '.join(required)}: it is older than"
            " this package; rebuild it or set GEMINI_LIVE_LIBRARY to a matching build"
        )
    return frozenset(absent)


lib, path = _load()
#: Optional functions (fake server, test exports) this build of the library leaves out.
MISSING: FrozenSet[str] = _bind(lib, path)
