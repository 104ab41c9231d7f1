"""Answering questions from the corpus, with cited passages and every stated sentence checked."""
