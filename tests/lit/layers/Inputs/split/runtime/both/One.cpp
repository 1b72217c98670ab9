// One.
