//! Pure renderers: a view of engine state in, diagram text out. No I/O, no clock, no globals;
//! width, colour and ASCII come in through `Style`.
pub mod arch;
pub mod canvas;
pub mod cow;
pub mod disk;
pub mod frame;
pub mod layers;
pub mod lifecycle;
pub mod memory;
pub mod style;
pub mod units;

pub use style::{Paint, Style};
