"""How urgent a caller's reason sounds: word forms, negation, and a small trained text classifier."""
