"""Finding OpenCL devices: every device of every platform whose compiler works.

A platform is *working* when a tiny program builds and runs on each of its
devices. The check matters: the PoCL that ships inside some pyopencl wheels
(``pocl-binary-distribution``) is built with an LLVM that fails on newer
CPUs with "unknown target CPU", while Debian's ``pocl-opencl-icd`` works. A
failing platform is skipped and the reason is kept, for ``plugboard doctor``.

The build is most of what listing devices costs, so a pass is remembered in
the user's cache directory, keyed by the platform's and its devices' identity
(:mod:`plugboard_opencl._verdicts`): a later process that finds the same
platform, devices and drivers lists them without building. A failure is never
remembered: a broken platform is probed, and shown as skipped with its reason,
by every process.

Platforms come from the ICD loader. pyopencl's manylinux wheel carries its
own ocl-icd loader; it reads ``/etc/OpenCL/vendors`` (where Debian's
``pocl-opencl-icd`` registers itself) as well as ``OCL_ICD_VENDORS``, so a
system-wide driver is found without any environment variable.

Devices are numbered ``opencl:0`` to ``opencl:N-1`` in a stable order:
platforms sorted by name, vendor and version, then each platform's devices
in the driver's order.
"""

from __future__ import annotations

import contextlib
import platform as _host
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyopencl as cl

from . import __version__
from ._verdicts import VERDICTS_FILE, VerdictCache, user_cache_dir

__all__ = ["Discovery", "OpenCLDevice", "SkippedPlatform", "discover", "identity"]

# Builds and runs on any working OpenCL 1.2 implementation.
_PROBE_SOURCE = """
__kernel void plugboard_probe(__global int* out) {
    out[get_global_id(0)] = (int)get_global_id(0) + 1;
}
"""


@dataclass(frozen=True)
class SkippedPlatform:
    """A platform the backend does not use, and why."""

    name: str
    version: str
    reason: str

    def describe(self) -> str:
        return f"{self.name} ({self.version}): {self.reason}"


@dataclass(frozen=True)
class OpenCLDevice:
    """One usable device and the context it shares with its platform's other devices."""

    device: Any  # cl.Device
    context: Any  # cl.Context
    platform: Any  # cl.Platform

    @property
    def name(self) -> str:
        return str(self.device.name).strip()

    @property
    def extensions(self) -> frozenset[str]:
        return frozenset(str(self.device.extensions).split())

    @property
    def has_fp64(self) -> bool:
        return "cl_khr_fp64" in self.extensions or bool(_info(self.device, "double_fp_config"))

    @property
    def has_fp16(self) -> bool:
        return "cl_khr_fp16" in self.extensions


@dataclass
class Discovery:
    """The result of probing: usable devices, skipped platforms, or why there is none."""

    devices: list[OpenCLDevice] = field(default_factory=list)
    skipped: list[SkippedPlatform] = field(default_factory=list)
    error: str = ""  # why no platform could be listed at all

    @property
    def platforms(self) -> list[str]:
        """The names and versions of the platforms in use, in device order."""
        seen: dict[int, str] = {}
        for d in self.devices:
            seen.setdefault(id(d.platform), platform_label(d.platform))
        return list(seen.values())

    def summary(self) -> str:
        """One line for ``plugboard doctor``: what is used and what was skipped."""
        if not self.devices:
            reasons = [self.error] if self.error else []
            reasons += [f"skipped {s.describe()}" for s in self.skipped]
            return "no working OpenCL platform" + (": " + "; ".join(reasons) if reasons else
                                                   ". Fix: install an OpenCL driver, e.g. "
                                                   "apt-get install pocl-opencl-icd")
        text = "using " + ", ".join(self.platforms)
        if self.skipped:
            text += "; skipped " + "; ".join(s.describe() for s in self.skipped)
        return text


def _info(obj: Any, name: str) -> Any:
    """An info attribute, or None when the driver does not answer it."""
    with contextlib.suppress(cl.Error, AttributeError):
        return getattr(obj, name)
    return None


def platform_label(platform: Any) -> str:
    """``name (version)``, the version cut at its first double space (PoCL appends its
    build options there)."""
    version = str(platform.version).strip().split("  ")[0]
    return f"{str(platform.name).strip()} ({version})"


def _platform_key(platform: Any) -> tuple[str, str, str]:
    return (str(platform.name), str(platform.vendor), str(platform.version))


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    # PoCL's failure reads "... error: unknown target CPU 'x'": keep the telling line.
    for line in lines:
        if "error" in line.lower():
            return line[:200]
    return lines[0][:200] if lines else "unknown error"


# What identifies a device for the probe's verdict (see identity()).
_DEVICE_IDENTITY = ("name", "vendor", "version", "driver_version", "type")


def identity(platform: Any, devices: list[Any]) -> dict[str, Any]:
    """What the probe's verdict on ``platform`` depends on: the key of a remembered pass."""
    # _info: a driver that does not answer one of these still has an identity.
    return {
        "platform": [str(_info(platform, name)) for name in ("name", "vendor", "version")],
        "devices": [[str(_info(d, name)) for name in _DEVICE_IDENTITY] for d in devices],
        "host": _host.node(),
        "pyopencl": str(cl.VERSION_TEXT),
        "plugboard_opencl": __version__,
        "probe": _PROBE_SOURCE,
    }


def _run_probe(context: Any, devices: list[Any]) -> str:
    """Build the probe program and run it on each device: "" if it works, else why not."""
    program = cl.Program(context, _PROBE_SOURCE).build()
    for device in devices:
        queue = cl.CommandQueue(context, device)
        out = np.zeros(4, dtype=np.int32)
        buffer = cl.Buffer(context, cl.mem_flags.WRITE_ONLY, out.nbytes)
        program.plugboard_probe(queue, (4,), None, buffer)
        cl.enqueue_copy(queue, out, buffer, is_blocking=True)
        if out.tolist() != [1, 2, 3, 4]:
            return f"the probe kernel computed {out.tolist()} on {device.name.strip()}"
    return ""


def probe_platform(
    platform: Any, verdicts: VerdictCache | None = None
) -> tuple[list[OpenCLDevice], str]:
    """The platform's devices if a program builds and runs on each, else ([], reason).

    With ``verdicts``, a platform whose identity passed before is not built for
    again, and a new pass is recorded there.
    """
    try:
        devices = platform.get_devices()
    except cl.Error as error:
        return [], f"cannot list devices: {_first_line(str(error))}"
    if not devices:
        return [], "no devices"
    try:
        context = cl.Context(devices)
        if verdicts is None:
            failure = _run_probe(context, devices)
        else:
            key = identity(platform, devices)
            remembered = verdicts.passed(key)
            failure = "" if remembered else _run_probe(context, devices)
            if not failure and not remembered:
                verdicts.remember(key)
        if failure:
            return [], failure
    except cl.Error as error:
        return [], f"the compiler does not work: {_first_line(str(error))}"
    return [OpenCLDevice(d, context, platform) for d in devices], ""


def default_verdicts() -> VerdictCache:
    """The verdicts of this user's earlier processes (see :mod:`plugboard_opencl._verdicts`);
    where there is no home directory to keep them in, none."""
    try:
        return VerdictCache(user_cache_dir() / VERDICTS_FILE)
    except (RuntimeError, KeyError):  # Path.home(): no HOME and no password entry
        return VerdictCache(None)


def discover(verdicts: VerdictCache | None = None) -> Discovery:
    """Probe every platform the ICD loader lists; devices of working ones, in a stable order.

    ``verdicts``: the remembered passes to consult and extend (default: the
    user's cache, :func:`default_verdicts`).
    """
    verdicts = default_verdicts() if verdicts is None else verdicts
    result = Discovery()
    try:
        platforms = cl.get_platforms()
    except cl.Error as error:
        # CL_PLATFORM_NOT_FOUND_KHR (-1001): the loader found no driver at all.
        result.error = (f"no OpenCL platform ({_first_line(str(error))}). Fix: install an "
                        "OpenCL driver, e.g. apt-get install pocl-opencl-icd")
        return result
    for platform in sorted(platforms, key=_platform_key):
        devices, reason = probe_platform(platform, verdicts)
        if devices:
            result.devices.extend(devices)
        else:
            result.skipped.append(SkippedPlatform(
                str(platform.name).strip(), str(platform.version).strip(), reason))
    return result
