"""Train on a tiny data set with the real encoder, save, load, and get the same answers."""

import json

import numpy as np
import pytest

from classifier import Classifier
from classifier.data import load_documents
from classifier.errors import TrainingDataError
from classifier.persistence import load_model, save_model
from classifier.train import train

SEGMENTS = {
    "research_scientist": [
        "Publish first-author papers at NeurIPS and ICML.",
        "Set a research agenda on alignment.",
        "Develop novel learning algorithms with theoretical guarantees.",
        "PhD in machine learning required.",
    ],
    "research_engineer": [
        "Implement papers and reproduce their results in JAX.",
        "Run large post-training jobs with GRPO.",
        "Build research evaluation harnesses for scientists.",
        "Write fast PyTorch research code for ablations.",
    ],
    "ml_engineer": [
        "Own fraud models from feature pipelines to production.",
        "Monitor drift and retrain ranking models.",
        "Run A/B tests on recommendation models.",
        "Build training pipelines in Airflow and MLflow.",
    ],
    "ml_infra_engineer": [
        "Operate GPU clusters with Kubernetes and Slurm.",
        "Tune NCCL collectives over InfiniBand.",
        "Build inference serving with vLLM and TensorRT-LLM.",
        "Write CUDA kernels for attention.",
    ],
    "applied_ai_engineer": [
        "Build RAG features on top of LLM APIs.",
        "Design prompts and evals for our copilot.",
        "Ship agents that call tools for customers.",
        "Add guardrails and cut cost per LLM call.",
    ],
    "out_of_scope": [
        "Build React components for our checkout page.",
        "Write SQL dashboards for the finance team.",
        "Care for patients on the cardiac ward.",
        "Source candidates for engineering roles.",
    ],
    "neutral": [
        "We offer a pension and 25 days of holiday.",
        "We are an equal opportunity employer.",
        "Salary range: $120,000 to $150,000.",
        "Hybrid working from our Leeds office.",
    ],
}


def _write(tmp_path, segments=SEGMENTS):
    (tmp_path / "segments").mkdir(parents=True)
    (tmp_path / "documents").mkdir()
    with open(tmp_path / "segments" / "all.jsonl", "w") as fh:
        for label, texts in segments.items():
            for t in texts:
                fh.write(json.dumps({"text": t, "label": label, "source": "jd"}) + "\n")
    docs, split = [], {}
    labels = [k for k in segments if k != "neutral"]
    for i, label in enumerate(labels):
        for j, part in enumerate(("train", "train", "val", "test")):
            lines = segments[label][j:] + segments[label][:j]
            text = "\n".join(f"- {t}" for t in lines) + "\n" + segments["neutral"][j]
            doc_id = f"{label}-{j}"
            docs.append({"id": doc_id, "kind": "jd", "title": None, "text": text, "label": label})
            split[doc_id] = part
        if label != "out_of_scope":  # a mixed JD per archetype
            other = labels[(i + 1) % 5]
            text = "\n".join(segments[label][:3] + segments[other][:2])
            docs.append(
                {
                    "id": f"mix-{label}",
                    "kind": "jd",
                    "text": text,
                    "label": label,
                    "mixed_with": other,
                    "second_share": 0.4,
                }
            )
            split[f"mix-{label}"] = ("train", "val", "test", "train", "val")[i]
    with open(tmp_path / "documents" / "docs.jsonl", "w") as fh:
        fh.writelines(json.dumps(d) + "\n" for d in docs)
    (tmp_path / "split.json").write_text(json.dumps(split))
    return tmp_path


@pytest.mark.slow
def test_train_save_load_classify(tmp_path, encoder):
    data = _write(tmp_path / "data")
    model, report = train(encoder, data, log=lambda m: None)
    assert report["counts"]["segments"] == 28
    assert 0.05 < model.temperature < 20
    save_model(model, tmp_path / "model", encoder=encoder.name, training=report)
    loaded, manifest = load_model(tmp_path / "model")
    assert manifest["training"]["data_hash"] == report["data_hash"]
    a = Classifier(model, encoder).classify("Operate our GPU clusters and tune NCCL for training jobs.")
    b = Classifier(loaded, encoder).classify("Operate our GPU clusters and tune NCCL for training jobs.")
    assert a.probabilities == b.probabilities
    assert a.archetype == "ml_infra_engineer"
    assert np.isclose(sum(a.probabilities.values()), 1.0, atol=1e-3)


def test_bad_training_line_names_file_and_line(tmp_path):
    data = _write(tmp_path / "data")
    with open(data / "documents" / "docs.jsonl", "a") as fh:
        fh.write('{"id": "x", "text": "hello"\n')
    with pytest.raises(TrainingDataError, match=r"docs.jsonl:\d+: not valid JSON"):
        load_documents(data)


def test_review_floor_is_the_lowest_that_catches_the_share_of_errors():
    from classifier.train import fit_review_rule

    # Ten documents, class 0 always predicted; confidences spread 0.55 .. 0.95 (as logits).
    conf = np.array([0.55, 0.62, 0.67, 0.72, 0.77, 0.82, 0.86, 0.88, 0.92, 0.95])
    probs = np.tile((1 - conf)[:, None] / 5, (1, 6))
    probs[:, 0] = conf
    logits = np.log(probs)
    labels = np.zeros(10, dtype=int)
    labels[[1, 5, 7]] = 1  # the errors sit at 0.62, 0.82 and 0.88
    assert fit_review_rule(logits, labels, 2 / 3).min_confidence == 0.85  # 0.62 and 0.82 below 0.85
    assert fit_review_rule(logits, labels, 1.0).min_confidence == 0.9
    assert fit_review_rule(logits, labels, 0.3).min_confidence == 0.65  # 0.62 alone
    assert fit_review_rule(logits, np.zeros(10, dtype=int), 0.9).min_confidence == 0.6  # no errors: default
