"""The one audio-input conversion of the package: every function that takes audio (the
session's sends, ``Resampler.process``/``process_f32``, ``Player.push``/``read_into``, and
any later audio module) passes its argument through here, so they all accept the same
things and refuse the same things with the same message.

Accepted input, as ``(frames,)`` or ``(frames, channels)``:

- numpy arrays (and array-likes numpy can take, e.g. CPU tensors) of ``int16``,
  ``float32`` or ``float64``, any byte order and memory layout;
- ``bytes`` / ``bytearray``: little-endian 16-bit PCM;
- ``array.array`` of typecode ``'h'`` (int16), ``'f'`` (float32) or ``'d'`` (float64);
- ``memoryview`` (or any object with the buffer protocol, e.g. a ctypes array) of those
  formats, 1- or 2-dimensional (bytes-like views, format ``'B'``, are little-endian PCM16);
- a list or tuple of ints (int16 samples) or floats (float samples), or of rows of them.

Floats are samples in [-1.0, 1.0]: ``round(x * 32768)`` clipped to -32768..32767 (NaN is
0), the rule of the library's own float input. A ``(frames, channels)`` input is
interleaved frame by frame; an entry point that takes mono (the sends, ``Player.push``, a
one-channel ``Resampler``) averages the channels instead. Anything else raises
``TypeError`` naming the dtype and shape it got.

numpy is never imported by this module unless the caller passed an object only numpy can
read (an array-like without the buffer protocol); a numpy array is recognised through
``sys.modules``, where it must already be, and converted with numpy (fast). Without numpy,
buffers are converted in pure Python.
"""

from __future__ import annotations

import ctypes
import sys
from array import array
from typing import Any, Callable, List, Sequence, Tuple, Union

try:  # Python 3.8 has typing.Protocol
    from typing import Protocol
except ImportError:  # pragma: no cover
    from typing_extensions import Protocol  # type: ignore[assignment]

from . import _lib
from .errors import InvalidArgumentError

__all__ = ["ArrayLike", "AudioInput", "Samples", "convert", "output_buffer", "describe"]


class ArrayLike(Protocol):
    """What a numpy array (or any array with ``shape`` and ``dtype``) looks like to a type
    checker; numpy itself is not needed to type-check code using this package."""

    @property
    def shape(self) -> Tuple[int, ...]: ...

    @property
    def dtype(self) -> Any: ...


#: Audio accepted by every audio entry point (see the module documentation).
AudioInput = Union[
    bytes,
    bytearray,
    memoryview,
    "array[int]",
    "array[float]",
    Sequence[int],
    Sequence[float],
    ArrayLike,
]

_TYPECODE_NAMES = {
    "b": "int8",
    "B": "uint8",
    "c": "bytes",
    "u": "unicode",
    "h": "int16",
    "H": "uint16",
    "i": "int32",
    "I": "uint32",
    "l": "int%d" % (8 * ctypes.sizeof(ctypes.c_long)),
    "L": "uint%d" % (8 * ctypes.sizeof(ctypes.c_long)),
    "q": "int64",
    "Q": "uint64",
    "n": "intp",
    "N": "uintp",
    "e": "float16",
    "f": "float32",
    "d": "float64",
    "?": "bool",
    "P": "pointer",
}
_NATIVE_LITTLE = sys.byteorder == "little"
_EXPECTED = "int16, float32 or float64 samples shaped (frames,) or (frames, channels)"


def describe(audio: object) -> str:
    """``dtype X, shape (...)`` of ``audio`` as far as it can be told, for messages."""
    dtype = getattr(audio, "dtype", None)
    shape = getattr(audio, "shape", None)
    if dtype is not None and isinstance(shape, tuple):
        return f"a {type(audio).__name__} of dtype {dtype}, shape {shape}"
    if isinstance(audio, array):
        name = _TYPECODE_NAMES.get(audio.typecode, audio.typecode)
        return f"array({audio.typecode!r}) (dtype {name}), shape ({len(audio)},)"
    if isinstance(audio, (str, dict, set)) or audio is None:
        return f"a {type(audio).__name__}"
    if isinstance(audio, (list, tuple)):
        kinds = sorted({type(v).__name__ for v in audio[:64]})
        of = f" of {'/'.join(kinds)}" if kinds else ""
        return f"a {type(audio).__name__}{of}, shape ({len(audio)},)"
    try:
        view = memoryview(audio)  # type: ignore[arg-type]
    except TypeError:
        return f"a {type(audio).__name__}"
    order, code = _split_format(view.format)
    name = _TYPECODE_NAMES.get(code, view.format)
    if order == ">":
        name += " (big-endian)"
    return f"a {type(audio).__name__} of dtype {name}, shape {view.shape}"


def _refuse(what: str, audio: object, why: str = "") -> TypeError:
    why = f" ({why})" if why else ""
    return TypeError(f"{what}: expected {_EXPECTED}; got {describe(audio)}{why}")


def _odd_bytes(what: str, n: int) -> InvalidArgumentError:
    return InvalidArgumentError(
        _lib.INVALID_ARGUMENT, f"{what}: 16-bit PCM bytes come in pairs; got {n} bytes"
    )


def _split_format(fmt: str) -> Tuple[str, str]:
    """``(byte order, type code)`` of a struct format: order ``'<'``, ``'>'`` or ``''``
    (native)."""
    order = ""
    if fmt[:1] in "@=<>!":
        order = {"<": "<", ">": ">", "!": ">"}.get(fmt[0], "")
        fmt = fmt[1:]
    if (order == "<" and _NATIVE_LITTLE) or (order == ">" and not _NATIVE_LITTLE):
        order = ""
    return order, fmt


class Samples:
    """Converted audio ready for a C call: native ``int16`` (or ``float32`` when the entry
    point takes floats) samples, interleaved, contiguous, kept alive by this object."""

    __slots__ = ("data", "is_float", "count", "channels", "_ptr")

    def __init__(self, data: Any, is_float: bool, channels: int) -> None:
        self.data = data  # array('h'/'f') or a contiguous numpy array
        self.is_float = is_float
        self.count: int = len(data) if isinstance(data, array) else int(data.size)
        self.channels = channels
        ctype = ctypes.c_float if is_float else ctypes.c_int16
        if self.count == 0:
            self._ptr: Any = ctypes.cast(ctypes.pointer(ctype(0)), ctypes.POINTER(ctype))
        elif isinstance(data, array):
            self._ptr = ctypes.cast(data.buffer_info()[0], ctypes.POINTER(ctype))
        else:
            self._ptr = data.ctypes.data_as(ctypes.POINTER(ctype))

    @property
    def pointer(self) -> Any:
        """A ctypes pointer to the first sample (valid while this object lives)."""
        return self._ptr

    @property
    def frames(self) -> int:
        return self.count // max(self.channels, 1)

    def int16(self) -> "array[int]":
        """The samples as a native ``array('h')`` (a copy unless they already are one)."""
        if isinstance(self.data, array) and self.data.typecode == "h":
            return self.data
        if not self.is_float:
            return array("h", self.data.tobytes())
        return _floats_to_int16(self.data.tolist())

    def le_bytes(self) -> bytes:
        """The samples as little-endian PCM16 bytes."""
        a = self.int16()
        if not _NATIVE_LITTLE:
            a = array("h", a)
            a.byteswap()
        return a.tobytes()


def _clip16(v: float) -> int:
    x = v * 32768.0
    if x != x:  # NaN
        return 0
    if x >= 32767.0:
        return 32767
    if x <= -32768.0:
        return -32768
    return int(round(x))


def _floats_to_int16(values: Sequence[float]) -> "array[int]":
    return array("h", [_clip16(v) for v in values])


def _downmix(values: Sequence[Any], channels: int, is_float: bool) -> List[Any]:
    """The mean of each frame's channels (ints rounded half to even, as numpy does)."""
    n = len(values) // channels
    if is_float:
        return [sum(values[i * channels:(i + 1) * channels]) / channels for i in range(n)]
    return [int(round(sum(values[i * channels:(i + 1) * channels]) / channels)) for i in range(n)]


def convert(audio: object, *, channels: int = 1, floats: bool = False, what: str = "audio") -> Samples:
    """``audio`` as ``Samples`` for an entry point that takes ``channels`` interleaved
    channels (1: mono, a multi-channel input is downmixed). With ``floats``, float input
    stays float (``float32``) for an entry point that has a float variant; else it becomes
    int16. Raises ``TypeError`` for anything else, ``InvalidArgumentError`` (a
    ``ValueError``) for bytes that are not whole 16-bit samples or ints outside int16."""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(audio, np.ndarray):
        return _from_numpy(np, audio, channels, floats, what)
    if isinstance(audio, (bytes, bytearray)):  # little-endian PCM16: one copy
        if len(audio) % 2:
            raise _odd_bytes(what, len(audio))
        pcm = array("h", audio)
        if not _NATIVE_LITTLE:
            pcm.byteswap()
        return Samples(pcm, False, channels)
    if isinstance(audio, array):
        if audio.typecode == "h" or (floats and audio.typecode == "f"):
            return Samples(audio, audio.typecode == "f", channels)  # as is: no copy
        if audio.typecode not in ("h", "f", "d"):
            raise _refuse(what, audio)
        return _from_buffer(memoryview(audio), audio, channels, floats, what)
    if isinstance(audio, (list, tuple)):
        return _from_list(audio, channels, floats, what)
    if isinstance(audio, (str, dict, set, int, float)) or audio is None:
        raise _refuse(what, audio)
    try:
        view = memoryview(audio)  # type: ignore[arg-type]
    except TypeError:
        view = None
    if view is not None:
        return _from_buffer(view, audio, channels, floats, what)
    if hasattr(audio, "__array__") or hasattr(audio, "__array_interface__"):
        try:
            import numpy
        except ImportError:
            raise _refuse(what, audio, "install numpy to pass array-likes") from None
        return _from_numpy(numpy, numpy.asarray(audio), channels, floats, what)
    raise _refuse(what, audio)


def _check_shape(shape: Tuple[int, ...], channels: int, what: str, audio: object) -> int:
    """The input's channel count (1 for a 1-D input) after checking the shape."""
    if len(shape) == 1:
        return 1
    if len(shape) != 2 or shape[1] < 1:
        raise _refuse(what, audio)
    if channels > 1 and shape[1] != channels:
        raise _refuse(what, audio, f"this takes {channels} channels")
    return shape[1]


def _from_numpy(np: Any, a: Any, channels: int, floats: bool, what: str) -> Samples:
    with np.errstate(invalid="ignore", over="ignore"):  # NaN and inf are defined: no warning
        return _numpy_samples(np, a, channels, floats, what)


def _numpy_samples(np: Any, a: Any, channels: int, floats: bool, what: str) -> Samples:
    kind, size = a.dtype.kind, a.dtype.itemsize
    if not ((kind == "i" and size == 2) or (kind == "f" and size in (4, 8))):
        raise _refuse(what, a)
    have = _check_shape(tuple(a.shape), channels, what, a)
    is_float = kind == "f"
    if have > 1 and channels == 1:  # downmix to mono
        a = a.mean(axis=1, dtype=np.float64)
        if not is_float:
            a = np.rint(a)
    out: Any
    if is_float and floats:
        out = np.ascontiguousarray(a, dtype=np.float32).reshape(-1)
    elif is_float or a.dtype.kind == "f":  # floats, or a rounded int16 downmix
        x = np.asarray(a, dtype=np.float64)
        if is_float:
            x = np.nan_to_num(x * 32768.0, nan=0.0)
            x = np.rint(x)
        out = np.clip(x, -32768, 32767).astype(np.int16).reshape(-1)
        is_float = False
    else:
        out = np.ascontiguousarray(a, dtype=np.int16).reshape(-1)
    return Samples(out, is_float and floats, channels)


def _from_buffer(view: memoryview, audio: object, channels: int, floats: bool, what: str) -> Samples:
    order, code = _split_format(view.format)
    shape = tuple(view.shape or ())
    if code in ("B", "b", "c") and view.ndim == 1:  # bytes: little-endian PCM16
        if view.nbytes % 2:
            raise _odd_bytes(what, view.nbytes)
        code, order, shape = "h", ("" if _NATIVE_LITTLE else "<"), (view.nbytes // 2,)
    if code not in ("h", "f", "d") or not shape:
        raise _refuse(what, audio)
    have = _check_shape(shape, channels, what, audio)
    flat: Any = array(code, view.tobytes())  # C order: frames interleaved
    if order:
        flat.byteswap()
    is_float = code != "h"
    if have > 1 and channels == 1:
        flat = _downmix(flat, have, is_float)
    if is_float and floats:
        return Samples(flat if code == "f" and isinstance(flat, array) else array("f", flat),
                       True, channels)
    if is_float:
        return Samples(_floats_to_int16(flat), False, channels)
    return Samples(flat if isinstance(flat, array) else array("h", flat), False, channels)


def _from_list(seq: Sequence[Any], channels: int, floats: bool, what: str) -> Samples:
    rows = len(seq)
    if rows and isinstance(seq[0], (list, tuple)):
        width = len(seq[0])
        if any(not isinstance(r, (list, tuple)) or len(r) != width for r in seq):
            raise _refuse(what, seq, "rows of different lengths")
        flat: List[Any] = [v for r in seq for v in r]
        shape: Tuple[int, ...] = (rows, width)
    else:
        flat, shape = list(seq), (rows,)
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in flat):
        raise _refuse(what, seq)
    is_float = any(isinstance(v, float) for v in flat)
    have = _check_shape(shape, channels, what, seq)
    if not is_float:
        bad = next((v for v in flat if not -32768 <= v <= 32767), None)
        if bad is not None:
            raise InvalidArgumentError(
                _lib.INVALID_ARGUMENT, f"{what}: int16 samples are -32768..32767; got {bad}"
            )
    if have > 1 and channels == 1:
        flat = _downmix(flat, have, is_float)
    if is_float and floats:
        return Samples(array("f", flat), True, channels)
    if is_float:
        return Samples(_floats_to_int16(flat), False, channels)
    return Samples(array("h", flat), False, channels)


# ---- output buffers (Player.read_into) ---------------------------------------------------------


class OutputBuffer:
    """A caller's buffer the library writes samples into: ``pointer`` (int16 or float32,
    ``is_float``), room for ``frames`` frames, and ``finish()`` to call afterwards (copies
    back from a temporary buffer when the caller's could not be written directly)."""

    __slots__ = ("pointer", "frames", "is_float", "finish", "_keep")

    def __init__(
        self, pointer: Any, frames: int, is_float: bool, finish: Callable[[], None], keep: Any
    ) -> None:
        self.pointer, self.frames, self.is_float = pointer, frames, is_float
        self.finish, self._keep = finish, keep


def _nothing() -> None:
    return None


def output_buffer(buf: object, *, channels: int, what: str = "buffer") -> OutputBuffer:
    """``buf`` as a place to write ``channels``-channel interleaved audio: a ctypes
    ``c_int16``/``c_float`` array, a writable ``array('h'/'f'/'d')``, ``bytearray``
    (native PCM16), ``memoryview``, or a numpy ``int16``/``float32``/``float64`` array
    shaped ``(frames,)`` (interleaved) or ``(frames, channels)``."""
    if isinstance(buf, ctypes.Array) and buf._type_ in (ctypes.c_int16, ctypes.c_float):
        # The audio callback's usual buffer: no conversion at all.
        return OutputBuffer(buf, len(buf) // channels, buf._type_ is ctypes.c_float, _nothing, buf)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(buf, np.ndarray):
        return _numpy_output(np, buf, channels, what)
    try:
        view = memoryview(buf)  # type: ignore[arg-type]
    except TypeError:
        raise _refuse(what, buf) from None
    if view.readonly:
        raise TypeError(f"{what}: the buffer is read-only; got {describe(buf)}")
    order, code = _split_format(view.format)
    shape = tuple(view.shape or ())
    if code in ("B", "b", "c") and view.ndim == 1:
        code, shape = "h", (view.nbytes // 2,)
        view = view.cast("B")[: shape[0] * 2].cast("h")
    if code not in ("h", "f", "d") or not shape or order:
        raise _refuse(what, buf, "native byte order" if order else "")
    _check_shape(shape, channels, what, buf)
    count = 1
    for n in shape:
        count *= n
    frames = count // channels
    if not view.c_contiguous:
        raise TypeError(f"{what}: the buffer must be contiguous; got {describe(buf)}")
    fmt: Any = code  # one of "h", "f", "d" (typeshed wants a literal)
    flat: Any = view.cast("B").cast(fmt)
    if code == "d":
        # The library writes float32: a temporary buffer, copied back element by element.
        tmp = (ctypes.c_float * max(count, 1))()

        def back() -> None:
            for i in range(count):
                flat[i] = tmp[i]

        return OutputBuffer(tmp, frames, True, back, (tmp, flat))
    ctype = ctypes.c_int16 if code == "h" else ctypes.c_float
    target = (ctype * count).from_buffer(flat) if count else (ctype * 1)()
    return OutputBuffer(target, frames, code == "f", _nothing, (target, flat))


def _numpy_output(np: Any, a: Any, channels: int, what: str) -> OutputBuffer:
    kind, size = a.dtype.kind, a.dtype.itemsize
    if not ((kind == "i" and size == 2) or (kind == "f" and size in (4, 8))):
        raise _refuse(what, a)
    if not a.flags.writeable:
        raise TypeError(f"{what}: the array is read-only; got {describe(a)}")
    _check_shape(tuple(a.shape), channels, what, a)
    frames = int(a.size) // channels
    native = a.dtype.isnative and a.flags.c_contiguous
    if native and (kind == "i" or size == 4):
        ctype = ctypes.c_int16 if kind == "i" else ctypes.c_float
        return OutputBuffer(a.ctypes.data_as(ctypes.POINTER(ctype)), frames, kind == "f",
                            _nothing, a)
    tmp = np.zeros(a.shape, dtype=np.int16 if kind == "i" else np.float32)
    ctype = ctypes.c_int16 if kind == "i" else ctypes.c_float

    def back() -> None:
        a[...] = tmp

    return OutputBuffer(tmp.ctypes.data_as(ctypes.POINTER(ctype)), frames, kind == "f", back, tmp)
