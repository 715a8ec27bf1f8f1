//! The full sweep the playground runs: both interpreters at T = 1..64 over 10,000 items, on
//! the default rayon pool and on a one-thread pool (their ratio is the parallel speed-up).

use std::hint::black_box;
use std::time::Duration;

use aether::simulator::{Interpreter, SimulationConfig, TimeDistribution, sweep};
use criterion::{Criterion, criterion_group, criterion_main};

const INTERPRETERS: [Interpreter; 2] = [Interpreter::Gil, Interpreter::FreeThreaded];

fn full_sweep(config: &SimulationConfig, threads: &[u32]) {
    black_box(sweep(black_box(config), &INTERPRETERS, threads).expect("a valid sweep"));
}

fn simulator(criterion: &mut Criterion) {
    let threads: Vec<u32> = (1..=64).collect();
    let workloads = [
        ("cpu-bound", SimulationConfig::default()),
        (
            "mixed exponential with lock",
            SimulationConfig {
                cpu_per_item: TimeDistribution::Exponential { mean_us: 1_000.0 },
                io_per_item: TimeDistribution::Exponential { mean_us: 3_000.0 },
                lock_fraction: 0.2,
                coherency_per_thread: 0.01,
                ..SimulationConfig::default()
            },
        ),
        (
            "SMT, shared objects, GIL releases, I/O",
            SimulationConfig {
                smt: 2,
                shared_fraction: 0.01,
                gil_releases_per_item: 10,
                io_per_item: TimeDistribution::Exponential { mean_us: 1_000.0 },
                ..SimulationConfig::default()
            },
        ),
    ];
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread rayon pool");
    let mut group = criterion.benchmark_group("sweep T=1..64, both interpreters, 10k items");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (name, config) in &workloads {
        group.bench_function(format!("{name}, default pool"), |bench| {
            bench.iter(|| full_sweep(config, &threads))
        });
        group.bench_function(format!("{name}, 1-thread pool"), |bench| {
            bench.iter(|| one_thread.install(|| full_sweep(config, &threads)))
        });
    }
    group.finish();
}

criterion_group!(benches, simulator);
criterion_main!(benches);
