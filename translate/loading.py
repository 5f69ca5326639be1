"""Loading a model once per process, whatever it is: a transformers model (hub id or folder,
:mod:`translate.models`) or a native CTranslate2 folder (:mod:`translate.native`)."""

from __future__ import annotations

import functools

from translate.models import LoadedModel, load_transformers_model
from translate.native import is_native, load_native


@functools.cache
def load_model(name: str, device: str = "cpu", dtype: str | None = None, *, option: str = "model") -> LoadedModel:
    """The model ``name`` (a hub id or a local folder), loaded once per process: its tokenizer and
    configuration now, its weights on first use. Errors name ``option``, the run-configuration setting that
    chose it (``model``, ``summary_model``, ``arabic_model``)."""
    if is_native(name):  # a native CTranslate2 folder (or a hub id that is one): no transformers files
        return load_native(name, device, dtype, option=option)
    return load_transformers_model(name, device, dtype, option=option)
