//! dockerlings: learn Docker by doing it. See design.md for the shape of the house.
pub mod backend;
pub mod cli;
pub mod engine;
pub mod image;
pub mod lesson;
pub mod render;
pub mod store;
pub mod transcript;
pub mod util;
