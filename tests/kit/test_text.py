from kit.text import problem, storable, storable_deep, unstorable


def test_problem() -> None:
    assert problem("plain") is None
    assert problem("ünï 😀") is None
    assert problem("a\x00") == "nul"
    assert problem("a\ud800") == "surrogate"


def test_storable_strips_nul_and_replaces_surrogates() -> None:
    assert storable("a\x00b") == "ab"
    assert storable("a\udc80b") == "a\ufffdb"
    assert storable_deep({"k\x00": ["v\x00", 1, {"x": "\ud800"}]}) == {
        "k": ["v", 1, {"x": "\ufffd"}]
    }


def test_unstorable_locations() -> None:
    found = dict(unstorable({"a": ["ok", "\x00"], "b\x00": 1, "c": {"d": "\ud800"}}))
    assert found == {("a", 1): "nul", ("[key]",): "nul", ("c", "d"): "surrogate"}
