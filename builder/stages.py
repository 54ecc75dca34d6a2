"""The stages of a build, in the order their modules may import one another: a module may
import its own stage's modules and earlier stages', never a later stage's
(tests/test_architecture.py holds every module of builder/ to it, and to no import circles).

A rule is a module's dotted name, or a package's followed by ".*" for every module under it;
the longest rule that matches a module says its stage. docs/architecture.md walks through them.
"""

from __future__ import annotations

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # What every stage may use: the error catalogue, the errors, where things are, the fingerprint.
    ("base", ("builder", "builder.stages", "builder.codes", "builder.errors", "builder.paths", "builder.fingerprint")),
    ("source", ("builder.source.*",)),  # a source folder → the model
    ("import", ("builder.importer.*",)),  # archive pages → a source folder, read back through the source stage
    (
        "templates",
        (
            "builder.editions.templates",
            "builder.editions.html",
            "builder.editions.capabilities",
            "builder.editions.languages",
        ),
    ),
    ("editions", ("builder.editions.*",)),  # the writers and the registry of kinds
    ("checks", ("builder.checks.*",)),  # each kind's check, attached by the registry's dotted name
    ("release", ("builder.release.*",)),
    ("shelf", ("builder.shelf.*",)),
    ("preview", ("builder.preview.*",)),
    ("cli", ("builder.cli", "builder.__main__", "builder.new.*")),  # new: `folio new`, a shelf's template
)


def stage_of(module: str, stages: tuple[tuple[str, tuple[str, ...]], ...] = STAGES) -> int | None:
    """The position in `stages` of the stage a module belongs to, or None if no rule names it."""
    best: tuple[int, int] | None = None  # (length of the rule, stage)
    for number, (_, rules) in enumerate(stages):
        for rule in rules:
            package = rule.removesuffix(".*")
            if module == rule or (rule.endswith(".*") and (module == package or module.startswith(package + "."))):
                length = len(rule) + (0 if rule.endswith(".*") else 1)  # a module's own name beats its package's
                if best is None or length > best[0]:
                    best = (length, number)
    return None if best is None else best[1]
