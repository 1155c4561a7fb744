"""pytest collects the markdown pages here as doctests; not Sphinx's config or output."""

collect_ignore: list[str] = ["_build", "conf.py", "rule-catalogue.md"]
