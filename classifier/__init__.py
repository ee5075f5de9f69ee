"""The text classifier: which rectification problem a message is about, its kind, and the accusation
and out-of-scope flags.

Pure Python (jieba for segmentation) that imports nothing from the application: the engine
(normalisation, text index, models, gates), the rules (``classifier.rules``: accusation, message kind;
the lexicon's out-of-scope words), its data (``classifier/data/``: the lexicon, the labelled sets, the
trained model) and its training, evaluation and threshold sweep (``python -m classifier``).
"""
