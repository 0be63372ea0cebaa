"""PocketSphinx acoustic models on disk: s3 files, derived models (8 kHz), speaker adaptation.

Helpers of `assistant.speech.pocketsphinx_engine`; nothing here loads a model at import time.
"""
