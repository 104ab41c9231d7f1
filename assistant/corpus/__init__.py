"""The corpus: articles loaded (text, HTML, PDF, feeds), chunked with offsets, embedded and stored."""
