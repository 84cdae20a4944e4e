"""Gap analysis over a NetworkX projection of the graph (DESIGN.md §5).

Plain functions of a graph, in the networkx style:

>>> import natokg
>>> from natokg.analysis import project, technology_gaps
>>> G = project(natokg.load_graph().store)
>>> gap = technology_gaps(G)[0]
>>> gap.partner_label, gap.technology_label, gap.coverage_note
('Japan', 'robotics', 'none found')
"""

from natokg.analysis.config import Config, ConfigError, default_config, load_config
from natokg.analysis.gaps import (
    CoverageEvidence,
    Gap,
    PriorityReason,
    StrengthEvidence,
    explain_gap,
    gap_coverage,
    gap_priority,
    gap_strength,
    rescore,
    technology_gaps,
)
from natokg.analysis.project import project, project_graphs

__all__ = [
    "Config",
    "ConfigError",
    "CoverageEvidence",
    "Gap",
    "PriorityReason",
    "StrengthEvidence",
    "default_config",
    "explain_gap",
    "gap_coverage",
    "gap_priority",
    "gap_strength",
    "load_config",
    "project",
    "project_graphs",
    "rescore",
    "technology_gaps",
]
