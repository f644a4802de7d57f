"""The core opset: every ``pb::`` operator, one module per section of docs/opset.md.

Each section module fills an :class:`~plugboard._ops.table.OpTable` (schemas,
meta functions, composites); :func:`register_core_opset` registers them, in
the order of :data:`SECTIONS`. To add an operator, define it in its
section's module; ``tools/generate.py`` then regenerates the typed front end
and docs/opset.md.
"""

from __future__ import annotations

from typing import Final

from plugboard._dispatch.library import Library
from plugboard._ops import (
    creation,
    elementwise,
    indexing,
    linalg,
    nn,
    reductions,
    shape,
    starter,
)
from plugboard._ops.descriptions import DESCRIPTIONS
from plugboard._ops.table import OpTable

__all__ = ["OPSET_VERSION", "SECTIONS", "register_core_opset"]

OPSET_VERSION: Final = "1"

# The order of registration: the starter set first (pointwise, copy_, views,
# factories: what the other sections' composites are built from), then the
# sections of docs/opset.md.
SECTIONS: Final[tuple[OpTable, ...]] = (
    starter.lib,
    creation.lib,
    elementwise.lib,
    reductions.lib,
    linalg.lib,
    shape.lib,
    indexing.lib,
    nn.lib,
)


def _summary(name: str) -> str:
    doc = DESCRIPTIONS.get(name)
    return doc.summary if doc is not None else ""


def register_core_opset() -> Library:
    """Register every ``pb::`` operator; returns the library (``close()`` undoes it).

    plugboard calls this once, when it starts.
    """
    library = Library.for_core_opset()
    for section in SECTIONS:
        section.register(library, docs=_summary)
    return library
