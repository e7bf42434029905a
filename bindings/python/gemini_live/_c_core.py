"""The declarations of ``gemini_live.h``, first part: the common types, then one section per
part of the header, in its order (results and errors, logging, ``gemini_live_config``,
``gemini_live_event``, ``gemini_live_session``). ``_c_helpers`` has the rest; ``_lib`` loads
the library and binds them all.

``FUNCTIONS`` maps each C function to ``(restype, argtypes)``, in the header's order.
"""

from __future__ import annotations

from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char_p,
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
    sizeof,
)
from typing import Any, Dict, List, Tuple


# ---- common types ---------------------------------------------------------------------------
class _Opaque(Structure):
    """Base of the opaque C objects (never instantiated in Python)."""


class _Sized(Structure):
    """Base of the out-structs that can grow (the header's "ABI growth"): the first field is
    ``size``, set on construction to ``ctypes.sizeof`` of the struct as declared here. The
    library fills at most that many bytes and writes back how many it filled, so this binding
    keeps working with a newer library whose struct has more fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.size = sizeof(self)


RESULT = c_uint32
_STR = c_char_p  # const char * argument (NUL-terminated UTF-8)
_BYTES = c_char_p  # const uint8_t * argument with a length
_OUT_STR = POINTER(c_void_p)  # const char ** out-parameter (read with string_at)
_OUT_LEN = POINTER(c_size_t)
SAMPLES: Any = POINTER(c_int16)
_SAMPLES = SAMPLES
_CODES = POINTER(c_uint8)

FUNCTIONS: Dict[str, Tuple[Any, List[Any]]] = {}


# ---- Results and errors ---------------------------------------------------------------------
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

FUNCTIONS.update(
    {
        "gemini_live_result_str": (c_char_p, [RESULT]),
        "gemini_live_version": (c_char_p, []),
        "gemini_live_last_error_message": (RESULT, [c_char_p, c_size_t, POINTER(c_size_t)]),
        "gemini_live_test_panic": (RESULT, []),
    }
)


# ---- Logging --------------------------------------------------------------------------------
LOG_OFF = 0
LOG_ERROR = 1
LOG_WARN = 2
LOG_INFO = 3
LOG_DEBUG = 4
LOG_TRACE = 5

LOG_CALLBACK: Any = CFUNCTYPE(None, c_void_p, c_int, c_char_p, c_char_p)
USER_DATA_FREE: Any = CFUNCTYPE(None, c_void_p)

FUNCTIONS.update(
    {
        "gemini_live_set_log_callback": (RESULT, [LOG_CALLBACK, c_void_p, USER_DATA_FREE]),
        "gemini_live_set_log_level": (RESULT, [c_uint32]),
    }
)


# ---- gemini_live_config ---------------------------------------------------------------------
MODALITY_TEXT = 1
MODALITY_AUDIO = 2
MODALITY_TEXT_AND_AUDIO = 3

PHASE_TCP_CONNECT = 1
PHASE_TLS_HANDSHAKE = 2
PHASE_UPGRADE = 3
PHASE_SETUP = 4

TRANSCRIPTION_INPUT = 1
TRANSCRIPTION_OUTPUT = 2

TOKEN_OK = 0
TOKEN_RETRY_LATER = 1
TOKEN_FAILED = 2
TOKEN_BUFFER_SIZE = 16384

PHASE_PROXY = 5

RECORD_AUDIO_KEEP = 0
RECORD_AUDIO_SUMMARY = 1


class Config(_Opaque):
    """``gemini_live_config``."""


CONFIG_P: Any = POINTER(Config)
# uint32_t (*)(void *user_data, char *buf, size_t len): buf is written with memmove.
TOKEN_CALLBACK: Any = CFUNCTYPE(c_uint32, c_void_p, c_void_p, c_size_t)

FUNCTIONS.update(
    {
        "gemini_live_config_new": (RESULT, [POINTER(CONFIG_P)]),
        "gemini_live_config_free": (None, [CONFIG_P]),
        "gemini_live_config_validate": (RESULT, [CONFIG_P]),
        "gemini_live_config_set_api_key": (RESULT, [CONFIG_P, _STR]),
        "gemini_live_config_set_ephemeral_token": (RESULT, [CONFIG_P, _STR]),
        "gemini_live_config_set_model": (RESULT, [CONFIG_P, _STR]),
        "gemini_live_config_set_endpoint": (RESULT, [CONFIG_P, _STR]),
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
        "gemini_live_config_set_proactivity": (RESULT, [CONFIG_P, c_int32, c_int32]),
        "gemini_live_config_set_initial_history_in_client_content": (RESULT, [CONFIG_P, c_bool]),
        "gemini_live_config_add_safety_setting": (RESULT, [CONFIG_P, _STR, _STR]),
        "gemini_live_config_set_translation": (RESULT, [CONFIG_P, _STR, c_bool]),
        "gemini_live_config_set_transcription_options": (RESULT, [CONFIG_P, c_uint32, _STR, _STR]),
        "gemini_live_config_set_function_behavior": (RESULT, [CONFIG_P, _STR, _STR]),
        "gemini_live_config_set_extra_setup_json": (RESULT, [CONFIG_P, _STR]),
        "gemini_live_config_set_skip_model_check": (RESULT, [CONFIG_P, c_bool]),
        "gemini_live_config_set_reconnect": (RESULT, [CONFIG_P, c_bool]),
        "gemini_live_config_set_reconnect_max_attempts": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_reconnect_delays_ms": (RESULT, [CONFIG_P, c_uint32, c_uint32]),
        "gemini_live_config_set_reconnect_max_total_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_goaway_margin_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_resume_wait_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_quota_delay_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_first_connect_budget": (RESULT, [CONFIG_P, c_uint32, c_uint32]),
        "gemini_live_config_set_replay_max_bytes": (RESULT, [CONFIG_P, c_size_t]),
        "gemini_live_config_set_replay_max_audio_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_stall_timeout_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_keepalive_interval_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_pong_timeout_ms": (RESULT, [CONFIG_P, c_uint32]),
        "gemini_live_config_set_restore_context": (RESULT, [CONFIG_P, c_bool]),
        "gemini_live_config_set_context_budget_chars": (RESULT, [CONFIG_P, c_size_t]),
        "gemini_live_config_set_context_budget_turns": (RESULT, [CONFIG_P, c_size_t]),
        "gemini_live_config_set_vertex": (RESULT, [CONFIG_P, _STR, _STR]),
        "gemini_live_config_set_vertex_api_version": (RESULT, [CONFIG_P, _STR]),
        "gemini_live_config_set_vertex_user_project": (RESULT, [CONFIG_P, _STR]),
        "gemini_live_config_set_vertex_transparent_resumption": (RESULT, [CONFIG_P, c_bool]),
        "gemini_live_config_set_access_token_callback": (
            RESULT,
            [CONFIG_P, TOKEN_CALLBACK, c_void_p, USER_DATA_FREE],
        ),
        "gemini_live_config_set_proxy": (RESULT, [CONFIG_P, _STR]),
        "gemini_live_config_set_record": (RESULT, [CONFIG_P, _STR, c_uint32]),
    }
)


# ---- gemini_live_event ----------------------------------------------------------------------
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

STATE_CONNECTING = 0
STATE_CONNECTED = 1
STATE_RECONNECTING = 2
STATE_CLOSING = 3
STATE_CLOSED = 4

USAGE_PROMPT_DETAILS = 0
USAGE_CACHE_DETAILS = 1
USAGE_RESPONSE_DETAILS = 2
USAGE_TOOL_USE_PROMPT_DETAILS = 3

VOICE_ACTIVITY_START = 1
VOICE_ACTIVITY_END = 2

VAD_SIGNAL_OTHER = 0
VAD_SIGNAL_START_OF_SPEECH = 1
VAD_SIGNAL_END_OF_SPEECH = 2

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


class Event(_Opaque):
    """``gemini_live_event``."""


EVENT_P: Any = POINTER(Event)


class Usage(_Sized):
    """``gemini_live_usage``: token counts, -1 where absent."""

    _fields_ = [
        ("size", c_uint32),
        ("reserved", c_uint32),
        ("prompt_token_count", c_int64),
        ("cached_content_token_count", c_int64),
        ("response_token_count", c_int64),
        ("tool_use_prompt_token_count", c_int64),
        ("thoughts_token_count", c_int64),
        ("total_token_count", c_int64),
    ]


FUNCTIONS.update(
    {
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
        "gemini_live_event_usage": (RESULT, [EVENT_P, POINTER(Usage), POINTER(c_bool)]),
        "gemini_live_event_usage_detail_count": (RESULT, [EVENT_P, c_uint32, POINTER(c_size_t)]),
        "gemini_live_event_usage_detail": (
            RESULT,
            [EVENT_P, c_uint32, c_size_t, _OUT_STR, POINTER(c_int64)],
        ),
        "gemini_live_event_session_id": (RESULT, [EVENT_P, _OUT_STR]),
        "gemini_live_event_reason": (RESULT, [EVENT_P, _OUT_STR]),
        "gemini_live_event_time_left": (RESULT, [EVENT_P, POINTER(c_int64)]),
        "gemini_live_event_resumption": (RESULT, [EVENT_P, _OUT_STR, POINTER(c_bool)]),
        "gemini_live_event_reconnecting": (RESULT, [EVENT_P, POINTER(c_uint32), POINTER(c_uint64)]),
        "gemini_live_event_count": (RESULT, [EVENT_P, POINTER(c_uint64)]),
        "gemini_live_event_input_dropped": (
            RESULT,
            [EVENT_P, POINTER(c_uint64), POINTER(c_uint64)],
        ),
        "gemini_live_event_id_count": (RESULT, [EVENT_P, POINTER(c_size_t)]),
        "gemini_live_event_id": (RESULT, [EVENT_P, c_size_t, _OUT_STR]),
        "gemini_live_event_language_code": (RESULT, [EVENT_P, _OUT_STR]),
        "gemini_live_event_voice_activity": (
            RESULT,
            [EVENT_P, POINTER(c_uint32), POINTER(c_int64)],
        ),
        "gemini_live_event_vad_signal": (RESULT, [EVENT_P, POINTER(c_uint32), _OUT_STR]),
        "gemini_live_event_transcription_detail": (
            RESULT,
            [
                EVENT_P,
                POINTER(c_uint32),
                _OUT_STR,
                POINTER(c_int64),
                POINTER(c_int64),
                POINTER(c_size_t),
            ],
        ),
        "gemini_live_event_transcription_word": (
            RESULT,
            [EVENT_P, c_size_t, _OUT_STR, POINTER(c_int64), POINTER(c_int64)],
        ),
        "gemini_live_event_signature": (RESULT, [EVENT_P, _OUT_STR]),
        "gemini_live_event_tool_call_stream": (
            RESULT,
            [EVENT_P, c_size_t, _OUT_STR, POINTER(c_bool)],
        ),
        "gemini_live_event_usage_labels": (RESULT, [EVENT_P, _OUT_STR, _OUT_STR]),
        "gemini_live_event_interaction_status": (RESULT, [EVENT_P, POINTER(c_uint32)]),
        "gemini_live_event_context_restored": (
            RESULT,
            [EVENT_P, POINTER(c_uint64), POINTER(c_uint64), POINTER(c_uint64)],
        ),
        "gemini_live_event_last_consumed_index": (RESULT, [EVENT_P, POINTER(c_int64)]),
    }
)


# ---- gemini_live_session --------------------------------------------------------------------
class Session(_Opaque):
    """``gemini_live_session``."""


SESSION_P: Any = POINTER(Session)


class Metrics(_Sized):
    """``gemini_live_metrics``."""

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


FUNCTIONS.update(
    {
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
        "gemini_live_session_send_tool_response_scheduled": (
            RESULT,
            [SESSION_P, _STR, _STR, _STR, _STR, c_bool],
        ),
        "gemini_live_session_send_context_update": (RESULT, [SESSION_P, _STR, CONFIG_P]),
    }
)
