"""Today's waitlist: parties waiting for a table, quoted a wait, seated as walk-ins."""
