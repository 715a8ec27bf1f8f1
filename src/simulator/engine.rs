//! The event loop: threads, the GIL or the cores, the shared lock, and a queue of timed events.
//!
//! The GIL and the cores are one mechanism, a pool of *slots* a thread must hold to compute:
//! the GIL build has one slot with a switch interval and a hand-off cost, the free-threaded
//! build has a slot per core with the OS time slice and free hand-offs. A thread that waits
//! for a slot queues first come first served; once a thread waits, each running thread is
//! preempted one period after it started running or after the wait began, whichever is later
//! (CPython's forced switch: the waiter's timed wait expires and it sets the drop request).
//!
//! Events are kept in a binary heap ordered by time, then by creation, so that equal times are
//! resolved the same way on every platform. Nothing is allocated per event.

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
    pub items: u64,
    /// Time until the last item finished, microseconds.
    pub elapsed_us: f64,
    /// Items per second.
    pub throughput: f64,
    /// Share of the cores' time spent computing, `cpu_us / (cores * elapsed_us)`.
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

/// How the interpreter hands out the right to compute.
struct Slots {
    /// Threads that may compute at once: 1 (the GIL) or the cores.
    count: u32,
    /// How long a thread runs once another waits, before it is preempted.
    period_us: f64,
    handoff_us: f64,
    /// How waiting for a slot shows in the timeline.
    waiting: Activity,
    /// Wall time per microsecond of GIL-build computation, with one thread running.
    base_slowdown: f64,
    /// Extra slowdown per other running thread.
    coherency_per_thread: f64,
}

impl Slots {
    fn new(config: &SimulationConfig, interpreter: Interpreter) -> Self {
        match interpreter {
            Interpreter::Gil => Self {
                count: 1,
                period_us: config.switch_interval_us,
                handoff_us: config.gil_handoff_us,
                waiting: Activity::WaitingForGil,
                base_slowdown: 1.0,
                coherency_per_thread: 0.0,
            },
            Interpreter::FreeThreaded => Self {
                count: config.cores,
                period_us: config.os_time_slice_us,
                handoff_us: 0.0,
                waiting: Activity::WaitingForCore,
                base_slowdown: 1.0 + config.free_threaded_overhead,
                coherency_per_thread: config.coherency_per_thread,
            },
        }
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
    /// Whether a computing stretch is under way (and a checkpoint event pending).
    computing: bool,
    stretch_start: f64,
    stretch_end: f64,
    /// Wall time per GIL-build microsecond during the current stretch.
    slowdown: f64,
    /// When the thread must give its slot up if someone waits.
    deadline: Option<f64>,
    /// Bumped whenever the pending checkpoint is replaced; older ones are ignored.
    epoch: u32,
}

#[derive(Clone, Copy)]
enum EventKind {
    /// A computing stretch ends or reaches the thread's deadline.
    Checkpoint,
    IoDone,
    /// A hand-off completes: the thread takes its slot.
    Granted,
}

struct Event {
    time: f64,
    sequence: u64,
    thread: u32,
    epoch: u32,
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
            computing: false,
            stretch_start: 0.0,
            stretch_end: 0.0,
            slowdown: 1.0,
            deadline: None,
            epoch: 0,
        };
        let slots = Slots::new(config, interpreter);
        let recorded = threads.min(config.timeline.threads) as usize;
        Self {
            config,
            interpreter,
            free_slots: slots.count,
            slots,
            now: 0.0,
            events: BinaryHeap::with_capacity(threads as usize * 2),
            next_sequence: 0,
            threads: (0..threads).map(|_| SimThread { ..idle }).collect(),
            running: Vec::with_capacity(threads.min(config.cores) as usize),
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
        while let Some(event) = self.events.pop() {
            processed += 1;
            if processed > self.config.max_events {
                return Err(SimulationError::TooLong {
                    max_events: self.config.max_events,
                });
            }
            self.now = event.time;
            match event.kind {
                EventKind::Checkpoint => {
                    if self.threads[event.thread as usize].epoch == event.epoch {
                        self.checkpoint(event.thread);
                    }
                }
                EventKind::IoDone => {
                    self.set_state(event.thread, State::Idle);
                    self.last_completion = self.now;
                    self.take_next_item(event.thread);
                }
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
        Ok(RunStats {
            interpreter: self.interpreter,
            threads: self.threads.len() as u32,
            cores: self.config.cores,
            items: self.config.items,
            elapsed_us,
            throughput: self.config.items as f64 / (elapsed_us * 1e-6),
            utilization: cpu_us / (f64::from(self.config.cores) * elapsed_us),
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
        let epoch = self.threads[thread as usize].epoch;
        self.events.push(Event {
            time,
            sequence: self.next_sequence,
            thread,
            epoch,
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
        let entry = &mut self.threads[thread as usize];
        entry.work = work;
        entry.step = Step::Unlocked;
        entry.remaining_us = work.unlocked_cpu_us;
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
            let entry = &mut self.threads[running as usize];
            if entry.deadline.is_none() {
                entry.deadline = Some(deadline);
                if entry.computing {
                    self.schedule_checkpoint(running);
                }
            }
        }
    }

    fn start_running(&mut self, thread: u32) {
        self.set_state(thread, State::Running);
        self.running.push(thread);
        let deadline = (!self.ready.is_empty()).then_some(self.now + self.slots.period_us);
        self.threads[thread as usize].deadline = deadline;
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
        match self.ready.pop_front() {
            Some(next) => {
                self.handoffs += 1;
                self.push_event(self.now + self.slots.handoff_us, next, EventKind::Granted);
            }
            None => self.free_slots += 1,
        }
    }

    /// Runs a thread that holds a slot until it computes, waits or runs out of items.
    fn proceed(&mut self, thread: u32) {
        loop {
            let entry = &mut self.threads[thread as usize];
            match entry.step {
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
                Step::Io if entry.work.io_us > 0.0 => {
                    let done = self.now + entry.work.io_us;
                    self.stop_running(thread, State::Io);
                    self.push_event(done, thread, EventKind::IoDone);
                    return;
                }
                Step::Io => {
                    self.last_completion = self.now;
                    match self.items.next_item() {
                        Some(work) => self.load(thread, work),
                        None => {
                            self.stop_running(thread, State::Idle);
                            return;
                        }
                    }
                }
            }
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

    fn begin_computing(&mut self, thread: u32) {
        let others = (self.running.len() - 1) as f64;
        let slowdown = self.slots.base_slowdown * (1.0 + self.slots.coherency_per_thread * others);
        let entry = &mut self.threads[thread as usize];
        entry.computing = true;
        entry.slowdown = slowdown;
        entry.stretch_start = self.now;
        entry.stretch_end = self.now + entry.remaining_us * slowdown;
        self.schedule_checkpoint(thread);
    }

    /// (Re)schedules the end of the current stretch or the deadline, whichever comes first.
    fn schedule_checkpoint(&mut self, thread: u32) {
        let entry = &mut self.threads[thread as usize];
        entry.epoch = entry.epoch.wrapping_add(1);
        let time = entry.deadline.map_or(entry.stretch_end, |deadline| {
            deadline.min(entry.stretch_end)
        });
        self.push_event(time, thread, EventKind::Checkpoint);
    }

    fn checkpoint(&mut self, thread: u32) {
        let now = self.now;
        let entry = &mut self.threads[thread as usize];
        entry.computing = false;
        entry.remaining_us = if now >= entry.stretch_end {
            0.0
        } else {
            (entry.remaining_us - (now - entry.stretch_start) / entry.slowdown).max(0.0)
        };
        if entry.deadline.is_some_and(|deadline| deadline <= now) {
            if !self.ready.is_empty() {
                self.stop_running(thread, State::Ready);
                self.enqueue(thread);
                return;
            }
            entry.deadline = None;
        }
        self.proceed(thread);
    }
}
