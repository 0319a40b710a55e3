"""Original test documents (written for these tests, not taken from any posting or resume)."""

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "classifier" / "examples"
MIXED_JD = (EXAMPLES / "mixed_jd.txt").read_text()
ML_JD = (EXAMPLES / "ml_engineer_jd.txt").read_text()

INFRA_JD = """We need someone to keep our training fleet healthy. You will run a 2,000-GPU cluster on
Kubernetes and Slurm, chase down NCCL hangs and slow InfiniBand links, make checkpointing survive
node failures, and help researchers launch FSDP and DeepSpeed jobs that use the hardware well.
Experience with CUDA, Linux performance tools and cluster schedulers is expected."""

APPLIED_JD = """Applied AI Engineer. Build the assistant inside our legal-research product on top of
hosted LLM APIs. You will design prompts, build the retrieval pipeline (chunking, embeddings,
pgvector, reranking) so answers cite their sources, write evals for every feature, add guardrails,
and keep latency and cost per request in check. TypeScript and Python; no model training."""

RS_RESUME = """Dr. Lena Ortiz
Research Scientist
Summary: I study how reasoning emerges in language models and design new training objectives.
Experience
Senior Research Scientist, Corvid Labs, 2021 - Present
- Led a research agenda on length generalisation; 4 first-author papers
- Proposed a new attention variant with provable extrapolation bounds
Education
PhD, Machine Learning, 2021
Publications
- Ortiz L. et al. Position Coupling for Length Generalisation. NeurIPS 2023.
- Ortiz L., Chen M. A Theory of In-Context Copying. ICLR 2024."""

NURSE_JD = """Registered Nurse, Cardiac Ward. You will assess and monitor patients after heart
surgery, give medications, update care plans and support families. Requirements: an active RN
licence, BLS and ACLS certification, and two years of acute-care experience. Night shifts rotate."""

ANALYST_JD = """Data Analyst, Marketing. Build dashboards in Looker and Tableau, write SQL against our
warehouse to report campaign performance, and present weekly insights to the marketing leads.
Strong Excel, SQL and storytelling skills required."""

BOILERPLATE = """About us
Founded in 1998, Meridian Health Partners serves patients in 14 states and employs 9,000 people.
We believe great care starts with great teams, and we invest in every one of our people.

Benefits
Medical, dental and vision coverage from day one. A 401(k) with a 5% match. 24 days of paid time
off, 16 weeks of paid parental leave, a $2,000 learning budget and a home-office stipend.
The salary range for this position is $140,000 to $175,000 plus an annual bonus.

Equal opportunity
Meridian is an equal opportunity employer. We do not discriminate on the basis of race, religion,
colour, national origin, sex, sexual orientation, gender identity, age, disability or veteran
status. If you need an accommodation during the application process, email our recruiting team.

How to apply
Send your CV and a short note. We reply to every applicant within two weeks.
"""

# ML_JD with as many ML-platform duties as model duties: a blend with no clear lead.
_ANCHOR = "* Agree offline and online metrics with the fraud team and run champion/challenger tests.\n"
assert _ANCHOR in ML_JD
EVEN_BLEND_JD = ML_JD.replace(
    _ANCHOR,
    _ANCHOR
    + "* Run the GPU cluster our training jobs share, with Kubernetes scheduling and quotas.\n"
    + "* Build the low-latency inference platform every team deploys its models to.\n"
    + "* Keep distributed training fast and fault tolerant with checkpointing at scale.\n"
    + "* Own GPU utilisation and compute cost dashboards and act on them.\n"
    + "* Be on call for the ML platform and its model registry.\n"
    + "* Tune NCCL collectives and the cluster's InfiniBand fabric for multi-node jobs.\n",
)
