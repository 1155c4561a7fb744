"""Tests of fpcore.indicators: formulas, counts, registers, the domain adapter and the CLI."""
