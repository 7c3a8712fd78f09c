"""Samples and laboratory results (issue 14)."""
