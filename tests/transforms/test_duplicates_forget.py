"""The features the stories stage remembers go when it is done (transforms/duplicates.py
`forget_features`), and come back the same when asked for again. Pure."""

from __future__ import annotations

from transforms import duplicates
from transforms.duplicates import forget_features

TEXT = "The harbour strike entered a second day. Dockers in Harbourton said talks had stalled again."
CACHES = (duplicates._sentence_terms, duplicates._word_shingles, duplicates._word_terms)


def test_forget_features_empties_every_remembered_feature() -> None:
    shingles, sentences = duplicates._word_shingles(TEXT), duplicates._sentence_terms(TEXT)
    assert all(cache.cache_info().currsize for cache in CACHES)
    forget_features()
    assert [cache.cache_info().currsize for cache in CACHES] == [0, 0, 0]
    assert duplicates._word_shingles(TEXT) == shingles
    assert duplicates._sentence_terms(TEXT) == sentences
