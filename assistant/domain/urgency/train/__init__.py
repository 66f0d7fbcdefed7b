"""Training the urgency classifier: a generated dataset and a logistic regression fitted with numpy."""
