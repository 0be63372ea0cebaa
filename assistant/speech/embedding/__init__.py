"""The embedding speech engine: Google's speech embedding, a small word model trained by
Facet, and CTC decoding bound to the dialogue's grammars (see `engine`)."""
