"""Hooks: an app asks a question at a named extension point and collects the answers other
apps registered there, in the order of their names, without the asker naming them."""

from openmis.core import extensions

POINT = "tests.question"


def test_answers_come_by_name_and_none_answers_are_left_out():
    registered = [
        extensions.register_hook(POINT, lambda x: f"b:{x}", name="b"),
        extensions.register_hook(POINT, lambda x: None, name="c"),
        extensions.register_hook(POINT, lambda x: f"a:{x}", name="a"),
    ]
    try:
        assert extensions.hook_results(POINT, 7) == ["a:7", "b:7"]
        # registered again under the same name, a hook replaces the first
        registered.append(extensions.register_hook(POINT, lambda x: f"B:{x}", name="b"))
        assert extensions.hook_results(POINT, 1) == ["a:1", "B:1"]
        extensions.unregister_hook(registered[2])
        assert extensions.hook_results(POINT, 1) == ["B:1"]
    finally:
        for hook in registered:
            extensions.unregister_hook(hook)
    assert extensions.hook_results(POINT, 1) == []
    assert extensions.hook_results("tests.nobody_answers") == []
