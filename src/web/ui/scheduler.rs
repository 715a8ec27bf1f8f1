//! Which source the worker should analyse next.
//!
//! A newer edit supersedes older ones: at most one request is in flight, edits made meanwhile
//! collapse into one pending source, and a response counts only if it answers the request in
//! flight. Pure logic, so it is tested without a browser.

use crate::web::protocol::{Request, RequestId};

#[derive(Debug, Default)]
pub struct RequestScheduler {
    next_id: RequestId,
    worker_ready: bool,
    in_flight: Option<RequestId>,
    pending: Option<String>,
}

impl RequestScheduler {
    /// Queues `source` in place of any older pending one; returns the request to send now, if any.
    pub fn submit(&mut self, source: String) -> Option<Request> {
        self.pending = Some(source);
        self.next_request()
    }

    /// Forgets the pending source (for example, input too large to send).
    pub fn discard_pending(&mut self) {
        self.pending = None;
    }

    /// The worker accepts requests from now on.
    pub fn worker_ready(&mut self) -> Option<Request> {
        self.worker_ready = true;
        self.next_request()
    }

    /// The worker died: its in-flight request will never be answered. The pending source stays,
    /// so an edit made after the fatal request is analysed by the next worker.
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

    /// The request to send now: the pending source, if the worker is ready and idle.
    pub fn next_request(&mut self) -> Option<Request> {
        if !self.worker_ready || self.in_flight.is_some() {
            return None;
        }
        let source = self.pending.take()?;
        let id = self.next_id;
        self.next_id += 1;
        self.in_flight = Some(id);
        Some(Request::Analyze { id, source })
    }

    /// Whether some source has not been analysed yet.
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
        let mut scheduler = RequestScheduler::default();
        assert_eq!(scheduler.submit("a".into()), None);
        assert_eq!(scheduler.worker_ready(), analyze(0, "a"));
    }

    #[test]
    fn newer_edits_replace_pending_ones_while_a_request_is_in_flight() {
        let mut scheduler = RequestScheduler::default();
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
        let mut scheduler = RequestScheduler::default();
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
        let mut scheduler = RequestScheduler::default();
        scheduler.submit("too large".into());
        scheduler.discard_pending();
        assert_eq!(scheduler.worker_ready(), None);
        assert!(!scheduler.is_busy());
    }
}
