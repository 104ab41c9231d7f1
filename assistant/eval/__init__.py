"""Measurement: labelled case suites replayed, public benchmarks, metrics, floors and reports.

Imported only by the ``eval`` command (and the benchmark and training scripts), never by the product itself.
"""
