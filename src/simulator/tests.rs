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

/// Free-threaded speed-ups at `threads` against a closed form, within `tolerance` (relative).
fn assert_free_threaded_speedups(
    config: &SimulationConfig,
    expected: impl Fn(f64) -> f64,
    threads: &[u32],
    tolerance: f64,
) {
    for &count in threads {
        let expected = expected(f64::from(count));
        let speedup = speedup(config, Interpreter::FreeThreaded, count);
        assert!(
            (speedup - expected).abs() <= tolerance * expected,
            "{count} threads: {speedup} against {expected}"
        );
    }
}

#[test]
fn hardware_threads_share_their_core() {
    let config = SimulationConfig {
        smt: 2,
        ..cpu_bound(4_000, 4)
    };
    // One thread per core up to 4; then the second hardware threads add 25% per core, and
    // threads beyond the 8 hardware threads wait for one.
    let capacity =
        |threads: f64| threads.min(4.0) + DEFAULT_SMT_GAIN * (threads.min(8.0) - 4.0).max(0.0);
    assert_free_threaded_speedups(&config, capacity, &[2, 4, 6, 8, 16], 0.02);
    let run = simulate(&config, Interpreter::FreeThreaded, 8).unwrap();
    assert!(
        run.utilization > 0.99 && run.utilization <= 1.0 + 1e-9,
        "{}",
        run.utilization
    );
    assert!(speedup(&config, Interpreter::Gil, 8) <= 1.0);
}

#[test]
fn shared_objects_cost_more_with_each_other_busy_core() {
    // 1% of the operations on shared objects, each 10 operations more per other busy core.
    let config = SimulationConfig {
        shared_fraction: 0.01,
        ..cpu_bound(4_000, 16)
    };
    let contention = 0.01 * DEFAULT_CONTENDED_ACCESS_COST;
    assert_free_threaded_speedups(
        &config,
        |threads| threads / (1.0 + contention * (threads - 1.0)),
        &[2, 4, 8, 16],
        0.02,
    );
}

#[test]
fn heavy_sharing_makes_more_threads_slower_on_the_free_threaded_build_only() {
    let shared = SimulationConfig {
        shared_fraction: 0.2,
        ..cpu_bound(2_000, 8)
    };
    // Each operation on a shared object costs 2 more per other busy core: n / (1 + 2 (n - 1)).
    assert_free_threaded_speedups(
        &shared,
        |threads| threads / (2.0 * threads - 1.0),
        &[2, 4, 8],
        0.02,
    );
    let at = |threads| speedup(&shared, Interpreter::FreeThreaded, threads);
    assert!(at(2) < 1.0 && at(4) < at(2) && at(8) < at(4));

    // One thread runs at a time on the GIL build: nothing is contended.
    let private = cpu_bound(2_000, 8);
    for threads in [1, 4] {
        assert_eq!(
            simulate(&shared, Interpreter::Gil, threads)
                .unwrap()
                .throughput,
            simulate(&private, Interpreter::Gil, threads)
                .unwrap()
                .throughput
        );
    }

    // The USL fit of the falling curve finds coherency and a peak at one or two threads.
    let measurements: Vec<crate::models::Measurement> = (1..=16)
        .map(|threads| {
            let run = simulate(
                &SimulationConfig {
                    cores: 16,
                    ..shared
                },
                Interpreter::FreeThreaded,
                threads,
            );
            crate::models::Measurement::new(f64::from(threads), run.unwrap().throughput)
        })
        .collect();
    let fit = crate::models::fit_usl(&measurements).unwrap();
    assert!(fit.model.kappa > 0.0, "{:?}", fit.model);
    assert!(
        fit.model.peak_threads().is_some_and(|peak| peak < 2.5),
        "{:?}",
        fit.model
    );
}

#[test]
fn rates_follow_the_threads_running() {
    // Two threads share the objects while both compute; the one left alone then speeds up.
    let config = SimulationConfig {
        shared_fraction: 0.05,
        ..cpu_bound(3, 2)
    };
    let run = simulate(&config, Interpreter::FreeThreaded, 2).unwrap();
    let overhead = 1.0 + config.free_threaded_overhead;
    let expected = overhead * (CPU_US * (1.0 + 0.05 * DEFAULT_CONTENDED_ACCESS_COST) + CPU_US);
    assert!(
        (run.elapsed_us - expected).abs() < 1e-6,
        "{} against {expected}",
        run.elapsed_us
    );
}

#[test]
fn gil_releases_queue_for_the_gil_behind_the_other_threads() {
    // 20 releases of an item of 100 us: with others waiting, each costs a hand-off.
    let config = SimulationConfig {
        cpu_per_item: TimeDistribution::Fixed { mean_us: 100.0 },
        gil_releases_per_item: 20,
        ..cpu_bound(2_000, 8)
    };
    let alone = simulate(&config, Interpreter::Gil, 1).unwrap();
    assert!(
        (alone.throughput - 1e6 / 100.0).abs() < 1e-6,
        "releasing an uncontended GIL is free"
    );
    let convoy = 100.0 / (100.0 + 20.0 * DEFAULT_GIL_HANDOFF_US);
    for threads in [2, 4, 16] {
        let speedup = speedup(&config, Interpreter::Gil, threads);
        assert!(
            (speedup - convoy).abs() < 0.02,
            "{threads} threads: {speedup} against {convoy}"
        );
    }
    let run = simulate(&config, Interpreter::Gil, 4).unwrap();
    assert!(run.handoffs >= 20 * 2_000 - 4, "{}", run.handoffs);
    // No GIL on the free-threaded build: releases cost nothing there.
    let without = SimulationConfig {
        gil_releases_per_item: 0,
        ..config
    };
    let releasing = simulate(&config, Interpreter::FreeThreaded, 4)
        .unwrap()
        .throughput;
    let holding = simulate(&without, Interpreter::FreeThreaded, 4)
        .unwrap()
        .throughput;
    assert!(
        (releasing - holding).abs() < 1e-9 * holding,
        "{releasing} against {holding}"
    );
}

#[test]
fn gil_releases_spread_the_io_wait() {
    // 4 releases of 100 us of I/O each around 4 chunks of 25 us of CPU.
    let config = SimulationConfig {
        cpu_per_item: TimeDistribution::Fixed { mean_us: 100.0 },
        io_per_item: TimeDistribution::Fixed { mean_us: 400.0 },
        gil_releases_per_item: 4,
        ..cpu_bound(4_000, 8)
    };
    let alone = simulate(&config, Interpreter::Gil, 1).unwrap();
    assert!((alone.throughput - 1e6 / 500.0).abs() < 1e-6);
    // With enough threads the GIL is the bottleneck: 100 us of CPU and 4 hand-offs per item.
    let bound = 500.0 / (100.0 + 4.0 * DEFAULT_GIL_HANDOFF_US);
    let speedup = speedup(&config, Interpreter::Gil, 16);
    assert!(
        (speedup - bound).abs() < 0.05 * bound,
        "{speedup} against {bound}"
    );
    let run = simulate(&config, Interpreter::Gil, 2).unwrap();
    assert!(run.io_us > 0.0 && run.gil_wait_us > 0.0);

    // Without CPU time to cut into chunks, the whole I/O still happens, at the end.
    let waiting = SimulationConfig {
        cpu_per_item: TimeDistribution::Fixed { mean_us: 0.0 },
        ..config
    };
    let alone = simulate(&waiting, Interpreter::Gil, 1).unwrap();
    assert!(
        (alone.throughput - 1e6 / 400.0).abs() < 1e-6,
        "{}",
        alone.throughput
    );
}

#[test]
fn releases_under_a_held_lock_keep_the_lock() {
    let config = SimulationConfig {
        lock_fraction: 1.0,
        gil_releases_per_item: 5,
        ..cpu_bound(1_000, 8)
    };
    for interpreter in [Interpreter::Gil, Interpreter::FreeThreaded] {
        let speedup = speedup(&config, interpreter, 8);
        assert!(speedup <= 1.1, "{interpreter}: {speedup}");
    }
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
    let cases = [
        (
            SimulationConfig { smt: 0, ..good },
            SimulationError::InvalidSmt(0),
        ),
        (
            SimulationConfig {
                smt: MAX_SMT + 1,
                ..good
            },
            SimulationError::InvalidSmt(MAX_SMT + 1),
        ),
        (
            SimulationConfig {
                shared_fraction: 1.5,
                ..good
            },
            SimulationError::SharedFractionOutOfRange(1.5),
        ),
        (
            SimulationConfig {
                gil_releases_per_item: u32::MAX,
                ..good
            },
            SimulationError::TooManyGilReleases(u32::MAX),
        ),
        (
            SimulationConfig {
                smt_gain: 2.0,
                ..good
            },
            SimulationError::InvalidSmtGain(2.0),
        ),
        (
            SimulationConfig {
                contended_access_cost: -1.0,
                ..good
            },
            SimulationError::InvalidContendedAccessCost(-1.0),
        ),
    ];
    for (config, expected) in cases {
        assert!(!expected.to_string().is_empty());
        assert_eq!(
            simulate(&config, Interpreter::FreeThreaded, 2),
            Err(expected)
        );
    }
    for not_a_number in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let shared = SimulationConfig {
            shared_fraction: not_a_number,
            ..good
        };
        assert!(matches!(
            simulate(&shared, Interpreter::FreeThreaded, 2),
            Err(SimulationError::SharedFractionOutOfRange(_))
        ));
        let gain = SimulationConfig {
            smt_gain: not_a_number,
            ..good
        };
        assert!(matches!(
            simulate(&gain, Interpreter::FreeThreaded, 2),
            Err(SimulationError::InvalidSmtGain(_))
        ));
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
