"""Directorate leads: what their units owe, entering it, and each value's history."""
