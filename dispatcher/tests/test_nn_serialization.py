"""pb.save / pb.load: state dicts round-trip through safetensors files, every dtype included."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

import plugboard as pb
from plugboard import nn


def _model() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))


@pytest.mark.parametrize("dtype", [pb.float32, pb.float64, pb.float16, pb.bfloat16])
def test_state_dict_round_trips_through_a_file(tmp_path: Path, dtype: pb.DType) -> None:
    pb.manual_seed(0)
    source = _model().to(dtype)
    source(pb.randn(4, 1, 4, 4, dtype=dtype))  # moves the running statistics off 0 and 1
    path = tmp_path / "model.safetensors"
    pb.save(source.state_dict(), path)
    loaded = pb.load(path)
    assert list(loaded) == list(source.state_dict())
    target = _model().to(dtype)
    target.load_state_dict(loaded)
    for (name, a), b in zip(source.state_dict().items(), target.state_dict().values(),
                            strict=True):
        assert a.dtype == b.dtype, name
        assert pb.equal(a, b), name  # bit-exact, bfloat16 included
    assert target.state_dict()["1.num_batches_tracked"].dtype == pb.int64


def test_the_file_is_safetensors(tmp_path: Path) -> None:
    path = tmp_path / "t.safetensors"
    values = pb.tensor([[1.5, -2.0]], dtype=pb.bfloat16)
    pb.save({"w": values, "n": pb.tensor([7], dtype=pb.int64), "m": pb.tensor([True])}, path,
            metadata={"format": "pt"})
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    assert (8 + size) % 8 == 0
    assert header["__metadata__"] == {"format": "pt"}
    assert header["w"] == {"dtype": "BF16", "shape": [1, 2], "data_offsets": [0, 4]}
    assert header["n"]["dtype"] == "I64" and header["m"]["dtype"] == "BOOL"
    body = raw[8 + size:]
    # bfloat16 is the upper half of float32: 1.5 is 0x3FC0, -2.0 is 0xC000, little-endian.
    assert body[:4] == bytes([0xC0, 0x3F, 0x00, 0xC0])
    assert np.frombuffer(body[4:12], "<i8")[0] == 7


def test_views_and_devices(tmp_path: Path) -> None:
    path = tmp_path / "v.safetensors"
    base = pb.arange(12.0).reshape(3, 4)
    pb.save({"t": base.t(), "row": base[1]}, path)
    loaded = pb.load(path)
    assert loaded["t"].tolist() == base.t().tolist() and loaded["row"].tolist() == [4, 5, 6, 7]
    if pb.devices("opencl"):
        on_device = pb.load(path, device="opencl")
        assert on_device["t"].device.type == "opencl"
        pb.save({"x": on_device["t"]}, path)
        assert pb.load(path)["x"].tolist() == base.t().tolist()


def test_bad_files_and_arguments(tmp_path: Path) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(b"\x00")
    with pytest.raises(pb.ArgumentError, match="no header"):
        pb.load(path)
    path.write_bytes(struct.pack("<Q", 10**12) + b"{}")
    with pytest.raises(pb.ArgumentError, match="header size"):
        pb.load(path)
    header = json.dumps({"x": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}})
    path.write_bytes(struct.pack("<Q", len(header)) + header.encode() + b"\x00")
    with pytest.raises(pb.DTypeError, match="F8_E4M3"):
        pb.load(path)
    header = json.dumps({"x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 4]}})
    path.write_bytes(struct.pack("<Q", len(header)) + header.encode() + b"\x00" * 4)
    with pytest.raises(pb.ArgumentError, match="do not fit"):
        pb.load(path)
    with pytest.raises(pb.ArgumentError, match="mapping"):
        pb.save([pb.ones(1)], path)  # type: ignore[arg-type]
    with pytest.raises(pb.ArgumentError, match="os.PathLike"):
        pb.save({"x": pb.ones(1)}, object())  # type: ignore[arg-type]
    with pytest.raises(pb.ArgumentError, match="os.PathLike"):
        pb.load(None)  # type: ignore[arg-type]
    with pytest.raises(pb.ArgumentError, match="not a Tensor"):
        pb.save({"x": [1.0]}, path)  # type: ignore[dict-item]
