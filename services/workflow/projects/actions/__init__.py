"""What the committee does to a vote: open it (or a runoff), and tally what the door released."""
