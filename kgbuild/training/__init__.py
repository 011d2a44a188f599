"""Training kgbuild's learned components from the annotated corpus (``eval/annotated``).

Kept outside ``kgbuild.nlp`` on purpose: the extraction cache's fingerprint covers that package,
and retraining code (unlike the models it writes) does not change what extraction produces.
"""
