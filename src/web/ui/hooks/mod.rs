mod use_analysis;
mod use_window_event;

pub use use_analysis::use_analysis;
pub use use_window_event::use_window_event;
