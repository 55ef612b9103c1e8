"""Roadmap pages, one module per audience or page family: ``pages`` (lists, a roadmap, a
measure), ``editor`` (the department's editor, participants, approval, amendments),
``executions`` (the curators' measures and reports, the review queue, reminders),
``documents`` (the order and the execution report as files, a roadmap imported from a file),
``dashboard`` (the head's dashboard and its Excel)."""
