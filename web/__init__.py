"""The web front ends: the editors' Gradio app and the LibreTranslate-compatible HTTP API, over one Service."""
