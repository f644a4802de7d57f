"""``Optimizer``: the base of every optimizer, in the shape of ``torch.optim.Optimizer``.

An optimizer holds *parameter groups* (``param_groups``: dicts with the key
``"params"``, a list of tensors, and the group's hyperparameters, ``"lr"`` and
so on) and a per-parameter ``state`` (``state[p]``: a dict, the momentum
buffers and step counts of a subclass). A subclass gives its defaults to
``__init__`` and implements ``step``; everything else is here: ``zero_grad``,
``add_param_group``, ``state_dict`` and ``load_state_dict`` in PyTorch's
layout (state keyed by the parameter's index across the groups, groups that
name their parameters by index), and a readable ``repr``.

Updates run under ``pb.no_grad`` with plugboard operators, in place, so they
run on the parameters' own device and keep their dtype.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import plugboard as pb

__all__ = ["Optimizer", "ParamsT"]

_SET_MESSAGE = (
    "an optimizer's parameters are a sequence, not a set: a set's order changes between "
    "runs, and state dicts name parameters by position. Fix: pass a list"
)

ParamsT = Iterable[pb.Tensor] | Iterable[dict[str, Any]]
"""What an optimizer takes: tensors, or dicts that each hold ``"params"`` and options."""


class Optimizer:
    """The base class of optimizers: parameter groups, state, ``zero_grad``, state dicts.

    ``params`` is an iterable of tensors, or of dicts that each give ``"params"``
    and options that override ``defaults`` for that group. Every parameter
    must be a floating tensor that requires grad and is a leaf.

    Example:
        >>> import plugboard as pb
        >>> w = pb.tensor([1.0, 2.0], requires_grad=True)
        >>> b = pb.tensor([0.0], requires_grad=True)
        >>> optimizer = pb.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [group["lr"] for group in optimizer.param_groups]
        [0.1, 0.5]
        >>> optimizer.state_dict()["param_groups"][1]["params"]
        [1]
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        # As in PyTorch, state[p] of a parameter that has none yet is an empty dict.
        self.state: defaultdict[pb.Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, pb.Tensor):
            raise pb.ArgumentError(
                "an optimizer takes an iterable of tensors or of dicts, got one Tensor. "
                "Fix: pass [tensor], or model.parameters()"
            )
        if isinstance(params, set):
            raise pb.ArgumentError(_SET_MESSAGE)
        groups: list[Any] = list(params)
        if not groups:
            raise pb.ArgumentError(
                "the optimizer got an empty parameter list. Fix: pass the tensors to optimize, "
                "e.g. model.parameters()"
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with options that override the defaults.

        Useful when fine-tuning: unfreeze layers and add them with their own ``lr``.

        Example:
            >>> import plugboard as pb
            >>> w, b = pb.zeros(2, requires_grad=True), pb.zeros(1, requires_grad=True)
            >>> optimizer = pb.optim.SGD([w], lr=0.1)
            >>> optimizer.add_param_group({"params": [b], "lr": 0.01})
            >>> [group["lr"] for group in optimizer.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise pb.ArgumentError(
                f"a parameter group is a dict, not {type(param_group).__name__}. "
                "Fix: pass {'params': [tensors], 'lr': ...}"
            )
        if "params" not in param_group:
            raise pb.ArgumentError(
                "a parameter group needs the key 'params'. Fix: pass {'params': [tensors], ...}"
            )
        params = param_group["params"]
        if isinstance(params, pb.Tensor):
            params = [params]
        elif isinstance(params, set):
            raise pb.ArgumentError(_SET_MESSAGE)
        params = list(params)
        first = sum(len(g["params"]) for g in self.param_groups)  # indices as in state_dict()
        for index, param in enumerate(params, start=first):
            _check_parameter(param, index)
        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or seen & {id(p) for p in params}:
            raise pb.ArgumentError(
                "some parameters appear more than once among the optimizer's parameter groups. "
                "Fix: give every parameter to one group only"
            )
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to ``None`` (the default), or to zeros.

        ``None`` saves memory and a kernel launch per parameter; the next backward
        then writes each gradient afresh rather than adding to zeros.

        Example:
            >>> import plugboard as pb
            >>> w = pb.tensor([3.0], requires_grad=True)
            >>> optimizer = pb.optim.SGD([w], lr=0.1)
            >>> (w * w).sum().backward()
            >>> optimizer.zero_grad(set_to_none=False)
            >>> w.grad.tolist()
            [0.0]
            >>> optimizer.zero_grad()
            >>> w.grad is None
            True
        """
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    grad = param.grad.detach()  # a gradient made with create_graph leaves its graph
                    with pb.no_grad():
                        grad.zero_()
                    param.grad = grad

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter from its gradient; return ``closure()``'s loss, if given.

        ``closure`` recomputes the loss (with grad enabled) for optimizers that
        need it several times per step; the ones here call it once, first.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    def _evaluate(self, closure: Callable[[], Any] | None) -> Any:
        """Run the closure with grad enabled, as ``step`` itself runs under ``no_grad``."""
        if closure is None:
            return None
        with pb.enable_grad():
            return closure()

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state and groups in PyTorch's layout, parameters named by index.

        ``"state"`` maps a parameter's index (counted across the groups, in order)
        to its state; ``"param_groups"`` holds the groups with ``"params"`` as
        lists of indices. The tensors are the optimizer's own (not copies), as in
        PyTorch: save them, or deep-copy the dict, before training on.

        Example:
            >>> import plugboard as pb
            >>> w = pb.tensor([1.0], requires_grad=True)
            >>> optimizer = pb.optim.SGD([w], lr=0.1, momentum=0.9)
            >>> (w * w).sum().backward()
            >>> optimizer.step()
            >>> state = optimizer.state_dict()
            >>> state["state"][0]["momentum_buffer"].tolist(), state["param_groups"][0]["params"]
            ([2.0], [0])
        """
        index_of: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for param in group["params"]:
                index_of.setdefault(id(param), len(index_of))
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index_of[id(p)]: s for p, s in self.state.items() if id(p) in index_of and s}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a state from ``state_dict()``: training resumes exactly where it stopped.

        The groups must have the same sizes as this optimizer's. The state is
        copied onto each parameter's device, floating tensors cast to its dtype
        (so a state saved on one device loads on another); the groups'
        hyperparameters are taken from the dict.

        Example:
            >>> import plugboard as pb
            >>> w = pb.tensor([1.0], requires_grad=True)
            >>> optimizer = pb.optim.Adam([w], lr=0.1)
            >>> (w * w).sum().backward()
            >>> optimizer.step()
            >>> resumed = pb.optim.Adam([w], lr=0.5)
            >>> resumed.load_state_dict(optimizer.state_dict())
            >>> resumed.param_groups[0]["lr"], resumed.state[w]["step"]
            (0.1, 1)
        """
        for key in ("state", "param_groups"):
            if key not in state_dict:
                raise pb.ArgumentError(
                    f"an optimizer's state dict has the key {key!r}, this one has "
                    f"{sorted(state_dict)}. Fix: pass what optimizer.state_dict() returned"
                )
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise pb.ArgumentError(
                f"the state dict has {len(saved_groups)} parameter groups, the optimizer has "
                f"{len(self.param_groups)}. Fix: build the optimizer with the same groups"
            )
        for number, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if len(group["params"]) != len(saved["params"]):
                raise pb.ArgumentError(
                    f"parameter group {number} of the state dict has {len(saved['params'])} "
                    f"parameters, the optimizer's has {len(group['params'])}. "
                    "Fix: build the optimizer with the same parameters, in the same order"
                )
        param_of = {
            index: param
            for group, saved in zip(self.param_groups, saved_groups, strict=True)
            for index, param in zip(saved["params"], group["params"], strict=True)
        }
        self.state = defaultdict(dict, {
            param_of[index]: {k: _to_parameter(v, param_of[index]) for k, v in state.items()}
            for index, state in state_dict["state"].items()
            if index in param_of
        })
        self.param_groups = [
            {**copy.deepcopy({k: v for k, v in saved.items() if k != "params"}),
             "params": group["params"]}
            for group, saved in zip(self.param_groups, saved_groups, strict=True)
        ]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for number, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {number}")
            lines.extend(f"    {k}: {group[k]}" for k in sorted(group) if k != "params")
        lines.append(")")
        return "\n".join(lines)


def _check_parameter(param: Any, index: int) -> None:
    """Refuse what an optimizer cannot update, naming the parameter and the fix."""
    if not isinstance(param, pb.Tensor):
        raise pb.ArgumentError(
            f"an optimizer updates tensors; parameter {index} is a {type(param).__name__}. "
            "Fix: pass tensors, e.g. model.parameters()"
        )
    if not param.dtype.is_floating_point:
        raise pb.DTypeError(
            f"an optimizer updates floating tensors; parameter {index} is {param.dtype}. "
            "Fix: make it floating, e.g. pb.zeros(..., dtype=pb.float32, requires_grad=True)"
        )
    if not param.requires_grad:
        raise pb.ArgumentError(
            f"parameter {index} does not require grad, so it never gets a gradient to step "
            "with. Fix: call param.requires_grad_(), or leave frozen parameters out: "
            "[p for p in model.parameters() if p.requires_grad]"
        )
    if not param.is_leaf:
        raise pb.ArgumentError(
            f"parameter {index} is not a leaf (it was computed, grad_fn={param.grad_fn}): "
            "its .grad is never set. Fix: optimize the leaf it came from, or x.detach()"
            ".requires_grad_()"
        )


def _to_parameter(value: Any, param: pb.Tensor) -> Any:
    """A copy of a state value on ``param``'s device; floating tensors in its dtype."""
    if not isinstance(value, pb.Tensor):
        return copy.deepcopy(value)
    dtype = param.dtype if value.dtype.is_floating_point else value.dtype
    with pb.no_grad():
        return value.to(param.device, dtype).clone()
