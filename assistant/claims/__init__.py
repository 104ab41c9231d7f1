"""Claims of an article: extracted with their spans, and checked one by one against the corpus."""
