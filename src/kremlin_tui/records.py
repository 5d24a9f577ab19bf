"""`dataclass`, as `dataclasses.dataclass` makes it, at a fraction of the cost of defining a class.

`dataclasses.dataclass` writes every method it adds as source text and compiles it: six for a
frozen class (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__), ten with
`order=True`, ~0.1 ms each. `kremlin-tui check` imports ~45 such classes (the model, the
expression tree, the loader's records), so their definitions alone were ~20 ms of a ~290 ms run.

Here `dataclasses.dataclass` still makes the class, its fields, __init__ and, for a frozen class,
the __setattr__/__delattr__ that raise `FrozenInstanceError`: every class stays a frozen
dataclass (`fields`, `replace`, `is_dataclass`, `__match_args__`, the cache's field lists all
work). It is asked for no __eq__, __hash__, __repr__ or order methods; this module adds them as
closures over one `operator.attrgetter` per class, with dataclass's semantics exactly: equal
when `other` is of the very same class and the field tuples are equal (else NotImplemented);
the hash of the field tuple (so hash values, and the order of sets of these objects, do not
change); the same repr text, '...' where an object's repr reaches itself; order by the field
tuples. Fields with `compare=False`, `hash=...` or `repr=False` count as they do for dataclass;
a method the class writes itself is kept, as dataclass keeps it.
(`__dataclass_params__.eq` and `.order` read False: nothing in the project reads them.)

A frozen class is asked for nothing at all: its __init__ (record_init.py) stores each field
through the slot's member descriptor (the expression tree, effects, choices: ~18,000 objects
per story loaded), about twice as fast as dataclass's, or as dataclass's does (object.__setattr__);
its __setattr__/__delattr__ (refusing as dataclass's do, with the same messages) and a slotted
class's pickling methods are closures here. Such a class costs ~0.04 ms to define instead of
~0.3. A class using what that __init__ does not do (default_factory, __post_init__, InitVar,
keyword-only or init=False fields, no docstring; a dataclass base other than one frozen dict
class made here) is made by dataclass as before. A class on such a base (DeclaredNode) gets the
fast __init__ over the base's fields and its own; dataclass, asked for a frozen class there,
still checks the base is frozen and writes the __setattr__/__delattr__ that cover every field.
tests/test_records.py compares every class made here with a twin `dataclasses.dataclass` makes.
"""

from __future__ import annotations

import _thread
import inspect
import operator
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, fields
from dataclasses import dataclass as _dataclass
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

from kremlin_tui import record_init
from kremlin_tui.record_init import MAX_IN_DICT, MAX_SLOTTED, init_for

_T = TypeVar("_T", bound=type)
_Key = Callable[[Any], tuple[Any, ...]]
_ORDER = {"__lt__": operator.lt, "__le__": operator.le, "__gt__": operator.gt, "__ge__": operator.ge}


@overload
def dataclass(cls: _T, /) -> _T: ...


@overload
def dataclass(*, frozen: bool = False, eq: bool = True, order: bool = False, slots: bool = False) -> Callable[[_T], _T]: ...


@dataclass_transform()
def dataclass(cls: Any = None, /, *, frozen: bool = False, eq: bool = True, order: bool = False, slots: bool = False) -> Any:
    """`dataclasses.dataclass(cls, frozen=..., eq=..., order=..., slots=...)`: the same class with
    the same behaviour, without compiling __eq__, __hash__, __repr__ and the order methods."""
    if order and not eq:
        raise ValueError("eq must be true if order is true")

    def make(cls: _T) -> _T:
        own = set(cls.__dict__)
        own_hash = cls.__dict__.get("__hash__", MISSING)
        # dataclass's rule: a class's own __hash__ stays, unless it is the None that Python
        # puts in a class which defines __eq__ and no __hash__
        hash_of_its_own = not (own_hash is MISSING or (own_hash is None and "__eq__" in own))
        if frozen and _plain_fields(cls, MAX_SLOTTED if slots else MAX_IN_DICT):
            if _record_base(cls) is None:
                made = _dataclass(cls, init=False, eq=False, repr=False, slots=slots)
                _add_frozen(made, cls, slots)
            else:  # (dataclass checks the base is frozen too, and writes __setattr__ for every field)
                made = _dataclass(cls, init=False, frozen=True, eq=False, repr=False, slots=slots)
                _add_init(made, slots)
        else:
            made = _dataclass(cls, frozen=frozen, eq=False, repr=False, slots=slots)
        _add_methods(made, own, frozen=frozen, eq=eq, order=order, hash_of_its_own=hash_of_its_own)
        return made

    return make if cls is None else make(cls)


_OWN_OR_INHERITED = ("__init__", "__setattr__", "__delattr__", "__getstate__", "__setstate__")


def _plain_fields(cls: type, most: int) -> bool:
    """Whether record_init's __init__ is all the class needs: 1 to `most` fields, each given
    by position or keyword, none of them after one with a default; no __post_init__, a
    docstring (dataclass would write one from the signature), and none of the methods made
    here written by the class itself. A dataclass base is allowed when it is the one base: a
    frozen class with a dict whose fields are as plain (the class's own do not repeat them)."""
    if cls.__doc__ is None or hasattr(cls, "__post_init__") or any(name in cls.__dict__ for name in _OWN_OR_INHERITED):
        return False
    base = _record_base(cls)
    inherited = fields(base) if base is not None else ()
    if base is None and any(hasattr(b, "__dataclass_fields__") for b in cls.__mro__[1:]):
        return False
    annotations = inspect.get_annotations(cls)  # (dataclasses imports inspect anyway)
    if not 1 <= len(annotations) + len(inherited) <= most or any(f.name in annotations for f in inherited):
        return False
    defaulted = False
    for name, value in [*((f.name, f) for f in inherited), *((name, cls.__dict__.get(name, MISSING)) for name in annotations)]:
        if name in annotations and any(word in str(annotations[name]) for word in ("ClassVar", "InitVar", "KW_ONLY")):
            return False
        if isinstance(value, Field):
            if value.default_factory is not MISSING or not value.init or value.kw_only is True:
                return False
            value = value.default
        if value is MISSING and defaulted:
            return False  # (dataclass reports it)
        defaulted = value is not MISSING
    return True


def _record_base(cls: type) -> type | None:
    """The class's dataclass base, if it has exactly one, directly, and it is frozen, keeps its
    fields in a dict and has record_init's __init__; else None."""
    bases = [b for b in cls.__mro__[1:] if hasattr(b, "__dataclass_fields__")]
    if len(bases) != 1 or cls.__bases__ != (bases[0],) or "__slots__" in bases[0].__dict__:
        return None
    base = bases[0]  # (made here only if its own fields were plain: see _plain_fields)
    made_here = getattr(base.__init__, "__globals__", None) is vars(record_init)  # (a function record_init made)
    return base if made_here and base.__dataclass_params__.frozen else None  # type: ignore[attr-defined]


def _add_frozen(cls: type, original: type, slots: bool) -> None:
    """What `dataclass(frozen=True, slots=slots)` adds to `cls`, made without compiling:
    __init__ (through the slots' member descriptors, or object.__setattr__ as dataclass's);
    __setattr__/__delattr__ refusing a field, and anything on an instance of `original` (the
    class before slots were added, if they were: the compiled ones name that class); for a
    slotted class, pickling support; the params reading frozen."""
    names = _add_init(cls, slots)
    field_names = frozenset(names)

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is original or name in field_names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(original, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is original or name in field_names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(original, self).__delattr__(name)

    _set(cls, "__setattr__", __setattr__)
    _set(cls, "__delattr__", __delattr__)
    if slots:
        _add_pickling(cls, names, [cls.__dict__[name].__set__ for name in names])
    cls.__dataclass_params__.frozen = True  # type: ignore[attr-defined]


def _add_init(cls: type, slots: bool) -> list[str]:
    """record_init's __init__ for the class's fields (through the slots' setters if `slots`);
    the field names."""
    every = fields(cls)
    names = [f.name for f in every]
    setters = [cls.__dict__[name].__set__ for name in names] if slots else None
    defaults = tuple(f.default for f in every if f.default is not MISSING)
    annotations = {**{f.name: f.type for f in every}, "return": None}
    cls.__init__ = init_for(cls.__qualname__, cls.__module__, names, setters, defaults, annotations)  # type: ignore[misc]
    cls.__dataclass_params__.init = True  # type: ignore[attr-defined]
    return names


def _add_pickling(cls: type, names: list[str], setters: list[Callable[[Any, Any], None]]) -> None:
    """A frozen slotted class's state is its fields' values, in order (dataclass's own form)."""

    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, name) for name in names]

    def __setstate__(self: Any, state: list[Any]) -> None:
        for setter, value in zip(setters, state):
            setter(self, value)

    _set(cls, "__getstate__", __getstate__)
    _set(cls, "__setstate__", __setstate__)


def _add_methods(cls: type, own: set[str], *, frozen: bool, eq: bool, order: bool, hash_of_its_own: bool) -> None:
    """The methods dataclass would have compiled, each only where the class has none of its own
    (dataclass raises for an order method of the class's own, and so does this)."""
    every = fields(cls)
    if "__repr__" not in own:
        _set(cls, "__repr__", _repr([f.name for f in every if f.repr]))
    if not eq:
        return
    compared = _key([f.name for f in every if f.compare])
    if "__eq__" not in own:
        _set(cls, "__eq__", _eq(compared))
    if not hash_of_its_own:  # frozen: the hash of the field tuple; mutable: unhashable
        hashed = [f.name for f in every if (f.compare if f.hash is None else f.hash)]
        if frozen:
            _set(cls, "__hash__", _hash(_key(hashed)))
        else:
            cls.__hash__ = None  # type: ignore[assignment]
    for name, compare in _ORDER.items() if order else ():
        if name in own:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}. Consider using functools.total_ordering")
        _set(cls, name, _order(compared, compare))


def _set(cls: type, name: str, method: Callable[..., Any]) -> None:
    method.__name__ = name
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, method)


def _key(names: list[str]) -> _Key:
    """The field tuple, as dataclass spells it `(self.a, self.b,)` (one name: still a tuple)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return lambda self: ()


def _eq(key: _Key) -> Callable[[Any, object], Any]:
    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _hash(key: _Key) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _order(key: _Key, compare: Callable[[Any, Any], Any]) -> Callable[[Any, object], Any]:
    def method(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return compare(key(self), key(other))
        return NotImplemented

    return method


def _repr(names: list[str]) -> Callable[[Any], str]:
    running: set[tuple[int, int]] = set()  # dataclass's guard: an object whose repr reaches itself shows '...'

    def __repr__(self: Any) -> str:
        key = id(self), _thread.get_ident()
        if key in running:
            return "..."
        running.add(key)
        try:
            return self.__class__.__qualname__ + "(" + ", ".join([f"{name}={getattr(self, name)!r}" for name in names]) + ")"
        finally:
            running.discard(key)

    return __repr__
