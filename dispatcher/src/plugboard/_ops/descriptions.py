"""One line and one example for every core operator.

They become the docstrings of ``pb.*`` and the descriptions in docs/opset.md
(``tools/generate.py``), and the examples run as doctests there. A new
operator needs an entry here; the generator refuses to run without one.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class OpDoc(NamedTuple):
    """An operator's description and example."""

    summary: str  # one sentence, in the style of PyTorch's docs
    example: str  # one expression over ``pb`` that calls the operator


DESCRIPTIONS: Final[dict[str, OpDoc]] = {
    "abs": OpDoc(
        "Computes the absolute value of each element of ``self``.",
        "pb.abs(pb.tensor([-1.5, 0.0, 2.0]))",
    ),
    "add": OpDoc(
        "Adds ``other``, scaled by ``alpha``, to ``self``.",
        "pb.add(pb.tensor([1, 2, 3]), pb.tensor([10, 20, 30]), alpha=2)",
    ),
    "addcdiv": OpDoc(
        "Divides ``tensor1`` by ``tensor2``, scales it by ``value`` and adds it to ``self``.",
        "pb.addcdiv(pb.tensor([1.0, 1.0]), pb.tensor([2.0, 6.0]), pb.tensor([4.0, 3.0]), value=2)",
    ),
    "addcmul": OpDoc(
        "Multiplies ``tensor1`` by ``tensor2``, scales it by ``value`` and adds it to ``self``.",
        "pb.addcmul(pb.tensor([1.0, 1.0]), pb.tensor([2.0, 3.0]), pb.tensor([4.0, 5.0]), value=0.5)",
    ),
    "addmm": OpDoc(
        "Computes ``beta * self + alpha * (mat1 @ mat2)`` for matrices ``mat1`` and ``mat2``.",
        "pb.addmm(pb.tensor([[1.0, 1.0]]), pb.tensor([[1.0, 2.0]]), pb.eye(2), beta=2, alpha=10)",
    ),
    "all": OpDoc(
        "Tests whether every element of ``self`` is nonzero, over ``dim`` or the whole tensor.",
        "pb.all(pb.tensor([[True, False], [True, True]]), dim=1)",
    ),
    "amax": OpDoc(
        "Returns the maximum of ``self`` over the dimensions ``dim`` (all of them if empty).",
        "pb.amax(pb.tensor([[1, 5], [7, 2]]), dim=0)",
    ),
    "amin": OpDoc(
        "Returns the minimum of ``self`` over the dimensions ``dim`` (all of them if empty).",
        "pb.amin(pb.tensor([[1, 5], [7, 2]]), dim=1)",
    ),
    "any": OpDoc(
        "Tests whether any element of ``self`` is nonzero, over ``dim`` or the whole tensor.",
        "pb.any(pb.tensor([[False, False], [True, False]]), dim=1)",
    ),
    "arange": OpDoc(
        "Returns the values from ``start`` up to, not including, ``end``, spaced by ``step``.",
        "pb.arange(1, 8, 2)",
    ),
    "argmax": OpDoc(
        "Returns the index of the largest element of ``self``, along ``dim`` or flattened.",
        "pb.argmax(pb.tensor([[1, 5], [7, 2]]), dim=1)",
    ),
    "argmin": OpDoc(
        "Returns the index of the smallest element of ``self``, along ``dim`` or flattened.",
        "pb.argmin(pb.tensor([[1, 5], [7, 2]]), dim=1)",
    ),
    "argsort": OpDoc(
        "Returns the indices that sort ``self`` along ``dim``, ascending unless ``descending``.",
        "pb.argsort(pb.tensor([3, 1, 2]), descending=True)",
    ),
    "as_strided": OpDoc(
        "Returns a view of ``self``'s storage with the given ``size``, ``stride`` and offset.",
        "pb.as_strided(pb.arange(6), (2, 3), (1, 2))",
    ),
    "atan": OpDoc(
        "Computes the arctangent of each element of ``self``.",
        "pb.atan(pb.tensor([-1.0, 0.0, 1.0]))",
    ),
    "atan2": OpDoc(
        "Computes the arctangent of ``self / other`` elementwise, choosing the quadrant by sign.",
        "pb.atan2(pb.tensor([1.0, 1.0, -1.0]), pb.tensor([1.0, -1.0, 0.0]))",
    ),
    "avg_pool2d": OpDoc(
        "Applies 2-D average pooling over windows of ``kernel_size``, moved by ``stride``.",
        "pb.avg_pool2d(pb.arange(16.0).reshape(1, 1, 4, 4), kernel_size=2)",
    ),
    "batch_norm": OpDoc(
        "Normalizes each channel of ``input`` by its running (or, if ``training``, batch) stats.",
        "pb.batch_norm(pb.tensor([[1.0, 2.0], [3.0, 6.0]]), pb.tensor([2.0, 4.0]), pb.tensor([1.0, 4.0]))",
    ),
    "bitwise_and": OpDoc(
        "Computes the bitwise AND of ``self`` and ``other`` (logical AND for bools).",
        "pb.bitwise_and(pb.tensor([12, 10]), pb.tensor([10, 6]))",
    ),
    "bitwise_left_shift": OpDoc(
        "Shifts the bits of each element of ``self`` left by ``other`` places.",
        "pb.bitwise_left_shift(pb.tensor([1, 3]), pb.tensor([2, 1]))",
    ),
    "bitwise_not": OpDoc(
        "Computes the bitwise NOT of each element of ``self`` (logical NOT for bools).",
        "pb.bitwise_not(pb.tensor([0, 5, -1]))",
    ),
    "bitwise_or": OpDoc(
        "Computes the bitwise OR of ``self`` and ``other`` (logical OR for bools).",
        "pb.bitwise_or(pb.tensor([12, 10]), pb.tensor([10, 6]))",
    ),
    "bitwise_right_shift": OpDoc(
        "Shifts the bits of each element of ``self`` right by ``other`` places.",
        "pb.bitwise_right_shift(pb.tensor([8, -8]), pb.tensor([2, 1]))",
    ),
    "bitwise_xor": OpDoc(
        "Computes the bitwise XOR of ``self`` and ``other`` (logical XOR for bools).",
        "pb.bitwise_xor(pb.tensor([12, 10]), pb.tensor([10, 6]))",
    ),
    "bmm": OpDoc(
        "Multiplies two batches of matrices, ``self[b] @ mat2[b]`` for each batch index ``b``.",
        "pb.bmm(pb.ones(2, 1, 3), pb.ones(2, 3, 1))",
    ),
    "cat": OpDoc(
        "Concatenates ``tensors`` along the existing dimension ``dim``.",
        "pb.cat([pb.tensor([[1, 2]]), pb.tensor([[3, 4]])], dim=1)",
    ),
    "ceil": OpDoc(
        "Rounds each element of ``self`` up to the nearest integer.",
        "pb.ceil(pb.tensor([-1.5, 0.2, 2.0]))",
    ),
    "chunk": OpDoc(
        "Splits ``self`` into ``chunks`` views of near-equal size along ``dim``.",
        "pb.chunk(pb.arange(5), chunks=2)",
    ),
    "clamp": OpDoc(
        "Clamps each element of ``self`` into the range [``min``, ``max``].",
        "pb.clamp(pb.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)",
    ),
    "clone": OpDoc(
        "Returns a contiguous copy of ``self`` that shares no memory with it.",
        "pb.clone(pb.tensor([1, 2, 3]))",
    ),
    "contiguous": OpDoc(
        "Returns ``self`` if it is contiguous, else a contiguous copy with the same values.",
        "pb.contiguous(pb.arange(4).reshape(2, 2).t())",
    ),
    "conv2d": OpDoc(
        "Applies a 2-D convolution with ``weight`` and ``bias`` over ``input``, with ``stride``.",
        "pb.conv2d(pb.arange(9.0).reshape(1, 1, 3, 3), pb.ones(1, 1, 2, 2))",
    ),
    "conv2d_padding": OpDoc(
        "Applies a 2-D convolution with ``padding`` given by name, ``'valid'`` or ``'same'``.",
        "pb.conv2d(pb.ones(1, 1, 3, 3), pb.ones(1, 1, 2, 2), padding=\"same\").shape",
    ),
    "copy_": OpDoc(
        "Copies the elements of ``src`` into ``self`` in place, broadcasting and casting them.",
        "pb.zeros(2, 2).copy_(pb.tensor([1, 2]))",
    ),
    "cos": OpDoc(
        "Computes the cosine of each element of ``self``, in radians.",
        "pb.cos(pb.tensor([0.0, 1.0, 3.0]))",
    ),
    "cross_entropy": OpDoc(
        "Computes the cross-entropy loss between logits ``input`` and class indices ``target``.",
        "pb.cross_entropy(pb.tensor([[2.0, 0.0], [0.0, 2.0]]), pb.tensor([0, 1]))",
    ),
    "cumprod": OpDoc(
        "Returns the cumulative product of the elements of ``self`` along ``dim``.",
        "pb.cumprod(pb.tensor([1, 2, 3, 4]), dim=0)",
    ),
    "cumsum": OpDoc(
        "Returns the cumulative sum of the elements of ``self`` along ``dim``.",
        "pb.cumsum(pb.tensor([1, 2, 3, 4]), dim=0)",
    ),
    "diagonal": OpDoc(
        "Returns a view of the diagonal ``offset`` of ``self`` over ``dim1`` and ``dim2``.",
        "pb.diagonal(pb.arange(9).reshape(3, 3), offset=1)",
    ),
    "div": OpDoc(
        "Divides ``self`` by ``other``, rounding the quotient as ``rounding_mode`` says.",
        "pb.div(pb.tensor([7, -7]), pb.tensor([2, 2]), rounding_mode=\"floor\")",
    ),
    "dot": OpDoc(
        "Computes the dot product of the 1-D tensors ``self`` and ``tensor``.",
        "pb.dot(pb.tensor([1, 2, 3]), pb.tensor([4, 5, 6]))",
    ),
    "dropout": OpDoc(
        "Zeroes each element of ``input`` with probability ``p`` and scales the rest by 1/(1-p).",
        "pb.dropout(pb.ones(4), p=0.5, generator=pb.Generator(\"cpu\").manual_seed(0))",
    ),
    "embedding": OpDoc(
        "Looks up the rows of ``weight`` at the indices in ``input``.",
        "pb.embedding(pb.tensor([2, 0]), pb.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))",
    ),
    "empty": OpDoc(
        "Returns a tensor of shape ``size`` whose values are uninitialized.",
        "pb.empty(2, 3).shape",
    ),
    "empty_like": OpDoc(
        "Returns an uninitialized tensor shaped like ``self``, in its dtype unless ``dtype``.",
        "pb.empty_like(pb.zeros(2, 3), dtype=pb.int32).shape",
    ),
    "eq": OpDoc(
        "Tests ``self == other`` elementwise, returning a bool tensor.",
        "pb.eq(pb.tensor([1, 2, 3]), pb.tensor([1, 0, 3]))",
    ),
    "erf": OpDoc(
        "Computes the Gauss error function of each element of ``self``.",
        "pb.erf(pb.tensor([-1.0, 0.0, 0.5]))",
    ),
    "exp": OpDoc(
        "Computes the exponential, e to the power of each element of ``self``.",
        "pb.exp(pb.tensor([0.0, 1.0, 2.0]))",
    ),
    "expand": OpDoc(
        "Returns a view of ``self`` with its size-1 dimensions stretched to ``size``, no copy.",
        "pb.expand(pb.tensor([[1], [2]]), (2, 3))",
    ),
    "expm1": OpDoc(
        "Computes ``exp(x) - 1`` for each element ``x`` of ``self``, accurate near zero.",
        "pb.expm1(pb.tensor([0.0, 1e-05, 1.0]))",
    ),
    "eye": OpDoc(
        "Returns an ``n`` by ``m`` matrix with ones on the diagonal and zeros elsewhere.",
        "pb.eye(2, 3)",
    ),
    "flatten": OpDoc(
        "Flattens the dimensions ``start_dim`` through ``end_dim`` of ``self`` into one.",
        "pb.flatten(pb.zeros(2, 3, 4), start_dim=1).shape",
    ),
    "flip": OpDoc(
        "Reverses the order of the elements of ``self`` along the dimensions ``dims``.",
        "pb.flip(pb.tensor([[1, 2], [3, 4]]), dims=[1])",
    ),
    "floor": OpDoc(
        "Rounds each element of ``self`` down to the nearest integer.",
        "pb.floor(pb.tensor([-1.5, 0.2, 2.0]))",
    ),
    "fmod": OpDoc(
        "Computes the remainder of ``self / other`` elementwise, with the sign of ``self``.",
        "pb.fmod(pb.tensor([-7, 7]), pb.tensor([3, 3]))",
    ),
    "full": OpDoc(
        "Returns a tensor of shape ``size`` filled with ``fill_value``.",
        "pb.full((2, 3), 7)",
    ),
    "full_like": OpDoc(
        "Returns a tensor shaped like ``self`` filled with ``fill_value``.",
        "pb.full_like(pb.zeros(2, 2), 5.0)",
    ),
    "gather": OpDoc(
        "Gathers the values of ``self`` along ``dim`` at the positions in ``index``.",
        "pb.gather(pb.tensor([[1, 2], [3, 4]]), dim=1, index=pb.tensor([[0, 0], [1, 0]]))",
    ),
    "ge": OpDoc(
        "Tests ``self >= other`` elementwise, returning a bool tensor.",
        "pb.ge(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))",
    ),
    "gelu": OpDoc(
        "Applies the Gaussian Error Linear Unit to each element, or its ``approximate`` form.",
        "pb.gelu(pb.tensor([-1.0, 0.0, 1.0]), approximate=\"tanh\")",
    ),
    "gt": OpDoc(
        "Tests ``self > other`` elementwise, returning a bool tensor.",
        "pb.gt(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))",
    ),
    "index_put": OpDoc(
        "Returns ``self`` with ``values`` put at ``indices``, or added there if ``accumulate``.",
        "pb.index_put(pb.zeros(4), (pb.tensor([0, 2]),), pb.tensor([1.0, 2.0]))",
    ),
    "index_put_": OpDoc(
        "Puts ``values`` into ``self`` in place at ``indices``, adding them if ``accumulate``.",
        "pb.zeros(3).index_put_((pb.tensor([0, 0]),), pb.tensor([1.0, 2.0]), accumulate=True)",
    ),
    "index_select": OpDoc(
        "Selects the entries of ``self`` along ``dim`` at the positions in ``index``.",
        "pb.index_select(pb.tensor([[1, 2], [3, 4], [5, 6]]), dim=0, index=pb.tensor([2, 0]))",
    ),
    "isfinite": OpDoc(
        "Tests whether each element of ``self`` is finite, neither infinite nor NaN.",
        "pb.isfinite(pb.tensor([1.0, float(\"inf\"), float(\"nan\")]))",
    ),
    "isinf": OpDoc(
        "Tests whether each element of ``self`` is positive or negative infinity.",
        "pb.isinf(pb.tensor([1.0, float(\"inf\"), -float(\"inf\")]))",
    ),
    "isnan": OpDoc(
        "Tests whether each element of ``self`` is NaN.",
        "pb.isnan(pb.tensor([1.0, float(\"nan\"), float(\"inf\")]))",
    ),
    "layer_norm": OpDoc(
        "Normalizes ``input`` over its last ``normalized_shape`` dims, then scales and shifts.",
        "pb.layer_norm(pb.tensor([[1.0, 2.0, 3.0]]), [3])",
    ),
    "le": OpDoc(
        "Tests ``self <= other`` elementwise, returning a bool tensor.",
        "pb.le(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))",
    ),
    "lerp": OpDoc(
        "Interpolates linearly from ``self`` to ``end``: ``self + weight * (end - self)``.",
        "pb.lerp(pb.tensor([0.0, 10.0]), pb.tensor([10.0, 20.0]), pb.tensor([0.25, 0.5]))",
    ),
    "linear": OpDoc(
        "Applies the affine map ``input @ weight.T + bias``.",
        "pb.linear(pb.tensor([[1.0, 2.0]]), pb.tensor([[1.0, 1.0], [0.0, 1.0]]), pb.tensor([0.5, 0.0]))",
    ),
    "linspace": OpDoc(
        "Returns ``steps`` values evenly spaced from ``start`` to ``end``, both included.",
        "pb.linspace(0, 1, steps=5)",
    ),
    "log": OpDoc(
        "Computes the natural logarithm of each element of ``self``.",
        "pb.log(pb.tensor([1.0, 2.0, 4.0]))",
    ),
    "log10": OpDoc(
        "Computes the base-10 logarithm of each element of ``self``.",
        "pb.log10(pb.tensor([1.0, 10.0, 1000.0]))",
    ),
    "log1p": OpDoc(
        "Computes ``log(1 + x)`` for each element ``x`` of ``self``, accurate near zero.",
        "pb.log1p(pb.tensor([0.0, 1e-05, 1.0]))",
    ),
    "log2": OpDoc(
        "Computes the base-2 logarithm of each element of ``self``.",
        "pb.log2(pb.tensor([1.0, 2.0, 8.0]))",
    ),
    "log_softmax": OpDoc(
        "Applies softmax along ``dim`` and takes its logarithm, computed stably.",
        "pb.log_softmax(pb.tensor([0.0, 0.0, 0.0, 0.0]), dim=0)",
    ),
    "logical_and": OpDoc(
        "Computes the logical AND of ``self`` and ``other``, nonzero counting as true.",
        "pb.logical_and(pb.tensor([True, True, False]), pb.tensor([True, False, False]))",
    ),
    "logical_not": OpDoc(
        "Computes the logical NOT of each element of ``self``, nonzero counting as true.",
        "pb.logical_not(pb.tensor([0, 1, 2]))",
    ),
    "logical_or": OpDoc(
        "Computes the logical OR of ``self`` and ``other``, nonzero counting as true.",
        "pb.logical_or(pb.tensor([True, True, False]), pb.tensor([True, False, False]))",
    ),
    "logical_xor": OpDoc(
        "Computes the logical XOR of ``self`` and ``other``, nonzero counting as true.",
        "pb.logical_xor(pb.tensor([True, True, False]), pb.tensor([True, False, False]))",
    ),
    "logsumexp": OpDoc(
        "Returns the log of the sum of the exponentials of ``self`` over ``dim``, computed stably.",
        "pb.logsumexp(pb.tensor([[0.0, 0.0], [1.0, 1.0]]), dim=1)",
    ),
    "lt": OpDoc(
        "Tests ``self < other`` elementwise, returning a bool tensor.",
        "pb.lt(pb.tensor([1, 2, 3]), pb.tensor([2, 2, 2]))",
    ),
    "masked_fill": OpDoc(
        "Fills the elements of ``self`` where ``mask`` is true with ``value``.",
        "pb.masked_fill(pb.tensor([1, 2, 3]), pb.tensor([True, False, True]), 0)",
    ),
    "matmul": OpDoc(
        "Computes the matrix product of ``self`` and ``other``, broadcasting batch dimensions.",
        "pb.matmul(pb.tensor([[1, 2], [3, 4]]), pb.tensor([1, 1]))",
    ),
    "max": OpDoc(
        "Returns the largest element of ``self``, as a 0-d tensor.",
        "pb.max(pb.tensor([[1, 5], [7, 2]]))",
    ),
    "max_dim": OpDoc(
        "Returns the largest values of ``self`` along ``dim`` and their indices.",
        "pb.max(pb.tensor([[1, 5], [7, 2]]), dim=1)",
    ),
    "max_pool2d": OpDoc(
        "Applies 2-D max pooling over windows of ``kernel_size``, moved by ``stride``.",
        "pb.max_pool2d(pb.arange(16.0).reshape(1, 1, 4, 4), kernel_size=2)",
    ),
    "maximum": OpDoc(
        "Computes the elementwise maximum of ``self`` and ``other``.",
        "pb.maximum(pb.tensor([1, 5, 3]), pb.tensor([4, 2, 3]))",
    ),
    "mean": OpDoc(
        "Returns the mean of the elements of ``self`` over ``dim``, or over all of them.",
        "pb.mean(pb.tensor([[1.0, 2.0], [3.0, 6.0]]), dim=1)",
    ),
    "min": OpDoc(
        "Returns the smallest element of ``self``, as a 0-d tensor.",
        "pb.min(pb.tensor([[1, 5], [7, 2]]))",
    ),
    "min_dim": OpDoc(
        "Returns the smallest values of ``self`` along ``dim`` and their indices.",
        "pb.min(pb.tensor([[1, 5], [7, 2]]), dim=1)",
    ),
    "minimum": OpDoc(
        "Computes the elementwise minimum of ``self`` and ``other``.",
        "pb.minimum(pb.tensor([1, 5, 3]), pb.tensor([4, 2, 3]))",
    ),
    "mm": OpDoc(
        "Computes the matrix product of the 2-D tensors ``self`` and ``mat2``.",
        "pb.mm(pb.tensor([[1, 2], [3, 4]]), pb.tensor([[0, 1], [1, 0]]))",
    ),
    "mse_loss": OpDoc(
        "Computes the squared error between ``input`` and ``target``, reduced by ``reduction``.",
        "pb.mse_loss(pb.tensor([1.0, 2.0, 3.0]), pb.tensor([1.0, 0.0, 0.0]))",
    ),
    "mul": OpDoc(
        "Multiplies ``self`` by ``other`` elementwise.",
        "pb.mul(pb.tensor([1, 2, 3]), pb.tensor([4, 5, 6]))",
    ),
    "nan_to_num": OpDoc(
        "Replaces NaN, +inf and -inf in ``self`` with ``nan``, ``posinf`` and ``neginf``.",
        "pb.nan_to_num(pb.tensor([float(\"nan\"), float(\"inf\"), -1.0]), posinf=100.0)",
    ),
    "narrow": OpDoc(
        "Returns a view of ``length`` elements of ``self`` along ``dim``, from ``start``.",
        "pb.narrow(pb.arange(6), dim=0, start=1, length=3)",
    ),
    "ne": OpDoc(
        "Tests ``self != other`` elementwise, returning a bool tensor.",
        "pb.ne(pb.tensor([1, 2, 3]), pb.tensor([1, 0, 3]))",
    ),
    "neg": OpDoc(
        "Negates each element of ``self``.",
        "pb.neg(pb.tensor([1, -2, 0]))",
    ),
    "norm": OpDoc(
        "Returns the ``p``-norm of ``self`` over ``dim``, or over all of its elements.",
        "pb.norm(pb.tensor([3.0, -4.0]), p=1)",
    ),
    "ones": OpDoc(
        "Returns a tensor of shape ``size`` filled with ones.",
        "pb.ones(2, 3)",
    ),
    "ones_like": OpDoc(
        "Returns a tensor of ones with the shape, dtype and device of ``self``.",
        "pb.ones_like(pb.tensor([5, 6, 7]))",
    ),
    "outer": OpDoc(
        "Computes the outer product of the 1-D tensors ``self`` and ``vec2``.",
        "pb.outer(pb.tensor([1, 2]), pb.tensor([1, 10, 100]))",
    ),
    "pad": OpDoc(
        "Pads ``self`` by the sizes in ``pad``, last dim first, in ``mode`` or with ``value``.",
        "pb.pad(pb.tensor([1.0, 2.0]), [1, 2], value=9.0)",
    ),
    "permute": OpDoc(
        "Returns a view of ``self`` with its dimensions reordered as ``dims``.",
        "pb.permute(pb.zeros(2, 3, 4), (2, 0, 1)).shape",
    ),
    "pow": OpDoc(
        "Raises each element of ``self`` to the power ``exponent``.",
        "pb.pow(pb.tensor([1, 2, 3]), 2)",
    ),
    "prod": OpDoc(
        "Returns the product of the elements of ``self`` over ``dim``, or over all of them.",
        "pb.prod(pb.tensor([[1, 2], [3, 4]]), dim=1)",
    ),
    "rand": OpDoc(
        "Returns a tensor of shape ``size`` drawn uniformly from [0, 1).",
        "pb.rand(3, generator=pb.Generator(\"cpu\").manual_seed(0))",
    ),
    "randint": OpDoc(
        "Returns a tensor of shape ``size`` of integers drawn uniformly from [``low``, ``high``).",
        "pb.randint(0, 10, (4,), generator=pb.Generator(\"cpu\").manual_seed(0))",
    ),
    "randn": OpDoc(
        "Returns a tensor of shape ``size`` drawn from the standard normal distribution.",
        "pb.randn(3, generator=pb.Generator(\"cpu\").manual_seed(0))",
    ),
    "reciprocal": OpDoc(
        "Computes ``1 / x`` for each element ``x`` of ``self``.",
        "pb.reciprocal(pb.tensor([1.0, 2.0, 4.0]))",
    ),
    "relu": OpDoc(
        "Applies the rectified linear unit, ``max(x, 0)``, to each element of ``self``.",
        "pb.relu(pb.tensor([-1.0, 0.0, 2.0]))",
    ),
    "remainder": OpDoc(
        "Computes the remainder of ``self / other`` elementwise, with the sign of ``other``.",
        "pb.remainder(pb.tensor([-7, 7]), pb.tensor([3, 3]))",
    ),
    "repeat": OpDoc(
        "Repeats ``self`` along each dimension the number of times given in ``repeats``.",
        "pb.repeat(pb.tensor([1, 2]), [2, 2])",
    ),
    "reshape": OpDoc(
        "Returns ``self`` with the new ``shape``, as a view where possible, else a copy.",
        "pb.reshape(pb.arange(6), (2, 3))",
    ),
    "rms_norm": OpDoc(
        "Divides ``input`` by its root mean square over the last ``normalized_shape`` dims.",
        "pb.rms_norm(pb.tensor([[3.0, 4.0]]), [2])",
    ),
    "roll": OpDoc(
        "Rolls the elements of ``self`` by ``shifts`` along ``dims``, wrapping around.",
        "pb.roll(pb.tensor([1, 2, 3, 4]), shifts=1)",
    ),
    "round": OpDoc(
        "Rounds each element of ``self`` to ``decimals`` decimal places, halves to even.",
        "pb.round(pb.tensor([0.5, 1.5, 2.5, -1.7]))",
    ),
    "rsqrt": OpDoc(
        "Computes the reciprocal square root, ``1 / sqrt(x)``, of each element of ``self``.",
        "pb.rsqrt(pb.tensor([1.0, 4.0, 16.0]))",
    ),
    "scaled_dot_product_attention": OpDoc(
        "Computes ``softmax(query @ key.mT * scale + attn_mask) @ value``, optionally causal.",
        "pb.scaled_dot_product_attention(pb.ones(1, 2, 2), pb.ones(1, 2, 2), "
        "pb.tensor([[[1.0, 2.0], [3.0, 4.0]]]), is_causal=True)",
    ),
    "scatter": OpDoc(
        "Writes ``src``, or the number ``value``, into ``self`` at ``index`` along ``dim``.",
        "pb.scatter(pb.zeros(2, 3), 1, pb.tensor([[2], [0]]), 5.0)",
    ),
    "scatter_add": OpDoc(
        "Adds the values of ``src`` into ``self`` at the positions in ``index`` along ``dim``.",
        "pb.scatter_add(pb.zeros(3), 0, pb.tensor([0, 0, 2]), pb.tensor([1.0, 2.0, 3.0]))",
    ),
    "select": OpDoc(
        "Returns a view of ``self`` at ``index`` along ``dim``, with that dimension removed.",
        "pb.select(pb.tensor([[1, 2], [3, 4]]), dim=1, index=0)",
    ),
    "sigmoid": OpDoc(
        "Applies the logistic sigmoid, ``1 / (1 + exp(-x))``, to each element of ``self``.",
        "pb.sigmoid(pb.tensor([-1.0, 0.0, 1.0]))",
    ),
    "sign": OpDoc(
        "Returns the sign of each element of ``self``: -1, 0 or 1.",
        "pb.sign(pb.tensor([-2.5, 0.0, 3.0]))",
    ),
    "silu": OpDoc(
        "Applies the SiLU (swish) function, ``x * sigmoid(x)``, to each element of ``self``.",
        "pb.silu(pb.tensor([-1.0, 0.0, 1.0]))",
    ),
    "sin": OpDoc(
        "Computes the sine of each element of ``self``, in radians.",
        "pb.sin(pb.tensor([0.0, 1.0, 3.0]))",
    ),
    "softmax": OpDoc(
        "Applies softmax along ``dim``: exponentials rescaled to sum to one.",
        "pb.softmax(pb.tensor([1.0, 2.0, 3.0]), dim=0)",
    ),
    "softplus": OpDoc(
        "Applies ``log(1 + exp(beta * x)) / beta`` elementwise, linear above ``threshold``.",
        "pb.softplus(pb.tensor([-1.0, 0.0, 1.0]), beta=2)",
    ),
    "sort": OpDoc(
        "Sorts ``self`` along ``dim``, ascending unless ``descending``, giving values and indices.",
        "pb.sort(pb.tensor([3, 1, 2]))",
    ),
    "split": OpDoc(
        "Splits ``self`` into views of ``split_size`` along ``dim``; the last may be smaller.",
        "pb.split(pb.arange(5), 2)",
    ),
    "split_with_sizes": OpDoc(
        "Splits ``self`` into views with the lengths ``split_sizes`` along ``dim``.",
        "pb.split_with_sizes(pb.arange(5), [1, 4])",
    ),
    "sqrt": OpDoc(
        "Computes the square root of each element of ``self``.",
        "pb.sqrt(pb.tensor([1.0, 4.0, 9.0]))",
    ),
    "square": OpDoc(
        "Computes the square of each element of ``self``.",
        "pb.square(pb.tensor([-2, 0, 3]))",
    ),
    "squeeze": OpDoc(
        "Returns a view of ``self`` without its size-1 dimensions, or only ``dim`` if given.",
        "pb.squeeze(pb.zeros(2, 1, 3, 1), dim=1).shape",
    ),
    "stack": OpDoc(
        "Joins ``tensors`` of one shape along a new dimension ``dim``.",
        "pb.stack([pb.tensor([1, 2]), pb.tensor([3, 4])], dim=1)",
    ),
    "std": OpDoc(
        "Returns the standard deviation of ``self`` over ``dim``, with ``correction`` (default 1).",
        "pb.std(pb.tensor([1.0, 2.0, 3.0, 4.0]))",
    ),
    "sub": OpDoc(
        "Subtracts ``other``, scaled by ``alpha``, from ``self``.",
        "pb.sub(pb.tensor([10, 20, 30]), pb.tensor([1, 2, 3]), alpha=2)",
    ),
    "sum": OpDoc(
        "Returns the sum of the elements of ``self`` over ``dim``, or over all of them.",
        "pb.sum(pb.tensor([[1, 2], [3, 4]]), dim=0)",
    ),
    "t": OpDoc(
        "Returns a view of the matrix ``self`` transposed; a 0-D or 1-D tensor stays as is.",
        "pb.t(pb.tensor([[1, 2, 3]]))",
    ),
    "tan": OpDoc(
        "Computes the tangent of each element of ``self``, in radians.",
        "pb.tan(pb.tensor([-1.0, 0.0, 1.0]))",
    ),
    "tanh": OpDoc(
        "Computes the hyperbolic tangent of each element of ``self``.",
        "pb.tanh(pb.tensor([-1.0, 0.0, 1.0]))",
    ),
    "tile": OpDoc(
        "Repeats ``self`` along each dimension as ``dims`` says, missing leading ``dims`` being 1.",
        "pb.tile(pb.tensor([[1, 2]]), [2])",
    ),
    "to": OpDoc(
        "Returns ``self`` converted to ``dtype`` and moved to ``device``, or ``self`` if unchanged.",
        "pb.tensor([1, 2]).to(pb.float16)",
    ),
    "topk": OpDoc(
        "Returns the ``k`` largest (or smallest) elements of ``self`` along ``dim``, and indices.",
        "pb.topk(pb.tensor([1, 5, 3, 4]), k=2)",
    ),
    "transpose": OpDoc(
        "Returns a view of ``self`` with the dimensions ``dim0`` and ``dim1`` swapped.",
        "pb.transpose(pb.zeros(2, 3, 4), 0, 2).shape",
    ),
    "tril": OpDoc(
        "Returns the lower triangle of the matrix ``self``, zeroing entries above ``diagonal``.",
        "pb.tril(pb.ones(3, 3))",
    ),
    "triu": OpDoc(
        "Returns the upper triangle of the matrix ``self``, zeroing entries below ``diagonal``.",
        "pb.triu(pb.ones(3, 3), diagonal=1)",
    ),
    "trunc": OpDoc(
        "Rounds each element of ``self`` toward zero, dropping its fractional part.",
        "pb.trunc(pb.tensor([-1.7, 0.2, 2.9]))",
    ),
    "unbind": OpDoc(
        "Removes the dimension ``dim`` of ``self``, returning a tuple of views along it.",
        "pb.unbind(pb.tensor([[1, 2], [3, 4]]), dim=1)",
    ),
    "unflatten": OpDoc(
        "Returns a view of ``self`` with the dimension ``dim`` split into the sizes ``sizes``.",
        "pb.unflatten(pb.zeros(2, 6), dim=1, sizes=(2, 3)).shape",
    ),
    "unsqueeze": OpDoc(
        "Returns a view of ``self`` with a size-1 dimension inserted at position ``dim``.",
        "pb.unsqueeze(pb.tensor([1, 2]), dim=0)",
    ),
    "var": OpDoc(
        "Returns the variance of ``self`` over ``dim``, with ``correction`` (default 1).",
        "pb.var(pb.tensor([1.0, 2.0, 3.0, 4.0]))",
    ),
    "view": OpDoc(
        "Returns a view of ``self``, sharing its data, with the new shape ``size``.",
        "pb.arange(6).view(3, 2)",
    ),
    "where": OpDoc(
        "Selects elements from ``self`` where ``condition`` is true and from ``other`` elsewhere.",
        "pb.where(pb.tensor([True, False, True]), pb.tensor([1, 2, 3]), pb.tensor([-1, -2, -3]))",
    ),
    "zeros": OpDoc(
        "Returns a tensor of shape ``size`` filled with zeros.",
        "pb.zeros(2, 3)",
    ),
    "zeros_like": OpDoc(
        "Returns a tensor of zeros with the shape, dtype and device of ``self``.",
        "pb.zeros_like(pb.tensor([5, 6, 7]))",
    ),
}
