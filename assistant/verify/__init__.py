"""Verifying a claim: retrieve evidence, judge each source's stance, aggregate into a verdict with citations."""
