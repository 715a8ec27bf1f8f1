mod use_analysis;
mod use_theme;
mod use_window_event;
mod use_window_keydown;

pub use use_analysis::use_analysis;
pub use use_theme::use_theme;
pub use use_window_event::use_window_event;
pub use use_window_keydown::use_window_keydown;
