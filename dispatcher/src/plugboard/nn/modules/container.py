"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``.

Example:
    >>> import plugboard as pb
    >>> net = pb.nn.Sequential(pb.nn.Linear(2, 4), pb.nn.ReLU(), pb.nn.Linear(4, 1))
    >>> net(pb.ones(3, 2)).shape, len(net)
    ((3, 1), 3)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, overload

import plugboard as pb
from plugboard.nn.modules.module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _index(index: int, size: int, container: str) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise pb.ArgumentError(f"{container} indices must be ints or slices, got "
                               f"{type(index).__name__}", op=f"nn.{container}")
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of range for a {container} of {size} modules")
    return index % size


class Sequential(Module):
    """Runs its modules in order, each on the previous one's output.

    Built from modules, named ``'0'``, ``'1'``, ..., or from an ordered dict of
    named modules.

    Example:
        >>> import plugboard as pb
        >>> from collections import OrderedDict
        >>> net = pb.nn.Sequential(OrderedDict(fc=pb.nn.Linear(2, 2), act=pb.nn.ReLU()))
        >>> net
        Sequential(
          (fc): Linear(in_features=2, out_features=2, bias=True)
          (act): ReLU()
        )
    """

    def __init__(self, *args: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], Mapping):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, arg in enumerate(args):
                if not isinstance(arg, Module):
                    raise pb.ArgumentError(
                        f"Sequential takes modules, got {type(arg).__name__} at position "
                        f"{i}", op="nn.Sequential",
                    )
                self.add_module(str(i), arg)

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))  # type: ignore[arg-type]
        module = items[_index(index, len(items), "Sequential")][1]
        assert module is not None
        return module

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(m for m in self._modules.values() if m is not None)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def forward(self, input: Any) -> Any:
        for module in self:
            input = module(input)
        return input


class ModuleList(Module):
    """A list of modules, registered so their parameters are found.

    Example:
        >>> import plugboard as pb
        >>> layers = pb.nn.ModuleList(pb.nn.Linear(2, 2) for _ in range(3))
        >>> len(layers), len(list(layers.parameters()))
        (3, 6)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...

    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        values = [m for m in self._modules.values() if m is not None]
        if isinstance(index, slice):
            return ModuleList(values[index])
        return values[_index(index, len(values), "ModuleList")]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(str(_index(index, len(self), "ModuleList")), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(m for m in self._modules.values() if m is not None)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each of ``modules`` at the end."""
        for module in modules:
            self.append(module)
        return self


class ModuleDict(Module):
    """A dict of modules by name, registered so their parameters are found.

    Example:
        >>> import plugboard as pb
        >>> heads = pb.nn.ModuleDict({"a": pb.nn.Linear(2, 1), "b": pb.nn.Linear(2, 3)})
        >>> list(heads), heads["b"].out_features
        (['a', 'b'], 3)
    """

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        module = self._modules[key]
        assert module is not None
        return module

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The names."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules."""
        return [m for m in self._modules.values() if m is not None]

    def items(self) -> Iterable[tuple[str, Module]]:
        """``(name, module)`` pairs."""
        return [(k, m) for k, m in self._modules.items() if m is not None]

    def update(self, modules: Mapping[str, Module]) -> None:
        """Add or replace the modules of ``modules``."""
        for key, module in modules.items():
            self.add_module(key, module)
