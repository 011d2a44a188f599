"""Precomputed positions: deterministic, components packed without overlap, big components without SciPy."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from kgbuild.viz import layout as layout_module
from kgbuild.viz.layout import force_layout, layout


def _boxes(positions: dict, components: list[set]) -> list[tuple[float, float, float, float]]:
    boxes = []
    for members in components:
        xs = [positions[n][0] for n in members]
        ys = [positions[n][1] for n in members]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _graph() -> nx.Graph:
    """A 60-node hub with spokes, a 12-node cycle, three pairs and four lone nodes."""
    g = nx.Graph()
    g.add_edges_from(("hub", f"s{i}") for i in range(60))
    g.add_edges_from(nx.cycle_graph([f"c{i}" for i in range(12)]).edges())
    g.add_edges_from([("p0", "q0"), ("p1", "q1"), ("p2", "q2")])
    g.add_nodes_from(f"lone{i}" for i in range(4))
    return g


def test_every_node_gets_a_position_and_components_do_not_overlap() -> None:
    g = _graph()
    positions = layout(g.nodes, g.edges())
    assert set(positions) == set(g.nodes)
    components = list(nx.connected_components(g))
    for a, b in itertools.combinations(_boxes(positions, components), 2):
        apart = a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
        assert apart, (a, b)


def test_layout_is_deterministic_and_independent_of_input_order() -> None:
    g = _graph()
    first = layout(g.nodes, g.edges())
    again = layout(reversed(list(g.nodes)), list(g.edges())[::-1])
    assert first == again


def test_bigger_components_get_more_room() -> None:
    g = _graph()
    positions = layout(g.nodes, g.edges())
    hub, cycle = ({n for n in g if n == "hub" or n.startswith("s")}, {n for n in g if n.startswith("c")})
    (hx0, hy0, hx1, hy1), (cx0, cy0, cx1, cy1) = _boxes(positions, [hub, cycle])
    assert (hx1 - hx0) > (cx1 - cx0)


def test_big_components_use_the_numpy_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    # networkx's spring layout needs SciPy from 500 nodes on; kgbuild's own takes over there
    calls = []
    real = layout_module.force_layout
    monkeypatch.setattr(layout_module, "NX_MAX_NODES", 50)
    monkeypatch.setattr(layout_module, "force_layout", lambda g, seed: calls.append(len(g)) or real(g, seed))
    g = _graph()
    positions = layout(g.nodes, g.edges())
    assert calls == [61] and set(positions) == set(g.nodes)


def _unfolding(g: nx.Graph, positions: dict, corner: tuple[int, int]) -> float:
    """Corner-to-corner distance of a grid over its mean edge length: large when it lies flat."""

    def distance(a: object, b: object) -> float:
        return ((positions[a][0] - positions[b][0]) ** 2 + (positions[a][1] - positions[b][1]) ** 2) ** 0.5

    mean_edge = sum(distance(u, v) for u, v in g.edges()) / g.number_of_edges()
    return distance((0, 0), corner) / mean_edge


def test_force_layout_unfolds_a_grid_like_networkx() -> None:
    small = nx.grid_2d_graph(20, 20)  # 400 nodes: networkx's dense spring layout still applies
    ours = _unfolding(small, force_layout(small), (19, 19))
    theirs = _unfolding(small, nx.spring_layout(small, seed=42), (19, 19))
    assert ours > 0.9 * theirs


def test_force_layout_handles_big_components_deterministically() -> None:
    g = nx.grid_2d_graph(20, 30)  # 600 nodes: where networkx would need SciPy
    positions = force_layout(g)
    assert len(positions) == 600
    assert max(abs(c) for p in positions.values() for c in p) == pytest.approx(1.0)
    assert _unfolding(g, positions, (19, 29)) > 5
    assert force_layout(g) == positions


def test_tiny_inputs() -> None:
    assert layout([], []) == {}
    assert layout(["a"], []) == {"a": (0.0, 0.0)}
    two = layout(["a", "b"], [("a", "b"), ("a", "a")])  # a self-loop is ignored
    assert set(two) == {"a", "b"} and two["a"] != two["b"]


def test_separate_boxes_removes_label_overlaps() -> None:
    from kgbuild.viz.layout import separate_boxes

    positions = {"a": (0.0, 0.0), "b": (5.0, 2.0), "c": (5.0, 2.0), "d": (300.0, 0.0)}
    sizes = dict.fromkeys(positions, (80.0, 30.0))
    moved = separate_boxes(positions, sizes, iterations=200, margin=0.0)
    for u in moved:
        for v in moved:
            if u < v:
                apart_x = abs(moved[u][0] - moved[v][0]) >= 80 - 0.5
                apart_y = abs(moved[u][1] - moved[v][1]) >= 30 - 0.5
                assert apart_x or apart_y, (u, v, moved)
    assert moved["d"] == positions["d"]  # a node with room keeps its place
