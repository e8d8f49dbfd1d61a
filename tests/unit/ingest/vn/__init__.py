"""Tests of the Vietnamese data rules."""
