// Two.
