"""The timeline of a day: one row per table, time across, each visit a bar."""
