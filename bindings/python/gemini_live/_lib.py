"""Loads the gemini_live shared library and declares every function of gemini_live.h.

The library is looked for, in order:

1. the path in the environment variable ``GEMINI_LIVE_LIBRARY`` (no fallback if it is set);
2. beside this package (``gemini_live/libgemini_live.so``, ``.dylib`` or ``gemini_live.dll``),
   where ``pip install ./bindings/python`` puts the library it built or bundled;
3. the repository's ``target/release``, then ``target/debug`` (a source checkout after
   ``cargo build``; only when this package sits in ``bindings/python`` of the repository).

The declarations are in ``_c_core`` and ``_c_helpers``, grouped like the header: one section
per C object (per part of the header), in the header's order; this module re-exports them.
``FUNCTIONS`` maps each C function to ``(restype, argtypes)``; tests check that it covers
every function of the header, in its order, with the same number of arguments. The constants
mirror the header's ``#define``s and ``Metrics._fields_`` its ``gemini_live_metrics`` (both
checked by tests against ``include/gemini_live.h``).
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path
from typing import FrozenSet, List, Set, Tuple

from ._c_core import *  # noqa: F403 (re-exported: the declarations)
from ._c_core import _CODES as _CODES
from ._c_core import FUNCTIONS
from ._c_helpers import *  # noqa: F403

# Functions a library may lack: the embedded fake server and the test-only exports can be
# left out of an installed library (a cargo feature). Everything else must be there.
OPTIONAL_PREFIXES = ("gemini_live_fake_server_", "gemini_live_test_")


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
