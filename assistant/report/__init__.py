"""Results shown: on the terminal and as JSON, as an HTML report, as schema.org ClaimReview."""
