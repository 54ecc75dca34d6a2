"""What pyproject.toml cannot say: the repository's top-level styles/ (and the checkers'
scripts) go into the package as builder/styles (builder/scripts), so that an installed Folio
carries them; in the repository they stay where they are (builder/paths.py finds either)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["builder*"]), "builder.styles", "builder.scripts"],
    package_dir={"builder.styles": "styles", "builder.scripts": "scripts"},
)
