"""Breadth-first searches from many sources at once, as sparse matrix products (private).

Brandes' algorithm counts shortest paths from a source level by level, then lets each
node's dependency flow back to its predecessors. For unweighted graphs both passes are
products of the adjacency matrix with a matrix holding one column per source, so a batch
of searches costs a few dozen sparse products instead of a Python loop over every edge
for every source (a minute for 200 sources on a tie graph of 20,000 nodes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["adjacency", "dependencies", "searches"]


def adjacency(T: Any) -> tuple[list[str], dict[str, int], Any]:
    """Return the nodes of `T`, their positions, and its 0/1 adjacency matrix (CSR)."""
    import networkx as nx
    import numpy as np

    nodes = list(T.nodes())
    A = nx.to_scipy_sparse_array(T, nodelist=nodes, weight=None, dtype=np.dtype(np.float64), format="csr")
    return nodes, {node: i for i, node in enumerate(nodes)}, A


def searches(A: Any, rows: NDArray[np.intp]) -> tuple[NDArray[np.float64], NDArray[np.int32], int]:
    """Search from the nodes `rows` (one column each) of the graph with adjacency matrix `A`.

    Returns
    -------
    tuple
        ``sigma`` (shortest paths from each source to each node), ``dist`` (levels, -1
        where unreached) and the deepest level reached.
    """
    import numpy as np

    n, columns = A.shape[0], np.arange(len(rows))
    sigma = np.zeros((n, len(rows)))
    sigma[rows, columns] = 1.0
    dist = np.full((n, len(rows)), -1, dtype=np.int32)
    dist[rows, columns] = 0
    frontier, level = sigma.copy(), 0
    while True:
        reached = A @ frontier  # paths into each node from the last level
        new = (dist < 0) & (reached > 0)
        if not new.any():
            return sigma, dist, level
        level += 1
        dist[new] = level
        sigma[new] = reached[new]
        frontier = np.where(new, sigma, 0.0)


def dependencies(
    A: Any, sigma: NDArray[np.float64], dist: NDArray[np.int32], level: int, gain: Any
) -> NDArray[np.float64]:
    """Return Brandes' dependencies: what each node passes on of the paths through it.

    Parameters
    ----------
    A, sigma, dist, level
        The graph and one of its `searches`.
    gain
        What reaching a node is worth, per node and source: 1 everywhere for betweenness,
        1 at the targets only for a dependency on some targets.
    """
    import numpy as np

    delta = np.zeros_like(sigma)
    for depth in range(level, 0, -1):
        here = dist == depth
        coefficient = np.where(here, (gain + delta) / np.where(here, sigma, 1.0), 0.0)
        delta += np.where(dist == depth - 1, sigma * (A @ coefficient), 0.0)
    return delta
