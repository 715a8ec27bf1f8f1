//! What the Scaling view shows: the latest simulation and the measured lab's progress. Pure
//! logic, fed by the worker session through `AnalysisAction::Scaling`.

use std::rc::Rc;

use crate::web::lab::{LabPoint, LabSummary};
use crate::web::protocol::RequestId;
use crate::workload_estimate::{ScalingParams, ScalingReport};

/// The latest simulation the worker answered.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingResult {
    pub report: Rc<Result<ScalingReport, String>>,
    pub elapsed_ms: f64,
}

/// The measured lab.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LabView {
    #[default]
    Idle,
    Running {
        id: RequestId,
        points: Vec<LabPoint>,
        planned: usize,
    },
    Finished(Rc<LabSummary>),
    /// The worker was lost during the run.
    Failed,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScalingState {
    pub result: Option<ScalingResult>,
    /// Parameters estimated from the source, numbered so that each estimate moves the sliders
    /// once.
    pub estimated: Option<(u64, ScalingParams)>,
    pub lab: LabView,
}

pub enum ScalingAction {
    Finished {
        report: Rc<Result<ScalingReport, String>>,
        estimated: bool,
        elapsed_ms: f64,
    },
    LabStarted {
        id: RequestId,
    },
    LabProgress {
        id: RequestId,
        point: LabPoint,
        planned: usize,
    },
    LabFinished {
        id: RequestId,
        summary: LabSummary,
    },
    LabLost,
}

impl ScalingState {
    pub fn apply(&mut self, action: ScalingAction) {
        match action {
            ScalingAction::Finished {
                report,
                estimated,
                elapsed_ms,
            } => {
                if estimated && let Ok(report) = &*report {
                    let number = self.estimated.as_ref().map_or(0, |(number, _)| number + 1);
                    self.estimated = Some((number, report.params.clone()));
                }
                self.result = Some(ScalingResult { report, elapsed_ms });
            }
            ScalingAction::LabStarted { id } => {
                self.lab = LabView::Running {
                    id,
                    points: Vec::new(),
                    planned: 0,
                }
            }
            ScalingAction::LabProgress { id, point, planned } => {
                if let LabView::Running {
                    id: running,
                    points,
                    planned: total,
                } = &mut self.lab
                    && *running == id
                {
                    points.push(point);
                    *total = planned;
                }
            }
            ScalingAction::LabFinished { id, summary } => {
                if matches!(self.lab, LabView::Running { id: running, .. } if running == id) {
                    self.lab = LabView::Finished(Rc::new(summary));
                }
            }
            ScalingAction::LabLost => {
                if matches!(self.lab, LabView::Running { .. }) {
                    self.lab = LabView::Failed;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::lab::summarize;

    fn point(threads: u32) -> LabPoint {
        LabPoint {
            threads,
            repetition: 1,
            elapsed_ms: 10.0,
            throughput: 4.0 * f64::from(threads),
        }
    }

    #[test]
    fn lab_progress_of_an_older_run_is_ignored() {
        let mut state = ScalingState::default();
        state.apply(ScalingAction::LabStarted { id: 2 });
        state.apply(ScalingAction::LabProgress {
            id: 1,
            point: point(1),
            planned: 8,
        });
        state.apply(ScalingAction::LabProgress {
            id: 2,
            point: point(1),
            planned: 8,
        });
        assert!(
            matches!(&state.lab, LabView::Running { points, planned: 8, .. } if points.len() == 1)
        );
        state.apply(ScalingAction::LabFinished {
            id: 1,
            summary: summarize(vec![point(1)], 2, true),
        });
        assert!(matches!(state.lab, LabView::Running { .. }));
        state.apply(ScalingAction::LabFinished {
            id: 2,
            summary: summarize(vec![point(1), point(2)], 2, false),
        });
        assert!(matches!(&state.lab, LabView::Finished(summary) if summary.means.len() == 2));
    }

    #[test]
    fn only_estimated_reports_move_the_sliders() {
        let mut state = ScalingState::default();
        state.apply(ScalingAction::Finished {
            report: Rc::new(Err("no".into())),
            estimated: true,
            elapsed_ms: 1.0,
        });
        assert!(state.estimated.is_none());
        assert!(state.result.is_some());
    }
}
