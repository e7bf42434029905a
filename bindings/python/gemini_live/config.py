"""``Config``: the session configuration, one keyword argument per C setter."""

import ctypes
import json
import weakref

from . import _lib
from .errors import check

L = _lib.lib

MODALITIES = {
    "text": _lib.MODALITY_TEXT,
    "audio": _lib.MODALITY_AUDIO,
    "text+audio": _lib.MODALITY_TEXT_AND_AUDIO,
    "text_and_audio": _lib.MODALITY_TEXT_AND_AUDIO,
}

PHASES = {
    "tcp_connect": _lib.PHASE_TCP_CONNECT,
    "tls_handshake": _lib.PHASE_TLS_HANDSHAKE,
    "upgrade": _lib.PHASE_UPGRADE,
    "setup": _lib.PHASE_SETUP,
}


def _encode(value):
    return value.encode("utf-8") if isinstance(value, str) else value


class Config:
    """A session configuration.

    It starts from the library defaults overridden by the environment (``GEMINI_API_KEY``,
    ``GEMINI_LIVE_MODEL``, ``GEMINI_LIVE_ENDPOINT``, ``GEMINI_LIVE_API_VERSION``,
    ``GEMINI_LIVE_CA_FILE``). Each keyword argument calls the C setter of the same name
    (``gemini_live_config_set_<name>``), e.g.::

        Config(model="gemini-2.5-flash-native-audio-preview-12-2025",
               response_modality="text", system_instruction="Be brief.",
               temperature=0.2, connect_timeout_ms=3000)

    Arguments with a special shape: ``response_modality`` (``"text"``, ``"audio"``,
    ``"text+audio"`` or a ``MODALITY_*`` constant), ``functions`` (a list of
    ``{"name", "description", "parameters"}`` dicts), ``google_search``/``code_execution``/
    ``url_context`` (``True`` adds the tool), ``context_window_compression`` (``True`` or
    ``(trigger_tokens, target_tokens)``), ``reconnect_delays_ms`` (``(initial, max)``),
    ``phase_timeouts_ms`` (``{"tcp_connect": ms, ...}``), ``extra_root_ca_pem`` (bytes or
    str). Unknown names raise ``TypeError``; invalid values raise ``InvalidArgumentError``.

    Newer setup fields: ``proactivity`` (``{"audio": bool, "video": bool}``),
    ``initial_history_in_client_content`` (bool), ``safety_settings`` (a list of
    ``(category, threshold)``), ``translation`` (a target language such as ``"es"``, or
    ``(language, echo_target_language)``), ``input_transcription_options`` /
    ``output_transcription_options`` (``{"language_codes": [...], "mode": "VERBATIM"}``),
    a ``"behavior"`` (``"BLOCKING"``/``"NON_BLOCKING"``) in each ``functions`` dict,
    ``extra_setup`` (a dict merged into ``setup`` unvalidated; ``extra_setup_json`` takes
    the JSON text) and ``skip_model_check`` (bool: skip the model capability check).
    """

    def __init__(self, **options):
        handle = _lib.CONFIG_P()
        check(L.gemini_live_config_new(ctypes.byref(handle)))
        self._handle = handle
        self._finalizer = weakref.finalize(self, L.gemini_live_config_free, handle)
        for name, value in options.items():
            self.set(name, value)

    @property
    def handle(self):
        if not self._finalizer.alive:
            raise ValueError("the config was freed")
        return self._handle

    def set(self, name, value):
        """Sets one option (see the class documentation); returns ``self``."""
        special = getattr(self, "_set_" + name, None)
        if special is not None:
            special(value)
            return self
        fn = getattr(L, "gemini_live_config_set_" + name, None)
        if fn is None or name not in _SIMPLE:
            raise TypeError(f"unknown config option {name!r}")
        check(fn(self.handle, _encode(value)))
        return self

    def add_function(self, name, description="", parameters=None, behavior=None):
        """Declares a function the model may call; ``parameters`` is a JSON-schema dict,
        ``behavior`` ``"BLOCKING"`` or ``"NON_BLOCKING"`` (``None``: the model's default)."""
        params = "" if parameters is None else json.dumps(parameters)
        check(
            L.gemini_live_config_add_function(
                self.handle, _encode(name), _encode(description), _encode(params)
            )
        )
        if behavior:
            check(
                L.gemini_live_config_set_function_behavior(
                    self.handle, _encode(name), _encode(behavior)
                )
            )
        return self

    def validate(self):
        """Raises ``InvalidConfigError`` if a connect would refuse this configuration."""
        check(L.gemini_live_config_validate(self.handle))

    def close(self):
        """Frees the C object (also done when the config is garbage-collected)."""
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- options with a special shape --------------------------------------------------------

    def _set_response_modality(self, value):
        if isinstance(value, str):
            if value.lower() not in MODALITIES:
                raise ValueError(f"unknown modality {value!r}")
            value = MODALITIES[value.lower()]
        check(L.gemini_live_config_set_response_modality(self.handle, value))

    def _set_functions(self, functions):
        for f in functions:
            self.add_function(
                f["name"], f.get("description", ""), f.get("parameters"), f.get("behavior")
            )

    def _set_google_search(self, on):
        if on:
            check(L.gemini_live_config_add_google_search(self.handle))

    def _set_code_execution(self, on):
        if on:
            check(L.gemini_live_config_add_code_execution(self.handle))

    def _set_url_context(self, on):
        if on:
            check(L.gemini_live_config_add_url_context(self.handle))

    def _set_context_window_compression(self, value):
        if value in (True, False, None):
            trigger, target, on = 0, 0, bool(value)
        else:
            (trigger, target), on = value, True
        check(L.gemini_live_config_set_context_window_compression(self.handle, on, trigger, target))

    def _set_reconnect_delays_ms(self, value):
        initial, maximum = value
        check(L.gemini_live_config_set_reconnect_delays_ms(self.handle, initial, maximum))

    def _set_phase_timeouts_ms(self, value):
        for phase, ms in value.items():
            check(L.gemini_live_config_set_phase_timeout_ms(self.handle, PHASES[phase], ms))

    def _set_proactivity(self, value):
        def tri(v):
            return -1 if v is None else int(bool(v))

        check(
            L.gemini_live_config_set_proactivity(
                self.handle, tri(value.get("audio")), tri(value.get("video"))
            )
        )

    def _set_safety_settings(self, settings):
        for category, threshold in settings:
            check(
                L.gemini_live_config_add_safety_setting(
                    self.handle, _encode(category), _encode(threshold)
                )
            )

    def _set_translation(self, value):
        lang, echo = (value, False) if isinstance(value, str) or value is None else value
        check(L.gemini_live_config_set_translation(self.handle, _encode(lang or ""), bool(echo)))

    def _transcription_options(self, which, value):
        codes = ",".join(value.get("language_codes", []))
        mode = value.get("mode") or ""
        check(
            L.gemini_live_config_set_transcription_options(
                self.handle, which, _encode(codes), _encode(mode)
            )
        )

    def _set_input_transcription_options(self, value):
        self._transcription_options(_lib.TRANSCRIPTION_INPUT, value)

    def _set_output_transcription_options(self, value):
        self._transcription_options(_lib.TRANSCRIPTION_OUTPUT, value)

    def _set_extra_setup(self, value):
        text = "" if value is None else json.dumps(value)
        check(L.gemini_live_config_set_extra_setup_json(self.handle, _encode(text)))

    def _set_extra_root_ca_pem(self, pem):
        pem = _encode(pem)
        check(L.gemini_live_config_set_extra_root_ca_pem(self.handle, pem, len(pem)))


# The setters that take exactly one value after the config.
_SIMPLE = {
    name[len("gemini_live_config_set_"):]
    for name, (_, argtypes) in _lib.FUNCTIONS.items()
    if name.startswith("gemini_live_config_set_") and len(argtypes) == 2
}
