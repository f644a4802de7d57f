"""The core operators as functions: ``pb.add``, ``pb.sum``, ...

Each is the operator's handle, so ``pb.add(x, y, out=z)`` works like
``pb.ops.pb.add``. Generated once at import from the ``pb::`` namespace.
"""

from __future__ import annotations

from ._dispatcher import OperatorHandle, handle

# Pointwise
neg: OperatorHandle = handle("pb::neg")
abs: OperatorHandle = handle("pb::abs")
exp: OperatorHandle = handle("pb::exp")
log: OperatorHandle = handle("pb::log")
sqrt: OperatorHandle = handle("pb::sqrt")
bitwise_not: OperatorHandle = handle("pb::bitwise_not")
add: OperatorHandle = handle("pb::add")
sub: OperatorHandle = handle("pb::sub")
mul: OperatorHandle = handle("pb::mul")
div: OperatorHandle = handle("pb::div")
remainder: OperatorHandle = handle("pb::remainder")
pow: OperatorHandle = handle("pb::pow")
maximum: OperatorHandle = handle("pb::maximum")
minimum: OperatorHandle = handle("pb::minimum")
bitwise_and: OperatorHandle = handle("pb::bitwise_and")
bitwise_or: OperatorHandle = handle("pb::bitwise_or")
bitwise_xor: OperatorHandle = handle("pb::bitwise_xor")
eq: OperatorHandle = handle("pb::eq")
ne: OperatorHandle = handle("pb::ne")
lt: OperatorHandle = handle("pb::lt")
le: OperatorHandle = handle("pb::le")
gt: OperatorHandle = handle("pb::gt")
ge: OperatorHandle = handle("pb::ge")
where: OperatorHandle = handle("pb::where")
relu: OperatorHandle = handle("pb::relu")
softmax: OperatorHandle = handle("pb::softmax")
# Reductions
sum: OperatorHandle = handle("pb::sum")
mean: OperatorHandle = handle("pb::mean")
amax: OperatorHandle = handle("pb::amax")
argmax: OperatorHandle = handle("pb::argmax")
# Linear algebra
matmul: OperatorHandle = handle("pb::matmul")
# Views
view: OperatorHandle = handle("pb::view")
reshape: OperatorHandle = handle("pb::reshape")
as_strided: OperatorHandle = handle("pb::as_strided")
permute: OperatorHandle = handle("pb::permute")
transpose: OperatorHandle = handle("pb::transpose")
t: OperatorHandle = handle("pb::t")
expand: OperatorHandle = handle("pb::expand")
squeeze: OperatorHandle = handle("pb::squeeze")
unsqueeze: OperatorHandle = handle("pb::unsqueeze")
flatten: OperatorHandle = handle("pb::flatten")
unflatten: OperatorHandle = handle("pb::unflatten")
narrow: OperatorHandle = handle("pb::narrow")
select: OperatorHandle = handle("pb::select")
diagonal: OperatorHandle = handle("pb::diagonal")
chunk: OperatorHandle = handle("pb::chunk")
unbind: OperatorHandle = handle("pb::unbind")
split_with_sizes: OperatorHandle = handle("pb::split_with_sizes")
# Copies
clone: OperatorHandle = handle("pb::clone")
contiguous: OperatorHandle = handle("pb::contiguous")
