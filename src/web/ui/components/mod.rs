mod advice_panel;
mod diagnostic_list;
mod editor;
mod error_banner;
mod gutter;
mod header;
mod rules_panel;
mod scaling;
mod status_bar;

pub use advice_panel::AdvicePanel;
pub use diagnostic_list::DiagnosticList;
pub use editor::{Editor, line_height_px};
pub use error_banner::ErrorBanner;
pub use gutter::{LineMarkers, line_markers};
pub use header::Header;
pub use rules_panel::{RulesAction, RulesPanel, use_rules_view};
pub use scaling::{ScalingAction, ScalingPanel, ScalingState};
pub use status_bar::StatusBar;

use crate::Severity;

/// The CSS class that colours a finding by severity.
fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "severity-info",
        Severity::Warning => "severity-warning",
        Severity::Error => "severity-error",
    }
}
