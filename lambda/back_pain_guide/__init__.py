"""Back Pain Guide: an Alexa custom skill that answers questions about back pain."""
