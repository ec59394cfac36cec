"""ASK SDK handler classes, one module per concern, and the order they are tried in."""
