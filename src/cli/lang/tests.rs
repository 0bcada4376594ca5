//! Tests of the whole language through its public API.
