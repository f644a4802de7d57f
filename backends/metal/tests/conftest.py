"""The metal tests run on host emulation (MLX's CPU device): Linux has no Metal.

The variable is set before plugboard loads its backends; tools/test.sh sets it too,
for the whole suite, where other tests may load the backends first.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PLUGBOARD_METAL_EMULATION", "1")

import plugboard as pb


@pytest.fixture
def metal() -> pb.Device:
    """metal:0; a failure, not a skip, where it is unavailable (the tests need it)."""
    devices = pb.devices("metal")
    if not devices:
        status = next(b for b in pb.backends() if b.device_type == "metal")
        pytest.fail(f"metal is unavailable ({status.reason}); run the tests with "
                    "PLUGBOARD_METAL_EMULATION=1")
    return devices[0]
