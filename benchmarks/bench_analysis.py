"""Benchmark the whole gap analysis on synthetic graphs of growing size (a script, not a test).

For each size (default 10k, 100k and 1M triples) a fresh process generates a seeded
synthetic graph (benchmarks/synthetic.py), writes it as N-Triples, parses it back with
rdflib, projects it onto NetworkX and runs every analysis: technology gaps, channel and
agency gaps, brokerage (sampled betweenness above the configured size), link prediction with
its evaluation, and the robustness study. It prints the time of each stage and the peak
memory (resident set size) of the process, then the growth from one size to the next.

Usage::

    .venv/bin/python benchmarks/bench_analysis.py                 # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_analysis.py 10000 100000    # chosen sizes
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

STAGES = ["generate", "parse", "project", "gaps", "channels", "brokers", "links", "robustness"]


def peak_mb() -> float:
    """Return the process's peak resident set size so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(size: int, rounds: int, samples: int) -> dict[str, Any]:
    """Run every stage once on a graph of about `size` triples; return times and memory."""
    from rdflib import Graph
    from synthetic import generate

    from natokg import resources
    from natokg.analysis.channels import agency_gaps, channel_gaps
    from natokg.analysis.config import Config, default_config
    from natokg.analysis.gaps import technology_gaps
    from natokg.analysis.links import evaluate_links, suggest_links
    from natokg.analysis.metrics import brokerage
    from natokg.analysis.project import project_graphs
    from natokg.analysis.robustness import robustness
    from natokg.load import parse_file

    tree = default_config().as_dict()
    # The synthetic graph has its own channels: every programme and NATO body it makes.
    tree["channels"]["frameworks"] = [f"nkgid:syn-programme-{i}" for i in range(40)]
    tree["channels"]["frameworks"] += [f"nkgid:syn-body-{i}" for i in range(40)]
    config = Config(tree, "benchmark")
    times: dict[str, float] = {}
    memory: dict[str, float] = {}
    facts: dict[str, Any] = {}

    def stage(name: str, start: float) -> None:
        times[name] = time.perf_counter() - start
        memory[name] = peak_mb()

    start = time.perf_counter()
    data = generate(size).serialize(format="nt", encoding="utf-8")
    stage("generate", start)

    start = time.perf_counter()
    graph = Graph()
    graph.parse(data=data, format="nt")
    del data
    ontology = [parse_file(path) for path in resources.ontology_files()]
    stage("parse", start)
    facts["triples"] = len(graph)

    start = time.perf_counter()
    G = project_graphs([*ontology, graph])
    stage("project", start)
    facts["nodes"] = G.number_of_nodes()
    facts["edges"] = G.number_of_edges()
    facts["claims"] = len(G.graph["claims"])
    del graph

    start = time.perf_counter()
    gaps = technology_gaps(G, config)
    stage("gaps", start)
    facts["gaps"] = len(gaps)

    start = time.perf_counter()
    facts["channel_gaps"] = len(channel_gaps(G, config))
    facts["agency_gaps"] = len(agency_gaps(G, config))
    stage("channels", start)

    start = time.perf_counter()
    result = brokerage(G, config)
    stage("brokers", start)
    facts["tie_graph"] = f"{result.nodes} nodes, {result.edges} ties, sampled={result.sampled}"

    start = time.perf_counter()
    suggestions = suggest_links(G, config)
    evaluation = evaluate_links(G, config, rounds=rounds)
    stage("links", start)
    facts["suggestions"] = len(suggestions)
    facts["link_auc"] = {m.method: round(m.auc, 3) for m in evaluation.methods}
    facts["bipartite_edges"] = evaluation.edges

    start = time.perf_counter()
    study = robustness(G, config, samples=samples)
    stage("robustness", start)
    facts["candidates"] = study.candidates
    facts["robustness_tau_median"] = study.summary()["all_at_once"]["tau_median"]
    return {"size": size, "times": times, "memory": memory, "facts": facts}


def main() -> None:
    """Run each size in its own process and print the figures."""
    parser = argparse.ArgumentParser(description="Benchmark the gap analysis on synthetic graphs.")
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=5, help="link-prediction evaluation rounds")
    parser.add_argument("--samples", type=int, default=20, help="robustness: random draws")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rounds, args.samples)))
        return
    results = []
    for size in args.sizes:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--rounds",
                str(args.rounds),
                "--samples",
                str(args.samples),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            raise SystemExit(done.returncode)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        facts = result["facts"]
        print(
            f"\n== {facts['triples']:,} triples ({size:,} asked): {facts['nodes']:,} nodes, "
            f"{facts['edges']:,} edges, {facts['claims']:,} claims"
        )
        print(
            f"   tie graph {facts['tie_graph']}; {facts['gaps']} gaps of {facts['candidates']} candidates; "
            f"{facts['channel_gaps']} channel gaps; bipartite edges {facts['bipartite_edges']}; "
            f"AUC {facts['link_auc']}"
        )
        print(f"   {'stage':<11} {'seconds':>9} {'peak MB':>9}")
        for name in STAGES:
            print(f"   {name:<11} {result['times'][name]:>9.2f} {result['memory'][name]:>9.0f}")
        analysis = sum(result["times"][n] for n in STAGES[2:])
        print(f"   {'analysis':<11} {analysis:>9.2f}   (project to robustness)")
    for before, after in itertools.pairwise(results):
        ratio = after["facts"]["triples"] / before["facts"]["triples"]
        sizes = f"{before['facts']['triples']:,} -> {after['facts']['triples']:,} triples"
        print(f"\ngrowth {sizes} (x{ratio:.1f}):")
        for name in STAGES:
            t0, t1 = before["times"][name], after["times"][name]
            print(f"   {name:<11} time x{t1 / t0 if t0 else float('nan'):.1f}")
        a0 = sum(before["times"][n] for n in STAGES[2:])
        a1 = sum(after["times"][n] for n in STAGES[2:])
        m0, m1 = before["memory"]["robustness"], after["memory"]["robustness"]
        print(f"   {'analysis':<11} time x{a1 / a0:.1f}; peak memory x{m1 / m0:.1f}")


if __name__ == "__main__":
    main()
