"""Helpers for testing backend plugins: install a plugin without pip.

A backend plugin is a module named by an entry point of the group
``plugboard.backends``. :class:`PluginInstaller` writes such a module, with the
``.dist-info`` folder that ``pip install`` would leave beside it, into a
directory on ``sys.path``, so that plugboard finds it exactly as it finds an
installed package. :func:`installed_plugins` does so for the duration of a
``with`` block (or a test) and undoes everything afterwards: the ``sys.path``
entry, the imported modules, and plugboard's records of the plugins.
:func:`host_backend_source` gives the source of a complete host-memory backend
with two devices, to install as it is or to extend.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> import plugboard as pb
    >>> from plugboard.testing import host_backend_source, installed_plugins
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     with installed_plugins(Path(directory)) as plugins:
    ...         module = plugins.install("toy", host_backend_source("toy", "Toy"))
    ...         x = pb.tensor([1.0, 2.0, 3.0], device="toy:1")
    ...         print(module, x.device, x.tolist(), len(pb.devices("toy")))
    plugboard_test_toy toy:1 [1.0, 2.0, 3.0] 2

In a pytest suite, a fixture gives every test a fresh directory::

    import pytest
    from plugboard.testing import PluginInstaller, installed_plugins

    @pytest.fixture
    def plugins(tmp_path) -> Iterator[PluginInstaller]:
        with installed_plugins(tmp_path / "site") as installer:
            yield installer

    def test_my_backend_loads(plugins):
        plugins.install("acme", MY_BACKEND_SOURCE)
        assert pb.devices("acme")

Installing and uninstalling plugins changes process-wide state (``sys.path``,
``sys.modules``, the plugin registry), so do not do it from several threads
at once. Every backend a process loads keeps its dispatch key, and there can
be at most 64 backend keys: reuse the same few device types across tests.
"""

from __future__ import annotations

import contextlib
import importlib
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from plugboard._plugins.hookspecs import ENTRY_POINT_GROUP
from plugboard._plugins.registry import registry

__all__ = ["HOST_KERNELS_PRELUDE", "PluginInstaller", "host_backend_source", "installed_plugins"]

MODULE_PREFIX: Final = "plugboard_test_"

# A complete host-memory backend with two devices and no kernels of its own.
# Formatted with {name} (the device type), {key} (the dispatch key's name) and
# {extra} (more source appended to the module).
_HOST_BACKEND: Final = '''
import numpy as np
import plugboard as pb
from plugboard import backend

DTYPES = (pb.bool, pb.int8, pb.uint8, pb.int16, pb.int32, pb.int64,
          pb.float16, pb.bfloat16, pb.float32, pb.float64)

class Runtime(backend.DeviceRuntime):
    host_memory = True

    def availability(self):
        return backend.Availability.yes()

    def device_count(self):
        return 2

    def device_properties(self, index):
        return backend.DeviceProperties("{name} device " + str(index), 1 << 20, "test", DTYPES)

    def allocate(self, nbytes, index):
        return np.empty(nbytes, np.uint8)

    def copy_from_host(self, dst, dst_offset, src, index):
        flat = src.reshape(-1).view(np.uint8)
        dst[dst_offset:dst_offset + flat.nbytes] = flat

    def copy_to_host(self, dst, src, src_offset, index):
        flat = dst.reshape(-1).view(np.uint8)
        flat[:] = src[src_offset:src_offset + flat.nbytes]

    def copy_between(self, dst, dst_offset, dst_index, src, src_offset, src_index, nbytes):
        dst[dst_offset:dst_offset + nbytes] = src[src_offset:src_offset + nbytes]

@backend.hookimpl
def plugboard_backend_info():
    return backend.BackendInfo("{name}", "{key}", "0.1", backend.API_VERSION, "plugboard-{name}")

@backend.hookimpl
def plugboard_device_runtime():
    return Runtime()

{extra}
'''


# The start of ``extra`` for a host backend's kernels: the imports, ``_a(v)`` (a
# tensor argument's host array; numbers as they are), and correct ``_copy`` (copy_)
# and ``_full`` (full) kernels, which every backend needs to make and read tensors.
# Kernels follow; the backend's plugboard_register_kernels calls
# register_copy_and_full(library) beside registering its own.
HOST_KERNELS_PRELUDE: Final = """
import numpy as np
import plugboard as pb
from plugboard.backend import device_buffer, host_array

def _a(v):
    return host_array(v) if isinstance(v, pb.Tensor) else v

def _copy(self, src, non_blocking):
    np.copyto(host_array(self), _a(src), casting="unsafe")

def _full(size, fill_value, dtype, device, *, out):
    host_array(out).fill(fill_value)

def register_copy_and_full(library):
    library.impl("copy_", fn=_copy, strided=True, mixed_dtypes=True)
    library.impl("full", fn=_full, strided=True)
"""


def host_backend_source(name: str, key: str, extra: str = "") -> str:
    """The source of a complete host-memory backend with two devices.

    The backend's device type is ``name`` and its dispatch key ``key``. Its
    runtime is the class ``Runtime`` (buffers are NumPy ``uint8`` arrays,
    1 MiB of memory per device, every dtype declared); it registers no kernels,
    so tensors can be created, copied and viewed on it but operators need a
    composite or the CPU fallback. ``extra`` is dedented and appended to the
    module: more hooks, kernels, or changes to ``Runtime``.

    Example:
        >>> from plugboard.testing import host_backend_source
        >>> source = host_backend_source("acme", "Acme", '''
        ...     Runtime.device_count = lambda self: 1
        ... ''')
        >>> 'BackendInfo("acme", "Acme"' in source, source.rstrip().endswith("lambda self: 1")
        (True, True)
    """
    return _HOST_BACKEND.format(name=name, key=key, extra=textwrap.dedent(extra))


class PluginInstaller:
    """Installs plugin modules under entry points of the group ``plugboard.backends``.

    :meth:`install` writes the module and a ``.dist-info`` folder with
    ``entry_points.txt`` into ``site``: what ``pip install`` of a plugin
    package leaves behind. ``site`` must be on ``sys.path`` (as
    :func:`installed_plugins` arranges) for plugboard to find the plugins.

    Attributes:
        site: the directory the plugins are written to.
        installed: ``(device_type, module)`` of every plugin installed and not
            yet uninstalled.
    """

    host_backend = staticmethod(host_backend_source)

    def __init__(self, site: Path) -> None:
        self.site = Path(site)
        self.installed: list[tuple[str, str]] = []

    def install(self, device_type: str, source: str) -> str:
        """Install ``source`` as the plugin of ``device_type``; return its module name.

        Installing a device type again replaces its plugin. The plugin loads
        the next time plugboard needs it, as an installed package would.
        """
        if (device_type, _module_name(device_type)) in self.installed:
            self._uninstall(device_type)
        module = _module_name(device_type)
        self.site.mkdir(parents=True, exist_ok=True)
        (self.site / f"{module}.py").write_text(source, encoding="utf-8")
        dist = self._dist_info(device_type)
        dist.mkdir()
        (dist / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: plugboard-test-{device_type}\nVersion: 0.1\n",
            encoding="utf-8",
        )
        (dist / "entry_points.txt").write_text(
            f"[{ENTRY_POINT_GROUP}]\n{device_type} = {module}\n", encoding="utf-8"
        )
        self.installed.append((device_type, module))
        importlib.invalidate_caches()
        registry().refresh()
        return module

    def uninstall_all(self) -> None:
        """Uninstall every plugin this installer installed.

        Removes their files, their imported modules and plugboard's records of
        them (loaded backends, load failures, registered kernels).
        """
        for device_type, _ in list(self.installed):
            self._uninstall(device_type)
        importlib.invalidate_caches()
        registry().refresh()

    def _uninstall(self, device_type: str) -> None:
        module = _module_name(device_type)
        registry().forget(device_type)
        sys.modules.pop(module, None)
        (self.site / f"{module}.py").unlink(missing_ok=True)
        for compiled in (self.site / "__pycache__").glob(f"{module}.*.pyc"):
            compiled.unlink(missing_ok=True)
        shutil.rmtree(self._dist_info(device_type), ignore_errors=True)
        self.installed.remove((device_type, module))

    def _dist_info(self, device_type: str) -> Path:
        return self.site / f"{_module_name(device_type)}-0.1.dist-info"


def _module_name(device_type: str) -> str:
    return MODULE_PREFIX + device_type


@contextlib.contextmanager
def installed_plugins(directory: Path) -> Iterator[PluginInstaller]:
    """A :class:`PluginInstaller` for ``directory``, on ``sys.path`` inside the block.

    ``directory`` is created when missing. Afterwards every plugin installed
    in the block is uninstalled and ``directory`` leaves ``sys.path``.

    Example:
        >>> import sys, tempfile
        >>> from pathlib import Path
        >>> import plugboard as pb
        >>> from plugboard.testing import host_backend_source, installed_plugins
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     with installed_plugins(Path(directory)) as plugins:
        ...         _ = plugins.install("toy", host_backend_source("toy", "Toy"))
        ...         "toy" in [b.device_type for b in pb.backends()]
        ...     "toy" in [b.device_type for b in pb.backends()], directory in sys.path
        True
        (False, False)
    """
    site = Path(directory)
    site.mkdir(parents=True, exist_ok=True)
    entry = str(site)
    sys.path.insert(0, entry)
    importlib.invalidate_caches()
    installer = PluginInstaller(site)
    try:
        yield installer
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)
        installer.uninstall_all()
