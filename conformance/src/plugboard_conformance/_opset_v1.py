"""The core opset, version 1 (docs/opset.md), as data: which operators each profile holds.

Each operator of docs/opset.md's tables is one :class:`OpsetEntry`, named as the
dispatcher names it (``pb::add``). Two rows of docs/opset.md are features rather
than operators: basic and advanced indexing, named ``indexing:basic`` and
``indexing:advanced``. ``linear`` is listed twice, in ``linalg`` and in
``nn``, as in docs/opset.md: it belongs to both profiles.

The profiles: :data:`CORE_OPS` (every operator outside the ``nn`` section)
and :data:`NN_OPS` (the ``nn`` section).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "CORE_OPS",
    "NN_OPS",
    "OPSET",
    "OPSET_VERSION",
    "SECTIONS",
    "Kind",
    "OpsetEntry",
    "Section",
]

OPSET_VERSION: Final = "1"

Section = Literal["creation", "elementwise", "reductions", "linalg", "shape", "nn"]
Kind = Literal["P", "C", "V", "core"]

# docs/opset.md's sections, in its order.
SECTIONS: Final[tuple[Section, ...]] = (
    "creation", "elementwise", "reductions", "linalg", "shape", "nn",
)


@dataclass(frozen=True)
class OpsetEntry:
    """One operator of the opset.

    ``kind``: ``P`` primitive (each backend implements it), ``C`` composite
    (one decomposition serves every backend), ``V`` view (metadata only, in
    the core), ``core`` (host data to a device, in the core).
    """

    name: str
    section: Section
    kind: Kind


def _entries(section: Section, kind: Kind, names: str) -> tuple[OpsetEntry, ...]:
    return tuple(OpsetEntry(f"pb::{name}", section, kind) for name in names.split())


def _feature(name: str, section: Section, kind: Kind) -> OpsetEntry:
    return OpsetEntry(name, section, kind)


OPSET: Final[tuple[OpsetEntry, ...]] = (
    # Creation, memory and conversion
    *_entries("creation", "P", "empty empty_like full full_like"),
    *_entries("creation", "C", "zeros ones zeros_like ones_like"),
    *_entries("creation", "P", "arange"),
    *_entries("creation", "C", "linspace eye"),
    *_entries("creation", "core", "tensor from_numpy asarray"),
    *_entries("creation", "P", "rand randn randint"),
    *_entries("creation", "P", "copy_"),
    *_entries("creation", "C", "to clone contiguous"),
    # Elementwise
    *_entries(
        "elementwise", "P",
        "neg abs sign exp log log1p sqrt sin cos tan tanh atan erf floor ceil round trunc "
        "logical_not bitwise_not isnan",
    ),
    *_entries(
        "elementwise", "C",
        "expm1 log2 log10 rsqrt reciprocal square isinf isfinite sigmoid relu gelu silu "
        "softplus clamp nan_to_num",
    ),
    *_entries(
        "elementwise", "P", "add sub mul div pow maximum minimum remainder fmod atan2",
    ),
    *_entries(
        "elementwise", "P",
        "eq ne lt le gt ge logical_and logical_or logical_xor bitwise_and bitwise_or "
        "bitwise_xor bitwise_left_shift bitwise_right_shift",
    ),
    *_entries("elementwise", "P", "where"),
    *_entries("elementwise", "C", "lerp addcmul addcdiv"),
    # Reductions
    *_entries("reductions", "P", "sum prod amax amin argmax argmin"),
    *_entries("reductions", "P", "cumsum cumprod"),
    *_entries("reductions", "C", "mean var std all any logsumexp norm max min"),
    # Linear algebra
    *_entries("linalg", "P", "matmul"),
    *_entries("linalg", "C", "mm bmm dot outer linear addmm"),
    # Shape, views and indexing
    *_entries(
        "shape", "V",
        "view reshape permute transpose t expand squeeze unsqueeze flatten unflatten narrow "
        "select diagonal split chunk unbind as_strided",
    ),
    _feature("indexing:basic", "shape", "V"),
    *_entries(
        "shape", "P",
        "cat flip tril triu gather scatter scatter_add index_select index_put sort topk",
    ),
    *_entries("shape", "C", "stack roll repeat tile pad masked_fill argsort"),
    _feature("indexing:advanced", "shape", "C"),
    # nn
    *_entries(
        "nn", "C",
        "softmax log_softmax layer_norm rms_norm batch_norm embedding dropout linear conv2d "
        "max_pool2d avg_pool2d cross_entropy mse_loss scaled_dot_product_attention",
    ),
)

NN_OPS: Final[frozenset[str]] = frozenset(e.name for e in OPSET if e.section == "nn")
CORE_OPS: Final[frozenset[str]] = frozenset(e.name for e in OPSET if e.section != "nn")
