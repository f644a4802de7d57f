"""The linear-algebra operators of docs/opset.md beyond matmul.

Defined like the starter operators in ``_opset.py``: a schema, a meta function
(helpers in ``_meta.py``), and for composites one decomposition for every backend.
Each is a composite of ``matmul`` and pointwise operators; their meta functions
hold the stricter shape rules of PyTorch's ``mm`` (2-D only), ``bmm`` (3-D, equal
batches, no broadcasting) and ``dot`` (1-D, equal lengths).
"""

from __future__ import annotations

from plugboard._core.dtype import DType, opmath_dtype
from plugboard._core.errors import DTypeError, ShapeError
from plugboard._core.spec import TensorSpec
from plugboard._core.tensor import Tensor
from plugboard._dispatch.dispatcher import cast
from plugboard._ops.meta import common_device, promote
from plugboard._ops.meta import op as _op
from plugboard._ops.table import OpTable

# Every meta function here reads only the call signature: see the "pure_meta" tag.
lib = OpTable("linalg", tags=("pure_meta",))

_COMPOSITE = "CompositeImplicit"


def _require_ndim(name: str, arg: str, t: Tensor, ndim: int, fix: str) -> None:
    if t.ndim != ndim:
        raise ShapeError(
            f"{name} takes {ndim}-D tensors, but {arg} is {t.ndim}-D with shape {t.shape}. "
            f"Fix: {fix}"
        )


def _same_dtype(name: str, *tensors: Tensor) -> DType:
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not dtype:
            raise DTypeError(
                f"{name} needs its tensors in one dtype, got {dtype} and {t.dtype}. "
                f"Fix: cast one, e.g. .to(pb.{dtype})"
            )
    return dtype


def _check_factor(name: str, dtype: DType, value: bool | int | float) -> None:
    if isinstance(value, float) and not dtype.is_floating_point:
        raise DTypeError(
            f"{name}={value!r} is a float, but the inputs are {dtype}. Fix: pass an "
            "integer, or use floating-point inputs"
        )
    if isinstance(value, bool):
        raise DTypeError(f"{name}={value!r} is a bool. Fix: pass a number, e.g. {name}=1")


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    if len(shape) > len(target):
        return False
    return all(s in (1, t) for s, t in zip(reversed(shape), reversed(target), strict=False))


def _check_inner(name: str, a: tuple[int, ...], b: tuple[int, ...], fix: str) -> None:
    if a[-1] != b[-2]:
        raise ShapeError(
            f"{name} of shapes {a} and {b}: the inner dimensions differ ({a[-1]} vs "
            f"{b[-2]}). Fix: {fix}"
        )


# mm, bmm, dot, outer -------------------------------------------------------------


lib.define("mm(Tensor self, Tensor mat2) -> Tensor")


@lib.register_meta("mm")
def _mm_meta(self: Tensor, mat2: Tensor) -> TensorSpec:
    fix = "use pb.bmm for batches of matrices, or pb.matmul, which broadcasts"
    _require_ndim("mm", "self", self, 2, fix)
    _require_ndim("mm", "mat2", mat2, 2, fix)
    device = common_device(self, mat2)
    dtype = _same_dtype("mm", self, mat2)
    _check_inner("mm", self.shape, mat2.shape, "transpose one side, e.g. pb.mm(a, b.T)")
    return TensorSpec((self.shape[0], mat2.shape[1]), dtype, device)


lib.define("bmm(Tensor self, Tensor mat2) -> Tensor")


@lib.register_meta("bmm")
def _bmm_meta(self: Tensor, mat2: Tensor) -> TensorSpec:
    fix = "pass (batch, n, m) and (batch, m, p) tensors, or use pb.matmul, which broadcasts"
    _require_ndim("bmm", "self", self, 3, fix)
    _require_ndim("bmm", "mat2", mat2, 3, fix)
    device = common_device(self, mat2)
    dtype = _same_dtype("bmm", self, mat2)
    if self.shape[0] != mat2.shape[0]:
        raise ShapeError(
            f"bmm needs equal batch sizes, got {self.shape[0]} and {mat2.shape[0]} "
            f"(shapes {self.shape} and {mat2.shape}); bmm does not broadcast. Fix: use "
            "pb.matmul to broadcast the batch, or expand one side"
        )
    _check_inner("bmm", self.shape, mat2.shape, "transpose one side, e.g. b.mT")
    return TensorSpec((self.shape[0], self.shape[1], mat2.shape[2]), dtype, device)


def _matrix_product(self: Tensor, mat2: Tensor) -> Tensor:
    return _op("matmul")(self, mat2)


for _name in ("mm", "bmm"):
    lib.impl(_name, _COMPOSITE, _matrix_product)


lib.define("dot(Tensor self, Tensor tensor) -> Tensor")


@lib.register_meta("dot")
def _dot_meta(self: Tensor, tensor: Tensor) -> TensorSpec:
    fix = "flatten first (x.flatten()), or use pb.matmul or pb.mm for matrices"
    _require_ndim("dot", "self", self, 1, fix)
    _require_ndim("dot", "tensor", tensor, 1, fix)
    device = common_device(self, tensor)
    dtype = _same_dtype("dot", self, tensor)
    if self.shape[0] != tensor.shape[0]:
        raise ShapeError(
            f"dot needs vectors of the same length, got {self.shape[0]} and "
            f"{tensor.shape[0]} elements. Fix: pass vectors of equal length"
        )
    return TensorSpec((), dtype, device)


@lib.impl("dot", _COMPOSITE)
def _dot(self: Tensor, tensor: Tensor) -> Tensor:
    return _op("matmul")(self, tensor)


lib.define("outer(Tensor self, Tensor vec2) -> Tensor")


@lib.register_meta("outer")
def _outer_meta(self: Tensor, vec2: Tensor) -> TensorSpec:
    fix = "flatten first (x.flatten()), or multiply with broadcasting: a[:, None] * b"
    _require_ndim("outer", "self", self, 1, fix)
    _require_ndim("outer", "vec2", vec2, 1, fix)
    # outer is a product with broadcasting, so its inputs promote as mul's do.
    return TensorSpec((self.shape[0], vec2.shape[0]), promote(self, vec2),
                      common_device(self, vec2))


@lib.impl("outer", _COMPOSITE)
def _outer(self: Tensor, vec2: Tensor) -> Tensor:
    return _op("mul")(_op("unsqueeze")(self, 1), vec2)


# linear and addmm ----------------------------------------------------------------


lib.define("linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor")


@lib.register_meta("linear")
def _linear_meta(input: Tensor, weight: Tensor, bias: Tensor | None) -> TensorSpec:
    if weight.ndim not in (1, 2):
        raise ShapeError(
            f"linear's weight must be 1-D or 2-D (out_features, in_features), got shape "
            f"{weight.shape}. Fix: reshape the weight"
        )
    if input.ndim == 0:
        raise ShapeError(
            "linear's input must have at least one dimension (the features). Fix: "
            "x.reshape(1) for a single feature"
        )
    tensors = (input, weight) if bias is None else (input, weight, bias)
    device = common_device(*tensors)
    dtype = _same_dtype("linear", *tensors)
    in_features = weight.shape[-1]
    if input.shape[-1] != in_features:
        raise ShapeError(
            f"linear: the input has {input.shape[-1]} features (its last dimension, shape "
            f"{input.shape}) but the weight of shape {weight.shape} takes {in_features}. "
            "Fix: pass a weight of shape (out_features, in_features)"
        )
    shape = input.shape[:-1] + weight.shape[:-1]
    if bias is not None and not _broadcasts_to(bias.shape, shape):
        raise ShapeError(
            f"linear's bias of shape {bias.shape} does not broadcast to the output's shape "
            f"{shape}. Fix: pass a bias of shape {weight.shape[:-1]}"
        )
    return TensorSpec(shape, dtype, device)


@lib.impl("linear", _COMPOSITE)
def _linear(input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    w = _op("t")(weight) if weight.ndim == 2 else weight
    if bias is None:
        return _op("matmul")(input, w)  # matmul accumulates in float32 and rounds once
    # float16 and bfloat16: the bias joins the float32 sum before the one rounding, as in
    # PyTorch's addmm; rounding the product first would round twice.
    dtype = input.dtype
    wide = opmath_dtype(dtype)
    result = _op("add")(_op("matmul")(cast(input, wide), cast(w, wide)), cast(bias, wide))
    return cast(result, dtype)


lib.define(
    "addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor"
)


@lib.register_meta("addmm")
def _addmm_meta(self: Tensor, mat1: Tensor, mat2: Tensor, beta: bool | int | float,
                alpha: bool | int | float) -> TensorSpec:
    fix = "pass 2-D mat1 and mat2; for batches use pb.matmul(mat1, mat2) + self"
    _require_ndim("addmm", "mat1", mat1, 2, fix)
    _require_ndim("addmm", "mat2", mat2, 2, fix)
    device = common_device(self, mat1, mat2)
    dtype = _same_dtype("addmm", self, mat1, mat2)
    _check_inner("addmm", mat1.shape, mat2.shape, "transpose one side, e.g. mat2.T")
    _check_factor("beta", dtype, beta)
    _check_factor("alpha", dtype, alpha)
    shape = (mat1.shape[0], mat2.shape[1])
    if not _broadcasts_to(self.shape, shape):
        raise ShapeError(
            f"addmm's self of shape {self.shape} does not broadcast to the product's shape "
            f"{shape}. Fix: pass self of shape {shape}, ({shape[1]},) or ()"
        )
    return TensorSpec(shape, dtype, device)


@lib.impl("addmm", _COMPOSITE)
def _addmm(self: Tensor, mat1: Tensor, mat2: Tensor, beta: bool | int | float,
           alpha: bool | int | float) -> Tensor:
    if alpha == 1 and beta == 0:
        # PyTorch ignores self when beta is 0: its NaN and inf do not propagate.
        return _op("matmul")(mat1, mat2)
    # float16 and bfloat16 compute in float32 and round once, as PyTorch's gemm.
    dtype = mat1.dtype
    wide = opmath_dtype(dtype)
    product = _op("matmul")(cast(mat1, wide), cast(mat2, wide))
    if alpha != 1:
        product = _op("mul")(product, alpha)
    if beta != 0:
        product = _op("add")(product, cast(self, wide), alpha=beta)
    return cast(product, dtype)
