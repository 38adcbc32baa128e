"""Review, evaluation and the national collection: models come with the review work."""
