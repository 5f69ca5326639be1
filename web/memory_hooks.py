"""The Paste tab and the translation memory: an editor's changes saved as edits (a change back to the
machine's English forgets the edit), the memory's near matches offered beside the model's alternatives,
and memory rows described in words."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr

from translate.translator import Segment, Translation, Translator

FUZZY_THRESHOLD = 0.85  # near matches offered as alternatives: at least 85 % similar Arabic
FUZZY_LIMIT = 3
MEMORY_FLAG = "memory"  # the flag-like word of a row whose English came from the memory


def editor_of(request: Any) -> str | None:
    """Who made an edit: the logged-in user of the Gradio ``request`` (None without logins)."""
    return getattr(request, "username", None) or None


def bound_editing(handler: Callable, service: Any) -> Callable:
    """``handler`` (``handler(service, *inputs, editor=None)``) with ``service`` bound and the editor taken
    from the Gradio request: the page's inputs, then the request, which Gradio passes by its annotation."""
    inputs = [p for p in inspect.signature(handler).parameters.values() if p.name not in ("service", "editor")]

    def call(*args: Any) -> Any:
        *given, request = args
        return handler(service, *given, editor=editor_of(request))

    functools.update_wrapper(call, handler)
    del call.__wrapped__  # the signature below, not the handler's, is what Gradio reads
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request)
    call.__signature__ = inspect.Signature([p.replace(annotation=inspect.Parameter.empty) for p in inputs] + [request])
    call.__annotations__ = {"request": gr.Request}
    return call


def remember_edits(translator: Translator, machine: Translation, before: Sequence[str], after: Sequence[str],
                   editor: str | None) -> None:
    """Save in ``translator``'s memory each sentence whose English changed from ``before`` to ``after``: an
    edit, or, when the editor put back the model's own English, the edit forgotten. Nothing without a memory."""
    memory = translator.memory
    if memory is None:
        return
    signature = None
    for segment, old, new in zip(machine.segments, before, after, strict=True):
        old, new = " ".join(old.split()), " ".join(new.split())
        if old == new:
            continue
        if new == segment.target and segment.memory is None:
            memory.revert(segment.source, editor=editor)
            continue
        signature = signature or translator.memory_signature()
        memory.save_edit(segment.source, new, editor=editor, signature=signature,
                         terms=translator.terms(segment.source))


def suggestions(translator: Translator, source: str) -> list[tuple[str, str]]:
    """The memory's edited English of sentences whose Arabic is at least 85 % like ``source``, as
    (label, English) choices: offered, never applied until the editor picks one."""
    if translator.memory is None:
        return []
    found = translator.memory.fuzzy(source, threshold=FUZZY_THRESHOLD, limit=FUZZY_LIMIT)
    return [(f"From the memory, {similarity:.0%} similar ({who_and_when(entry.editor, entry.when)}): {entry.target}",
             entry.target) for entry, similarity in found]


def who_and_when(editor: str | None, when: Any) -> str:
    """``edited by alice on 2026-12-03`` (``edited on ...`` without a name)."""
    day = when.date().isoformat() if hasattr(when, "date") else str(when or "")[:10]
    return " ".join(part for part in ("edited", f"by {editor}" if editor else "", f"on {day}" if day else "") if part)


def memory_words(segment: Segment) -> str:
    """What the review table's flags column says of a row from the memory (``""`` for the others):
    ``Memory: edited by alice on 2026-12-03``, or the model's English remembered from an earlier run."""
    mark = segment.memory
    if not mark:
        return ""
    if mark.get("origin") == "edited":
        return f"Memory: {who_and_when(mark.get('editor'), mark.get('when'))}"
    return f"Memory: the model's English from {str(mark.get('when') or '')[:10] or 'an earlier run'}"
