"""`kremlin_tui.records.dataclass` makes classes that behave as `dataclasses.dataclass` makes them.

Every class the project defines with it is compared with a twin that `dataclasses.dataclass`
makes from the same fields: equality (with its own class only), hash (the field tuple's, so set
orders do not move), repr, order, frozenness, and the dataclass API (fields, replace)."""

from __future__ import annotations

import dataclasses
import importlib
import operator
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kremlin_tui
from kremlin_tui import records
from kremlin_tui.records import dataclass

_NAN = float("nan")
# 1, 1.0 and True are equal with one hash; "nan" is unequal to itself but the same object;
# [] is unhashable; -1 and -2 hash alike in CPython
VALUES = st.sampled_from([0, 1, 1.0, True, -1, -2, "a", "b", "", None, (), (1, "a"), frozenset({1}), _NAN, ("x", _NAN)])
ANY_VALUE = VALUES | st.builds(list, st.lists(VALUES, max_size=2))


def _modules_using_records() -> list[str]:
    """Every module of the package that defines classes with records.dataclass (found in the
    sources, so a new one is covered without being listed here)."""
    root = Path(kremlin_tui.__file__).parent
    names = []
    for info in pkgutil.walk_packages([str(root)], "kremlin_tui."):
        path = root.joinpath(*info.name.split(".")[1:])
        source = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
        if "from kremlin_tui.records import dataclass" in source.read_text(encoding="utf-8"):
            names.append(info.name)
    return names


def _record_classes() -> list[type]:
    found = []
    for name in _modules_using_records():
        module = importlib.import_module(name)
        for value in vars(module).values():
            ours = isinstance(value, type) and value.__module__ == name and dataclasses.is_dataclass(value)
            if ours and value.__repr__.__module__ == records.__name__:
                found.append(value)
    return found


CLASSES = _record_classes()


def test_the_check_path_classes_are_all_compared() -> None:
    """The classes `check` imports are made here (the point of the module), and this test sees them."""
    from kremlin_tui import model

    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in CLASSES}
    for cls in (*model.MODEL_CLASSES, model.Story):
        assert f"{cls.__module__}.{cls.__qualname__}" in names
    for name in ("kremlin_tui.expr_ast.Call", "kremlin_tui.dates.GameDate", "kremlin_tui.diagnostics.Diagnostic",
                 "kremlin_tui.yamlsource.YMap", "kremlin_tui.checker.CheckReport", "kremlin_tui.builder.declarations.DeclaredNode"):
        assert name in names
    assert len(CLASSES) >= 40


def _ordered(cls: type) -> bool:
    return getattr(cls.__lt__, "__module__", None) == records.__name__


def _twin(cls: type) -> type:
    """The class `dataclasses.dataclass` makes of the same fields (same names, flags, qualname)."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"__annotations__": {}, "__qualname__": cls.__qualname__, "__module__": cls.__module__}
    for f in dataclasses.fields(cls):
        namespace["__annotations__"][f.name] = f.type
        namespace[f.name] = dataclasses.field(compare=f.compare, hash=f.hash, repr=f.repr)
    for name in ("__eq__", "__hash__", "__repr__"):  # a method of the class's own stays
        if name in cls.__dict__ and getattr(cls.__dict__[name], "__module__", None) != records.__name__:
            namespace[name] = cls.__dict__[name]
    made = type(cls.__name__, (), namespace)
    eq = cls.__eq__ is not object.__eq__
    return dataclasses.dataclass(made, frozen=params.frozen, eq=eq, order=_ordered(cls), slots="__slots__" in cls.__dict__)


TWINS = {cls: _twin(cls) for cls in CLASSES}


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "value", call()
    except Exception as exc:  # the very exception is what is compared
        return type(exc).__name__, str(exc)


def _same_behaviour(cls: type, first: list[Any], second: list[Any], twin: type | None = None) -> None:
    twin = twin or TWINS[cls]
    a, b, ta, tb = cls(*first), cls(*second), twin(*first), twin(*second)
    assert (a == b) is (ta == tb)
    assert (a != b) is (ta != tb)
    assert (a == a) is (ta == ta)
    assert a.__eq__(object()) is NotImplemented
    assert (a == ta) is False
    assert repr(a) == repr(ta)
    assert (cls.__hash__ is None) is (twin.__hash__ is None)
    if twin.__hash__ is object.__hash__:  # eq=False: identity
        assert cls.__hash__ is object.__hash__
    elif twin.__hash__ is not None:
        assert _outcome(lambda: hash(a)) == _outcome(lambda: hash(ta))
        hashed = [getattr(a, f.name) for f in dataclasses.fields(cls) if (f.compare if f.hash is None else f.hash)]
        assert _outcome(lambda: hash(a)) == _outcome(lambda: hash(tuple(hashed)))
    if _ordered(cls):
        for op in (operator.lt, operator.le, operator.gt, operator.ge):
            assert _outcome(lambda op=op: op(a, b)) == _outcome(lambda op=op: op(ta, tb))
            assert _outcome(lambda op=op: op(a, tb))[0] == "TypeError"  # another class, even with equal fields
    name = dataclasses.fields(cls)[0].name
    assert _outcome(lambda: setattr(a, name, 1)) == _outcome(lambda: setattr(ta, name, 1))
    assert _outcome(lambda: delattr(a, name)) == _outcome(lambda: delattr(ta, name))
    assert _outcome(lambda: setattr(a, "not_a_field", 1))[0] == _outcome(lambda: setattr(ta, "not_a_field", 1))[0]
    changed = dataclasses.replace(a, **{name: second[0]})
    assert [getattr(changed, f.name) for f in dataclasses.fields(cls)] == [second[0], *first[1:]]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_record_class_behaves_as_its_dataclass_twin(cls: type, data: st.DataObject) -> None:
    count = len(dataclasses.fields(cls))
    first = data.draw(st.lists(ANY_VALUE, min_size=count, max_size=count))
    # the second object: the same values where drawn so (equal objects are the interesting case)
    second = [data.draw(st.just(value) | ANY_VALUE) for value in first]
    _same_behaviour(cls, first, second)


def test_equal_values_give_equal_objects_and_hashes_of_the_field_tuple() -> None:
    from kremlin_tui.diagnostics import Diagnostic, Pos
    from kremlin_tui.expr_ast import Not, Var

    one, other = Diagnostic(Pos("a", 1, 2), "c", "m"), Diagnostic(Pos("a", 1, 2), "c", "m")
    assert one == other and hash(one) == hash(other) == hash((Pos("a", 1, 2), "c", "m", "error"))
    assert len({one, other}) == 1
    negated = Not(Var("x", 0))  # slots, nested, one field: still the hash of a 1-tuple
    assert hash(negated) == hash((Var("x", 0),)) != hash(Var("x", 0)) and hash(Var("x", 0)) == hash(("x", 0))
    assert negated == Not(Var("x", 0)) and negated != Not(Var("x", 1))


def test_an_object_whose_repr_reaches_itself_shows_dots() -> None:
    @dataclass
    class Box:
        items: list[object]

    @dataclasses.dataclass
    class TwinBox:
        items: list[object]

    box, twin = Box([]), TwinBox([])
    box.items.append(box)
    twin.items.append(twin)
    assert repr(box) == "test_an_object_whose_repr_reaches_itself_shows_dots.<locals>.Box(items=[...])"
    assert repr(box).replace("Box", "TwinBox") == repr(twin)


def test_a_subclass_with_the_same_fields_is_not_equal() -> None:
    """dataclass's __eq__ requires the very same class, not an instance of it."""

    @dataclass(frozen=True)
    class Base:
        a: int

    @dataclass(frozen=True)
    class Derived(Base):
        pass

    assert Base(1) != Derived(1) and Derived(1) != Base(1)
    assert Base.__eq__(Base(1), Derived(1)) is NotImplemented
    assert Derived(1) == Derived(1) and hash(Derived(1)) == hash((1,))


def test_methods_a_class_writes_itself_are_kept_as_dataclass_keeps_them() -> None:
    def own_eq(self: Any, other: object) -> bool:
        return True

    def own_repr(self: Any) -> str:
        return "mine"

    for frozen in (True, False):
        for make in (dataclass, dataclasses.dataclass):
            with_eq = make(type("WithEq", (), {"__annotations__": {"a": "int"}, "__eq__": own_eq}), frozen=frozen)
            with_repr = make(type("WithRepr", (), {"__annotations__": {"a": "int"}, "__repr__": own_repr}), frozen=frozen)
            with_hash = make(type("WithHash", (), {"__annotations__": {"a": "int"}, "__hash__": lambda self: 7}), frozen=frozen)
            assert with_eq(1) == with_eq(2) and repr(with_repr(1)) == "mine" and hash(with_hash(1)) == 7
            assert (with_eq.__hash__ is None) is (not frozen)
            unhashable = make(type("NoHash", (), {"__annotations__": {"a": "int"}, "__hash__": None}), frozen=frozen)
            assert unhashable.__hash__ is None  # a None the class wrote itself stays
            if frozen:
                assert hash(with_eq(3)) == hash((3,))


def test_order_needs_eq_and_keeps_no_order_method_of_the_class() -> None:
    with pytest.raises(ValueError, match="eq must be true if order is true"):
        dataclass(order=True, eq=False)
    with pytest.raises(TypeError, match="Cannot overwrite attribute __lt__"):
        dataclass(type("Own", (), {"__annotations__": {"a": "int"}, "__lt__": lambda s, o: True}), order=True)


def test_eq_false_keeps_identity() -> None:
    @dataclass(eq=False, slots=True)
    class Node:
        a: int

    assert Node(1) != Node(1) and len({Node(1), Node(1)}) == 2 and repr(Node(1)) == "Node(a=1)".replace(
        "Node", Node.__qualname__)


def _flagged(make: Any, **params: Any) -> type:
    namespace = {"__annotations__": {"a": "int", "b": "str", "c": "object", "d": "object"}, "__qualname__": "Flagged",
                 "b": dataclasses.field(compare=False), "c": dataclasses.field(hash=False, repr=False),
                 "d": dataclasses.field(hash=True)}
    return make(type("Flagged", (), namespace), **params)


PARAMS = [dict(frozen=frozen, slots=slots, order=order) for frozen in (True, False) for slots in (True, False) for order in (True, False)]


@pytest.mark.parametrize("params", PARAMS, ids=str)
@settings(max_examples=60, deadline=None)
@given(first=st.lists(ANY_VALUE, min_size=4, max_size=4), second=st.lists(ANY_VALUE, min_size=4, max_size=4), same=st.booleans())
def test_fields_left_out_of_compare_hash_or_repr_are_left_out_alike(params: dict[str, bool], first: list[Any],
                                                                     second: list[Any], same: bool) -> None:
    cls, twin = _flagged(dataclass, **params), _flagged(dataclasses.dataclass, **params)
    _same_behaviour(cls, first, [first[0], second[1], *first[2:]] if same else second, twin)


# -- construction: the __init__ record_init.py makes for frozen slotted classes --------------------

def _twin_with_defaults(cls: type) -> type:
    """dataclass's own class of the same fields, defaults (and factories) included."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"__annotations__": {}, "__qualname__": cls.__qualname__, "__module__": cls.__module__,
                                 "__doc__": cls.__doc__}
    for f in dataclasses.fields(cls):
        namespace["__annotations__"][f.name] = f.type
        namespace[f.name] = dataclasses.field(default=f.default, default_factory=f.default_factory, compare=f.compare,
                                              hash=f.hash, repr=f.repr)
    made = type(cls.__name__, (), namespace)
    return dataclasses.dataclass(made, frozen=params.frozen, eq=False, slots="__slots__" in cls.__dict__)


def _calls(names: list[str]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every way of calling that matters: too few, enough and too many positional arguments;
    keywords for all, for the tail, an unknown one, one given twice."""
    n = len(names)
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [(tuple(range(k)), {}) for k in range(n + 2)]
    calls += [((), dict(zip(names, range(n)))), (tuple(range(n // 2)), {name: 7 for name in names[n // 2:]})]
    calls += [(tuple(range(n)), {"not_a_field": 1}), ((0,), {names[0]: 1})]
    calls += [((), {name: 5 for name in names[1:]})]  # the first one missing, by keyword
    return calls


def _made(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, Any]:
    try:
        obj = cls(*args, **kwargs)
    except TypeError as exc:
        return "TypeError", str(exc)
    return "value", [getattr(obj, f.name) for f in dataclasses.fields(obj)]


FAST = [cls for cls in CLASSES if cls.__init__.__code__.co_filename.endswith("record_init.py")]


def test_the_frozen_records_use_the_fast_init() -> None:
    from kremlin_tui import dates, expr_ast, expr_base, model
    from kremlin_tui.builder.declarations import DeclaredNode

    for cls in (model.Effect, model.Outcome, model.Choice, expr_ast.Const, expr_ast.Var, expr_ast.Cmp, expr_ast.Call,
                expr_base.Abs, model.Node, dates.GameDate, expr_base.VarInfo, DeclaredNode):
        assert cls in FAST, cls
    frozen = [cls for cls in CLASSES if cls.__dataclass_params__.frozen]  # type: ignore[attr-defined]
    assert {cls.__qualname__ for cls in frozen if cls not in FAST} == {"Story"}  # a factory


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_a_record_is_made_as_its_twin_is_with_any_arguments(cls: type) -> None:
    import copy
    import inspect
    import pickle

    twin = _twin_with_defaults(cls)
    assert inspect.signature(cls) == inspect.signature(twin)
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__" and cls.__init__.__name__ == "__init__"
    assert cls.__match_args__ == twin.__match_args__  # type: ignore[attr-defined]
    assert cls.__dataclass_params__.frozen == twin.__dataclass_params__.frozen  # type: ignore[attr-defined]
    names = [f.name for f in dataclasses.fields(cls)]
    for args, kwargs in _calls(names):
        assert _made(cls, args, kwargs) == _made(twin, args, kwargs), (args, kwargs)
    obj, other = cls(*range(len(names))), twin(*range(len(names)))
    assert repr(copy.deepcopy(obj)) == repr(obj) == repr(copy.copy(obj))
    assert repr(pickle.loads(pickle.dumps(obj))) == repr(obj)
    if "__slots__" in cls.__dict__:  # (a class with a __dict__ pickles it: Story keeps its hash as `_content_hash`)
        assert obj.__getstate__() == other.__getstate__()
    changed = dataclasses.replace(obj, **{names[-1]: "changed"})
    assert [getattr(changed, name) for name in names] == [*range(len(names) - 1), "changed"]
    if names[-1] in (fields := {f.name: f for f in dataclasses.fields(cls)}) and fields[names[-1]].default is not dataclasses.MISSING:
        assert getattr(cls(*range(len(names) - 1)), names[-1]) is fields[names[-1]].default  # the very default object


@pytest.mark.parametrize("base_defaults", [{}, {"z": 0}])
def test_a_plain_dataclass_base_is_served(base_defaults: dict[str, Any]) -> None:
    """A frozen class with a dict whose one base is such a class made here (DeclaredNode's case)
    gets record_init's __init__ over the base's fields and its own, and behaves as dataclass's."""
    import copy
    import inspect

    def made(make: Any) -> type:
        base = make(type("Base", (), {"__doc__": "b", "__annotations__": {"z": "int"}, **base_defaults}), frozen=True)
        own = {"__doc__": "r", "__annotations__": {"a": "int", "b": "int"}, **({"a": 1, "b": 2} if base_defaults else {})}
        return make(type("Rec", (base,), own), frozen=True)

    ours, twin = made(dataclass), made(dataclasses.dataclass)
    assert ours.__init__.__code__.co_filename.endswith("record_init.py")
    assert ours.__bases__[0].__init__.__code__.co_filename.endswith("record_init.py")
    assert inspect.signature(ours) == inspect.signature(twin)
    assert ours.__dataclass_params__.init and ours.__dataclass_params__.frozen  # type: ignore[attr-defined]
    for args, kwargs in _calls(["z", "a", "b"]):
        assert _made(ours, args, kwargs) == _made(twin, args, kwargs), (args, kwargs)
    obj, other = ours(7, 8, 9), twin(7, 8, 9)
    for name in ("z", "a", "b", "other"):
        assert _outcome(lambda name=name: setattr(obj, name, 1)) == _outcome(lambda name=name: setattr(other, name, 1))
        assert _outcome(lambda name=name: delattr(obj, name)) == _outcome(lambda name=name: delattr(other, name))
    assert repr(obj).replace("Rec", "") == repr(other).replace("Rec", "") and obj == ours(7, 8, 9) and hash(obj) == hash(other)
    assert copy.deepcopy(obj) == obj and dataclasses.replace(obj, a=0).a == 0 and obj.__dict__ == other.__dict__


@pytest.mark.parametrize("make", ["slotted", "mutable"])
def test_a_frozen_class_with_an_unfrozen_or_slotted_base_is_refused_or_made_as_dataclass_makes_it(make: str) -> None:
    params: dict[str, Any] = {"frozen": make == "slotted", "slots": make == "slotted"}
    results = []
    for maker in (dataclass, dataclasses.dataclass):
        base = maker(type("Base", (), {"__doc__": "b", "__annotations__": {"z": "int"}}), **params)
        namespace = {"__doc__": "r", "__annotations__": {"a": "int"}}
        results.append(_outcome(lambda base=base, maker=maker, ns=namespace: maker(type("Rec", (base,), ns), frozen=True)(1, 2).__dict__))
    assert results[0] == results[1]


class _Stored:
    """A data descriptor for a field (as Story.content_hash): __init__ must store through it."""

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__["_stored"] = ("through", value)

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return self if obj is None else obj.__dict__["_stored"]


@pytest.mark.parametrize("slots", [True, False])
@pytest.mark.parametrize("case", ["factory", "post_init", "initvar", "kw_only", "no_init", "no_doc", "base", "factory_base",
                                  "initvar_base", "repeated_base", "two_bases", "many", "own_init"])
def test_a_class_the_fast_init_cannot_make_is_made_by_dataclass(case: str, slots: bool) -> None:
    annotations: dict[str, Any] = {"a": "int", "b": "list[int]"}
    namespace: dict[str, Any] = {"__doc__": "A record.", "__annotations__": annotations}
    bases: tuple[type, ...] = ()
    if case == "factory":
        namespace["b"] = dataclasses.field(default_factory=list)
    elif case == "post_init":
        namespace["__post_init__"] = lambda self: object.__setattr__(self, "b", [self.a])
    elif case == "initvar":
        annotations["c"] = "dataclasses.InitVar[int]"
    elif case == "kw_only":
        namespace["b"] = dataclasses.field(kw_only=True)
    elif case == "no_init":
        namespace["b"] = dataclasses.field(default=0, init=False)
    elif case == "no_doc":
        del namespace["__doc__"]
    elif case == "base":  # (a slotted base; a base with a dict is served: test_a_plain_dataclass_base_is_served)
        bases = (dataclass(type("Base", (), {"__doc__": "b", "__annotations__": {"z": "int"}}), frozen=True, slots=True),)
    elif case == "factory_base":
        bases = (dataclass(type("Base", (), {"__doc__": "b", "__annotations__": {"z": "list[int]"},
                                             "z": dataclasses.field(default_factory=list)}), frozen=True),)
        namespace.update(a=1, b=2)
    elif case == "initvar_base":  # (a base dataclass made, whose fields are not all plain)
        bases = (dataclasses.dataclass(type("Base", (), {"__doc__": "b", "__annotations__": {"z": "int", "w": "dataclasses.InitVar[int]"}}),
                                       frozen=True),)
    elif case == "repeated_base":
        bases = (dataclass(type("Base", (), {"__doc__": "b", "__annotations__": {"a": "int"}}), frozen=True),)
    elif case == "two_bases":
        bases = (dataclass(type("Base", (), {"__doc__": "b", "__annotations__": {"z": "int"}}), frozen=True),)
        bases = (dataclass(type("Middle", bases, {"__doc__": "m", "__annotations__": {"y": "int"}}), frozen=True),)
    elif case == "many":
        annotations.update({f"f{i}": "int" for i in range(20)})
    elif case == "own_init":
        namespace["__init__"] = lambda self, a: (object.__setattr__(self, "a", a), object.__setattr__(self, "b", 2))[0]
    ours = dataclass(type("Rec", bases, dict(namespace)), frozen=True, slots=slots)
    twin = dataclasses.dataclass(type("Rec", bases, dict(namespace)), frozen=True, slots=slots)
    assert not ours.__init__.__code__.co_filename.endswith("record_init.py")
    names = [f.name for f in dataclasses.fields(twin) if f.init]
    for args, kwargs in _calls(names):
        assert _made(ours, args, kwargs) == _made(twin, args, kwargs), (args, kwargs)
    assert ours.__doc__ == twin.__doc__


def test_a_descriptor_for_a_field_is_stored_through_and_values_stay_inline() -> None:
    """A frozen class with a dict stores as dataclass's __init__ does: through a data descriptor
    of the class (Story.content_hash's way), and without making the instance's dict (Python
    keeps an instance's attributes inline until its __dict__ is asked for)."""
    import gc

    namespace = {"__doc__": "d", "__annotations__": {"a": "int", "b": "int"}}
    ours = dataclass(type("Rec", (), {**namespace}), frozen=True)
    twin = dataclasses.dataclass(type("Rec", (), {**namespace}), frozen=True)
    assert ours.__init__.__code__.co_filename.endswith("record_init.py")
    assert gc.get_referents(ours(1, 2)) == [1, 2, ours] and gc.get_referents(twin(1, 2)) == [1, 2, twin]  # inline, no dict
    made = ours(1, 2)
    made.__dict__  # noqa: B018  (asking for it makes the dict)
    assert gc.get_referents(made) == [{"a": 1, "b": 2}, ours]  # (what the first assertion tells apart)
    for make in (dataclass, dataclasses.dataclass):
        made = make(type("Rec", (), {**namespace}), frozen=True)
        made.b = _Stored()  # after the decorator, as model.Story's
        assert made(1, 2).b == ("through", 2)


def test_a_field_without_a_default_after_an_inherited_one_with_is_refused_as_dataclass_refuses_it() -> None:
    for make in (dataclass, dataclasses.dataclass):
        base = make(type("Base", (), {"__doc__": "b", "__annotations__": {"z": "int"}, "z": 0}), frozen=True)
        with pytest.raises(TypeError, match="non-default argument 'a' follows default argument"):
            make(type("Bad", (base,), {"__doc__": "d", "__annotations__": {"a": "int"}}), frozen=True)


def test_a_field_without_a_default_after_one_with_is_refused_as_dataclass_refuses_it() -> None:
    namespace = {"__doc__": "d", "__annotations__": {"a": "int", "b": "int"}, "a": 1}
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        dataclass(type("Bad", (), dict(namespace)), frozen=True, slots=True)
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        dataclasses.dataclass(type("Bad", (), dict(namespace)), frozen=True, slots=True)
