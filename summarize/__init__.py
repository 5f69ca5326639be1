"""Short bilingual (English and Arabic) summaries of news articles."""

from summarize.summarizer import BilingualSummary, Summarizer

__all__ = ["BilingualSummary", "Summarizer"]
