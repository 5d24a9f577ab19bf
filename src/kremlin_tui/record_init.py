"""The `__init__` of a frozen record (records.py), without compiling source text.

`dataclasses.dataclass(frozen=True)` writes `__init__` as source and compiles it (~0.3 ms per
class: `check` imports ~45); each field is stored with `object.__setattr__(self, 'name', value)`
(the class's own `__setattr__` refuses), which looks the name up again on every call. A frozen
slotted class already has, per field, the member descriptor that stores it: calling its bound
`__set__` stores the value directly, about twice as fast (the loader makes ~18,000 such records
per story). Any other frozen class gets what dataclass writes: `object.__setattr__` per field
(which keeps the instance's values inline, without a dict, and honours descriptors). Python
cannot make a function with given parameter names without compiling it, except by renaming a
function it already has: `CodeType.replace(co_varnames=...)`. So here is, per number of fields,
one function storing its arguments through the setters its closure holds and one storing them
by `object.__setattr__` under the names it holds; `init_for` renames one to the class's fields
and gives it their defaults. Calls, keyword arguments, defaults and every error message
("Effect.__init__() missing 1 required positional argument: 'pos'") are those of a function
written with these parameter names, as dataclass's is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import FunctionType
from typing import Any

_Setter = Callable[[Any, Any], None]
_store = object.__setattr__  # what dataclass's own frozen __init__ calls per field (past the class's refusing one)


def _init1(s0: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any) -> None:
        s0(self, a0)

    return __init__


def _init2(s0: _Setter, s1: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any) -> None:
        s0(self, a0), s1(self, a1)

    return __init__


def _init3(s0: _Setter, s1: _Setter, s2: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any) -> None:
        s0(self, a0), s1(self, a1), s2(self, a2)

    return __init__


def _init4(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any) -> None:
        s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3)

    return __init__


def _init5(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any) -> None:
        s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4)

    return __init__


def _init6(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any) -> None:
        s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5)

    return __init__


def _init7(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter,
           s6: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any) -> None:
        s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6)

    return __init__


def _init8(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter,
           s7: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any) -> None:
        s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6), s7(self, a7)

    return __init__


def _init9(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter, s7: _Setter,
           s8: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any) -> None:
        (
            s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6),
            s7(self, a7), s8(self, a8)
        )

    return __init__


def _init10(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter, s7: _Setter,
            s8: _Setter, s9: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any,
                 a9: Any) -> None:
        (
            s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6),
            s7(self, a7), s8(self, a8), s9(self, a9)
        )

    return __init__


def _init11(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter, s7: _Setter,
            s8: _Setter, s9: _Setter, s10: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any) -> None:
        (
            s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6),
            s7(self, a7), s8(self, a8), s9(self, a9), s10(self, a10)
        )

    return __init__


def _init12(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter, s7: _Setter,
            s8: _Setter, s9: _Setter, s10: _Setter, s11: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any, a11: Any) -> None:
        (
            s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6),
            s7(self, a7), s8(self, a8), s9(self, a9), s10(self, a10), s11(self, a11)
        )

    return __init__


def _init13(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter, s7: _Setter,
            s8: _Setter, s9: _Setter, s10: _Setter, s11: _Setter, s12: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any, a11: Any, a12: Any) -> None:
        (
            s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6),
            s7(self, a7), s8(self, a8), s9(self, a9), s10(self, a10), s11(self, a11), s12(self, a12)
        )

    return __init__


def _init14(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter, s7: _Setter,
            s8: _Setter, s9: _Setter, s10: _Setter, s11: _Setter, s12: _Setter, s13: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any, a11: Any, a12: Any, a13: Any) -> None:
        (
            s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6),
            s7(self, a7), s8(self, a8), s9(self, a9), s10(self, a10), s11(self, a11), s12(self, a12), s13(self, a13)
        )

    return __init__


def _init15(s0: _Setter, s1: _Setter, s2: _Setter, s3: _Setter, s4: _Setter, s5: _Setter, s6: _Setter, s7: _Setter,
            s8: _Setter, s9: _Setter, s10: _Setter, s11: _Setter, s12: _Setter, s13: _Setter,
            s14: _Setter) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any, a11: Any, a12: Any, a13: Any, a14: Any) -> None:
        (
            s0(self, a0), s1(self, a1), s2(self, a2), s3(self, a3), s4(self, a4), s5(self, a5), s6(self, a6),
            s7(self, a7), s8(self, a8), s9(self, a9), s10(self, a10), s11(self, a11), s12(self, a12), s13(self, a13),
            s14(self, a14)
        )

    return __init__


def _dict1(n0: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any) -> None:
        _store(self, n0, a0)

    return __init__


def _dict2(n0: str, n1: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any) -> None:
        _store(self, n0, a0), _store(self, n1, a1)

    return __init__


def _dict3(n0: str, n1: str, n2: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any) -> None:
        _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2)

    return __init__


def _dict4(n0: str, n1: str, n2: str, n3: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any) -> None:
        _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3)

    return __init__


def _dict5(n0: str, n1: str, n2: str, n3: str, n4: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any) -> None:
        _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3), _store(self, n4, a4)

    return __init__


def _dict6(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5)
        )

    return __init__


def _dict7(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6)
        )

    return __init__


def _dict8(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str, n7: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6), _store(self, n7, a7)
        )

    return __init__


def _dict9(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str, n7: str, n8: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6), _store(self, n7, a7),
            _store(self, n8, a8)
        )

    return __init__


def _dict10(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str, n7: str, n8: str,
            n9: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any,
                 a9: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6), _store(self, n7, a7),
            _store(self, n8, a8), _store(self, n9, a9)
        )

    return __init__


def _dict11(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str, n7: str, n8: str, n9: str,
            n10: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6), _store(self, n7, a7),
            _store(self, n8, a8), _store(self, n9, a9), _store(self, n10, a10)
        )

    return __init__


def _dict12(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str, n7: str, n8: str, n9: str, n10: str,
            n11: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any, a11: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6), _store(self, n7, a7),
            _store(self, n8, a8), _store(self, n9, a9), _store(self, n10, a10), _store(self, n11, a11)
        )

    return __init__


def _dict13(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str, n7: str, n8: str, n9: str, n10: str,
            n11: str, n12: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any, a11: Any, a12: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6), _store(self, n7, a7),
            _store(self, n8, a8), _store(self, n9, a9), _store(self, n10, a10), _store(self, n11, a11),
            _store(self, n12, a12)
        )

    return __init__


def _dict14(n0: str, n1: str, n2: str, n3: str, n4: str, n5: str, n6: str, n7: str, n8: str, n9: str, n10: str,
            n11: str, n12: str, n13: str) -> Callable[..., None]:
    def __init__(self: Any, a0: Any, a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, a6: Any, a7: Any, a8: Any, a9: Any,
                 a10: Any, a11: Any, a12: Any, a13: Any) -> None:
        (
            _store(self, n0, a0), _store(self, n1, a1), _store(self, n2, a2), _store(self, n3, a3),
            _store(self, n4, a4), _store(self, n5, a5), _store(self, n6, a6), _store(self, n7, a7),
            _store(self, n8, a8), _store(self, n9, a9), _store(self, n10, a10), _store(self, n11, a11),
            _store(self, n12, a12), _store(self, n13, a13)
        )

    return __init__


_SLOTTED = (_init1, _init2, _init3, _init4, _init5, _init6, _init7, _init8,
            _init9, _init10, _init11, _init12, _init13, _init14, _init15)
_IN_DICT = (_dict1, _dict2, _dict3, _dict4, _dict5, _dict6, _dict7, _dict8,
            _dict9, _dict10, _dict11, _dict12, _dict13, _dict14)
MAX_SLOTTED, MAX_IN_DICT = len(_SLOTTED), len(_IN_DICT)  # the most fields each kind of class may have


def init_for(qualname: str, module: str, names: Sequence[str], setters: Sequence[_Setter] | None, defaults: tuple[Any, ...],
             annotations: dict[str, Any]) -> Callable[..., None]:
    """`def __init__(self, <names>)` storing each argument through its setter (None: by
    `object.__setattr__` under its name); the last `len(defaults)` parameters default to
    `defaults` (1 <= len(names) <= MAX_SLOTTED, or MAX_IN_DICT)."""
    template = _SLOTTED[len(names) - 1](*setters) if setters is not None else _IN_DICT[len(names) - 1](*names)
    code = template.__code__
    code = code.replace(co_varnames=("self", *names, *code.co_varnames[len(names) + 1:]), co_name="__init__",
                        co_qualname=f"{qualname}.__init__")
    made = FunctionType(code, template.__globals__, "__init__", defaults or None, template.__closure__)
    made.__qualname__ = f"{qualname}.__init__"
    made.__module__ = module
    made.__annotations__ = annotations
    return made
