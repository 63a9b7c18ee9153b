"""API views: organisation resources, measurement, PDSA, involvement counts, programme, docs."""
