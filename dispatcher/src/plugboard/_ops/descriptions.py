"""One line and one example for every core operator: the docstrings of pb.* and docs/opset.md."""

from __future__ import annotations

from typing import Final, NamedTuple


class OpDoc(NamedTuple):
    summary: str
    example: str


DESCRIPTIONS: Final[dict[str, OpDoc]] = {}
