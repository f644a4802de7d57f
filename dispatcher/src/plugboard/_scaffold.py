"""``plugboard new-backend NAME``: a complete backend package to start a vendor's from.

The package it writes installs with ``pip install -e`` and passes the
conformance suite as generated: its runtime keeps tensors in host memory
(NumPy buffers) and it starts from the CPU backend's kernel table, replacing
one entry with a kernel of its own to show how. ``NEXT_STEPS`` (printed by
the command, and in the package's README) says how to move it to real device
memory, one step at a time, keeping the suite green after each.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from typing import Final

from plugboard._core.errors import ArgumentError
from plugboard._version import API_VERSION, __version__

__all__ = ["NEXT_STEPS", "write_backend"]

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_RESERVED: Final = frozenset({"cpu", "meta", "opencl", "cuda", "rocm", "metal"})

_PYPROJECT: Final = '''[build-system]
requires = ["hatchling>=1.21,<2"]
build-backend = "hatchling.build"

[project]
name = "plugboard-{name}"
version = "0.1.0"
description = "The {name} backend for plugboard."
readme = "README.md"
requires-python = ">=3.10"
dependencies = [
    "plugboard>={core_minor},<{core_next}",
    # The kernels start from the CPU backend's table; drop this once every kernel is yours.
    "plugboard-cpu>={core_minor},<{core_next}",
    "numpy>=1.26,<3",
]

[project.optional-dependencies]
test = ["plugboard-conformance>={core_minor},<{core_next}", "pytest>=8,<10"]

# How plugboard finds the backend: the entry point's name is the device type.
[project.entry-points."plugboard.backends"]
{name} = "plugboard_{name}._plugin"

[tool.hatch.build.targets.wheel]
packages = ["src/plugboard_{name}"]
'''

_INIT: Final = '''"""The plugboard {name} backend: devices ``{name}:0`` ...

plugboard loads it through the entry point ``plugboard.backends: {name}``
(see pyproject.toml); nothing imports this package directly.
"""

__version__ = "0.1.0"
'''

_PLUGIN: Final = '''"""The hooks plugboard calls, in order: identity, runtime, kernels."""

from __future__ import annotations

from importlib import resources

from plugboard import Library, backend

from ._kernels import KERNELS
from ._runtime import {Key}Runtime


@backend.hookimpl
def plugboard_backend_info() -> backend.BackendInfo:
    """Who the backend is; called first, and must not touch a driver."""
    return backend.BackendInfo(
        device_type="{name}",
        dispatch_key="{Key}",
        version="0.1.0",
        api_version=backend.API_VERSION,
        distribution="plugboard-{name}",
    )


@backend.hookimpl
def plugboard_device_runtime() -> backend.DeviceRuntime:
    """Discovery and memory; a missing driver is reported by availability(), not raised."""
    return {Key}Runtime()


@backend.hookimpl
def plugboard_register_kernels(library: Library) -> None:
    """Register the kernel table on ``library``, which is bound to the {Key} key."""
    KERNELS.register(library)


@backend.hookimpl
def plugboard_conformance_expectations() -> str:
    """What the backend knows it does not pass (conformance-expectations.toml)."""
    return str(resources.files("plugboard_{name}") / "conformance-expectations.toml")
'''

_RUNTIME: Final = '''"""Discovery and memory for {name} devices: the backend's ``DeviceRuntime``.

As generated, the memory is host memory (``host_memory = True``: buffers are
1-D uint8 NumPy arrays, so kernels view tensors with
``plugboard.backend.host_array``). To move to device memory, see the
package README: buffers come from your driver (``plugboard.backend.CachingAllocator``
over its allocate and free), copies become driver copies, and the streams
and events methods map onto the driver's queues.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import plugboard as pb
from plugboard import backend

DTYPES = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
          pb.float16, pb.bfloat16, pb.float32, pb.float64)


class {Key}Runtime(backend.DeviceRuntime):
    """One {name} device whose memory is host memory."""

    host_memory = True

    def availability(self) -> backend.Availability:
        # A real backend checks its driver here: Availability.no("driver not found: ...").
        return backend.Availability.yes()

    def device_count(self) -> int:
        return 1

    def device_properties(self, index: int) -> backend.DeviceProperties:
        return backend.DeviceProperties(
            name="{name} device", total_memory=1 << 30, driver="plugboard-{name} 0.1.0",
            dtypes=DTYPES,
        )

    def allocate(self, nbytes: int, index: int) -> np.ndarray:
        return np.empty(nbytes, dtype=np.uint8)

    def copy_from_host(self, dst: Any, dst_offset: int, src: np.ndarray, index: int) -> None:
        flat = src.reshape(-1).view(np.uint8)
        dst[dst_offset:dst_offset + flat.nbytes] = flat

    def copy_to_host(self, dst: np.ndarray, src: Any, src_offset: int, index: int) -> None:
        flat = dst.reshape(-1).view(np.uint8)
        flat[:] = src[src_offset:src_offset + flat.nbytes]

    def copy_between(
        self, dst: Any, dst_offset: int, dst_index: int, src: Any, src_offset: int,
        src_index: int, nbytes: int,
    ) -> None:
        dst[dst_offset:dst_offset + nbytes] = src[src_offset:src_offset + nbytes]
'''

_KERNELS: Final = '''"""The kernel table: the CPU backend's, with this backend's own entries.

Each kernel follows plugboard's calling convention (docs/vendor-guide.md):
every schema argument positionally, then ``out=``, the output to write. Add
your own kernels here, one ``KernelSpec`` each, and replace the CPU's entry;
``plugboard ops`` shows which operators run natively on {name}.
"""

from __future__ import annotations

import numpy as np

import plugboard as pb
from plugboard.backend import ALL, KernelSpec, host_array
from plugboard_cpu import KERNELS as CPU_KERNELS


def add(self: pb.Tensor | float, other: pb.Tensor | float, alpha: float, *, out: pb.Tensor
        ) -> None:
    """``pb::add``: ``self + alpha * other``, written into ``out`` (inputs broadcast already)."""
    a = host_array(self) if isinstance(self, pb.Tensor) else self
    b = host_array(other) if isinstance(other, pb.Tensor) else other
    with np.errstate(all="ignore"):
        result = np.add(a, np.multiply(b, alpha) if alpha != 1 else b)
    host_array(out)[...] = result


KERNELS = CPU_KERNELS.replacing(
    KernelSpec("add", add, ALL, strided=True),
)
'''

_EXPECTATIONS: Final = '''# Conformance expectations of the plugboard {name} backend.
#
# List each case the backend knows it does not pass, so the suite can tell a
# known gap from a regression:
#
# [[expectation]]
# op = "pb::matmul"
# dtypes = ["int8"]
# kind = "unsupported"        # or "expected failure" for a known bug
# reason = "no int8 GEMM on this hardware"
# link = "https://..."
#
# An entry that matches nothing, or an expected failure that passes, fails the run.
'''

_TEST: Final = '''"""The {name} backend loads, computes, and passes the conformance suite."""

import plugboard as pb


def test_the_backend_loads_and_computes() -> None:
    assert [str(d) for d in pb.devices("{name}")] == ["{name}:0"]
    x = pb.tensor([1.0, 2.0, 3.0], device="{name}")
    assert (x + x).tolist() == [2.0, 4.0, 6.0]
    assert (x + 1).device == pb.device("{name}:0")
'''

NEXT_STEPS: Final = """\
Next steps, keeping `plugboard conformance --backend {name}` passing after each:

1. Identity: set the version, distribution and description in pyproject.toml and
   src/plugboard_{name}/_plugin.py.
2. Discovery: make {Key}Runtime.availability() ask your driver, and
   Availability.no("...") with the driver's message when it is missing;
   device_count() and device_properties() from the driver (declare only the
   dtypes the device computes).
3. Device memory: set host_memory = False; build allocate/free on
   plugboard.backend.CachingAllocator over the driver's allocate and free
   (stream-ordered reuse, statistics, empty_cache and out-of-memory errors come
   with it), and make the three copies driver copies. copy_to_host returns with
   the bytes in place.
4. Streams: set has_streams = True and map create_stream, record_event,
   wait_event, ... onto the driver's queues; kernels queue on
   plugboard.backend.current_stream_handle(device).
5. Kernels: replace the CPU kernel table entry by entry with your own
   (_kernels.py: KERNELS = CPU_KERNELS.replacing(KernelSpec(...), ...));
   a kernel reaches its buffer with plugboard.backend.device_buffer(tensor).
   Once no CPU kernel is left, build the table from your own KernelSpecs and drop
   the plugboard-cpu dependency.
6. Conformance: list known gaps in conformance-expectations.toml, run
   `plugboard conformance --backend {name} --report-dir reports`, and publish the
   report with each release (docs/vendor-guide.md has the release checklist).
"""

_README: Final = '''# plugboard-{name}

The {name} backend for [plugboard](https://pypi.org/project/plugboard/): devices
`{name}:0` ..., selected as `pb.tensor(data, device="{name}")`.

```
pip install -e .            # then: plugboard devices, plugboard doctor
plugboard conformance --backend {name} --report-dir reports
```

As generated, the backend keeps tensors in host memory and runs the CPU
backend's kernels, with its own `pb::add`; it passes the conformance suite.

| feature | where |
|---|---|
| entry point (device type `{name}`) | `pyproject.toml`, `plugboard.backends` entry point |
| identity, runtime and kernel hooks | `src/plugboard_{name}/_plugin.py` |
| discovery and memory (`DeviceRuntime`) | `src/plugboard_{name}/_runtime.py`, `{Key}Runtime` |
| kernels (`KernelTable`, `KernelSpec`) | `src/plugboard_{name}/_kernels.py`, `KERNELS` |
| known conformance gaps | `src/plugboard_{name}/conformance-expectations.toml` |
| tests | `tests/test_backend.py` |

{steps}'''


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ArgumentError(
            f"new-backend: {name!r} is not a device type: use lower-case letters, digits and "
            "'_', starting with a letter (e.g. 'acme'). Fix: pick such a name"
        )
    if name in _RESERVED:
        raise ArgumentError(
            f"new-backend: {name!r} is a device type plugboard maintains a backend for. "
            "Fix: name your backend after your hardware, e.g. 'acme'"
        )
    return name


def write_backend(name: str, directory: Path) -> Path:
    """Write the package ``plugboard-NAME`` into ``directory``; returns its root.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as d:
        ...     root = write_backend("acme", Path(d))
        ...     sorted(p.name for p in (root / "src" / "plugboard_acme").iterdir())
        ['__init__.py', '_kernels.py', '_plugin.py', '_runtime.py', 'conformance-expectations.toml']
    """
    name = _check_name(name)
    root = directory / f"plugboard-{name}"
    if root.exists():
        raise ArgumentError(
            f"new-backend: {root} exists already. Fix: remove it, or pass --dir elsewhere"
        )
    key = name.replace("_", " ").title().replace(" ", "")
    major, minor = __version__.split(".")[:2]
    values = {
        "name": name, "Key": key, "core_minor": f"{major}.{minor}",
        "core_next": f"{major}.{int(minor) + 1}", "api": f"{API_VERSION[0]}.{API_VERSION[1]}",
    }
    steps = NEXT_STEPS.format(**values)
    package = root / "src" / f"plugboard_{name}"
    files = {
        root / "pyproject.toml": _PYPROJECT,
        root / "README.md": _README,
        package / "__init__.py": _INIT,
        package / "_plugin.py": _PLUGIN,
        package / "_runtime.py": _RUNTIME,
        package / "_kernels.py": _KERNELS,
        package / "conformance-expectations.toml": _EXPECTATIONS,
        root / "tests" / "test_backend.py": _TEST,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values, steps=steps), encoding="utf-8")
    return root
