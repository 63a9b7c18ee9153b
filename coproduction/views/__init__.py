"""Pages of the co-production app: an event's co-production, one partner, the audit log."""
