"""Node positions computed in Python, so big views open with physics off and look the same every time.

Each connected component is laid out on its own and the components are then packed in rows,
largest first. One force layout over a disconnected graph flings the small components to the rim
and squeezes the big one into the middle (the founding corpus has ~200 components).

Components under ``NX_MAX_NODES`` nodes use networkx's ``spring_layout``. At and above that size
networkx switches to a SciPy-sparse Fruchterman-Reingold that loops over nodes in Python:
with SciPy installed it took 13.7 s for the 1,335-node founding graph and 102 s for 5,340 nodes,
and without SciPy it raises. Big components therefore use ``force_layout`` below: the same
algorithm, vectorised with numpy over row blocks so memory stays bounded.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

import networkx as nx
import numpy as np

Position = tuple[float, float]
LAYOUT_SEED = 42
NX_MAX_NODES = 500  # networkx's dense (numpy-only) spring layout is used below this size
NODE_SPACING = 110.0  # pixels per sqrt(node): a component of n nodes gets a disc of ~55*sqrt(n) radius
COMPONENT_GAP = 60.0  # pixels between packed components
ROW_BLOCK = 512  # rows of the pairwise-distance matrix handled at once in force_layout


def force_layout(graph: nx.Graph, seed: int = LAYOUT_SEED, iterations: int = 60) -> dict[Hashable, Position]:
    """Fruchterman-Reingold on numpy arrays in row blocks: O(n^2) time per step, O(n * ROW_BLOCK) memory.

    Positions are in roughly [-1, 1]; the caller scales them. Deterministic for a given node order
    and seed.
    """
    nodes = list(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in graph.edges() if u != v], dtype=np.int64).reshape(-1, 2)
    # float32 halves the memory traffic of the n x n blocks; the picture does not need more
    pos = np.random.default_rng(seed).random((n, 2)).astype(np.float32)
    k2 = np.float32(1.0 / n)  # squared ideal edge length in the unit square, as networkx uses
    k = math.sqrt(1.0 / n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        disp = np.empty_like(pos)
        # repulsion between every pair, k^2 / d, one block of rows at a time
        for start in range(0, n, ROW_BLOCK):
            stop = min(start + ROW_BLOCK, n)
            dx = x[start:stop, None] - x[None, :]
            dy = y[start:stop, None] - y[None, :]
            force = k2 / np.maximum(dx * dx + dy * dy, np.float32(1e-6))
            disp[start:stop, 0] = (dx * force).sum(axis=1)
            disp[start:stop, 1] = (dy * force).sum(axis=1)
        # attraction along edges, d^2 / k
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = delta * (np.linalg.norm(delta, axis=1, keepdims=True) / np.float32(k))
            np.subtract.at(disp, edges[:, 0], pull)
            np.add.at(disp, edges[:, 1], pull)
        length = np.maximum(np.linalg.norm(disp, axis=1, keepdims=True), np.float32(0.01))
        pos += disp * (np.float32(temperature) / length)
        temperature -= cooling
    pos -= pos.mean(axis=0)
    extent = float(np.abs(pos).max()) or 1.0
    pos /= extent
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, pos)}


def _component_layout(component: nx.Graph, seed: int) -> dict[Hashable, Position]:
    n = len(component)
    if n == 1:
        return {next(iter(component)): (0.0, 0.0)}
    if n == 2:
        a, b = sorted(component, key=str)
        return {a: (-0.5, 0.0), b: (0.5, 0.0)}
    if n < NX_MAX_NODES:
        raw = nx.spring_layout(component, seed=seed)
        return {node: (float(x), float(y)) for node, (x, y) in raw.items()}
    return force_layout(component, seed=seed)


def _scaled(positions: dict[Hashable, Position], n: int, spacing: float = NODE_SPACING) -> dict[Hashable, Position]:
    """Scale a unit layout so area grows with node count: a big component is not crammed."""
    radius = spacing * 0.5 * math.sqrt(n)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return {node: ((x - cx) / half * radius, (y - cy) / half * radius) for node, (x, y) in positions.items()}


def _pack(boxes: Sequence[tuple[float, float]], aspect: float = 1.6) -> list[Position]:
    """Top-left corners for boxes (width, height), placed in order, each as high up as it fits.

    A skyline packer: the filled region's lower edge is kept as (x, width, height) segments, and
    each box goes where the skyline under it is lowest (leftmost on ties). Row packing left big
    empty holes beside the one giant component; this fills them. The strip is as wide as a page
    ``aspect`` times wider than tall would be, and never narrower than the widest box.
    """
    gap = COMPONENT_GAP
    area = sum((w + gap) * (h + gap) for w, h in boxes)
    strip = max(math.sqrt(area * aspect), max((w + gap for w, _ in boxes), default=0.0))
    skyline: list[list[float]] = [[0.0, strip, 0.0]]  # [x, width, y] segments, left to right
    corners: list[Position] = []
    for w, h in boxes:
        need = w + gap
        best: tuple[float, float] | None = None
        for i, (x, _, _) in enumerate(skyline):
            if x + need > strip + 1e-6:
                break
            # the box rests on the highest segment it spans
            top, covered, j = 0.0, 0.0, i
            while covered < need - 1e-6 and j < len(skyline):
                top = max(top, skyline[j][2])
                covered = skyline[j][0] + skyline[j][1] - x
                j += 1
            if best is None or (top, x) < best:
                best = (top, x)
        top, x = best if best is not None else (max(s[2] for s in skyline), 0.0)
        corners.append((x, top))
        skyline = _raise(skyline, x, need, top + h + gap)
    return corners


def _raise(skyline: list[list[float]], x: float, width: float, y: float) -> list[list[float]]:
    """The skyline with [x, x + width) lifted to height y."""
    end = x + width
    out: list[list[float]] = []
    for sx, sw, sy in skyline:
        s_end = sx + sw
        if s_end <= x or sx >= end:
            out.append([sx, sw, sy])
            continue
        if sx < x:
            out.append([sx, x - sx, sy])
        if s_end > end:
            out.append([end, s_end - end, sy])
    out.append([x, width, y])
    out.sort(key=lambda seg: seg[0])
    merged: list[list[float]] = []
    for seg in out:
        if merged and merged[-1][2] == seg[2] and abs(merged[-1][0] + merged[-1][1] - seg[0]) < 1e-6:
            merged[-1][1] += seg[1]
        else:
            merged.append(seg)
    return merged


def _ordered_subgraph(graph: nx.Graph, members: list[Hashable]) -> nx.Graph:
    """A copy of ``graph`` restricted to ``members``, nodes and edges in ``members``' order.

    ``graph.subgraph`` iterates its nodes through a set, so the seeded layout's starting positions
    (assigned in node order) changed with PYTHONHASHSEED; a copy built in a fixed order does not.
    """
    sub: nx.Graph = nx.Graph()
    sub.add_nodes_from(members)
    inside = set(members)
    sub.add_edges_from((u, v) for u in members for v in graph.adj[u] if v in inside)
    return sub


def layout(
    nodes: Iterable[Hashable],
    edges: Iterable[tuple[Hashable, Hashable]],
    seed: int = LAYOUT_SEED,
    spacing: float = NODE_SPACING,
    aspect: float = 1.6,
) -> dict[Hashable, Position]:
    """Pixel positions for ``nodes``: components laid out separately, then packed largest first.

    ``spacing``: pixels per sqrt(node) of a component's disc; smaller packs tighter, so a page
    fitted to the screen draws its labels larger."""
    simple: nx.Graph[Hashable] = nx.Graph()
    simple.add_nodes_from(sorted(nodes, key=str))  # insertion order drives the seeded layout
    simple.add_edges_from(sorted(((u, v) for u, v in edges if u != v), key=lambda e: (str(e[0]), str(e[1]))))
    components = sorted(
        (sorted(c, key=str) for c in nx.connected_components(simple)),
        key=lambda c: (-len(c), str(c[0])),
    )
    placed: list[dict[Hashable, Position]] = []
    boxes: list[tuple[float, float]] = []
    for members in components:
        sub = _ordered_subgraph(simple, members)
        positions = _scaled(_component_layout(sub, seed), len(members), spacing)
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        placed.append({node: (x - min(xs), y - min(ys)) for node, (x, y) in positions.items()})
        boxes.append((max(xs) - min(xs), max(ys) - min(ys)))
    result: dict[Hashable, Position] = {}
    corners = _pack(boxes, aspect)
    for positions, (left, top) in zip(placed, corners):
        for node, (x, y) in positions.items():
            result[node] = (x + left, y + top)
    if result:
        # centre the picture on the origin, where vis-network looks first
        cx = (max(p[0] for p in result.values()) + min(p[0] for p in result.values())) / 2
        cy = (max(p[1] for p in result.values()) + min(p[1] for p in result.values())) / 2
        result = {node: (round(x - cx, 1), round(y - cy, 1)) for node, (x, y) in result.items()}
    return result


def separate_boxes(
    positions: dict[Hashable, Position],
    sizes: dict[Hashable, tuple[float, float]],
    iterations: int = 80,
    margin: float = 6.0,
) -> dict[Hashable, Position]:
    """Nudge nodes apart until their label boxes (width, height, centred) stop overlapping.

    A force layout places nodes, not their labels: in a dense cluster the labels print over
    each other. Each step moves every overlapping pair apart along the axis where they overlap
    least, half the overlap each; ``iterations`` bounds the work (O(n^2) per step, numpy).
    """
    nodes = list(positions)
    if len(nodes) < 2:
        return dict(positions)
    pos = np.array([positions[n] for n in nodes], dtype=np.float64)
    half = np.array([sizes[n] for n in nodes], dtype=np.float64) / 2 + margin / 2
    for _ in range(iterations):
        dx = pos[:, None, 0] - pos[None, :, 0]
        dy = pos[:, None, 1] - pos[None, :, 1]
        over_x = half[:, None, 0] + half[None, :, 0] - np.abs(dx)
        over_y = half[:, None, 1] + half[None, :, 1] - np.abs(dy)
        overlap = (over_x > 0) & (over_y > 0)
        np.fill_diagonal(overlap, False)
        if not overlap.any():
            break
        along_x = overlap & (over_x <= over_y)
        along_y = overlap & ~along_x
        # identical positions: break the tie by index so the pair still separates
        sx = np.where(dx == 0, np.sign(np.arange(len(nodes))[:, None] - np.arange(len(nodes))[None, :]), np.sign(dx))
        sy = np.where(dy == 0, np.sign(np.arange(len(nodes))[:, None] - np.arange(len(nodes))[None, :]), np.sign(dy))
        pos[:, 0] += (np.where(along_x, over_x * sx, 0.0) / 2).sum(axis=1) * 0.5
        pos[:, 1] += (np.where(along_y, over_y * sy, 0.0) / 2).sum(axis=1) * 0.5
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, pos)}
