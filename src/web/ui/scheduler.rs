//! What the worker should work on next.
//!
//! A newer edit supersedes older ones: at most one request of a kind is in flight, edits made
//! meanwhile collapse into one pending job, and a response counts only if it answers the request
//! in flight. The analysis, the advice, the Scaling view and the Report each have a scheduler of
//! their own, so none waits for another. Pure logic, so it is tested without a browser.

use crate::advice::AdviceSettings;
use crate::web::protocol::{Request, RequestId};

/// What one kind of request carries, turned into the request once it gets its id.
pub trait Job {
    fn into_request(self, id: RequestId) -> Request;
}

/// An analysis: the source text.
impl Job for String {
    fn into_request(self, id: RequestId) -> Request {
        Request::Analyze { id, source: self }
    }
}

/// An advice: the source text, the settings and the pasted measurements.
#[derive(Clone, Debug, PartialEq)]
pub struct AdviceJob {
    pub source: String,
    pub settings: AdviceSettings,
    pub points: String,
}

impl Job for AdviceJob {
    fn into_request(self, id: RequestId) -> Request {
        Request::Advise {
            id,
            source: self.source,
            settings: self.settings,
            points: self.points,
        }
    }
}

/// A scaling simulation: the source (for the estimate) and the Scaling view's sliders.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingJob {
    pub source: String,
    pub params: crate::workload_estimate::ScalingParams,
    /// Replace the workload sliders by the estimate from `source` (the text changed).
    pub use_estimate: bool,
}

impl Job for ScalingJob {
    fn into_request(self, id: RequestId) -> Request {
        Request::Simulate {
            id,
            source: self.source,
            params: self.params,
            use_estimate: self.use_estimate,
        }
    }
}

/// The Report panel's facts about a source text.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportJob(pub String);

impl Job for ReportJob {
    fn into_request(self, id: RequestId) -> Request {
        Request::Report { id, source: self.0 }
    }
}

#[derive(Debug)]
pub struct RequestScheduler<J> {
    next_id: RequestId,
    worker_ready: bool,
    in_flight: Option<RequestId>,
    pending: Option<J>,
}

impl<J> Default for RequestScheduler<J> {
    fn default() -> Self {
        Self {
            next_id: 0,
            worker_ready: false,
            in_flight: None,
            pending: None,
        }
    }
}

impl<J: Job> RequestScheduler<J> {
    /// Queues `job` in place of any older pending one; returns the request to send now, if any.
    pub fn submit(&mut self, job: J) -> Option<Request> {
        self.pending = Some(job);
        self.next_request()
    }

    /// Forgets the pending job (for example, input too large to send).
    pub fn discard_pending(&mut self) {
        self.pending = None;
    }

    /// The worker accepts requests from now on.
    pub fn worker_ready(&mut self) -> Option<Request> {
        self.worker_ready = true;
        self.next_request()
    }

    /// The worker died: its in-flight request will never be answered. The pending job stays,
    /// so an edit made after the fatal request is handled by the next worker.
    pub fn worker_lost(&mut self) {
        self.worker_ready = false;
        self.in_flight = None;
    }

    /// Whether the response with `id` answers the request in flight; older ones are stale.
    pub fn accept(&mut self, id: RequestId) -> bool {
        let current = self.in_flight == Some(id);
        if current {
            self.in_flight = None;
        }
        current
    }

    /// The request to send now: the pending job, if the worker is ready and idle.
    pub fn next_request(&mut self) -> Option<Request> {
        if !self.worker_ready || self.in_flight.is_some() {
            return None;
        }
        let job = self.pending.take()?;
        let id = self.next_id;
        self.next_id += 1;
        self.in_flight = Some(id);
        Some(job.into_request(id))
    }

    /// Whether some job has not been answered yet.
    pub fn is_busy(&self) -> bool {
        self.in_flight.is_some() || self.pending.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(id: RequestId, source: &str) -> Option<Request> {
        Some(Request::Analyze {
            id,
            source: source.to_owned(),
        })
    }

    #[test]
    fn waits_for_the_worker() {
        let mut scheduler = RequestScheduler::<String>::default();
        assert_eq!(scheduler.submit("a".into()), None);
        assert_eq!(scheduler.worker_ready(), analyze(0, "a"));
    }

    #[test]
    fn newer_edits_replace_pending_ones_while_a_request_is_in_flight() {
        let mut scheduler = RequestScheduler::<String>::default();
        scheduler.worker_ready();
        assert_eq!(scheduler.submit("a".into()), analyze(0, "a"));
        assert_eq!(scheduler.submit("ab".into()), None);
        assert_eq!(scheduler.submit("abc".into()), None);
        assert!(scheduler.accept(0));
        assert_eq!(scheduler.next_request(), analyze(1, "abc"));
        assert!(scheduler.accept(1));
        assert!(!scheduler.is_busy());
    }

    #[test]
    fn drops_responses_of_a_lost_worker() {
        let mut scheduler = RequestScheduler::<String>::default();
        scheduler.worker_ready();
        scheduler.submit("crashes".into());
        scheduler.submit("newer".into());
        scheduler.worker_lost();
        assert_eq!(scheduler.worker_ready(), analyze(1, "newer"));
        assert!(!scheduler.accept(0));
        assert!(scheduler.accept(1));
    }

    #[test]
    fn discarded_sources_are_not_sent() {
        let mut scheduler = RequestScheduler::<String>::default();
        scheduler.submit("too large".into());
        scheduler.discard_pending();
        assert_eq!(scheduler.worker_ready(), None);
        assert!(!scheduler.is_busy());
    }

    #[test]
    fn scaling_jobs_supersede_each_other() {
        use crate::workload_estimate::{ScalingParams, WorkloadEstimate};
        let mut scheduler = RequestScheduler::<ScalingJob>::default();
        scheduler.worker_ready();
        let job = |threads| ScalingJob {
            source: String::new(),
            params: ScalingParams {
                threads,
                ..ScalingParams::from_estimate(&WorkloadEstimate::default(), 2)
            },
            use_estimate: false,
        };
        assert!(matches!(
            scheduler.submit(job(1)),
            Some(Request::Simulate { id: 0, .. })
        ));
        assert_eq!(scheduler.submit(job(2)), None);
        assert_eq!(scheduler.submit(job(3)), None);
        assert!(scheduler.accept(0));
        assert!(matches!(
            scheduler.next_request(),
            Some(Request::Simulate { id: 1, params, .. }) if params.threads == 3
        ));
    }

    #[test]
    fn advice_jobs_become_advise_requests() {
        let mut scheduler = RequestScheduler::<AdviceJob>::default();
        scheduler.worker_ready();
        let job = |source: &str| AdviceJob {
            source: source.to_owned(),
            settings: AdviceSettings::for_cores(4),
            points: String::new(),
        };
        assert_eq!(
            scheduler.submit(job("a")),
            Some(Request::Advise {
                id: 0,
                source: "a".into(),
                settings: AdviceSettings::for_cores(4),
                points: String::new(),
            })
        );
        assert_eq!(scheduler.submit(job("b")), None);
        assert!(scheduler.accept(0));
        assert!(matches!(
            scheduler.next_request(),
            Some(Request::Advise { id: 1, source, .. }) if source == "b"
        ));
    }
}
