mod advice_panel;
mod diagnostic_list;
mod editor;
mod error_banner;
mod fix_dialog;
mod header;
mod report_panel;
mod rules_panel;
mod scaling;
mod share_panel;
mod status_bar;
mod tour;

pub use advice_panel::AdvicePanel;
pub use diagnostic_list::DiagnosticList;
pub use editor::{Editor, EditorCallbacks, EditorHandle};
pub use error_banner::ErrorBanner;
pub use fix_dialog::FixDialog;
pub use header::Header;
pub use report_panel::ReportPanel;
pub use rules_panel::{RulesAction, RulesPanel, use_rules_view};
pub use scaling::{ScalingAction, ScalingPanel, ScalingState};
pub use share_panel::{SharePanel, ShareView, copy_and_report};
pub use status_bar::StatusBar;
pub use tour::Tour;

use crate::Severity;

/// The CSS class that colours a finding by severity.
fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "severity-info",
        Severity::Warning => "severity-warning",
        Severity::Error => "severity-error",
    }
}
