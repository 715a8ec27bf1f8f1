//! Advice for one Python program: should it move to a free-threaded build, and should each of its
//! parallel call sites run in parallel at all?
//!
//! This ties the [analysis](crate::analysis::Analysis) to the models (`advise_migration`,
//! `decide`, `fit_usl`): it feeds each call site the analysis found (item count, hazards in the
//! functions it runs, GIL-reenabling imports) to the veto. Plain Rust with no I/O and no browser
//! types: the playground's worker and native tests call it alike. Every result type is plain
//! data (serde both ways) so it can cross `postMessage`.

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, CallSite};
use crate::models::{
    CallSiteFacts, CpuScaling, MigrationInput, UslFit, VetoInput, Workload, advise_migration,
    build_overhead, decide, fit_usl, parse_measurements,
};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetBuild {
    Ft313,
    Ft314,
    /// A single-thread overhead `r` of your own (0.08 means 8% slower).
    Custom(f64),
}

/// What the work does, as the user describes it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadSetting {
    /// CPU-bound work whose parallel fraction `p` (Amdahl) is known.
    ParallelFraction(f64),
    /// Work that waits this share of its time with the GIL released; its computing part is
    /// taken as fully parallel.
    BlockingRatio(f64),
}

/// The settings of the advice.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdviceSettings {
    pub build: TargetBuild,
    pub cores: u32,
    /// Threads the program plans to run (also the thread count each call site is judged at).
    pub threads: u32,
    pub workload: WorkloadSetting,
}

impl AdviceSettings {
    /// 3.14t, `cores` cores and as many threads, parallel fraction 0.95.
    pub fn for_cores(cores: u32) -> Self {
        Self {
            build: TargetBuild::Ft314,
            cores,
            threads: cores,
            workload: WorkloadSetting::ParallelFraction(0.95),
        }
    }
}

/// The migration verdict in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MigrationView {
    /// `migrate_now`, `migrate_if_threads` or `stay_on_gil`.
    pub verdict: String,
    /// The verdict as a sentence ("migrate if you run 3 or more threads").
    pub headline: String,
    pub break_even_threads: Option<u32>,
    /// Free-threaded over GIL throughput at the planned thread count.
    pub speedup_at_threads: f64,
    pub overhead: f64,
    pub overhead_source: String,
    /// The model's reasons, with their numbers.
    pub reasons: Vec<String>,
}

/// One veto reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonView {
    /// `TOO_SMALL`, `GIL_UNSAFE_PATTERN`, ...
    pub code: String,
    pub message: String,
}

/// The veto for one call site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallSiteAdvice {
    pub site: CallSite,
    pub threads: u32,
    pub parallel: bool,
    /// Every reason against running in parallel; empty exactly when `parallel`.
    pub reasons: Vec<ReasonView>,
    pub suggested_threads: Option<u32>,
}

/// A USL fit of the pasted measurements, in plain numbers (all finite).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UslView {
    pub sigma: f64,
    pub kappa: f64,
    pub lambda: f64,
    pub peak_threads: Option<f64>,
    pub peak_throughput: Option<f64>,
    pub cliff_threads: Option<u32>,
    pub recommended_threads: u32,
    pub r_squared: f64,
    pub points: usize,
    pub notes: Vec<String>,
}

/// Everything the advice panel shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// The migration advice, or why the settings cannot be used.
    pub migration: Result<MigrationView, String>,
    pub call_sites: Vec<CallSiteAdvice>,
    /// Why call sites were not looked for (input refused by the detector), if so.
    pub call_sites_skipped: Option<String>,
    /// `None` when no measurements were pasted.
    pub usl: Option<Result<UslView, String>>,
}

/// Computes the advice for `source` under `settings`, with `points` the pasted
/// `threads,throughput` lines (may be blank).
pub fn advise(source: &str, settings: &AdviceSettings, points: &str) -> Advice {
    advise_with(&Analysis::new(source), settings, points)
}

/// [`advise`] over an analysis already made.
pub fn advise_with(analysis: &Analysis, settings: &AdviceSettings, points: &str) -> Advice {
    let fit = usl_fit(points);
    let usl = fit
        .as_ref()
        .map(|fit| fit.as_ref().map(usl_view).map_err(Clone::clone));
    let usl_for_veto = fit.and_then(Result::ok);

    let call_sites_skipped = analysis
        .is_refused()
        .then(|| "the detector did not parse this text, so no call sites were looked for".into());
    let blocking_ratio = match settings.workload {
        WorkloadSetting::BlockingRatio(ratio) if ratio.is_finite() => ratio,
        _ => 0.0,
    };
    let call_sites = analysis
        .call_sites()
        .iter()
        .cloned()
        .map(|site| {
            let facts = CallSiteFacts {
                work_per_item: None,
                usl: usl_for_veto.clone(),
                hazards: site.hazards.clone(),
                blocking_ratio,
                gil_reenabling_imports: site.gil_reenabling_imports.clone(),
            };
            let veto = decide(&VetoInput {
                items: site.items,
                threads: settings.threads,
                dispatcher: site.kind.dispatcher(),
                facts: &facts,
            });
            CallSiteAdvice {
                site,
                threads: settings.threads,
                parallel: veto.is_parallel(),
                reasons: veto
                    .reasons
                    .into_iter()
                    .map(|reason| ReasonView {
                        code: reason.code.as_str().to_owned(),
                        message: reason.message,
                    })
                    .collect(),
                suggested_threads: veto.suggested_threads,
            }
        })
        .collect();

    Advice {
        migration: migration(settings),
        call_sites,
        call_sites_skipped,
        usl,
    }
}

fn migration(settings: &AdviceSettings) -> Result<MigrationView, String> {
    let (overhead, overhead_source) = match settings.build {
        TargetBuild::Ft313 | TargetBuild::Ft314 => {
            let name = if settings.build == TargetBuild::Ft313 {
                "3.13t"
            } else {
                "3.14t"
            };
            let known = build_overhead(name).expect("OVERHEADS lists 3.13t and 3.14t");
            (known.overhead, format!("{name}: {}", known.source))
        }
        TargetBuild::Custom(overhead) if overhead.is_finite() => {
            (overhead, "the overhead you entered".to_owned())
        }
        TargetBuild::Custom(_) => {
            return Err("enter the custom overhead r as a number (0.08 means 8% slower)".into());
        }
    };
    let (workload, scaling) = match settings.workload {
        WorkloadSetting::ParallelFraction(p) if p.is_finite() => {
            (Workload::CpuBound, CpuScaling::ParallelFraction(p))
        }
        WorkloadSetting::BlockingRatio(ratio) if ratio.is_finite() => (
            Workload::BlockingRatio(ratio),
            CpuScaling::ParallelFraction(1.0),
        ),
        WorkloadSetting::ParallelFraction(_) => {
            return Err("enter the parallel fraction p as a number between 0 and 1".into());
        }
        WorkloadSetting::BlockingRatio(_) => {
            return Err(
                "enter the blocking ratio as a number from 0 up to (not including) 1".into(),
            );
        }
    };
    let advice = advise_migration(&MigrationInput {
        overhead,
        overhead_source: overhead_source.clone(),
        workload,
        scaling,
        cores: settings.cores,
        threads: settings.threads,
    })
    .map_err(|error| error.to_string())?;
    Ok(MigrationView {
        verdict: advice.verdict.code().to_owned(),
        headline: advice.verdict.to_string(),
        break_even_threads: advice.break_even_threads,
        speedup_at_threads: advice.speedup_at_threads,
        overhead,
        overhead_source,
        reasons: advice.reasons,
    })
}

/// `None` for blank input; otherwise the fit or a sentence saying why there is none.
fn usl_fit(points: &str) -> Option<Result<UslFit, String>> {
    if points.trim().is_empty() {
        return None;
    }
    Some(
        parse_measurements(points)
            .map_err(|error| error.to_string())
            .and_then(|measurements| fit_usl(&measurements).map_err(|error| error.to_string())),
    )
}

/// A USL fit in plain, finite numbers.
pub fn usl_view(fit: &UslFit) -> UslView {
    UslView {
        sigma: fit.model.sigma,
        kappa: fit.model.kappa,
        lambda: fit.model.lambda,
        peak_threads: fit.peak_threads.filter(|value| value.is_finite()),
        peak_throughput: fit.peak_throughput.filter(|value| value.is_finite()),
        cliff_threads: fit.cliff_threads,
        recommended_threads: fit.recommended_threads,
        r_squared: if fit.r_squared.is_finite() {
            fit.r_squared
        } else {
            0.0
        },
        points: fit.points.len(),
        notes: fit.notes.clone(),
    }
}
