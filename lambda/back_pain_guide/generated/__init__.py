"""Files generated from content/ and the search code by ``make generate``: never edit them by hand.

``validators/`` (tools/build_validators.py: the content schemas, precompiled), ``stems.json``
(tools/build_stems.py: the stem of every content word) and ``search_index.bin``
(tools/build_index.py: the free-form search index). A test fails when any is stale.
"""
