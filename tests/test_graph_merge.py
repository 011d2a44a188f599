"""Merge planning: which ids are folded together, which are kept apart, and the reasons."""

from __future__ import annotations

from kgbuild.graph.merge import digit_signature, plan_merges


def _plan(names: dict[str, set[str]], aliases: dict[str, set[str]] | None = None, papers: dict[str, int] | None = None):
    aliases = aliases or {}
    labels = {k: sorted(v)[0] for k, v in names.items()}
    return plan_merges(names, aliases, labels, papers or {})


def test_digit_signature() -> None:
    assert digit_signature("ImageNet-21k") == ("21",)
    # computed on the normal form, so separators vanish: what matters is that it differs from "2"
    assert digit_signature("Llama 2 7B") == ("27",)
    assert digit_signature("Llama-2-7B") == digit_signature("llama 2 7b")
    assert digit_signature("BERT") == ()


def test_shared_name_merges_into_best_supported_id() -> None:
    plan = _plan({"gpt-3": {"GPT-3"}, "gpt3": {"GPT3"}}, papers={"gpt3": 5, "gpt-3": 1})
    assert plan.rep("gpt-3") == plan.rep("gpt3") == "gpt3"
    assert plan.merged_from["gpt3"] == [{"id": "gpt-3", "into": "gpt3", "rule": "shared-name", "alias": "GPT-3"}]
    assert "gpt-3" not in plan.merged_from  # reasons live on the representative only


def test_short_aliases_never_merge() -> None:
    plan = _plan({"lm-a": {"LMA"}, "lm": {"LM"}}, aliases={"lm-a": {"LM"}})
    assert plan.rep("lm-a") != plan.rep("lm")


def test_alias_to_alias_is_not_enough() -> None:
    plan = _plan({"a": {"Alpha"}, "b": {"Beta"}}, aliases={"a": {"Shared"}, "b": {"Shared"}})
    assert plan.rep("a") != plan.rep("b")


def test_digit_guard_blocks_transitive_merge() -> None:
    plan = _plan(
        {"imagenet-1k": {"ImageNet-1k"}, "imagenet-21k": {"ImageNet-21k"}, "imagenet": {"ImageNet"}},
        aliases={"imagenet-1k": {"ImageNet"}, "imagenet-21k": {"ImageNet"}},
    )
    assert len({plan.rep(i) for i in ("imagenet-1k", "imagenet-21k", "imagenet")}) == 3
    assert plan.refused["imagenet-1k"] == [{"id": "imagenet", "rule": "digit-guard", "alias": "ImageNet"}]


def test_chain_is_explained_link_by_link() -> None:
    plan = _plan(
        {"a": {"Alpha"}, "b": {"Alpha Net"}, "c": {"Alpha Network"}},
        aliases={"b": {"Alpha"}, "c": {"AlphaNet"}},
        papers={"a": 3},
    )
    assert {plan.rep(i) for i in "abc"} == {"a"}
    assert plan.merged_from["a"] == [
        {"id": "b", "into": "a", "rule": "shared-alias", "alias": "Alpha"},
        {"id": "c", "into": "b", "rule": "shared-alias", "alias": "AlphaNet"},
    ]


def test_plan_is_independent_of_mapping_order() -> None:
    names = {"x": {"Foo Bar"}, "y": {"FooBar"}, "z": {"foo-bar"}}
    forward = _plan(names)
    backward = _plan(dict(reversed(list(names.items()))))
    assert forward == backward
