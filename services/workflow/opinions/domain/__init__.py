"""The opinion's rules: levels, states, deadlines. No framework."""
