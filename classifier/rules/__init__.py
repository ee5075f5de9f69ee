"""Hand-written rules of the classifier: accusation evidence, misdeed patterns, message kind."""
