//! The event loop: threads, the GIL or the cores, the shared lock, and a queue of timed events.
//!
//! The GIL and the cores are one mechanism, a pool of *slots* a thread must hold to compute:
//! the GIL build has one slot with a switch interval and a hand-off cost, the free-threaded
//! build has a slot per core with the OS time slice and free hand-offs. A thread that waits
//! for a slot queues first come first served; once a thread waits, each running thread is
//! preempted one period after it started running or after the wait began, whichever is later
//! (CPython's forced switch: the waiter's timed wait expires and it sets the drop request).
//!
//! Every computing thread computes at the same rate (the running threads share the cores'
//! throughput and contention evenly), so progress is measured on one *virtual clock* that
//! advances at that rate: a stretch of computation ends when the clock reaches its end, however
//! often the rate changes on the way. Stretch ends are queued by their virtual end, apart from
//! the timed events, and the loop takes whichever comes first; a change of rate moves nothing.
//!
//! Both queues are binary heaps ordered by time, then by creation, so that equal times are
//! resolved the same way on every platform; a stretch end goes before an event at the same
//! moment. Nothing is allocated per event.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;

use super::workload::{ItemSource, ItemWork};
use super::{Interpreter, SimulationConfig, SimulationError, validate_threads};

/// What a thread is doing during a [`Segment`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Computing (holding the GIL on the GIL build, on a core on the free-threaded build).
    Running,
    /// In line for the GIL, including the hand-off.
    WaitingForGil,
    /// Free-threaded build: ready to run, but every core is taken.
    WaitingForCore,
    /// In line for the shared lock.
    WaitingForLock,
    /// Waiting for I/O with the GIL released.
    Io,
}

impl Activity {
    const COUNT: usize = 5;

    fn index(self) -> usize {
        self as usize
    }
}

/// One stretch of one thread's time, in microseconds since the start.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Segment {
    pub start_us: f64,
    pub end_us: f64,
    pub activity: Activity,
}

/// The start of one thread's schedule, bounded by [`super::TimelineLimits`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreadTimeline {
    /// The thread's index, from 0.
    pub thread: u32,
    pub segments: Vec<Segment>,
}

/// What one run measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunStats {
    pub interpreter: Interpreter,
    pub threads: u32,
    pub cores: u32,
    /// Hardware threads per core.
    pub smt: u32,
    pub items: u64,
    /// The inputs of the effects beyond the ideal machine, as simulated.
    pub shared_fraction: f64,
    pub gil_releases_per_item: u32,
    pub free_threaded_overhead: f64,
    /// Time until the last item finished, microseconds.
    pub elapsed_us: f64,
    /// Items per second.
    pub throughput: f64,
    /// Share of the hardware threads' time spent computing,
    /// `cpu_us / (cores * smt * elapsed_us)`.
    pub utilization: f64,
    /// Time spent computing, summed over the threads (microseconds; also below).
    pub cpu_us: f64,
    pub gil_wait_us: f64,
    pub core_wait_us: f64,
    pub lock_wait_us: f64,
    pub io_us: f64,
    /// Times the GIL (or a core) passed to a thread that was waiting in line for it.
    pub handoffs: u64,
    pub timeline: Vec<ThreadTimeline>,
}

/// Runs one interpreter with `threads` threads over the configured items.
pub fn simulate(
    config: &SimulationConfig,
    interpreter: Interpreter,
    threads: u32,
) -> Result<RunStats, SimulationError> {
    config.validate()?;
    validate_threads(threads)?;
    let mut engine = Engine::new(config, interpreter, threads);
    engine.run()?;
    engine.into_stats()
}

/// How the interpreter hands out the right to compute, and how fast its threads compute.
struct Slots {
    /// Threads that may compute at once: 1 (the GIL) or the hardware threads.
    count: u32,
    /// How long a thread runs once another waits, before it is preempted.
    period_us: f64,
    handoff_us: f64,
    /// How waiting for a slot shows in the timeline.
    waiting: Activity,
    /// Whether releasing the GIL can hand it to another thread (the GIL build).
    releases_hand_off: bool,
    /// Physical cores, each with `smt` hardware threads whose sum computes `1 + smt_gain` times
    /// what one does.
    cores: u32,
    smt: u32,
    smt_gain: f64,
    /// Wall time per microsecond of GIL-build computation, with one thread running.
    base_slowdown: f64,
    /// Extra slowdown per other busy core.
    contention_per_core: f64,
}

impl Slots {
    fn new(config: &SimulationConfig, interpreter: Interpreter) -> Self {
        match interpreter {
            Interpreter::Gil => Self {
                count: 1,
                period_us: config.switch_interval_us,
                handoff_us: config.gil_handoff_us,
                waiting: Activity::WaitingForGil,
                releases_hand_off: true,
                cores: 1,
                smt: 1,
                smt_gain: 0.0,
                base_slowdown: 1.0,
                contention_per_core: 0.0,
            },
            Interpreter::FreeThreaded => Self {
                count: config.cores.saturating_mul(config.smt),
                period_us: config.os_time_slice_us,
                handoff_us: 0.0,
                waiting: Activity::WaitingForCore,
                releases_hand_off: false,
                cores: config.cores,
                smt: config.smt,
                smt_gain: config.smt_gain,
                base_slowdown: 1.0 + config.free_threaded_overhead,
                contention_per_core: config.coherency_per_thread
                    + config.shared_fraction * config.contended_access_cost,
            },
        }
    }

    /// Whether the rate of a computing thread depends on how many run.
    fn rate_varies(&self) -> bool {
        self.contention_per_core > 0.0 || self.smt > 1
    }

    /// GIL-build microseconds of computation per wall microsecond for each of `running`
    /// threads: the busy cores' throughput (the OS fills idle cores before a core's second
    /// hardware thread) shared evenly, slowed by the build and by contention between cores.
    fn rate(&self, running: usize) -> f64 {
        let running = running.max(1) as f64;
        let cores = f64::from(self.cores);
        let busy_cores = running.min(cores);
        let capacity = if self.smt > 1 {
            let siblings = (running - cores).max(0.0);
            busy_cores + self.smt_gain * siblings / f64::from(self.smt - 1)
        } else {
            busy_cores
        };
        capacity
            / running
            / (self.base_slowdown * (1.0 + self.contention_per_core * (busy_cores - 1.0)))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not started, or out of items.
    Idle,
    /// Waiting for a slot.
    Ready,
    Running,
    WaitingForLock,
    Io,
}

/// Where a thread is within its current item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Unlocked,
    AcquireLock,
    Locked,
    Io,
}

struct SimThread {
    state: State,
    state_since: f64,
    step: Step,
    work: ItemWork,
    /// GIL-build microseconds of the current computing step still to do.
    remaining_us: f64,
    /// GIL-build microseconds of computation until the item's next release of the GIL.
    until_release_us: f64,
    /// Releases of the current item still to come before its last one (which ends the item).
    releases_left: u32,
    /// Whether a computing stretch is under way (and in the queue of stretch ends).
    computing: bool,
    /// The virtual clock when the stretch started.
    stretch_start: f64,
    /// GIL-build microseconds the stretch computes: it ends when the virtual clock has
    /// advanced by that much.
    stretch_work_us: f64,
    /// When the thread must give its slot up if someone waits.
    deadline: Option<f64>,
    /// Bumped whenever a stretch starts or is cut short; older queue entries are ignored.
    epoch: u32,
}

/// Where a thread's stretch of computation ends, on the virtual clock.
struct StretchEnd {
    virtual_end: f64,
    sequence: u64,
    thread: u32,
    epoch: u32,
}

impl Ord for StretchEnd {
    /// Reversed, so that `BinaryHeap` pops the earliest end first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .virtual_end
            .total_cmp(&self.virtual_end)
            .then(other.sequence.cmp(&self.sequence))
    }
}

impl PartialOrd for StretchEnd {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for StretchEnd {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for StretchEnd {}

#[derive(Clone, Copy)]
enum EventKind {
    /// A running thread's deadline passes: it gives its slot up if someone waits.
    Deadline,
    /// A wait with the GIL released ends (I/O, or C code that dropped it).
    IoDone,
    /// A hand-off completes: the thread takes its slot.
    Granted,
}

struct Event {
    time: f64,
    sequence: u64,
    thread: u32,
    kind: EventKind,
}

impl Ord for Event {
    /// Reversed, so that `BinaryHeap` pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then(other.sequence.cmp(&self.sequence))
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Event {}

struct Engine<'c> {
    config: &'c SimulationConfig,
    interpreter: Interpreter,
    slots: Slots,
    now: f64,
    events: BinaryHeap<Event>,
    next_sequence: u64,
    threads: Vec<SimThread>,
    free_slots: u32,
    running: Vec<u32>,
    ready: VecDeque<u32>,
    lock_holder: Option<u32>,
    lock_waiters: VecDeque<u32>,
    items: ItemSource,
    /// Releases of the GIL per item (at least one when items wait for I/O).
    releases_per_item: u32,
    /// The rate of every computing thread (see [`Slots::rate`]).
    rate: f64,
    /// The virtual clock: GIL-build microseconds computed by any one computing thread since
    /// the start, as of `clock_since` (it advances at `rate`).
    clock: f64,
    clock_since: f64,
    /// The ends of the stretches under way; the event loop takes the earliest when it comes
    /// before the next event.
    stretch_ends: BinaryHeap<StretchEnd>,
    last_completion: f64,
    time_by_activity: [f64; Activity::COUNT],
    handoffs: u64,
    timelines: Vec<Vec<Segment>>,
}

impl<'c> Engine<'c> {
    fn new(config: &'c SimulationConfig, interpreter: Interpreter, threads: u32) -> Self {
        let idle = SimThread {
            state: State::Idle,
            state_since: 0.0,
            step: Step::Io,
            work: ItemWork {
                unlocked_cpu_us: 0.0,
                locked_cpu_us: 0.0,
                io_us: 0.0,
            },
            remaining_us: 0.0,
            until_release_us: f64::INFINITY,
            releases_left: 0,
            computing: false,
            stretch_start: 0.0,
            stretch_work_us: 0.0,
            deadline: None,
            epoch: 0,
        };
        let slots = Slots::new(config, interpreter);
        let recorded = threads.min(config.timeline.threads) as usize;
        let waits_for_io = config.io_per_item.mean_us() > 0.0;
        Self {
            config,
            interpreter,
            free_slots: slots.count,
            rate: slots.rate(1),
            clock: 0.0,
            clock_since: 0.0,
            stretch_ends: BinaryHeap::with_capacity(threads as usize),
            slots,
            now: 0.0,
            events: BinaryHeap::with_capacity(threads as usize * 2),
            next_sequence: 0,
            threads: (0..threads).map(|_| SimThread { ..idle }).collect(),
            running: Vec::with_capacity(
                threads.min(config.cores.saturating_mul(config.smt)) as usize
            ),
            ready: VecDeque::with_capacity(threads as usize),
            lock_holder: None,
            lock_waiters: VecDeque::with_capacity(threads as usize),
            items: ItemSource::new(
                config.items,
                config.cpu_per_item,
                config.io_per_item,
                config.lock_fraction,
                config.seed,
            ),
            releases_per_item: config.gil_releases_per_item.max(u32::from(waits_for_io)),
            last_completion: 0.0,
            time_by_activity: [0.0; Activity::COUNT],
            handoffs: 0,
            timelines: vec![Vec::new(); recorded],
        }
    }

    fn run(&mut self) -> Result<(), SimulationError> {
        for thread in 0..self.threads.len() as u32 {
            self.take_next_item(thread);
        }
        let mut processed: u64 = 0;
        loop {
            let stretch_end = self.next_stretch_end();
            let event_time = self.events.peek().map(|event| event.time);
            if stretch_end.is_none() && event_time.is_none() {
                break;
            }
            processed += 1;
            if processed > self.config.max_events {
                return Err(SimulationError::TooLong {
                    max_events: self.config.max_events,
                });
            }
            // A stretch ending with an event at the same moment ends first.
            if let Some(time) = stretch_end
                && event_time.is_none_or(|event_time| time <= event_time)
            {
                self.now = time;
                self.end_earliest_stretch();
                continue;
            }
            let event = self.events.pop().expect("an event is pending");
            self.now = event.time;
            match event.kind {
                EventKind::Deadline => self.deadline_passed(event.thread, event.time),
                EventKind::IoDone if self.threads[event.thread as usize].step == Step::Io => {
                    self.set_state(event.thread, State::Idle);
                    self.last_completion = self.now;
                    self.take_next_item(event.thread);
                }
                // A release in the middle of the item: back in line to compute the rest.
                EventKind::IoDone => self.request_slot(event.thread),
                EventKind::Granted => self.start_running(event.thread),
            }
        }
        Ok(())
    }

    fn into_stats(self) -> Result<RunStats, SimulationError> {
        let elapsed_us = self.last_completion;
        if elapsed_us <= 0.0 || !elapsed_us.is_finite() {
            return Err(SimulationError::NoWork);
        }
        let time = |activity: Activity| self.time_by_activity[activity.index()];
        let cpu_us = time(Activity::Running);
        let config = self.config;
        let hardware_threads = f64::from(config.cores) * f64::from(config.smt);
        Ok(RunStats {
            interpreter: self.interpreter,
            threads: self.threads.len() as u32,
            cores: config.cores,
            smt: config.smt,
            items: config.items,
            shared_fraction: config.shared_fraction,
            gil_releases_per_item: config.gil_releases_per_item,
            free_threaded_overhead: config.free_threaded_overhead,
            elapsed_us,
            throughput: config.items as f64 / (elapsed_us * 1e-6),
            utilization: cpu_us / (hardware_threads * elapsed_us),
            cpu_us,
            gil_wait_us: time(Activity::WaitingForGil),
            core_wait_us: time(Activity::WaitingForCore),
            lock_wait_us: time(Activity::WaitingForLock),
            io_us: time(Activity::Io),
            handoffs: self.handoffs,
            timeline: self
                .timelines
                .into_iter()
                .zip(0..)
                .map(|(segments, thread)| ThreadTimeline { thread, segments })
                .collect(),
        })
    }

    fn push_event(&mut self, time: f64, thread: u32, kind: EventKind) {
        self.events.push(Event {
            time,
            sequence: self.next_sequence,
            thread,
            kind,
        });
        self.next_sequence += 1;
    }

    /// Changes a thread's state, accounting and recording the time spent in the old one.
    fn set_state(&mut self, thread: u32, state: State) {
        let now = self.now;
        let entry = &mut self.threads[thread as usize];
        let (old, since) = (entry.state, entry.state_since);
        entry.state = state;
        entry.state_since = now;
        let activity = match old {
            State::Idle => return,
            State::Ready => self.slots.waiting,
            State::Running => Activity::Running,
            State::WaitingForLock => Activity::WaitingForLock,
            State::Io => Activity::Io,
        };
        self.time_by_activity[activity.index()] += now - since;
        self.record(thread, activity, since, now);
    }

    fn record(&mut self, thread: u32, activity: Activity, start_us: f64, end_us: f64) {
        let limits = self.config.timeline;
        let Some(segments) = self.timelines.get_mut(thread as usize) else {
            return;
        };
        let end_us = end_us.min(limits.window_us);
        if start_us >= end_us {
            return;
        }
        if let Some(last) = segments.last_mut()
            && last.activity == activity
            && last.end_us == start_us
        {
            last.end_us = end_us;
        } else if segments.len() < limits.segments_per_thread as usize {
            segments.push(Segment {
                start_us,
                end_us,
                activity,
            });
        }
    }

    /// A thread without a slot takes the next item and asks for a slot, or goes idle.
    fn take_next_item(&mut self, thread: u32) {
        if let Some(work) = self.items.next_item() {
            self.load(thread, work);
            self.request_slot(thread);
        }
    }

    fn load(&mut self, thread: u32, work: ItemWork) {
        let releases = self.releases_per_item;
        // With `n` releases the item computes in `n` chunks, each followed by one; the last
        // ends the item, so only the others interrupt its computation.
        let until_release_us = if releases > 1 {
            (work.unlocked_cpu_us + work.locked_cpu_us) / f64::from(releases)
        } else {
            f64::INFINITY
        };
        let entry = &mut self.threads[thread as usize];
        entry.work = work;
        entry.step = Step::Unlocked;
        entry.remaining_us = work.unlocked_cpu_us;
        entry.until_release_us = until_release_us;
        entry.releases_left = releases.saturating_sub(1);
    }

    fn request_slot(&mut self, thread: u32) {
        self.set_state(thread, State::Ready);
        if self.free_slots > 0 {
            self.free_slots -= 1;
            self.start_running(thread);
        } else {
            self.enqueue(thread);
        }
    }

    /// Puts a ready thread in line; the first waiter starts every running thread's period.
    fn enqueue(&mut self, thread: u32) {
        self.ready.push_back(thread);
        if self.ready.len() > 1 {
            return;
        }
        let deadline = self.now + self.slots.period_us;
        for index in 0..self.running.len() {
            let running = self.running[index];
            if self.threads[running as usize].deadline.is_none() {
                self.set_deadline(running, deadline);
            }
        }
    }

    fn set_deadline(&mut self, thread: u32, deadline: f64) {
        self.threads[thread as usize].deadline = Some(deadline);
        self.push_event(deadline, thread, EventKind::Deadline);
    }

    fn start_running(&mut self, thread: u32) {
        self.set_state(thread, State::Running);
        self.running.push(thread);
        self.replan();
        self.threads[thread as usize].deadline = None;
        if !self.ready.is_empty() {
            self.set_deadline(thread, self.now + self.slots.period_us);
        }
        self.proceed(thread);
    }

    /// Gives the thread's slot to the first in line (after the hand-off) or frees it.
    fn stop_running(&mut self, thread: u32, state: State) {
        self.set_state(thread, state);
        let position = self
            .running
            .iter()
            .position(|&running| running == thread)
            .expect("a running thread is in the running list");
        self.running.swap_remove(position);
        self.replan();
        match self.ready.pop_front() {
            Some(next) => {
                self.handoffs += 1;
                self.push_event(self.now + self.slots.handoff_us, next, EventKind::Granted);
            }
            None => self.free_slots += 1,
        }
    }

    /// Gives the slot to the first in line and queues behind the others.
    fn yield_slot(&mut self, thread: u32) {
        self.stop_running(thread, State::Ready);
        self.enqueue(thread);
    }

    /// After the running threads changed: the virtual clock continues at the new rate.
    fn replan(&mut self) {
        if !self.slots.rate_varies() {
            return;
        }
        let rate = self.slots.rate(self.running.len());
        if rate != self.rate {
            self.clock = self.clock_now();
            self.clock_since = self.now;
            self.rate = rate;
        }
    }

    /// The virtual clock now.
    fn clock_now(&self) -> f64 {
        self.clock + (self.now - self.clock_since) * self.rate
    }

    /// Runs a thread that holds a slot until it computes, waits or runs out of items.
    fn proceed(&mut self, thread: u32) {
        loop {
            let entry = &mut self.threads[thread as usize];
            match entry.step {
                Step::Unlocked | Step::Locked
                    if entry.remaining_us > 0.0 && entry.until_release_us <= 0.0 =>
                {
                    if self.release_gil(thread) {
                        return;
                    }
                }
                Step::Unlocked | Step::Locked if entry.remaining_us > 0.0 => {
                    self.begin_computing(thread);
                    return;
                }
                Step::Unlocked => entry.step = Step::AcquireLock,
                Step::AcquireLock if entry.work.locked_cpu_us > 0.0 => {
                    if self.lock_holder.is_some() {
                        self.lock_waiters.push_back(thread);
                        self.stop_running(thread, State::WaitingForLock);
                        return;
                    }
                    self.lock_holder = Some(thread);
                    entry.step = Step::Locked;
                    entry.remaining_us = entry.work.locked_cpu_us;
                }
                Step::AcquireLock => entry.step = Step::Io,
                Step::Locked => {
                    entry.step = Step::Io;
                    self.release_lock();
                }
                Step::Io => {
                    // The last release, and any a computation too short to reach them left.
                    let releases = entry.releases_left + 1;
                    let wait_us = self.release_wait_us(thread, releases);
                    if wait_us > 0.0 {
                        self.stop_running(thread, State::Io);
                        self.push_event(self.now + wait_us, thread, EventKind::IoDone);
                        return;
                    }
                    self.last_completion = self.now;
                    let Some(work) = self.items.next_item() else {
                        self.stop_running(thread, State::Idle);
                        return;
                    };
                    self.load(thread, work);
                    // The item's last release, with nothing to wait for.
                    if self.releases_per_item > 0 && self.must_hand_over() {
                        self.yield_slot(thread);
                        return;
                    }
                }
            }
        }
    }

    /// The GIL-released wait of `releases` of the current item's releases: its I/O, spread
    /// evenly over them all.
    fn release_wait_us(&self, thread: u32, releases: u32) -> f64 {
        let io_us = self.threads[thread as usize].work.io_us;
        if io_us > 0.0 {
            io_us * f64::from(releases) / f64::from(self.releases_per_item)
        } else {
            0.0
        }
    }

    /// Whether releasing the GIL now hands it to another thread.
    fn must_hand_over(&self) -> bool {
        self.slots.releases_hand_off && !self.ready.is_empty()
    }

    /// A release in the middle of an item: waits with the GIL released, or hands the GIL to a
    /// waiting thread and queues for it again. Returns whether the thread stopped running.
    fn release_gil(&mut self, thread: u32) -> bool {
        let wait_us = self.release_wait_us(thread, 1);
        let entry = &mut self.threads[thread as usize];
        entry.releases_left -= 1;
        entry.until_release_us = if entry.releases_left > 0 {
            (entry.work.unlocked_cpu_us + entry.work.locked_cpu_us)
                / f64::from(self.releases_per_item)
        } else {
            f64::INFINITY
        };
        if wait_us > 0.0 {
            self.stop_running(thread, State::Io);
            self.push_event(self.now + wait_us, thread, EventKind::IoDone);
            true
        } else if self.must_hand_over() {
            self.yield_slot(thread);
            true
        } else {
            false
        }
    }

    /// The lock goes to the first waiter, who then needs a slot to use it.
    fn release_lock(&mut self) {
        self.lock_holder = self.lock_waiters.pop_front();
        if let Some(next) = self.lock_holder {
            let entry = &mut self.threads[next as usize];
            entry.step = Step::Locked;
            entry.remaining_us = entry.work.locked_cpu_us;
            self.request_slot(next);
        }
    }

    /// Starts a stretch of computation up to the end of the step or the next release.
    fn begin_computing(&mut self, thread: u32) {
        let start = self.clock_now();
        let entry = &mut self.threads[thread as usize];
        entry.computing = true;
        entry.epoch = entry.epoch.wrapping_add(1);
        entry.stretch_start = start;
        entry.stretch_work_us = entry.remaining_us.min(entry.until_release_us);
        let end = StretchEnd {
            virtual_end: start + entry.stretch_work_us,
            sequence: self.next_sequence,
            thread,
            epoch: entry.epoch,
        };
        self.next_sequence += 1;
        self.stretch_ends.push(end);
    }

    /// When the earliest stretch under way ends, dropping the ends of stretches cut short.
    fn next_stretch_end(&mut self) -> Option<f64> {
        while let Some(first) = self.stretch_ends.peek() {
            let entry = &self.threads[first.thread as usize];
            if entry.computing && entry.epoch == first.epoch {
                let time = self.clock_since + (first.virtual_end - self.clock) / self.rate;
                return Some(time.max(self.now));
            }
            self.stretch_ends.pop();
        }
        None
    }

    /// The earliest stretch has ended: its thread goes on with its item.
    fn end_earliest_stretch(&mut self) {
        let first = self
            .stretch_ends
            .pop()
            .expect("the earliest stretch end was just found live");
        self.stop_computing(first.thread, true);
        self.proceed(first.thread);
    }

    /// Counts the stretch's computation as done (all of it when it `finished`).
    fn stop_computing(&mut self, thread: u32, finished: bool) {
        let clock = self.clock_now();
        let entry = &mut self.threads[thread as usize];
        let done = if finished {
            entry.stretch_work_us
        } else {
            (clock - entry.stretch_start).clamp(0.0, entry.stretch_work_us)
        };
        entry.computing = false;
        entry.epoch = entry.epoch.wrapping_add(1);
        entry.remaining_us -= done;
        entry.until_release_us -= done;
    }

    /// A running thread's deadline: it gives its slot to the first in line, if any.
    fn deadline_passed(&mut self, thread: u32, deadline: f64) {
        let entry = &mut self.threads[thread as usize];
        if entry.state != State::Running || entry.deadline != Some(deadline) {
            return;
        }
        entry.deadline = None;
        if !self.ready.is_empty() && entry.computing {
            self.stop_computing(thread, false);
            self.yield_slot(thread);
        }
    }
}
