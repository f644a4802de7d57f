"""The methods plugboard.Tensor gets from the front end (tools/generate.py)."""

# ruff: noqa: E501

from collections.abc import Sequence
from typing import Any

from plugboard._core.device import Device
from plugboard._core.dtype import DType
from plugboard._core.tensor import Tensor
from plugboard._dispatch.random import Generator

class _DTypeConversions:
    """``x.float()`` is ``x.to(pb.float32)``, and so on: ``x`` itself if it has the dtype."""
    def bool(self) -> Tensor:
        """This tensor as bool."""
    def byte(self) -> Tensor:
        """This tensor as uint8."""
    def char(self) -> Tensor:
        """This tensor as int8."""
    def short(self) -> Tensor:
        """This tensor as int16."""
    def int(self) -> Tensor:
        """This tensor as int32."""
    def long(self) -> Tensor:
        """This tensor as int64."""
    def half(self) -> Tensor:
        """This tensor as float16."""
    def bfloat16(self) -> Tensor:
        """This tensor as bfloat16."""
    def float(self) -> Tensor:
        """This tensor as float32."""
    def double(self) -> Tensor:
        """This tensor as float64."""

class TensorMethods(_DTypeConversions):
    def __add__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __radd__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __sub__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rsub__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __mul__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rmul__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __truediv__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rtruediv__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __floordiv__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rfloordiv__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __mod__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rmod__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __pow__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rpow__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __matmul__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rmatmul__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __and__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rand__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __or__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __ror__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __xor__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rxor__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __lshift__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rlshift__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rshift__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __rrshift__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __lt__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __le__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __gt__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __ge__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __iadd__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __isub__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __imul__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __itruediv__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __ifloordiv__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __imod__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __ipow__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __iand__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __ior__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __ixor__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __ilshift__(self, other: Tensor | bool | int | float) -> Tensor: ...
    def __irshift__(self, other: Tensor | bool | int | float) -> Tensor: ...

    # Autograd (plugboard._autograd.tensor_api).
    @property
    def requires_grad(self) -> bool:
        """Whether autograd records operations on this tensor."""
    @requires_grad.setter
    def requires_grad(self, value: bool) -> None: ...
    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by backward (None until then)."""
    @grad.setter
    def grad(self, value: Tensor | None) -> None: ...
    @property
    def grad_fn(self) -> Any:
        """The node that computed this tensor (None for leaves)."""
    @property
    def is_leaf(self) -> bool:
        """Whether this tensor was made by the user, not an op."""
    @property
    def retains_grad(self) -> bool:
        """Whether retain_grad() was called."""
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set whether autograd records operations on this leaf tensor; returns it."""
    def detach(self) -> Tensor:
        """A tensor sharing this one's data, outside the graph."""
    def detach_(self) -> Tensor:
        """Take this tensor out of the graph, in place."""
    def retain_grad(self) -> None:
        """Keep the gradient of this non-leaf tensor in ``.grad`` during backward."""
    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None, create_graph: bool = False, inputs: Sequence[Tensor] | None = None) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves below it."""
    # Front ends: one method, several operators or argument forms.
    @property
    def T(self) -> Tensor:
        """The dimensions reversed (a view)."""
    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped (a view)."""
    def __getitem__(self, index: Any) -> Tensor:
        """``x[index]`` with PyTorch's rules: views for basic indices, copies for advanced."""
    def __setitem__(self, index: Any, value: Tensor | bool | int | float) -> None:
        """``x[index] = value``: writes ``value`` (cast, broadcast) into ``x`` in place."""
    def __reduce__(self) -> Any: ...
    def __dlpack__(self, stream: Any = None, **kwargs: Any) -> Any:
        """A DLPack capsule over this tensor's memory (``np.from_dlpack(x)``, ``torch.from_dlpack(x)``)."""
    def __dlpack_device__(self) -> tuple[int, int]:
        """The DLPack device type code and device id."""
    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        """``x == y``, elementwise: ``pb.eq``."""
    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        """``x != y``, elementwise: ``pb.ne``."""
    def __neg__(self) -> Tensor: ...
    def __pos__(self) -> Tensor: ...
    def __abs__(self) -> Tensor: ...
    def __invert__(self) -> Tensor: ...
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``x.to(device)``, ``x.to(dtype)``, ``x.to(device, dtype)``, ``x.to(other)``."""
    def cpu(self) -> Tensor:
        """This tensor on the cpu (itself if it is there)."""
    def copy_(
        self, src: Tensor | bool | int | float | Sequence[Any], non_blocking: bool = False
    ) -> Tensor:
        """Copy ``src`` into this tensor in place: broadcasting, casting, across devices."""
    def split(self, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Chunks of one size (an int) or of the given sizes (a list)."""
    def view(self, *size: int | Sequence[int]) -> Tensor:
        """The same storage seen with another shape (``x.view(2, 3)`` or ``x.view((2, 3))``)."""
    def reshape(self, *size: int | Sequence[int]) -> Tensor:
        """Another shape: a view when the layout allows, else a copy."""
    def permute(self, *dims: int | Sequence[int]) -> Tensor:
        """The dimensions in another order (a view)."""
    def expand(self, *size: int | Sequence[int]) -> Tensor:
        """Size-1 dimensions broadcast to ``size`` (a view)."""
    def repeat(self, *sizes: int | Sequence[int]) -> Tensor:
        """Tiled ``sizes`` times along each dimension."""
    def tile(self, *dims: int | Sequence[int]) -> Tensor:
        """Tiled, as NumPy's ``tile``."""
    def flip(self, *dims: int | Sequence[int]) -> Tensor:
        """The order of elements reversed along ``dims``."""
    def max(self, dim: Tensor | int | None = None, keepdim: bool = False) -> Any:
        """The largest element, or the largest along ``dim`` (values, indices)."""
    def min(self, dim: Tensor | int | None = None, keepdim: bool = False) -> Any:
        """The smallest element, or the smallest along ``dim`` (values, indices)."""
    def scatter(
        self, dim: int, index: Tensor, src: Tensor | bool | int | float | None = None, *,
        value: bool | int | float | None = None, out: Tensor | None = None,
    ) -> Tensor:
        """``src`` (a tensor or a number) written at ``index`` along ``dim``."""
    def where(self, condition: Tensor, other: Tensor | bool | int | float) -> Tensor:
        """This tensor where ``condition`` is true, ``other`` elsewhere: ``pb.where(condition, x, other)``."""
    # PyTorch's methods built from operators (plugboard/_frontend: like, inplace, ...).
    def type_as(self, other: Tensor) -> Tensor:
        """This tensor with ``other``'s dtype, on ``other``'s device."""
    def view_as(self, other: Tensor) -> Tensor:
        """``x.view(other.shape)``."""
    def expand_as(self, other: Tensor) -> Tensor:
        """``x.expand(other.shape)``."""
    def new_empty(self, *size: int | Sequence[int], dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """An uninitialized tensor with this one's dtype and device (unless given)."""
    def new_zeros(self, *size: int | Sequence[int], dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """Zeros with this tensor's dtype and device (unless given)."""
    def new_ones(self, *size: int | Sequence[int], dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """Ones with this tensor's dtype and device (unless given)."""
    def new_full(self, size: Sequence[int], fill_value: bool | int | float, *, dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """``fill_value`` everywhere, with this tensor's dtype and device (unless given)."""
    def new_tensor(self, data: Any, *, dtype: DType | str | None = None, device: Device | str | None = None) -> Tensor:
        """A copy of ``data`` with this tensor's dtype and device (unless given)."""
    def fill_(self, value: Tensor | bool | int | float) -> Tensor:
        """``value`` (a number or a 0-d tensor) written into every element, in place."""
    def zero_(self) -> Tensor:
        """Zeros written into every element, in place."""
    def relu_(self) -> Tensor:
        """``relu`` in place."""
    def scatter_(
        self, dim: int, index: Tensor, src: Tensor | bool | int | float | None = None, *,
        value: bool | int | float | None = None,
    ) -> Tensor:
        """``scatter`` in place."""
    def unsqueeze_(self, dim: int) -> Tensor:
        """``unsqueeze`` in place: this tensor's own shape changes."""
    def squeeze_(self, dim: int | Sequence[int] | None = None) -> Tensor:
        """``squeeze`` in place: this tensor's own shape changes."""
    def clip(self, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None, *, out: Tensor | None = None) -> Tensor:
        """``clamp``, under NumPy's name."""
    def clip_(self, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None) -> Tensor:
        """``clamp_``, under NumPy's name."""
    def clamp_min(self, min: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """``clamp(min=min)``."""
    def clamp_min_(self, min: Tensor | bool | int | float) -> Tensor:
        """``clamp_(min=min)``."""
    def clamp_max(self, max: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """``clamp(max=max)``."""
    def clamp_max_(self, max: Tensor | bool | int | float) -> Tensor:
        """``clamp_(max=max)``."""
    def isclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
        """Whether each element is close to ``other``'s: ``pb.isclose``."""
    def allclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """Whether every element is close to ``other``'s: ``pb.allclose``."""
    def equal(self, other: Tensor) -> bool:
        """The same shape and elements as ``other``: ``pb.equal``."""
    def broadcast_to(self, size: Sequence[int]) -> Tensor:
        """Broadcast to ``size`` (a view): ``pb.broadcast_to``."""
    def movedim(self, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
        """Dimensions ``source`` moved to ``destination`` (a view): ``pb.movedim``."""
    def nonzero(self, *, as_tuple: bool = False) -> Any:
        """The indices of the nonzero elements: ``pb.nonzero``."""
    def masked_select(self, mask: Tensor) -> Tensor:
        """The elements where ``mask`` is true, as a 1-D tensor: ``pb.masked_select``."""
    # Operators, with the tensor first.
    def abs(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the absolute value of each element of ``self``."""
    def abs_(self) -> Tensor:
        """``abs`` in place."""
    def add(self, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
        """Adds ``other``, scaled by ``alpha``, to ``self``."""
    def add_(self, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1) -> Tensor:
        """``add`` in place."""
    def addcdiv(self, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
        """Divides ``tensor1`` by ``tensor2``, scales it by ``value`` and adds it to ``self``."""
    def addcdiv_(self, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1) -> Tensor:
        """``addcdiv`` in place."""
    def addcmul(self, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
        """Multiplies ``tensor1`` by ``tensor2``, scales it by ``value`` and adds it to ``self``."""
    def addcmul_(self, tensor1: Tensor | bool | int | float, tensor2: Tensor | bool | int | float, *, value: bool | int | float = 1) -> Tensor:
        """``addcmul`` in place."""
    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: bool | int | float = 1, alpha: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
        """Computes ``beta * self + alpha * (mat1 @ mat2)`` for matrices ``mat1`` and ``mat2``."""
    def all(self, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Tests whether every element of ``self`` is nonzero, over ``dim`` or the whole tensor."""
    def amax(self, dim: int | Sequence[int] = (), keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Returns the maximum of ``self`` over the dimensions ``dim`` (all of them if empty)."""
    def amin(self, dim: int | Sequence[int] = (), keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Returns the minimum of ``self`` over the dimensions ``dim`` (all of them if empty)."""
    def any(self, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Tests whether any element of ``self`` is nonzero, over ``dim`` or the whole tensor."""
    def argmax(self, dim: int | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Returns the index of the largest element of ``self``, along ``dim`` or flattened."""
    def argmin(self, dim: int | None = None, keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Returns the index of the smallest element of ``self``, along ``dim`` or flattened."""
    def argsort(self, dim: int = -1, descending: bool = False, *, stable: bool = False, out: Tensor | None = None) -> Tensor:
        """Returns the indices that sort ``self`` along ``dim``, ascending unless ``descending``."""
    def as_strided(self, size: int | Sequence[int], stride: int | Sequence[int], storage_offset: int | None = None) -> Tensor:
        """Returns a view of ``self``'s storage with the given ``size``, ``stride`` and offset."""
    def atan(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the arctangent of each element of ``self``."""
    def atan_(self) -> Tensor:
        """``atan`` in place."""
    def atan2(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the arctangent of ``self / other`` elementwise, choosing the quadrant by sign."""
    def atan2_(self, other: Tensor | bool | int | float) -> Tensor:
        """``atan2`` in place."""
    def avg_pool2d(self, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None, padding: int | Sequence[int] = (0, 0), ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None, *, out: Tensor | None = None) -> Tensor:
        """Applies 2-D average pooling over windows of ``kernel_size``, moved by ``stride``."""
    def batch_norm(self, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-05, *, out: Tensor | None = None) -> Tensor:
        """Normalizes each channel of ``input`` by its running (or, if ``training``, batch) stats."""
    def bitwise_and(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the bitwise AND of ``self`` and ``other`` (logical AND for bools)."""
    def bitwise_and_(self, other: Tensor | bool | int | float) -> Tensor:
        """``bitwise_and`` in place."""
    def bitwise_left_shift(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Shifts the bits of each element of ``self`` left by ``other`` places."""
    def bitwise_left_shift_(self, other: Tensor | bool | int | float) -> Tensor:
        """``bitwise_left_shift`` in place."""
    def bitwise_not(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the bitwise NOT of each element of ``self`` (logical NOT for bools)."""
    def bitwise_not_(self) -> Tensor:
        """``bitwise_not`` in place."""
    def bitwise_or(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the bitwise OR of ``self`` and ``other`` (logical OR for bools)."""
    def bitwise_or_(self, other: Tensor | bool | int | float) -> Tensor:
        """``bitwise_or`` in place."""
    def bitwise_right_shift(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Shifts the bits of each element of ``self`` right by ``other`` places."""
    def bitwise_right_shift_(self, other: Tensor | bool | int | float) -> Tensor:
        """``bitwise_right_shift`` in place."""
    def bitwise_xor(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the bitwise XOR of ``self`` and ``other`` (logical XOR for bools)."""
    def bitwise_xor_(self, other: Tensor | bool | int | float) -> Tensor:
        """``bitwise_xor`` in place."""
    def bmm(self, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Multiplies two batches of matrices, ``self[b] @ mat2[b]`` for each batch index ``b``."""
    def ceil(self, *, out: Tensor | None = None) -> Tensor:
        """Rounds each element of ``self`` up to the nearest integer."""
    def ceil_(self) -> Tensor:
        """``ceil`` in place."""
    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """Splits ``self`` into ``chunks`` views of near-equal size along ``dim``."""
    def clamp(self, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None, *, out: Tensor | None = None) -> Tensor:
        """Clamps each element of ``self`` into the range [``min``, ``max``]."""
    def clamp_(self, min: Tensor | bool | int | float | None = None, max: Tensor | bool | int | float | None = None) -> Tensor:
        """``clamp`` in place."""
    def clone(self) -> Tensor:
        """Returns a contiguous copy of ``self`` that shares no memory with it."""
    def contiguous(self) -> Tensor:
        """Returns ``self`` if it is contiguous, else a contiguous copy with the same values."""
    def conv2d(self, weight: Tensor, bias: Tensor | None = None, stride: int | Sequence[int] = (1, 1), padding: int | Sequence[int] = (0, 0), dilation: int | Sequence[int] = (1, 1), groups: int = 1, *, out: Tensor | None = None) -> Tensor:
        """Applies a 2-D convolution with ``weight`` and ``bias`` over ``input``, with ``stride``."""
    def conv2d_padding(self, weight: Tensor, bias: Tensor | None = None, stride: int | Sequence[int] = (1, 1), padding: str = 'valid', dilation: int | Sequence[int] = (1, 1), groups: int = 1, *, out: Tensor | None = None) -> Tensor:
        """Applies a 2-D convolution with ``padding`` given by name, ``'valid'`` or ``'same'``."""
    def cos(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the cosine of each element of ``self``, in radians."""
    def cos_(self) -> Tensor:
        """``cos`` in place."""
    def cross_entropy(self, target: Tensor, weight: Tensor | None = None, ignore_index: int = -100, reduction: str = 'mean', label_smoothing: float = 0.0, *, out: Tensor | None = None) -> Tensor:
        """Computes the cross-entropy loss between logits ``input`` and class indices ``target``."""
    def cumprod(self, dim: int, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the cumulative product of the elements of ``self`` along ``dim``."""
    def cumsum(self, dim: int, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the cumulative sum of the elements of ``self`` along ``dim``."""
    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """Returns a view of the diagonal ``offset`` of ``self`` over ``dim1`` and ``dim2``."""
    def div(self, other: Tensor | bool | int | float, *, rounding_mode: str | None = None, out: Tensor | None = None) -> Tensor:
        """Divides ``self`` by ``other``, rounding the quotient as ``rounding_mode`` says."""
    def div_(self, other: Tensor | bool | int | float, *, rounding_mode: str | None = None) -> Tensor:
        """``div`` in place."""
    def dot(self, tensor: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Computes the dot product of the 1-D tensors ``self`` and ``tensor``."""
    def dropout(self, p: float = 0.5, train: bool = True, *, generator: Generator | None = None, out: Tensor | None = None) -> Tensor:
        """Zeroes each element of ``input`` with probability ``p`` and scales the rest by 1/(1-p)."""
    def embedding(self, weight: Tensor, padding_idx: int | None = None, *, out: Tensor | None = None) -> Tensor:
        """Looks up the rows of ``weight`` at the indices in ``input``."""
    def empty_like(self, *, dtype: DType | str | None = None, device: Device | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns an uninitialized tensor shaped like ``self``, in its dtype unless ``dtype``."""
    def eq(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Tests ``self == other`` elementwise, returning a bool tensor."""
    def eq_(self, other: Tensor | bool | int | float) -> Tensor:
        """``eq`` in place."""
    def erf(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the Gauss error function of each element of ``self``."""
    def erf_(self) -> Tensor:
        """``erf`` in place."""
    def exp(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the exponential, e to the power of each element of ``self``."""
    def exp_(self) -> Tensor:
        """``exp`` in place."""
    def expm1(self, *, out: Tensor | None = None) -> Tensor:
        """Computes ``exp(x) - 1`` for each element ``x`` of ``self``, accurate near zero."""
    def expm1_(self) -> Tensor:
        """``expm1`` in place."""
    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Flattens the dimensions ``start_dim`` through ``end_dim`` of ``self`` into one."""
    def floor(self, *, out: Tensor | None = None) -> Tensor:
        """Rounds each element of ``self`` down to the nearest integer."""
    def floor_(self) -> Tensor:
        """``floor`` in place."""
    def fmod(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the remainder of ``self / other`` elementwise, with the sign of ``self``."""
    def fmod_(self, other: Tensor | bool | int | float) -> Tensor:
        """``fmod`` in place."""
    def full_like(self, fill_value: bool | int | float, *, dtype: DType | str | None = None, device: Device | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns a tensor shaped like ``self`` filled with ``fill_value``."""
    def gather(self, dim: int, index: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Gathers the values of ``self`` along ``dim`` at the positions in ``index``."""
    def ge(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Tests ``self >= other`` elementwise, returning a bool tensor."""
    def ge_(self, other: Tensor | bool | int | float) -> Tensor:
        """``ge`` in place."""
    def gelu(self, *, approximate: str = 'none', out: Tensor | None = None) -> Tensor:
        """Applies the Gaussian Error Linear Unit to each element, or its ``approximate`` form."""
    def gelu_(self, *, approximate: str = 'none') -> Tensor:
        """``gelu`` in place."""
    def gt(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Tests ``self > other`` elementwise, returning a bool tensor."""
    def gt_(self, other: Tensor | bool | int | float) -> Tensor:
        """``gt`` in place."""
    def index_put(self, indices: Sequence[Tensor | None], values: Tensor, accumulate: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Returns ``self`` with ``values`` put at ``indices``, or added there if ``accumulate``."""
    def index_put_(self, indices: Sequence[Tensor | None], values: Tensor, accumulate: bool = False) -> Tensor:
        """Puts ``values`` into ``self`` in place at ``indices``, adding them if ``accumulate``."""
    def index_select(self, dim: int, index: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Selects the entries of ``self`` along ``dim`` at the positions in ``index``."""
    def isfinite(self, *, out: Tensor | None = None) -> Tensor:
        """Tests whether each element of ``self`` is finite, neither infinite nor NaN."""
    def isinf(self, *, out: Tensor | None = None) -> Tensor:
        """Tests whether each element of ``self`` is positive or negative infinity."""
    def isnan(self, *, out: Tensor | None = None) -> Tensor:
        """Tests whether each element of ``self`` is NaN."""
    def layer_norm(self, normalized_shape: int | Sequence[int], weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-05, *, out: Tensor | None = None) -> Tensor:
        """Normalizes ``input`` over its last ``normalized_shape`` dims, then scales and shifts."""
    def le(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Tests ``self <= other`` elementwise, returning a bool tensor."""
    def le_(self, other: Tensor | bool | int | float) -> Tensor:
        """``le`` in place."""
    def lerp(self, end: Tensor | bool | int | float, weight: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Interpolates linearly from ``self`` to ``end``: ``self + weight * (end - self)``."""
    def lerp_(self, end: Tensor | bool | int | float, weight: Tensor | bool | int | float) -> Tensor:
        """``lerp`` in place."""
    def linear(self, weight: Tensor, bias: Tensor | None = None, *, out: Tensor | None = None) -> Tensor:
        """Applies the affine map ``input @ weight.T + bias``."""
    def log(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the natural logarithm of each element of ``self``."""
    def log_(self) -> Tensor:
        """``log`` in place."""
    def log10(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the base-10 logarithm of each element of ``self``."""
    def log10_(self) -> Tensor:
        """``log10`` in place."""
    def log1p(self, *, out: Tensor | None = None) -> Tensor:
        """Computes ``log(1 + x)`` for each element ``x`` of ``self``, accurate near zero."""
    def log1p_(self) -> Tensor:
        """``log1p`` in place."""
    def log2(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the base-2 logarithm of each element of ``self``."""
    def log2_(self) -> Tensor:
        """``log2`` in place."""
    def log_softmax(self, dim: int, dtype: DType | str | None = None, *, out: Tensor | None = None) -> Tensor:
        """Applies softmax along ``dim`` and takes its logarithm, computed stably."""
    def logical_and(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the logical AND of ``self`` and ``other``, nonzero counting as true."""
    def logical_and_(self, other: Tensor | bool | int | float) -> Tensor:
        """``logical_and`` in place."""
    def logical_not(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the logical NOT of each element of ``self``, nonzero counting as true."""
    def logical_not_(self) -> Tensor:
        """``logical_not`` in place."""
    def logical_or(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the logical OR of ``self`` and ``other``, nonzero counting as true."""
    def logical_or_(self, other: Tensor | bool | int | float) -> Tensor:
        """``logical_or`` in place."""
    def logical_xor(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the logical XOR of ``self`` and ``other``, nonzero counting as true."""
    def logical_xor_(self, other: Tensor | bool | int | float) -> Tensor:
        """``logical_xor`` in place."""
    def logsumexp(self, dim: int | Sequence[int], keepdim: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Returns the log of the sum of the exponentials of ``self`` over ``dim``, computed stably."""
    def lt(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Tests ``self < other`` elementwise, returning a bool tensor."""
    def lt_(self, other: Tensor | bool | int | float) -> Tensor:
        """``lt`` in place."""
    def masked_fill(self, mask: Tensor | bool | int | float, value: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Fills the elements of ``self`` where ``mask`` is true with ``value``."""
    def masked_fill_(self, mask: Tensor | bool | int | float, value: Tensor | bool | int | float) -> Tensor:
        """``masked_fill`` in place."""
    def matmul(self, other: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Computes the matrix product of ``self`` and ``other``, broadcasting batch dimensions."""
    def max_dim(self, dim: int, keepdim: bool = False, *, out: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """Returns the largest values of ``self`` along ``dim`` and their indices."""
    def max_pool2d(self, kernel_size: int | Sequence[int], stride: int | Sequence[int] | None = None, padding: int | Sequence[int] = (0, 0), dilation: int | Sequence[int] = (1, 1), ceil_mode: bool = False, *, out: Tensor | None = None) -> Tensor:
        """Applies 2-D max pooling over windows of ``kernel_size``, moved by ``stride``."""
    def maximum(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the elementwise maximum of ``self`` and ``other``."""
    def maximum_(self, other: Tensor | bool | int | float) -> Tensor:
        """``maximum`` in place."""
    def mean(self, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the mean of the elements of ``self`` over ``dim``, or over all of them."""
    def min_dim(self, dim: int, keepdim: bool = False, *, out: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """Returns the smallest values of ``self`` along ``dim`` and their indices."""
    def minimum(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the elementwise minimum of ``self`` and ``other``."""
    def minimum_(self, other: Tensor | bool | int | float) -> Tensor:
        """``minimum`` in place."""
    def mm(self, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Computes the matrix product of the 2-D tensors ``self`` and ``mat2``."""
    def mse_loss(self, target: Tensor, reduction: str = 'mean', *, out: Tensor | None = None) -> Tensor:
        """Computes the squared error between ``input`` and ``target``, reduced by ``reduction``."""
    def mul(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Multiplies ``self`` by ``other`` elementwise."""
    def mul_(self, other: Tensor | bool | int | float) -> Tensor:
        """``mul`` in place."""
    def nan_to_num(self, nan: float | None = 0.0, posinf: float | None = None, neginf: float | None = None, *, out: Tensor | None = None) -> Tensor:
        """Replaces NaN, +inf and -inf in ``self`` with ``nan``, ``posinf`` and ``neginf``."""
    def nan_to_num_(self, nan: float | None = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
        """``nan_to_num`` in place."""
    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        """Returns a view of ``length`` elements of ``self`` along ``dim``, from ``start``."""
    def ne(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Tests ``self != other`` elementwise, returning a bool tensor."""
    def ne_(self, other: Tensor | bool | int | float) -> Tensor:
        """``ne`` in place."""
    def neg(self, *, out: Tensor | None = None) -> Tensor:
        """Negates each element of ``self``."""
    def neg_(self) -> Tensor:
        """``neg`` in place."""
    def norm(self, p: bool | int | float = 2, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the ``p``-norm of ``self`` over ``dim``, or over all of its elements."""
    def ones_like(self, *, dtype: DType | str | None = None, device: Device | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns a tensor of ones with the shape, dtype and device of ``self``."""
    def outer(self, vec2: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Computes the outer product of the 1-D tensors ``self`` and ``vec2``."""
    def pad(self, pad: int | Sequence[int], mode: str = 'constant', value: bool | int | float | None = None, *, out: Tensor | None = None) -> Tensor:
        """Pads ``self`` by the sizes in ``pad``, last dim first, in ``mode`` or with ``value``."""
    def pow(self, exponent: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Raises each element of ``self`` to the power ``exponent``."""
    def pow_(self, exponent: Tensor | bool | int | float) -> Tensor:
        """``pow`` in place."""
    def prod(self, dim: int | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the product of the elements of ``self`` over ``dim``, or over all of them."""
    def reciprocal(self, *, out: Tensor | None = None) -> Tensor:
        """Computes ``1 / x`` for each element ``x`` of ``self``."""
    def reciprocal_(self) -> Tensor:
        """``reciprocal`` in place."""
    def relu(self, *, out: Tensor | None = None) -> Tensor:
        """Applies the rectified linear unit, ``max(x, 0)``, to each element of ``self``."""
    def remainder(self, other: Tensor | bool | int | float, *, out: Tensor | None = None) -> Tensor:
        """Computes the remainder of ``self / other`` elementwise, with the sign of ``other``."""
    def remainder_(self, other: Tensor | bool | int | float) -> Tensor:
        """``remainder`` in place."""
    def rms_norm(self, normalized_shape: int | Sequence[int], weight: Tensor | None = None, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:
        """Divides ``input`` by its root mean square over the last ``normalized_shape`` dims."""
    def roll(self, shifts: int | Sequence[int], dims: int | Sequence[int] = (), *, out: Tensor | None = None) -> Tensor:
        """Rolls the elements of ``self`` by ``shifts`` along ``dims``, wrapping around."""
    def round(self, *, decimals: int = 0, out: Tensor | None = None) -> Tensor:
        """Rounds each element of ``self`` to ``decimals`` decimal places, halves to even."""
    def round_(self, *, decimals: int = 0) -> Tensor:
        """``round`` in place."""
    def rsqrt(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the reciprocal square root, ``1 / sqrt(x)``, of each element of ``self``."""
    def rsqrt_(self) -> Tensor:
        """``rsqrt`` in place."""
    def scaled_dot_product_attention(self, key: Tensor, value: Tensor, attn_mask: Tensor | None = None, dropout_p: float = 0.0, is_causal: bool = False, *, scale: float | None = None, enable_gqa: bool = False, out: Tensor | None = None) -> Tensor:
        """Computes ``softmax(query @ key.mT * scale + attn_mask) @ value``, optionally causal."""
    def scatter_add(self, dim: int, index: Tensor, src: Tensor, *, out: Tensor | None = None) -> Tensor:
        """Adds the values of ``src`` into ``self`` at the positions in ``index`` along ``dim``."""
    def select(self, dim: int, index: int) -> Tensor:
        """Returns a view of ``self`` at ``index`` along ``dim``, with that dimension removed."""
    def sigmoid(self, *, out: Tensor | None = None) -> Tensor:
        """Applies the logistic sigmoid, ``1 / (1 + exp(-x))``, to each element of ``self``."""
    def sigmoid_(self) -> Tensor:
        """``sigmoid`` in place."""
    def sign(self, *, out: Tensor | None = None) -> Tensor:
        """Returns the sign of each element of ``self``: -1, 0 or 1."""
    def sign_(self) -> Tensor:
        """``sign`` in place."""
    def silu(self, *, out: Tensor | None = None) -> Tensor:
        """Applies the SiLU (swish) function, ``x * sigmoid(x)``, to each element of ``self``."""
    def silu_(self) -> Tensor:
        """``silu`` in place."""
    def sin(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the sine of each element of ``self``, in radians."""
    def sin_(self) -> Tensor:
        """``sin`` in place."""
    def softmax(self, dim: int, dtype: DType | str | None = None, *, out: Tensor | None = None) -> Tensor:
        """Applies softmax along ``dim``: exponentials rescaled to sum to one."""
    def softplus(self, beta: bool | int | float = 1, threshold: bool | int | float = 20, *, out: Tensor | None = None) -> Tensor:
        """Applies ``log(1 + exp(beta * x)) / beta`` elementwise, linear above ``threshold``."""
    def softplus_(self, beta: bool | int | float = 1, threshold: bool | int | float = 20) -> Tensor:
        """``softplus`` in place."""
    def sort(self, dim: int = -1, descending: bool = False, *, stable: bool = False, out: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """Sorts ``self`` along ``dim``, ascending unless ``descending``, giving values and indices."""
    def split_with_sizes(self, split_sizes: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Splits ``self`` into views with the lengths ``split_sizes`` along ``dim``."""
    def sqrt(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the square root of each element of ``self``."""
    def sqrt_(self) -> Tensor:
        """``sqrt`` in place."""
    def square(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the square of each element of ``self``."""
    def square_(self) -> Tensor:
        """``square`` in place."""
    def squeeze(self, dim: int | Sequence[int] | None = None) -> Tensor:
        """Returns a view of ``self`` without its size-1 dimensions, or only ``dim`` if given."""
    def std(self, dim: int | Sequence[int] | None = None, *, correction: bool | int | float = 1, keepdim: bool = False, out: Tensor | None = None) -> Tensor:
        """Returns the standard deviation of ``self`` over ``dim``, with ``correction`` (default 1)."""
    def sub(self, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1, out: Tensor | None = None) -> Tensor:
        """Subtracts ``other``, scaled by ``alpha``, from ``self``."""
    def sub_(self, other: Tensor | bool | int | float, *, alpha: bool | int | float = 1) -> Tensor:
        """``sub`` in place."""
    def sum(self, dim: int | Sequence[int] | None = None, keepdim: bool = False, *, dtype: DType | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns the sum of the elements of ``self`` over ``dim``, or over all of them."""
    def t(self) -> Tensor:
        """Returns a view of the matrix ``self`` transposed; a 0-D or 1-D tensor stays as is."""
    def tan(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the tangent of each element of ``self``, in radians."""
    def tan_(self) -> Tensor:
        """``tan`` in place."""
    def tanh(self, *, out: Tensor | None = None) -> Tensor:
        """Computes the hyperbolic tangent of each element of ``self``."""
    def tanh_(self) -> Tensor:
        """``tanh`` in place."""
    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *, out: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        """Returns the ``k`` largest (or smallest) elements of ``self`` along ``dim``, and indices."""
    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Returns a view of ``self`` with the dimensions ``dim0`` and ``dim1`` swapped."""
    def tril(self, diagonal: int = 0, *, out: Tensor | None = None) -> Tensor:
        """Returns the lower triangle of the matrix ``self``, zeroing entries above ``diagonal``."""
    def triu(self, diagonal: int = 0, *, out: Tensor | None = None) -> Tensor:
        """Returns the upper triangle of the matrix ``self``, zeroing entries below ``diagonal``."""
    def trunc(self, *, out: Tensor | None = None) -> Tensor:
        """Rounds each element of ``self`` toward zero, dropping its fractional part."""
    def trunc_(self) -> Tensor:
        """``trunc`` in place."""
    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        """Removes the dimension ``dim`` of ``self``, returning a tuple of views along it."""
    def unflatten(self, dim: int, sizes: int | Sequence[int]) -> Tensor:
        """Returns a view of ``self`` with the dimension ``dim`` split into the sizes ``sizes``."""
    def unsqueeze(self, dim: int) -> Tensor:
        """Returns a view of ``self`` with a size-1 dimension inserted at position ``dim``."""
    def var(self, dim: int | Sequence[int] | None = None, *, correction: bool | int | float = 1, keepdim: bool = False, out: Tensor | None = None) -> Tensor:
        """Returns the variance of ``self`` over ``dim``, with ``correction`` (default 1)."""
    def zeros_like(self, *, dtype: DType | str | None = None, device: Device | str | None = None, out: Tensor | None = None) -> Tensor:
        """Returns a tensor of zeros with the shape, dtype and device of ``self``."""
