//! The simulator's built-in images (under construction).
