"""The text console (console.py), its language-understanding stand-in (nlu.py) and the request
envelopes they build (envelopes.py). Local only: the Lambda package leaves this folder out."""
