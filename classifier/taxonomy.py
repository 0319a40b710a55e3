"""The five archetypes, the out-of-scope outcome, and what a job title says about them.

Labels live here and only here: schemas, CLI output and training data all use these values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    """The six outcomes a document can get."""

    RESEARCH_SCIENTIST = "research_scientist"
    RESEARCH_ENGINEER = "research_engineer"
    ML_ENGINEER = "ml_engineer"
    ML_INFRA_ENGINEER = "ml_infra_engineer"
    APPLIED_AI_ENGINEER = "applied_ai_engineer"
    OUT_OF_SCOPE = "out_of_scope"


ARCHETYPES: tuple[Label, ...] = tuple(label for label in Label if label is not Label.OUT_OF_SCOPE)
OUTCOMES: tuple[Label, ...] = tuple(Label)
NEUTRAL = "neutral"  # segment-level only: content that carries no archetype
SEGMENT_CLASSES: tuple[str, ...] = (*[label.value for label in OUTCOMES], NEUTRAL)


@dataclass(frozen=True)
class ArchetypeInfo:
    label: Label
    name: str
    summary: str
    evidence: str
    colour: str  # used by the lint page


TAXONOMY: dict[Label, ArchetypeInfo] = {
    Label.RESEARCH_SCIENTIST: ArchetypeInfo(
        Label.RESEARCH_SCIENTIST,
        "Research Scientist",
        "Closest to the frontier; originates new methods and publishes them.",
        "PhD, first-author papers at NeurIPS/ICML/ICLR/ACL/CVPR, a research agenda, hypotheses, "
        "novel algorithms, theory, interpretability or alignment research, scaling-law studies.",
        "#7b3fa0",
    ),
    Label.RESEARCH_ENGINEER: ArchetypeInfo(
        Label.RESEARCH_ENGINEER,
        "Research Engineer",
        "Turns research ideas into running experiments at scale; co-authors; no doctorate needed.",
        "Implementing papers, large-scale pre-training and post-training runs (SFT, preference "
        "optimisation, RL), RL environments, research eval harnesses, PyTorch/JAX research code.",
        "#1f6fb2",
    ),
    Label.ML_ENGINEER: ArchetypeInfo(
        Label.ML_ENGINEER,
        "Machine Learning Engineer",
        "Owns the full model lifecycle in production.",
        "Data and feature pipelines, training and tuning, deployment, monitoring and drift, "
        "retraining, A/B tests, ranking/recommendation/fraud/forecasting models, MLOps.",
        "#1b8a4b",
    ),
    Label.ML_INFRA_ENGINEER: ArchetypeInfo(
        Label.ML_INFRA_ENGINEER,
        "ML Infrastructure / Platform Engineer",
        "Builds the distributed-training and GPU systems everyone else depends on.",
        "GPU clusters, Kubernetes/Slurm, FSDP/DeepSpeed/Megatron, NCCL, checkpointing, inference "
        "engines and kernels (vLLM, TensorRT-LLM, Triton, CUDA), ML platforms, cost of compute.",
        "#c0561b",
    ),
    Label.APPLIED_AI_ENGINEER: ArchetypeInfo(
        Label.APPLIED_AI_ENGINEER,
        "Applied AI Engineer",
        "Ships products on top of foundation-model APIs; may never train a model.",
        "LLM APIs, prompt design, retrieval-augmented generation, agents and tool use, evals for "
        "LLM features, guardrails, latency and cost per call, product and full-stack work.",
        "#b8326e",
    ),
    Label.OUT_OF_SCOPE: ArchetypeInfo(
        Label.OUT_OF_SCOPE,
        "Out of scope",
        "Not one of the five AI/ML archetypes (e.g. frontend, data analyst, recruiter, nurse).",
        "Work that is not building, training, serving or researching ML models or LLM products.",
        "#6b6b6b",
    ),
}

# Title reading. A title is matched against these patterns (case-insensitive); every pattern that
# matches adds its labels. Qualifiers count: "Research Engineer, Infrastructure" names both
# research_engineer and ml_infra_engineer. Titles that name no archetype ("Member of Technical
# Staff", "Software Engineer") say nothing and never cause a mismatch.
_A, _S, _E, _M, _I = (
    Label.APPLIED_AI_ENGINEER,
    Label.RESEARCH_SCIENTIST,
    Label.RESEARCH_ENGINEER,
    Label.ML_ENGINEER,
    Label.ML_INFRA_ENGINEER,
)
_TITLE_RULES: list[tuple[str, tuple[Label, ...]]] = [
    (r"\bapplied\s+scientist\b", (_S, _M)),
    (r"\bresearch\s+scientist\b|\b(ai|ml)\s+researcher\b|\bresearcher\b|\bpostdoc", (_S,)),
    # "Data Scientist" names no archetype (it spans analytics to modelling); "Machine Learning
    # Scientist" reads like "Applied Scientist".
    (r"\b(machine\s+learning|ml)\s+scientist\b", (_S, _M)),
    (r"(?<!data )(?<!learning )(?<!ml )(?<!applied )\bscientist\b", (_S,)),
    (r"\bresearch\s+(software\s+)?engineer", (_E,)),
    (r"\bmachine\s+learning\s+engineer|\bml\s*engineer|\bmlops\b|\bml\s+ops\b", (_M,)),
    (r"\bsoftware\s+engineer,?\s*(\(|-|,)?\s*(machine\s+learning|ml)\b", (_M,)),
    (
        r"\binfra(structure)?\b|\bplatform\b|\bgpu\b|\binference\b|\bdistributed\s+training\b"
        r"|\bhpc\b|\bcompute\b|\bkernel",
        (_I,),
    ),
    (
        r"\bai\s+engineer|\bllm\b|\bgen\s*ai\b|\bgenerative\s+ai\b|\bapplied\s+ai\b"
        r"|\bprompt\s+engineer|\bforward[\s-]+deployed|\bai\s+(solutions|product)\s+engineer"
        r"|\bai\s+developer|\bengineer,?\s*(\(|-|,)?\s*ai\b",
        (_A,),
    ),
    (
        r"\bfront[\s-]?end\b|\bdata\s+analyst\b|\banalytics\s+engineer\b|\bdata\s+engineer\b"
        r"|\brecruit|\bsourcer\b|\bnurse\b|\bteacher\b|\baccount\s+executive\b|\bsales\b"
        r"|\bproduct\s+manager\b|\bproject\s+manager\b|\bdesigner\b|\baccountant\b"
        r"|\bsite\s+reliability\b|\bsre\b|\bdevops\b|\bannotat|\blabell?er\b|\bmobile\b"
        r"|\bios\b|\bandroid\b|\bqa\b|\btechnical\s+writer\b|\bcustomer\s+success\b",
        (Label.OUT_OF_SCOPE,),
    ),
]
_COMPILED_TITLE_RULES = [(re.compile(p, re.IGNORECASE), labels) for p, labels in _TITLE_RULES]


def title_labels(title: str | None) -> frozenset[Label]:
    """The outcomes a job title names; empty when the title says nothing about the archetype.

    >>> sorted(title_labels("Research Engineer, Infrastructure"))
    [<Label.RESEARCH_ENGINEER: 'research_engineer'>, <Label.ML_INFRA_ENGINEER: 'ml_infra_engineer'>]
    >>> title_labels("Member of Technical Staff")
    frozenset()
    """
    if not title or not title.strip():
        return frozenset()
    found: set[Label] = set()
    for pattern, labels in _COMPILED_TITLE_RULES:
        if pattern.search(title):
            found.update(labels)
    # An ML title that also trips a non-ML word ("ML Platform Product Manager") is read as non-ML
    # only when nothing ML-specific matched.
    if Label.OUT_OF_SCOPE in found and len(found) > 1:
        ml_only = found - {Label.OUT_OF_SCOPE}
        if re.search(r"\bmanager\b|\brecruit|\bsales\b|\banalyst\b", title, re.IGNORECASE):
            return frozenset({Label.OUT_OF_SCOPE})
        return frozenset(ml_only)
    return frozenset(found)


def title_mismatch(title: str | None, body_label: Label) -> bool:
    """True when the title names outcomes and the body's verdict is none of them."""
    named = title_labels(title)
    return bool(named) and body_label not in named
