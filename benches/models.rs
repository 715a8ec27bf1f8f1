//! Benchmarks of the scaling models: one USL fit of 32 points, and one veto decision.

use std::hint::black_box;
use std::time::Duration;

use aether::models::{
    CallSiteFacts, Dispatcher, Measurement, UslModel, VetoInput, decide, fit_usl,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// 32 points of a coherency-bound curve with a deterministic ±1% ripple.
fn thirty_two_points() -> Vec<Measurement> {
    let truth = UslModel {
        sigma: 0.03,
        kappa: 0.0005,
        lambda: 120.0,
    };
    (1..=32)
        .map(|n| {
            let n = f64::from(n);
            let ripple = 1.0 + 0.01 * (n * 1.7).sin();
            Measurement::new(n, truth.throughput(n) * ripple)
        })
        .collect()
}

fn models(criterion: &mut Criterion) {
    let points = thirty_two_points();
    criterion.bench_function("fit_usl 32 points", |bench| {
        bench.iter(|| fit_usl(black_box(&points)))
    });

    let facts = CallSiteFacts {
        work_per_item: Some(Duration::from_micros(40)),
        usl: fit_usl(&points).ok(),
        hazards: vec!["FT001".to_string()],
        blocking_ratio: 0.2,
        gil_reenabling_imports: Vec::new(),
    };
    criterion.bench_function("veto decide", |bench| {
        bench.iter(|| {
            decide(black_box(&VetoInput {
                items: Some(10_000),
                threads: 8,
                dispatcher: Dispatcher::PythonThreadPool,
                facts: &facts,
            }))
        })
    });
}

criterion_group!(benches, models);
criterion_main!(benches);
