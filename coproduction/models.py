"""Partners, consents, insights, involvement activities and payments (issue 5)."""
