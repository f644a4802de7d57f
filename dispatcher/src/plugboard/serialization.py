"""``pb.save`` and ``pb.load``: state dicts in files, in the safetensors format.

Why safetensors and not ``.npz``: NumPy has no bfloat16, so ``.npz`` would
store bfloat16 as anonymous 2-byte records that another reader cannot
interpret, while safetensors names every dtype (``BF16``, ``F16``, ...); it
holds raw little-endian bytes behind a JSON header, so reading a file never
runs code (unlike pickle), and PyTorch, JAX and the ``safetensors`` package
read the files plugboard writes. plugboard writes the format itself, with no
dependency.

Example:
    >>> import plugboard as pb, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "linear.safetensors")
    >>> model = pb.nn.Linear(3, 2).to(pb.bfloat16)
    >>> pb.save(model.state_dict(), path)
    >>> loaded = pb.load(path)
    >>> loaded["weight"].dtype, pb.equal(loaded["weight"], model.weight)
    (pb.bfloat16, True)
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping
from typing import Any

import numpy as np

import plugboard as pb

__all__ = ["save", "load"]

_CODES: dict[str, str] = {
    "float64": "F64", "float32": "F32", "float16": "F16", "bfloat16": "BF16",
    "int64": "I64", "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL",
}
_HEADER_LIMIT = 100_000_000  # as the safetensors reference reader: a corrupt size is refused


def _dtypes() -> dict[str, pb.DType]:
    return {code: getattr(pb, name) for name, code in _CODES.items()}


def _numpy_dtype(dtype: pb.DType) -> np.dtype[Any]:
    # The host dtype plugboard itself uses (bfloat16 is ml_dtypes' type).
    host: np.dtype[Any] = pb.empty(0, dtype=dtype).numpy().dtype
    little: np.dtype[Any] = host.newbyteorder("<")
    return little


def _path(path: object, op: str) -> str | os.PathLike[str]:
    if not isinstance(path, (str, os.PathLike)):
        raise pb.ArgumentError(
            f"{op}: path must be a str or os.PathLike, got {type(path).__name__}. Fix: pass "
            "a file name such as 'model.safetensors'", op=op,
        )
    return path


def save(tensors: Mapping[str, pb.Tensor], path: str | os.PathLike[str], *,
         metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` (a state dict: names to tensors) to a ``.safetensors`` file.

    Tensors on any device are copied to the host; views are written compactly.
    ``metadata`` is a dict of strings stored in the header.

    Example:
        >>> import plugboard as pb, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "t.safetensors")
        >>> pb.save({"x": pb.arange(3)}, path, metadata={"step": "10"})
        >>> pb.load(path)["x"].tolist()
        [0, 1, 2]
    """
    if not isinstance(tensors, Mapping):
        raise pb.ArgumentError(
            f"pb.save takes a mapping of names to tensors, got {type(tensors).__name__}. Fix: "
            "pass model.state_dict() or {'name': tensor}", op="pb.save",
        )
    path = _path(path, "pb.save")
    header: dict[str, Any] = {}
    if metadata is not None:
        if not isinstance(metadata, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise pb.ArgumentError("pb.save: metadata must map str to str. Fix: convert the "
                                   "values with str()", op="pb.save")
        header["__metadata__"] = dict(metadata)
    blobs: list[bytes] = []
    offset = 0
    for name, tensor in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise pb.ArgumentError(f"pb.save: invalid tensor name {name!r}. Fix: use str "
                                   "names other than '__metadata__'", op="pb.save")
        if not isinstance(tensor, pb.Tensor):
            raise pb.ArgumentError(
                f"pb.save: {name!r} is a {type(tensor).__name__}, not a Tensor. Fix: save "
                "tensors only, e.g. model.state_dict()", op="pb.save",
            )
        array = np.ascontiguousarray(tensor.detach().to("cpu").numpy(),
                                     dtype=_numpy_dtype(tensor.dtype))
        blob = array.tobytes()
        header[name] = {"dtype": _CODES[tensor.dtype.name], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def load(path: str | os.PathLike[str], device: Any = None) -> dict[str, pb.Tensor]:
    """Read a ``.safetensors`` file into a dict of tensors, on ``device`` (default: host).

    Example:
        >>> import plugboard as pb, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "m.safetensors")
        >>> a, b = pb.nn.Linear(2, 2), pb.nn.Linear(2, 2)
        >>> pb.save(a.state_dict(), path)
        >>> b.load_state_dict(pb.load(path)).missing_keys
        []
    """
    with open(_path(path, "pb.load"), "rb") as f:
        data = f.read()
    where = os.fspath(path)
    fix = ". Fix: pass a file written by pb.save or another safetensors writer"
    if len(data) < 8:
        raise pb.ArgumentError(f"{where} is not a safetensors file: it has no header{fix}",
                               op="pb.load")
    (size,) = struct.unpack("<Q", data[:8])
    if size > min(_HEADER_LIMIT, len(data) - 8):
        raise pb.ArgumentError(f"{where} is not a safetensors file: its header size is "
                               f"{size} bytes{fix}", op="pb.load")
    try:
        header = json.loads(data[8:8 + size])
    except ValueError as error:
        raise pb.ArgumentError(f"{where} is not a safetensors file: its header is not JSON "
                               f"({error}){fix}", op="pb.load") from None
    body = memoryview(data)[8 + size:]
    dtypes = _dtypes()
    out: dict[str, pb.Tensor] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        code = entry.get("dtype")
        if code not in dtypes:
            raise pb.DTypeError(
                f"{where}: tensor {name!r} has dtype {code!r}, which plugboard does not "
                f"support. Fix: convert it to one of {sorted(dtypes)}", op="pb.load",
            )
        dtype = dtypes[code]
        begin, end = entry["data_offsets"]
        shape = tuple(entry["shape"])
        host = _numpy_dtype(dtype)
        if not 0 <= begin <= end <= len(body) or end - begin != host.itemsize * int(
                np.prod(shape, dtype=np.int64)):
            raise pb.ArgumentError(f"{where}: tensor {name!r}'s data offsets {[begin, end]} do "
                                   f"not fit its shape {list(shape)} and the file{fix}",
                                   op="pb.load")
        array = np.frombuffer(body[begin:end], dtype=host).reshape(shape)
        tensor = pb.from_numpy(array.astype(host.newbyteorder("="), copy=True))
        out[name] = tensor if device is None else tensor.to(device)
    return out
