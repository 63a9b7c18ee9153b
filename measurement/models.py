"""Measures, data points, phases, driver diagrams, change ideas and PDSA cycles (issue 4)."""
