//! The simulator against closed forms, and its guarantees (determinism, typed errors).

use super::*;

const CPU_US: f64 = 1_000.0;

fn cpu_bound(items: u64, cores: u32) -> SimulationConfig {
    SimulationConfig {
        items,
        cores,
        ..SimulationConfig::default()
    }
}

/// Throughput at `threads` over throughput at 1 thread, same interpreter.
fn speedup(config: &SimulationConfig, interpreter: Interpreter, threads: u32) -> f64 {
    let one = simulate(config, interpreter, 1).unwrap().throughput;
    simulate(config, interpreter, threads).unwrap().throughput / one
}

const THREAD_COUNTS: [u32; 8] = [1, 2, 3, 4, 8, 16, 32, 64];

#[test]
fn one_thread_on_the_gil_build_runs_at_the_cpu_time() {
    let run = simulate(&cpu_bound(1_000, 4), Interpreter::Gil, 1).unwrap();
    assert!(
        (run.throughput - 1e6 / CPU_US).abs() < 1e-6,
        "{}",
        run.throughput
    );
    assert!((run.utilization - 0.25).abs() < 1e-9);
    assert_eq!(run.handoffs, 0);
    assert_eq!(run.gil_wait_us, 0.0);
}

#[test]
fn gil_and_cpu_bound_work_does_not_scale() {
    let config = cpu_bound(2_000, 8);
    for threads in THREAD_COUNTS {
        let speedup = speedup(&config, Interpreter::Gil, threads);
        assert!(speedup <= 1.1, "{threads} threads: {speedup}");
        assert!(speedup > 0.9, "{threads} threads: {speedup}");
    }
    let run = simulate(&config, Interpreter::Gil, 4).unwrap();
    assert!(run.gil_wait_us > 0.0 && run.handoffs > 0);
}

#[test]
fn gil_with_ninety_percent_io_scales_up_to_ten() {
    let config = SimulationConfig {
        items: 2_000,
        cpu_per_item: TimeDistribution::Fixed { mean_us: 1_000.0 },
        io_per_item: TimeDistribution::Fixed { mean_us: 9_000.0 },
        ..SimulationConfig::default()
    };
    for threads in THREAD_COUNTS {
        let expected = f64::from(threads).min(1.0 / (1.0 - 0.9));
        let speedup = speedup(&config, Interpreter::Gil, threads);
        assert!(
            (speedup - expected).abs() <= 0.15 * expected,
            "{threads} threads: {speedup} against {expected}"
        );
    }
}

#[test]
fn free_threaded_cpu_bound_scales_to_the_cores() {
    let cores = 8;
    let config = cpu_bound(4_000, cores);
    for threads in THREAD_COUNTS {
        let expected = f64::from(threads.min(cores));
        let speedup = speedup(&config, Interpreter::FreeThreaded, threads);
        assert!(
            (speedup - expected).abs() <= 0.05 * expected,
            "{threads} threads: {speedup} against {expected}"
        );
    }
}

#[test]
fn free_threaded_one_thread_pays_the_build_overhead() {
    for (build, overhead) in [("3.13t", 0.40), ("3.14t", 0.08)] {
        let config = cpu_bound(500, 4).with_build(build).unwrap();
        let gil = simulate(&config, Interpreter::Gil, 1).unwrap();
        let free = simulate(&config, Interpreter::FreeThreaded, 1).unwrap();
        let ratio = gil.throughput / free.throughput;
        assert!((ratio - (1.0 + overhead)).abs() < 1e-9, "{build}: {ratio}");
    }
}

#[test]
fn a_lock_held_all_the_time_serialises_both_builds() {
    let config = SimulationConfig {
        lock_fraction: 1.0,
        ..cpu_bound(2_000, 8)
    };
    for interpreter in [Interpreter::Gil, Interpreter::FreeThreaded] {
        for threads in THREAD_COUNTS {
            let speedup = speedup(&config, interpreter, threads);
            assert!(speedup <= 1.1, "{interpreter} {threads} threads: {speedup}");
        }
    }
    let run = simulate(&config, Interpreter::FreeThreaded, 8).unwrap();
    assert!(run.lock_wait_us > 0.0);
}

#[test]
fn a_lock_held_half_the_time_caps_free_threaded_scaling_at_two() {
    let config = SimulationConfig {
        lock_fraction: 0.5,
        ..cpu_bound(4_000, 8)
    };
    let speedup = speedup(&config, Interpreter::FreeThreaded, 8);
    assert!(speedup <= 2.05 && speedup > 1.8, "{speedup}");
}

#[test]
fn coherency_costs_bend_the_curve_down() {
    let config = SimulationConfig {
        coherency_per_thread: 0.1,
        ..cpu_bound(4_000, 16)
    };
    let at_4 = speedup(&config, Interpreter::FreeThreaded, 4);
    let at_16 = speedup(&config, Interpreter::FreeThreaded, 16);
    // n / (1 + 0.1 (n - 1)): 3.08 at 4 threads, 6.4 at 16.
    assert!((at_4 - 4.0 / 1.3).abs() < 0.05, "{at_4}");
    assert!((at_16 - 16.0 / 2.5).abs() < 0.1, "{at_16}");
}

#[test]
fn the_same_seed_gives_identical_results() {
    let config = SimulationConfig {
        items: 3_000,
        cpu_per_item: TimeDistribution::Exponential { mean_us: 800.0 },
        io_per_item: TimeDistribution::Exponential { mean_us: 2_000.0 },
        lock_fraction: 0.2,
        coherency_per_thread: 0.01,
        seed: 42,
        ..SimulationConfig::default()
    };
    for interpreter in [Interpreter::Gil, Interpreter::FreeThreaded] {
        let first = simulate(&config, interpreter, 12).unwrap();
        let second = simulate(&config, interpreter, 12).unwrap();
        assert_eq!(first, second);
        let other_seed = SimulationConfig { seed: 43, ..config };
        let third = simulate(&other_seed, interpreter, 12).unwrap();
        assert_ne!(first.elapsed_us, third.elapsed_us);
    }
}

#[test]
fn thread_time_adds_up_and_timelines_stay_bounded() {
    let config = SimulationConfig {
        items: 1_000,
        cpu_per_item: TimeDistribution::Exponential { mean_us: 500.0 },
        io_per_item: TimeDistribution::Exponential { mean_us: 1_500.0 },
        lock_fraction: 0.3,
        cores: 2,
        ..SimulationConfig::default()
    };
    for interpreter in [Interpreter::Gil, Interpreter::FreeThreaded] {
        let run = simulate(&config, interpreter, 16).unwrap();
        let accounted =
            run.cpu_us + run.gil_wait_us + run.core_wait_us + run.lock_wait_us + run.io_us;
        assert!(accounted <= 16.0 * run.elapsed_us * (1.0 + 1e-9));
        assert!(run.utilization > 0.0 && run.utilization <= 1.0 + 1e-9);
        let limits = config.timeline;
        assert_eq!(run.timeline.len(), limits.threads as usize);
        for timeline in &run.timeline {
            assert!(timeline.segments.len() <= limits.segments_per_thread as usize);
            for pair in timeline.segments.windows(2) {
                assert!(pair[0].end_us <= pair[1].start_us);
            }
            for segment in &timeline.segments {
                assert!(segment.start_us < segment.end_us && segment.end_us <= limits.window_us);
            }
        }
        let waiting = match interpreter {
            Interpreter::Gil => Activity::WaitingForGil,
            Interpreter::FreeThreaded => Activity::WaitingForCore,
        };
        let activities: Vec<Activity> = run
            .timeline
            .iter()
            .flat_map(|timeline| timeline.segments.iter().map(|segment| segment.activity))
            .collect();
        for activity in [Activity::Running, Activity::Io, waiting] {
            assert!(
                activities.contains(&activity),
                "{interpreter}: {activity:?}"
            );
        }
    }
}

#[test]
fn bad_parameters_are_typed_errors() {
    let good = SimulationConfig::default();
    let cases = [
        (
            SimulationConfig { items: 0, ..good },
            SimulationError::NoItems,
        ),
        (
            SimulationConfig { cores: 0, ..good },
            SimulationError::NoCores,
        ),
        (
            SimulationConfig {
                cpu_per_item: TimeDistribution::Fixed { mean_us: -1.0 },
                ..good
            },
            SimulationError::InvalidDuration {
                parameter: "CPU time per item",
                value: -1.0,
            },
        ),
        (
            SimulationConfig {
                cpu_per_item: TimeDistribution::Fixed { mean_us: 0.0 },
                ..good
            },
            SimulationError::NoWork,
        ),
        (
            SimulationConfig {
                lock_fraction: 1.5,
                ..good
            },
            SimulationError::LockFractionOutOfRange(1.5),
        ),
        (
            SimulationConfig {
                switch_interval_us: 0.0,
                ..good
            },
            SimulationError::InvalidPeriod {
                parameter: "switch interval",
                value: 0.0,
            },
        ),
    ];
    for (config, expected) in cases {
        assert_eq!(simulate(&config, Interpreter::Gil, 2), Err(expected));
    }
    for not_a_number in [f64::NAN, f64::INFINITY, -0.5] {
        let config = SimulationConfig {
            io_per_item: TimeDistribution::Exponential {
                mean_us: not_a_number,
            },
            lock_fraction: not_a_number,
            ..good
        };
        let error = simulate(&config, Interpreter::FreeThreaded, 2).unwrap_err();
        assert!(matches!(error, SimulationError::InvalidDuration { .. }));
        assert!(!error.to_string().is_empty());
    }
    let nan_lock = SimulationConfig {
        lock_fraction: f64::NAN,
        ..good
    };
    assert!(matches!(
        simulate(&nan_lock, Interpreter::Gil, 1),
        Err(SimulationError::LockFractionOutOfRange(_))
    ));
    assert_eq!(
        simulate(&good, Interpreter::Gil, 0),
        Err(SimulationError::NoThreads)
    );
    assert_eq!(
        good.with_build("3.12t"),
        Err(SimulationError::UnknownBuild("3.12t".to_string()))
    );
}

#[test]
fn endless_work_stops_with_an_error() {
    let config = SimulationConfig {
        items: 4,
        cpu_per_item: TimeDistribution::Fixed {
            mean_us: MAX_DURATION_US,
        },
        switch_interval_us: 1.0,
        max_events: 100_000,
        ..SimulationConfig::default()
    };
    assert_eq!(
        simulate(&config, Interpreter::Gil, 4),
        Err(SimulationError::TooLong {
            max_events: 100_000
        })
    );
}

#[test]
fn fewer_items_than_threads_leaves_threads_idle() {
    let run = simulate(&cpu_bound(3, 8), Interpreter::FreeThreaded, 8).unwrap();
    assert!((run.elapsed_us - CPU_US * 1.08).abs() < 1e-6);
}

#[test]
fn sweep_adds_speedups_in_the_requested_order() {
    let config = cpu_bound(1_000, 4);
    let reports = sweep(
        &config,
        &[Interpreter::FreeThreaded, Interpreter::Gil],
        &[4, 2],
    )
    .unwrap();
    let order: Vec<(Interpreter, u32)> = reports
        .iter()
        .map(|report| (report.run.interpreter, report.run.threads))
        .collect();
    assert_eq!(
        order,
        [
            (Interpreter::FreeThreaded, 4),
            (Interpreter::FreeThreaded, 2),
            (Interpreter::Gil, 4),
            (Interpreter::Gil, 2)
        ]
    );
    let free_4 = &reports[0];
    assert!((free_4.speedup - 4.0).abs() < 0.01, "{}", free_4.speedup);
    assert!((free_4.speedup_over_gil_one_thread - 4.0 / 1.08).abs() < 0.01);
    assert_eq!(
        free_4.run,
        simulate(&config, Interpreter::FreeThreaded, 4).unwrap()
    );
    assert_eq!(sweep(&config, &[], &[1]), Err(SimulationError::EmptySweep));
    assert_eq!(
        sweep(&config, &[Interpreter::Gil], &[1, 0]),
        Err(SimulationError::NoThreads)
    );
}
