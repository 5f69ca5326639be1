"""Orchestration over the translation and summary libraries: the batch job (:mod:`jobs.batch`), where its
workers run (:mod:`jobs.backends`), and the evaluation run and report (:mod:`jobs.evaluate`, :mod:`jobs.report`)."""
