"""The catalogue as a readable page: rules, conditions, parameters by period, sources.

``catalogue_markdown()`` writes the rule catalogue page of the docs (a small
legislation explorer) from the policies themselves, so the page cannot drift from
the code.
"""

from __future__ import annotations

from fpcore.policies._catalogue import get, list_policies
from fpcore.rules import Parameter, Policy
from fpcore.rules._parameters import render_value


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _parameter_rows(parameter: Parameter) -> list[str]:
    rows = []
    for entry in parameter.values:
        until = entry.until.isoformat() if entry.until else ""
        rows.append(
            f"| {entry.start.isoformat()} | {until} | {_escape(render_value(entry.value))} "
            f"| {_escape(str(entry.citation))} |"
        )
    return rows


def policy_markdown(policy: Policy) -> str:
    """One policy as markdown: its rules (with conditions and sources), settings, and
    every parameter's values by period with their citations."""
    lines = [
        f"## {policy.title or policy.id}",
        "",
        f"Policy id `{policy.id}`, version `{policy.version}`, content hash "
        f"`{policy.content_hash}`.",
        "",
    ]
    for rule in policy.rules:
        until = rule.effective_until.isoformat() if rule.effective_until else "open"
        lines += [
            f"### {rule.title_en} ({rule.title_zh}) `{rule.id}`",
            "",
            f"Benefit `{rule.benefit}`, per {rule.entity}, in force "
            f"{rule.effective_from.isoformat()} to {until}.",
            "",
            "Conditions, all required:",
            "",
        ]
        for c in rule.conditions:
            when = ", ".join(f"`{k}` = {v}" for k, v in sorted(c.only_when.items()))
            cited = f" Source: {_escape(str(c.citation))}." if c.citation else ""
            lines.append(
                f"- `{c.code}`{f' (when {when})' if when else ''}: {c.en} ({c.zh}).{cited}"
            )
        lines.append("")
        if rule.outcome is not None:
            lines += [f"Monthly outcome: `{rule.outcome.key()}`", ""]
        for exception in rule.exceptions:
            lines.append(
                f"- exception ({exception.priority}) {exception.label}: when "
                f"`{exception.when.key()}`, `{exception.outcome.key()}`"
            )
        if rule.exceptions:
            lines.append("")
        lines += ["Legal basis:", ""]
        lines += [f"- {_escape(str(c))}" for c in rule.citations]
        lines.append("")
        for name in policy.parameters_of(rule):
            parameter = policy.parameters[name]
            lines += [
                f"Parameter `{name}` ({parameter.kind}): {parameter.description}",
                "",
                "| from | until | value | source |",
                "| --- | --- | --- | --- |",
                *_parameter_rows(parameter),
                "",
            ]
    lines += [
        "### Settings",
        "",
        "| setting | value | choices | meaning |",
        "| --- | --- | --- | --- |",
    ]
    values = policy.settings_in_force()
    for setting in policy.settings:
        lines.append(
            f"| `{setting.name}` | {values[setting.name]} | {', '.join(setting.choices)} "
            f"| {_escape(setting.description)} |"
        )
    lines.append("")
    funding = [p for name, p in policy.parameters.items() if name.startswith("funding.")]
    if funding:
        lines += [
            "### Funding",
            "",
            "| payer share | from | ratio | source |",
            "| --- | --- | --- | --- |",
        ]
        for parameter in funding:
            for entry in parameter.values:
                lines.append(
                    f"| `{parameter.name}` | {entry.start.isoformat()} "
                    f"| {render_value(entry.value)} | {_escape(str(entry.citation))} |"
                )
        lines.append("")
    return "\n".join(lines)


def catalogue_markdown() -> str:
    """The whole catalogue page: every named policy.

    >>> page = catalogue_markdown()
    >>> "Special assistance" in page and "sa2014" not in page
    True
    """
    parts = [
        "# Rule catalogue",
        "",
        "Generated from the policies in `fpcore.policies` when the docs are built: every",
        "rule with its conditions and legal basis, and every parameter's values by period",
        "with their sources. Values marked in their source as not confirmed for Shandong",
        "are parameters a county can change (see the uncertainty list on the catalogue",
        "guide page).",
        "",
    ]
    for policy_id in list_policies():
        parts.append(policy_markdown(get(policy_id)))
    return "\n".join(parts)
