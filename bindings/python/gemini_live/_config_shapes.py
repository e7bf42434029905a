"""The options of ``Config`` with a special shape (``response_modality``, tools,
``context_window_compression``, delays and budgets, ``phase_timeouts_ms``, ``proactivity``,
safety, translation, transcription options, ``extra_setup``, Vertex AI, ``record``,
``extra_root_ca_pem``): their types, the checks that turn a Python value into a C argument,
and their setters, which ``Config`` inherits (``gemini_live.config`` re-exports the public
names)."""

from __future__ import annotations

import ctypes
import json
import os
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple, TypedDict, Union

from . import _lib
from ._managed import Managed
from .enums import Modality, Phase, Transcription
from .errors import InvalidArgumentError, check, cstr
from .types import FunctionBehavior, ModalityName, TranscriptionMode

L = _lib.lib

#: Names accepted for ``response_modality`` (the CLI's ``--modality`` values included).
MODALITIES: Dict[str, Modality] = {
    "text": Modality.TEXT,
    "audio": Modality.AUDIO,
    "text+audio": Modality.TEXT_AND_AUDIO,
    "text_and_audio": Modality.TEXT_AND_AUDIO,
}

PHASES: Dict[str, Phase] = {p.name.lower(): p for p in Phase}

_INT_RANGES = {
    ctypes.c_uint32: (0, 2**32 - 1),
    ctypes.c_int32: (-(2**31), 2**31 - 1),
    ctypes.c_uint64: (0, 2**64 - 1),
    ctypes.c_int64: (-(2**63), 2**63 - 1),
    ctypes.c_size_t: (0, 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1),
}

ModalityLike = Union[ModalityName, Modality]
PemLike = Union[str, bytes]


class FunctionDeclaration(TypedDict, total=False):
    """A function the model may call: ``name`` (required), ``description``, ``parameters``
    (a JSON-schema object, e.g. ``{"type": "OBJECT", "properties": ...}``) and
    ``behavior`` (``"BLOCKING"`` or ``"NON_BLOCKING"``; absent: the model's default)."""

    name: str
    description: str
    parameters: Dict[str, Any]
    behavior: FunctionBehavior


class TranscriptionOptions(TypedDict, total=False):
    """Options of one transcription: ``language_codes`` (e.g. ``["en-US"]``) and ``mode``
    (``"VERBATIM"`` or ``"SMART"``). Model support is uncertain."""

    language_codes: Sequence[str]
    mode: TranscriptionMode


class Proactivity(TypedDict, total=False):
    """``proactivity`` (v1alpha, native-audio models): ``audio`` / ``video`` True, False or
    absent (not sent)."""

    audio: Optional[bool]
    video: Optional[bool]


def _integer(value: object, ctype: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    low, high = _INT_RANGES[ctype]
    if not low <= value <= high:
        raise InvalidArgumentError(
            _lib.INVALID_ARGUMENT, f"{what} = {value} is outside {low}..{high}"
        )
    return value


def _convert(value: object, ctype: Any, what: str) -> Any:
    """``value`` checked and converted for a C argument of type ``ctype``."""
    if ctype is ctypes.c_char_p:
        if not isinstance(value, (str, bytes)):
            raise TypeError(f"{what} must be a str, not {type(value).__name__}")
        return cstr(value, what)
    if ctype is ctypes.c_bool:
        if not isinstance(value, int):
            raise TypeError(f"{what} must be a bool, not {type(value).__name__}")
        return bool(value)
    if ctype is ctypes.c_float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{what} must be a number, not {type(value).__name__}")
        return float(value)
    return _integer(value, ctype, what)


class ShapedOptions(Managed):
    """The setters ``Config.set`` finds by name (``_set_<parameter>``) for the options that
    are not one C setter with one argument."""

    def _set_response_modality(self, value: ModalityLike) -> None:
        if isinstance(value, str):
            if value.lower() not in MODALITIES:
                raise InvalidArgumentError(
                    _lib.INVALID_ARGUMENT,
                    f"unknown modality {value!r}; use one of {', '.join(MODALITIES)}",
                )
            value = MODALITIES[value.lower()]
        code = _integer(int(value), ctypes.c_uint32, "response_modality")
        check(self._call(L.gemini_live_config_set_response_modality, code))

    def _set_google_search(self, on: bool) -> None:
        if on:
            check(self._call(L.gemini_live_config_add_google_search))

    def _set_code_execution(self, on: bool) -> None:
        if on:
            check(self._call(L.gemini_live_config_add_code_execution))

    def _set_url_context(self, on: bool) -> None:
        if on:
            check(self._call(L.gemini_live_config_add_url_context))

    def _set_context_window_compression(self, value: Union[bool, Tuple[int, int]]) -> None:
        if isinstance(value, bool):
            trigger, target, on = 0, 0, value
        else:
            (trigger, target), on = value, True
        u64 = ctypes.c_uint64
        check(
            self._call(
                L.gemini_live_config_set_context_window_compression,
                on,
                _integer(trigger, u64, "trigger_tokens"),
                _integer(target, u64, "target_tokens"),
            )
        )

    def _set_reconnect_delays_ms(self, value: Tuple[int, int]) -> None:
        initial, maximum = value
        u32 = ctypes.c_uint32
        check(
            self._call(
                L.gemini_live_config_set_reconnect_delays_ms,
                _integer(initial, u32, "initial delay"),
                _integer(maximum, u32, "max delay"),
            )
        )

    def _set_first_connect_budget(self, value: Tuple[int, int]) -> None:
        attempts, total_ms = value
        u32 = ctypes.c_uint32
        check(
            self._call(
                L.gemini_live_config_set_first_connect_budget,
                _integer(attempts, u32, "attempts"),
                _integer(total_ms, u32, "total_ms"),
            )
        )

    def _set_phase_timeouts_ms(self, value: Mapping[Union[str, Phase], int]) -> None:
        for phase, ms in value.items():
            if isinstance(phase, str):
                if phase not in PHASES:
                    raise InvalidArgumentError(
                        _lib.INVALID_ARGUMENT,
                        f"unknown phase {phase!r}; use one of {', '.join(PHASES)}",
                    )
                phase = PHASES[phase]
            check(
                self._call(
                    L.gemini_live_config_set_phase_timeout_ms,
                    int(phase),
                    _integer(ms, ctypes.c_uint32, f"phase_timeouts_ms[{phase.name.lower()}]"),
                )
            )

    def _set_proactivity(self, value: Mapping[str, Optional[bool]]) -> None:
        def tri(v: Optional[bool]) -> int:
            return -1 if v is None else int(bool(v))

        unknown = set(value) - {"audio", "video"}
        if unknown:
            raise TypeError(f"proactivity takes 'audio' and 'video', not {sorted(unknown)}")
        fn = L.gemini_live_config_set_proactivity
        check(self._call(fn, tri(value.get("audio")), tri(value.get("video"))))

    def _set_safety_settings(self, settings: Sequence[Tuple[str, str]]) -> None:
        for category, threshold in settings:
            check(
                self._call(
                    L.gemini_live_config_add_safety_setting,
                    cstr(category, "safety category"),
                    cstr(threshold, "safety threshold"),
                )
            )

    def _set_translation(self, value: Union[str, Tuple[str, bool]]) -> None:
        lang, echo = (value, False) if isinstance(value, str) else value
        fn = L.gemini_live_config_set_translation
        check(self._call(fn, cstr(lang, "translation"), bool(echo)))

    def _transcription_options(self, which: int, value: Mapping[str, Any]) -> None:
        codes = value.get("language_codes", [])
        if isinstance(codes, str):
            codes = [codes]
        fn = L.gemini_live_config_set_transcription_options
        joined = cstr(",".join(codes), "language_codes")
        check(self._call(fn, which, joined, cstr(value.get("mode") or "", "mode")))

    def _set_input_transcription_options(self, value: TranscriptionOptions) -> None:
        self._transcription_options(Transcription.INPUT, value)

    def _set_output_transcription_options(self, value: TranscriptionOptions) -> None:
        self._transcription_options(Transcription.OUTPUT, value)

    def _set_extra_setup(self, value: Mapping[str, Any]) -> None:
        fn = L.gemini_live_config_set_extra_setup_json
        check(self._call(fn, cstr(json.dumps(dict(value)), "extra_setup")))

    def _set_vertex(self, value: Optional[Tuple[str, str]]) -> None:
        from . import vertex  # late: vertex imports fake, which needs nothing from here

        vertex.set_target(self, value)

    def _set_access_token_provider(self, provider: Optional[Callable[[], str]]) -> None:
        from . import vertex

        # Kept by the config too, for as long as it lives.
        self._token_callback = vertex.set_token_provider(self, provider)

    def _set_record(self, value: Union[str, "os.PathLike[str]", Tuple[Any, str]]) -> None:
        # A path (audio kept) or (path, "summary"): the wire recorder.
        path, audio = value if isinstance(value, tuple) else (value, "keep")
        modes = {"keep": _lib.RECORD_AUDIO_KEEP, "summary": _lib.RECORD_AUDIO_SUMMARY}
        if audio not in modes:
            raise InvalidArgumentError(
                _lib.INVALID_ARGUMENT, f"record audio {audio!r}: expected 'keep' or 'summary'"
            )
        raw = cstr(os.fspath(path), "record")
        check(self._call(L.gemini_live_config_set_record, raw, modes[audio]))

    def _set_extra_root_ca_pem(self, pem: PemLike) -> None:
        raw = pem.encode("utf-8") if isinstance(pem, str) else bytes(pem)
        check(self._call(L.gemini_live_config_set_extra_root_ca_pem, raw, len(raw)))
