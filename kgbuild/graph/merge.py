"""Which canonical entity ids name the same thing, and the reason for each merge.

The extractor already canonicalises every mention (gazetteer id, else the normal form of the
name), so this pass only catches what it cannot see from inside one paper: paper A calls a model
``GPT-3`` (gazetteer id ``gpt-3``) while paper B lists ``GPT3`` only as an alias of something the
gazetteer does not know. Two ids are merged when a surface name or alias of one has the same
normal form as a surface name of the other. Every merge is recorded so it can be explained.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass

from kgbuild.records import normalise_name

# Short aliases ("LM", "QA") are too ambiguous to prove that two things are the same.
MIN_ALIAS_KEY_LENGTH = 3

SHARED_NAME = "shared-name"
SHARED_ALIAS = "shared-alias"
# Rule order used to process candidates: name evidence is stronger than alias evidence.
_RULE_ORDER = {SHARED_NAME: 0, SHARED_ALIAS: 1}


@dataclass(frozen=True)
class MergeLink:
    """``holder``'s surface form ``alias`` has the same normal form as a name of ``target``."""

    holder: str
    target: str
    rule: str
    alias: str


@dataclass(frozen=True)
class MergePlan:
    """The outcome: every id's representative, and per representative why others joined it."""

    representative: dict[str, str]
    merged_from: dict[str, list[dict[str, str]]]
    refused: dict[str, list[dict[str, str]]]

    def rep(self, entity_id: str) -> str:
        return self.representative.get(entity_id, entity_id)


def digit_signature(name: str) -> tuple[str, ...]:
    """The digit runs of a name's normal form: ``ImageNet-21k`` -> ``("21",)``.

    Two ids whose display names differ in digits are never merged, even transitively through a
    shared alias (``ImageNet-1k`` ~ ``ImageNet`` ~ ``ImageNet-21k`` would otherwise collapse).
    """
    return tuple(re.findall(r"[0-9]+", normalise_name(name)))


class _UnionFind:
    def __init__(self, items: Set[str]) -> None:
        self._parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:  # path compression keeps later finds cheap
            self._parent[item], item = root, self._parent[item]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self._parent[max(ra, rb)] = min(ra, rb)
        return True


def _candidates(names: Mapping[str, Set[str]], aliases: Mapping[str, Set[str]]) -> list[MergeLink]:
    by_name_key: dict[str, set[str]] = {}
    for entity_id, surface_names in names.items():
        for name in surface_names:
            key = normalise_name(name)
            if key:
                by_name_key.setdefault(key, set()).add(entity_id)

    links: set[MergeLink] = set()
    for entity_id, surface_names in names.items():
        for name in surface_names:
            for other in by_name_key.get(normalise_name(name), ()):
                if other != entity_id:
                    links.add(MergeLink(entity_id, other, SHARED_NAME, name))
    for entity_id, alias_set in aliases.items():
        for alias in alias_set:
            key = normalise_name(alias)
            if len(key) < MIN_ALIAS_KEY_LENGTH:
                continue
            for other in by_name_key.get(key, ()):
                if other != entity_id:
                    links.add(MergeLink(entity_id, other, SHARED_ALIAS, alias))
    # Sorted so the plan does not depend on the order papers (or set members) arrived in.
    return sorted(links, key=lambda link: (_RULE_ORDER[link.rule], link.holder, link.target, link.alias))


def plan_merges(
    names: Mapping[str, Set[str]],
    aliases: Mapping[str, Set[str]],
    labels: Mapping[str, str],
    paper_counts: Mapping[str, int],
) -> MergePlan:
    """Group ids that share a name, refusing any merge across a digit difference.

    ``names``: surface names per id; ``aliases``: declared aliases per id; ``labels``: the
    display name per id (its digits are the id's signature); ``paper_counts``: how many papers
    use each id, so the best-supported id of a group becomes its representative (ties: the
    lexicographically smallest id), which keeps ids stable as unrelated papers are added.
    """
    ids = set(names) | set(aliases) | set(labels)
    forest = _UnionFind(ids)
    accepted: list[MergeLink] = []
    refused: dict[str, list[dict[str, str]]] = {}
    for link in _candidates(names, aliases):
        left = digit_signature(labels.get(link.holder, link.holder))
        right = digit_signature(labels.get(link.target, link.target))
        if left != right:
            refused.setdefault(link.holder, []).append({"id": link.target, "rule": "digit-guard", "alias": link.alias})
            continue
        if forest.union(link.holder, link.target):
            accepted.append(link)

    groups: dict[str, list[str]] = {}
    for entity_id in sorted(ids):
        groups.setdefault(forest.find(entity_id), []).append(entity_id)

    representative: dict[str, str] = {}
    merged_from: dict[str, list[dict[str, str]]] = {}
    adjacency: dict[str, list[MergeLink]] = {}
    for link in accepted:
        adjacency.setdefault(link.holder, []).append(link)
        adjacency.setdefault(link.target, []).append(link)
    for members in groups.values():
        rep = min(members, key=lambda m: (-paper_counts.get(m, 0), m))
        for member in members:
            representative[member] = rep
        merged_from[rep] = _explain(rep, adjacency)
    return MergePlan(representative, merged_from, refused)


def _explain(rep: str, adjacency: Mapping[str, list[MergeLink]]) -> list[dict[str, str]]:
    """One reason per absorbed id: the link that first reaches it from the representative."""
    reasons: list[dict[str, str]] = []
    seen = {rep}
    frontier = [rep]
    while frontier:
        next_frontier: list[str] = []
        for current in frontier:
            for link in adjacency.get(current, []):
                other = link.target if link.holder == current else link.holder
                if other in seen:
                    continue
                seen.add(other)
                next_frontier.append(other)
                reasons.append({"id": other, "into": current, "rule": link.rule, "alias": link.alias})
        frontier = sorted(next_frontier)
    return sorted(reasons, key=lambda r: r["id"])
