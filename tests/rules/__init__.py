"""Tests of the generic rule engine, fpcore.rules, on a small test-only domain."""
