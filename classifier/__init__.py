"""archetype: name the AI/ML archetype of a job description or resume, and flag JDs that mix two.

>>> from classifier import Classifier                          # doctest: +SKIP
>>> clf = Classifier.load()                                   # doctest: +SKIP
>>> r = clf.classify(open("jd.txt").read(), title="ML Engineer")  # doctest: +SKIP
>>> r.archetype, r.mixed, r.mixed_with                        # doctest: +SKIP
('ml_engineer', True, 'research_scientist')
"""

from __future__ import annotations

from .errors import ArchetypeError, InputError, ModelError
from .kind import Kind
from .pipeline import Classifier, Document, default_model_dir
from .results import Classification, Evidence
from .taxonomy import ARCHETYPES, TAXONOMY, Label

__all__ = [
    "ARCHETYPES",
    "ArchetypeError",
    "Classification",
    "Classifier",
    "Document",
    "Evidence",
    "InputError",
    "Kind",
    "Label",
    "ModelError",
    "TAXONOMY",
    "default_model_dir",
]
