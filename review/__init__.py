"""Staff review of reports before they are published: fact checks, the audit of one report, and the
review of a whole year's batch with a reviewer's decisions. Kept apart from `assistant/`, which answers citizens."""
