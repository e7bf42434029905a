"""The declarations of ``gemini_live.h``, second part: one section per part of the header
after the session, in its order (``gemini_live_resampler``, ``gemini_live_player``, telephony,
the client VAD, the echo canceller, ``gemini_live_fake_server``). ``_c_core`` has the first
part and ``FUNCTIONS``, which this module extends.
"""

from __future__ import annotations

import ctypes
from ctypes import (
    POINTER,
    c_bool,
    c_char_p,
    c_float,
    c_size_t,
    c_uint16,
    c_uint32,
    c_uint64,
)
from typing import Any

from ._c_core import (
    _CODES,
    CONFIG_P,
    EVENT_P,
    FUNCTIONS,
    _Opaque,
    _Sized,
    _OUT_LEN,
    RESULT,
    _SAMPLES,
    SESSION_P,
    _STR,
)


# ---- gemini_live_resampler ------------------------------------------------------------------
class Resampler(_Opaque):
    """``gemini_live_resampler``."""


RESAMPLER_P = POINTER(Resampler)

FUNCTIONS.update(
    {
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
    }
)


# ---- gemini_live_player ---------------------------------------------------------------------
class Player(_Opaque):
    """``gemini_live_player``."""


PLAYER_P = POINTER(Player)


class PlayerStats(_Sized):
    """``gemini_live_player_stats``."""

    _fields_ = [
        ("size", c_uint32),
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


class TurnPlayback(_Sized):
    """``gemini_live_turn_playback``."""

    _fields_ = [
        ("size", c_uint32),
        ("reserved", c_uint32),
        ("turn", c_uint64),
        ("received", c_uint64),
        ("heard", c_uint64),
        ("source_rate", c_uint32),
        ("interrupted", c_uint32),
        ("heard_fraction", ctypes.c_double),
    ]


FUNCTIONS.update(
    {
        "gemini_live_player_new": (RESULT, [c_uint32, c_uint16, POINTER(PLAYER_P)]),
        "gemini_live_player_new_with": (
            RESULT,
            [c_uint32, c_uint16, c_uint32, c_uint32, POINTER(PLAYER_P)],
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
        "gemini_live_player_new_paced": (
            RESULT,
            [c_uint32, c_uint16, c_uint32, c_uint32, c_bool, POINTER(PLAYER_P)],
        ),
    }
)


# ---- Telephony ------------------------------------------------------------------------------
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


class PhoneOutStats(_Sized):
    """``gemini_live_phone_out_stats``."""

    _fields_ = [
        ("size", c_uint32),
        ("reserved", c_uint32),
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
        "gemini_live_phone_in_finish_max_output": (c_size_t, [PHONE_IN_P]),
        "gemini_live_phone_in_finish": (RESULT, [PHONE_IN_P, _SAMPLES, c_size_t, _OUT_LEN]),
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


# ---- Client voice activity detection --------------------------------------------------------
CLIENT_VAD_ACTIVITY = 1
CLIENT_VAD_GATE = 2
CLIENT_VAD_SPEECH_START = 1
CLIENT_VAD_SPEECH_END = 2


class ClientVad(_Opaque):
    """``gemini_live_client_vad``."""


CLIENT_VAD_P = POINTER(ClientVad)


class ClientVadStats(_Sized):
    """``gemini_live_client_vad_stats``."""

    _fields_ = [
        ("size", c_uint32),
        ("speaking", c_uint32),
        ("score", c_float),
        ("reserved", c_uint32),
        ("utterances", c_uint64),
        ("sent", c_uint64),
        ("withheld", c_uint64),
        ("retractions", c_uint64),
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


# ---- Echo cancellation ----------------------------------------------------------------------
NOISE_SUPPRESSION_OFF = 0
NOISE_SUPPRESSION_LOW = 1
NOISE_SUPPRESSION_MODERATE = 2
NOISE_SUPPRESSION_HIGH = 3
NOISE_SUPPRESSION_VERY_HIGH = 4


class EchoCanceller(_Opaque):
    """``gemini_live_echo_canceller``."""


ECHO_CANCELLER_P = POINTER(EchoCanceller)


class EchoStats(_Sized):
    """``gemini_live_echo_stats``."""

    _fields_ = [
        ("size", c_uint32),
        ("enabled", c_uint32),
        ("erle_db", ctypes.c_double),
        ("erl_db", ctypes.c_double),
        ("delay_estimate_ms", ctypes.c_int32),
        ("device_delay_ms", c_uint32),
        ("capture_frames", c_uint64),
        ("reference_frames", c_uint64),
        ("reference_late", c_uint64),
        ("realigned", c_uint64),
        ("mic_dropped", c_uint64),
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
        "gemini_live_echo_canceller_push": (
            RESULT,
            [ECHO_CANCELLER_P, _SAMPLES, c_size_t, _OUT_LEN],
        ),
        "gemini_live_echo_canceller_pull": (
            RESULT,
            [ECHO_CANCELLER_P, _SAMPLES, c_size_t, _OUT_LEN],
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


# ---- gemini_live_fake_server ----------------------------------------------------------------
class FakeServer(_Opaque):
    """``gemini_live_fake_server``."""


FAKE_P: Any = POINTER(FakeServer)

FUNCTIONS.update(
    {
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
        "gemini_live_fake_server_start_vertex": (
            RESULT,
            [c_uint16, _STR, _STR, _STR, POINTER(FAKE_P)],
        ),
        "gemini_live_fake_server_start_paced": (
            RESULT,
            [c_uint16, c_uint32, ctypes.c_double, c_bool, POINTER(FAKE_P)],
        ),
    }
)
