"""``Module``: the base class of every layer, with PyTorch's bookkeeping.

A module registers what is assigned to its attributes: a :class:`Parameter`
goes into ``_parameters``, a module into ``_modules``, a tensor passed to
``register_buffer`` into ``_buffers``. Everything else (``parameters()``,
``state_dict()``, ``to()``, ``train()``, ``repr``) walks those three dicts.

Example:
    >>> import plugboard as pb
    >>> class Affine(pb.nn.Module):
    ...     def __init__(self) -> None:
    ...         super().__init__()
    ...         self.scale = pb.nn.Parameter(pb.ones(2))
    ...     def forward(self, x: pb.Tensor) -> pb.Tensor:
    ...         return x * self.scale
    >>> m = Affine()
    >>> m(pb.tensor([1., 2.])).tolist(), list(m.state_dict())
    ([1.0, 2.0], ['scale'])
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

import plugboard as pb
from plugboard.nn.parameter import Buffer, Parameter

__all__ = ["Module", "IncompatibleKeys"]

M = TypeVar("M", bound="Module")


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` did not load."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _parse_to(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """``to(device)``, ``to(dtype)``, ``to(device, dtype)``, ``to(tensor)``, keywords too."""
    options = dict(kwargs)
    device = options.pop("device", None)
    dtype = options.pop("dtype", None)
    options.pop("non_blocking", None)
    if options:
        raise pb.ArgumentError(
            f"Module.to() got unexpected keyword argument(s) {sorted(options)}. Fix: pass "
            "device= and/or dtype=",
            op="nn.Module.to",
        )
    for arg in args:
        if isinstance(arg, pb.Tensor):
            device, dtype = arg.device, arg.dtype
        elif isinstance(arg, pb.DType):
            dtype = arg
        elif arg is not None:
            device = arg
    if dtype is not None and not (isinstance(dtype, pb.DType) and dtype.is_floating_point):
        raise pb.DTypeError(
            f"Module.to() converts to floating dtypes only, got {dtype}. Fix: pass "
            "pb.float32, pb.float64, pb.float16 or pb.bfloat16",
            op="nn.Module.to",
        )
    return (None if device is None else pb.device(device)), dtype


class Module:
    """Base class of neural-network layers; subclasses define ``forward``.

    Calling a module runs ``forward``. Set parameters, buffers and submodules
    as attributes in ``__init__`` after ``super().__init__()``.

    Example:
        >>> import plugboard as pb
        >>> net = pb.nn.Sequential(pb.nn.Linear(4, 3), pb.nn.ReLU())
        >>> [name for name, _ in net.named_parameters()]
        ['0.weight', '0.bias']
        >>> net.eval().training
        False
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, pb.Tensor | None]
    _non_persistent_buffers: set[str]
    _modules: dict[str, Module | None]

    def __init__(self) -> None:
        # object.__setattr__: our __setattr__ needs these dicts to exist already.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})

    # Calling -------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the module; every subclass overrides it."""
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(). Fix: define forward(self, ...) in the "
            "subclass"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # Registration --------------------------------------------------------
    def _check_name(self, name: object, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise pb.ArgumentError(
                f"cannot assign {what} before Module.__init__() ran. Fix: call "
                "super().__init__() first in __init__",
                op="nn.Module",
            )
        if not isinstance(name, str) or not name or "." in name:
            raise pb.ArgumentError(
                f"{what} name must be a non-empty str without '.', got {name!r}. Fix: pick "
                "another name",
                op="nn.Module",
            )

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` as the parameter ``name`` (None declares it absent).

        Example:
            >>> import plugboard as pb
            >>> m = pb.nn.Module()
            >>> m.register_parameter("bias", None)
            >>> m.bias is None, list(m.parameters())
            (True, [])
        """
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise pb.ArgumentError(
                f"attribute {name!r} already exists and is not a parameter. Fix: pick "
                "another name", op="nn.Module.register_parameter",
            )
        if param is not None and not isinstance(param, Parameter):
            raise pb.ArgumentError(
                f"parameter {name!r} must be an nn.Parameter or None, got "
                f"{type(param).__name__}. Fix: wrap it, nn.Parameter(tensor), or register "
                "it as a buffer", op="nn.Module.register_parameter",
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: pb.Tensor | None,
                        persistent: bool = True) -> None:
        """Register ``tensor`` as a buffer: state that is saved and moved, not trained.

        Non-persistent buffers are moved by ``to()`` but left out of the state dict.

        Example:
            >>> import plugboard as pb
            >>> m = pb.nn.Module()
            >>> m.register_buffer("count", pb.zeros((), dtype=pb.int64))
            >>> list(m.state_dict())
            ['count']
        """
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise pb.ArgumentError(
                f"attribute {name!r} already exists and is not a buffer. Fix: pick another "
                "name", op="nn.Module.register_buffer",
            )
        if tensor is not None and not isinstance(tensor, pb.Tensor):
            raise pb.ArgumentError(
                f"buffer {name!r} must be a Tensor or None, got {type(tensor).__name__}. "
                "Fix: pass pb.tensor(values)", op="nn.Module.register_buffer",
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as the submodule ``name``."""
        self._check_name(name, "module")
        if module is not None and not isinstance(module, Module):
            raise pb.ArgumentError(
                f"submodule {name!r} must be an nn.Module or None, got "
                f"{type(module).__name__}", op="nn.Module.add_module",
            )
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_name(name, "parameter")
            self._forget(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._check_name(name, "module")
            self._forget(name)
            self._modules[name] = value
        elif isinstance(value, Buffer):
            self._forget(name)
            self.register_buffer(name, value.data, value.persistent)
        elif params is not None and name in params:
            if value is not None:
                raise pb.ArgumentError(
                    f"cannot assign {type(value).__name__} to parameter {name!r}. Fix: assign "
                    "an nn.Parameter or None", op="nn.Module",
                )
            params[name] = None
        elif params is not None and name in self._modules:
            if value is not None:
                raise pb.ArgumentError(
                    f"cannot assign {type(value).__name__} to submodule {name!r}. Fix: "
                    "assign an nn.Module or None", op="nn.Module",
                )
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, pb.Tensor):
                raise pb.ArgumentError(
                    f"cannot assign {type(value).__name__} to buffer {name!r}. Fix: assign a "
                    "Tensor or None", op="nn.Module",
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        self.__dict__.pop(name, None)
        for store in (self._parameters, self._buffers, self._modules):
            store.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: the registered names live in the dicts.
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._parameters, *self._buffers, *self._modules})

    # Traversal -----------------------------------------------------------
    def named_modules(self, memo: set[Module] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for this module and every submodule, depth first.

        Example:
            >>> import plugboard as pb
            >>> net = pb.nn.Sequential(pb.nn.Linear(2, 2), pb.nn.ReLU())
            >>> [name for name, _ in net.named_modules()]
            ['', '0', '1']
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                sub = f"{prefix}.{name}" if prefix else name
                yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """Yield this module and every submodule."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for the direct submodules."""
        seen: set[Module] = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        """Yield the direct submodules."""
        for _, module in self.named_children():
            yield module

    def _named_members(self, store: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else iter([(prefix, self)])
        for module_prefix, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs, submodules' included unless ``recurse=False``.

        A parameter shared by two modules is yielded once.

        Example:
            >>> import plugboard as pb
            >>> [(n, p.shape) for n, p in pb.nn.Linear(3, 2).named_parameters()]
            [('weight', (2, 3)), ('bias', (2,))]
        """
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield the parameters: what an optimizer trains.

        Example:
            >>> import plugboard as pb
            >>> sum(p.numel() for p in pb.nn.Linear(3, 2).parameters())
            8
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, pb.Tensor]]:
        """Yield ``(name, buffer)`` pairs, submodules' included unless ``recurse=False``.

        Example:
            >>> import plugboard as pb
            >>> [n for n, _ in pb.nn.BatchNorm2d(3).named_buffers()]
            ['running_mean', 'running_var', 'num_batches_tracked']
        """
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[pb.Tensor]:
        """Yield the buffers."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # State ---------------------------------------------------------------
    def state_dict(self, *, destination: dict[str, pb.Tensor] | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, pb.Tensor]:
        """Return the parameters and persistent buffers by dotted name, in order.

        The tensors share memory with the module but are detached (``keep_vars=True``
        keeps the parameters themselves).

        Example:
            >>> import plugboard as pb
            >>> list(pb.nn.Sequential(pb.nn.Linear(2, 1)).state_dict())
            ['0.weight', '0.bias']
        """
        out: dict[str, pb.Tensor] = OrderedDict() if destination is None else destination
        for name, param in self._parameters.items():
            if param is not None:
                out[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers:
                out[prefix + name] = buffer if keep_vars else buffer.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=out, prefix=f"{prefix}{name}.", keep_vars=keep_vars)
        return out

    def load_state_dict(self, state_dict: Mapping[str, pb.Tensor],
                        strict: bool = True) -> IncompatibleKeys:
        """Copy ``state_dict``'s tensors into the parameters and buffers, in place.

        Values are copied (cast to each parameter's dtype and moved to its
        device), so optimizers keep their references. A shape mismatch always
        raises; missing and unexpected keys raise when ``strict``, else they
        are returned.

        Example:
            >>> import plugboard as pb
            >>> a, b = pb.nn.Linear(2, 2), pb.nn.Linear(2, 2)
            >>> b.load_state_dict(a.state_dict())
            IncompatibleKeys(missing_keys=[], unexpected_keys=[])
            >>> pb.equal(a.weight, b.weight)
            True
        """
        if not isinstance(state_dict, Mapping):
            raise pb.ArgumentError(
                f"load_state_dict expects a mapping of names to tensors, got "
                f"{type(state_dict).__name__}. Fix: pass module.state_dict() or "
                "pb.load(path)", op="nn.Module.load_state_dict",
            )
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        mismatched = [
            f"{key}: checkpoint {list(state_dict[key].shape)}, model {list(own[key].shape)}"
            for key in own
            if key in state_dict and tuple(state_dict[key].shape) != own[key].shape
        ]
        problems = []
        if strict and missing:
            problems.append(f"missing keys: {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {unexpected}")
        if mismatched:
            problems.append(f"shape mismatches: {mismatched}")
        if problems:
            raise pb.ArgumentError(
                f"{type(self).__name__}.load_state_dict: " + "; ".join(problems) + ". Fix: "
                "load a state dict saved from the same architecture (strict=False skips "
                "missing and unexpected keys, never mismatched shapes)",
                op="nn.Module.load_state_dict",
            )
        with pb.no_grad():
            for key, target in own.items():
                if key in state_dict:
                    value = state_dict[key]
                    if not isinstance(value, pb.Tensor):
                        raise pb.ArgumentError(
                            f"state_dict[{key!r}] is a {type(value).__name__}, not a Tensor",
                            op="nn.Module.load_state_dict",
                        )
                    target.copy_(value)
        return IncompatibleKeys(missing, unexpected)

    # Conversion ----------------------------------------------------------
    def _apply_to_tensors(self, fn: Callable[[pb.Tensor], pb.Tensor]) -> None:
        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                with pb.no_grad():
                    moved = fn(param)
                    grad = None if param.grad is None else fn(param.grad)
                if moved is not param:
                    param._set_data(moved)  # the same Parameter object, as in PyTorch
                    param.grad = grad
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    module._buffers[name] = fn(buffer)

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """Move the parameters and buffers to a device and/or cast the floating ones.

        ``to("opencl")``, ``to(pb.float64)``, ``to(device, dtype)``. Integer
        buffers keep their dtype. Parameters stay the same objects, their data
        and gradients converted in place (as PyTorch's ``param.data = ...``), so
        an optimizer built before the move keeps training them.

        Example:
            >>> import plugboard as pb
            >>> pb.nn.Linear(2, 2).to(pb.float64).weight.dtype
            pb.float64
        """
        device, dtype = _parse_to(args, kwargs)

        def convert(t: pb.Tensor) -> pb.Tensor:
            target = dtype if dtype is not None and t.is_floating_point() else None
            return t.to(device=device, dtype=target)

        self._apply_to_tensors(convert)
        return self

    def cpu(self: M) -> M:
        """Move everything to the host: ``to("cpu")``."""
        return self.to("cpu")

    def float(self: M) -> M:
        """Cast the floating parameters and buffers to float32."""
        return self.to(pb.float32)

    def double(self: M) -> M:
        """Cast the floating parameters and buffers to float64."""
        return self.to(pb.float64)

    def half(self: M) -> M:
        """Cast the floating parameters and buffers to float16."""
        return self.to(pb.float16)

    def bfloat16(self: M) -> M:
        """Cast the floating parameters and buffers to bfloat16."""
        return self.to(pb.bfloat16)

    # Modes and gradients -------------------------------------------------
    def train(self: M, mode: bool = True) -> M:
        """Set training mode on this module and its submodules (Dropout, BatchNorm use it).

        Example:
            >>> import plugboard as pb
            >>> net = pb.nn.Sequential(pb.nn.Dropout())
            >>> net.train(False)[0].training
            False
        """
        if not isinstance(mode, bool):
            raise pb.ArgumentError(
                f"train(mode) takes a bool, got {type(mode).__name__}. Fix: train(True) or "
                "eval()", op="nn.Module.train",
            )
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self: M) -> M:
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Set ``requires_grad`` on every parameter (False freezes the module)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the parameters' gradients: to None by default, else to zeros.

        Example:
            >>> import plugboard as pb
            >>> m = pb.nn.Linear(2, 1)
            >>> m(pb.ones(1, 2)).sum().backward()
            >>> m.zero_grad()
            >>> m.weight.grad is None
            True
        """
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                with pb.no_grad():
                    param.grad.zero_()

    def apply(self: M, fn: Callable[[Module], object]) -> M:
        """Call ``fn`` on every submodule, then on this module (for custom init).

        Example:
            >>> import plugboard as pb
            >>> def init(m: pb.nn.Module) -> None:
            ...     if isinstance(m, pb.nn.Linear):
            ...         pb.nn.init.zeros_(m.weight)
            >>> net = pb.nn.Sequential(pb.nn.Linear(2, 2)).apply(init)
            >>> net[0].weight.abs().sum().item()
            0.0
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # Printing ------------------------------------------------------------
    def extra_repr(self) -> str:
        """The module's own settings for its repr, such as ``in_features=2``."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            lines.append(f"({name}): " + _addindent(repr(module), 2))
        if not self._modules:
            return f"{self._get_name()}({extra})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"
