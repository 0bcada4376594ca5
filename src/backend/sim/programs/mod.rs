//! Programs of the simulated system.
