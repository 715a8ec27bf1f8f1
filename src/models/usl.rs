//! The Universal Scalability Law (Gunther): fitting `X(N) = λN / (1 + σ(N-1) + κN(N-1))` to
//! measured `(threads, throughput)` points and reading the fit (peak, cliff, recommended threads).
//!
//! The fit is bounded non-linear least squares on `X(N)` itself (as R's `usl` >= 2.0 does), by
//! Levenberg–Marquardt with the analytic Jacobian on scaled parameters, started from several
//! seeds; the best fit wins.

use std::fmt;

use serde::Serialize;

/// One measurement: `throughput` (any unit, per second) at `threads` threads.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Measurement {
    pub threads: f64,
    pub throughput: f64,
}

impl Measurement {
    pub fn new(threads: f64, throughput: f64) -> Self {
        Self {
            threads,
            throughput,
        }
    }
}

/// The three USL coefficients.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct UslModel {
    /// Contention (serialisation, queueing): the Amdahl term.
    pub sigma: f64,
    /// Coherency (pairwise exchange of shared state): makes throughput fall past the peak.
    pub kappa: f64,
    /// Throughput of one thread.
    pub lambda: f64,
}

/// Which term limits scaling (the classification used by usl4j and Go's usl).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalingClass {
    /// `sigma > kappa`: diminishing returns dominate.
    ContentionConstrained,
    /// `sigma <= kappa` with `kappa > 0`: throughput soon peaks and falls.
    CoherencyConstrained,
    /// `kappa = 0`: throughput never falls (Amdahl, or linear when `sigma = 0` too).
    Limitless,
}

impl fmt::Display for ScalingClass {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::ContentionConstrained => "contention-constrained",
            Self::CoherencyConstrained => "coherency-constrained",
            Self::Limitless => "limitless (no coherency penalty)",
        })
    }
}

impl UslModel {
    /// Predicted throughput at `threads`.
    pub fn throughput(&self, threads: f64) -> f64 {
        self.lambda * threads / self.denominator(threads)
    }

    /// Predicted speed-up over one thread, `X(N) / X(1)`; independent of `lambda`.
    pub fn relative_speedup(&self, threads: f64) -> f64 {
        threads / self.denominator(threads)
    }

    fn denominator(&self, threads: f64) -> f64 {
        1.0 + self.sigma * (threads - 1.0) + self.kappa * threads * (threads - 1.0)
    }

    /// `N* = sqrt((1 - sigma) / kappa)`, at least 1; `None` when `kappa = 0` (no peak).
    pub fn peak_threads(&self) -> Option<f64> {
        (self.kappa > 0.0).then(|| ((1.0 - self.sigma).max(0.0) / self.kappa).sqrt().max(1.0))
    }

    /// The whole thread count with the highest predicted throughput; `None` without a peak.
    pub fn peak_whole_threads(&self) -> Option<u32> {
        let peak = self.peak_threads()?;
        let below = peak.floor().max(1.0);
        let above = peak.ceil().max(1.0);
        let best = if self.throughput(above) > self.throughput(below) {
            above
        } else {
            below
        };
        Some(saturating_u32(best))
    }

    pub fn classification(&self) -> ScalingClass {
        if self.kappa <= 0.0 {
            ScalingClass::Limitless
        } else if self.sigma > self.kappa {
            ScalingClass::ContentionConstrained
        } else {
            ScalingClass::CoherencyConstrained
        }
    }
}

/// Why a set of measurements cannot be fitted.
#[derive(Clone, Debug, PartialEq)]
pub enum FitError {
    /// The USL has three coefficients: fewer distinct thread counts cannot pin them down.
    TooFewThreadCounts { distinct: usize },
    /// A thread count that is zero, negative, NaN or infinite (`index` counts from 0).
    InvalidThreads { index: usize, value: f64 },
    /// A throughput that is zero, negative, NaN or infinite (`index` counts from 0).
    InvalidThroughput { index: usize, value: f64 },
    /// The optimiser produced no finite fit (not expected for valid input).
    NoFiniteFit,
}

impl fmt::Display for FitError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewThreadCounts { distinct } => write!(
                formatter,
                "need measurements at 3 or more distinct thread counts to fit 3 coefficients, got {distinct}"
            ),
            Self::InvalidThreads { index, value } => write!(
                formatter,
                "measurement {}: thread count {value} is not a positive finite number",
                index + 1
            ),
            Self::InvalidThroughput { index, value } => write!(
                formatter,
                "measurement {}: throughput {value} is not a positive finite number",
                index + 1
            ),
            Self::NoFiniteFit => formatter.write_str("the fit did not converge to finite values"),
        }
    }
}

impl std::error::Error for FitError {}

/// A thread must add at least this share of one thread's throughput to be recommended.
///
/// Why 10%: each extra thread costs a core, memory and scheduling; one that adds less than a
/// tenth of what the first thread delivers is mostly cost. It is close to .NET's thread-pool hill
/// climbing, which keeps an extra thread only when throughput rises by more than 15% of the
/// relative change in threads.
pub const MIN_MARGINAL_GAIN: f64 = 0.10;

/// The recommended thread count never exceeds this: limitless fits would otherwise recommend
/// arbitrarily many threads from a curve extrapolated far past the measurements.
pub const MAX_RECOMMENDED_THREADS: u32 = 1024;

/// Coherency below this is treated as zero: its peak would be past about 31,000 threads.
const NEGLIGIBLE_KAPPA: f64 = 1e-9;

/// Below this many distinct thread counts the fit is reported with a warning note.
const WELL_DETERMINED_THREAD_COUNTS: usize = 6;

/// A fitted USL and what it says.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UslFit {
    pub model: UslModel,
    /// Standard errors of `(sigma, kappa, lambda)`; `None` with exactly 3 points (no degrees of
    /// freedom) or a singular Jacobian.
    pub standard_errors: Option<UslModel>,
    /// `N*`; `None` when throughput never peaks (`kappa = 0`).
    pub peak_threads: Option<f64>,
    /// Throughput at the peak; with `kappa = 0` the Amdahl roof `lambda / sigma` (approached,
    /// never reached); `None` when linear (`sigma = kappa = 0`).
    pub peak_throughput: Option<f64>,
    /// The first thread count after which throughput falls (measured beyond the noise, or
    /// predicted with a coherency term significantly above zero); `None` if it never does.
    pub cliff_threads: Option<u32>,
    /// The largest thread count whose every added thread still gains at least
    /// [`MIN_MARGINAL_GAIN`] of one thread's throughput, capped at [`MAX_RECOMMENDED_THREADS`].
    pub recommended_threads: u32,
    /// Coefficient of determination of the fit on the (averaged) points.
    pub r_squared: f64,
    /// `sqrt(RSS / (n - 3))`; `None` with exactly 3 points.
    pub residual_standard_error: Option<f64>,
    pub classification: ScalingClass,
    /// The points fitted: sorted by threads, replicates averaged.
    pub points: Vec<Measurement>,
    /// Plain-language remarks about the data (replicates averaged, few points).
    pub notes: Vec<String>,
}

/// Fits the USL to measurements (any order; replicates at one thread count are averaged).
pub fn fit_usl(measurements: &[Measurement]) -> Result<UslFit, FitError> {
    let (points, mut notes) = prepare(measurements)?;
    if points.len() < 3 {
        return Err(FitError::TooFewThreadCounts {
            distinct: points.len(),
        });
    }
    if points.len() < WELL_DETERMINED_THREAD_COUNTS {
        notes.push(format!(
            "only {} distinct thread counts: the coefficients are rough (6 or more are advised)",
            points.len()
        ));
    }

    let best = seeds(&points)
        .into_iter()
        .map(|seed| levenberg_marquardt(&points, seed))
        .filter(|fitted| fitted.cost.is_finite() && fitted.is_finite())
        .min_by(|a, b| a.cost.total_cmp(&b.cost))
        .ok_or(FitError::NoFiniteFit)?;

    let mut model = best.model();
    if model.kappa < NEGLIGIBLE_KAPPA {
        model.kappa = 0.0;
    }
    Ok(describe(model, points, notes))
}

/// Validates, sorts and averages replicates.
fn prepare(measurements: &[Measurement]) -> Result<(Vec<Measurement>, Vec<String>), FitError> {
    for (index, measurement) in measurements.iter().enumerate() {
        if !(measurement.threads.is_finite() && measurement.threads > 0.0) {
            return Err(FitError::InvalidThreads {
                index,
                value: measurement.threads,
            });
        }
        if !(measurement.throughput.is_finite() && measurement.throughput > 0.0) {
            return Err(FitError::InvalidThroughput {
                index,
                value: measurement.throughput,
            });
        }
    }
    let mut sorted = measurements.to_vec();
    sorted.sort_by(|a, b| a.threads.total_cmp(&b.threads));

    let mut points = Vec::new();
    let mut notes = Vec::new();
    for group in sorted.chunk_by(|a, b| a.threads == b.threads) {
        let mean = group.iter().map(|m| m.throughput).sum::<f64>() / group.len() as f64;
        let (low, high) = group.iter().fold((f64::MAX, f64::MIN), |(low, high), m| {
            (low.min(m.throughput), high.max(m.throughput))
        });
        if low != high {
            notes.push(format!(
                "{} measurements at {} threads disagree ({low} to {high}): fitted their mean {mean:.6}",
                group.len(),
                group[0].threads
            ));
        }
        points.push(Measurement::new(group[0].threads, mean));
    }
    Ok((points, notes))
}

/// Start values: Gunther's linearised quadratic fit (when there is a point at one thread), the
/// customary `(max(X/N), 0.01, 1e-4)`, and a strongly coherency-bound start.
fn seeds(points: &[Measurement]) -> Vec<UslModel> {
    let lambda0 = points
        .iter()
        .map(|p| p.throughput / p.threads)
        .fold(0.0, f64::max);
    let mut seeds = vec![
        UslModel {
            sigma: 0.01,
            kappa: 1e-4,
            lambda: lambda0,
        },
        UslModel {
            sigma: 0.1,
            kappa: 0.01,
            lambda: lambda0,
        },
    ];
    if let Some(quadratic) = quadratic_seed(points) {
        seeds.insert(0, quadratic);
    }
    seeds
}

/// Gunther's older method: `C = X/X(1)`, `x = N-1`, `y = N/C - 1`, `y = a x² + b x` through the
/// origin gives `kappa = a`, `sigma = b - a`. A seed, not the answer.
fn quadratic_seed(points: &[Measurement]) -> Option<UslModel> {
    let single = points.iter().find(|p| p.threads == 1.0)?.throughput;
    let (mut s_x2, mut s_x3, mut s_x4, mut s_xy, mut s_x2y) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for point in points.iter().filter(|p| p.threads > 1.0) {
        let x = point.threads - 1.0;
        let y = point.threads / (point.throughput / single) - 1.0;
        s_x2 += x * x;
        s_x3 += x * x * x;
        s_x4 += x * x * x * x;
        s_xy += x * y;
        s_x2y += x * x * y;
    }
    // Normal equations of least squares for (a, b).
    let determinant = s_x4 * s_x2 - s_x3 * s_x3;
    if determinant.abs() <= f64::EPSILON * s_x4 * s_x2 {
        return None;
    }
    let a = (s_x2y * s_x2 - s_x3 * s_xy) / determinant;
    let b = (s_x4 * s_xy - s_x3 * s_x2y) / determinant;
    let seed = UslModel {
        sigma: (b - a).clamp(0.0, 1.0),
        kappa: a.clamp(0.0, 1.0),
        lambda: single,
    };
    (seed.sigma.is_finite() && seed.kappa.is_finite()).then_some(seed)
}

/// Parameters as the optimiser sees them: `(lambda, sigma, kappa)` divided by `scale`.
struct Fitted {
    scaled: [f64; 3],
    scale: [f64; 3],
    cost: f64,
}

impl Fitted {
    fn model(&self) -> UslModel {
        model_of(&self.scaled, &self.scale)
    }

    fn is_finite(&self) -> bool {
        self.scaled.iter().all(|value| value.is_finite())
    }
}

fn model_of(scaled: &[f64; 3], scale: &[f64; 3]) -> UslModel {
    UslModel {
        lambda: scaled[0] * scale[0],
        sigma: scaled[1] * scale[1],
        kappa: scaled[2] * scale[2],
    }
}

/// Projects parameters onto the bounds `lambda >= 0`, `0 <= sigma, kappa <= 1`.
fn clamp_to_bounds(scaled: &mut [f64; 3], scale: &[f64; 3]) {
    scaled[0] = scaled[0].max(0.0);
    scaled[1] = scaled[1].clamp(0.0, 1.0 / scale[1]);
    scaled[2] = scaled[2].clamp(0.0, 1.0 / scale[2]);
}

fn sum_of_squares(points: &[Measurement], model: &UslModel) -> f64 {
    points
        .iter()
        .map(|p| (model.throughput(p.threads) - p.throughput).powi(2))
        .sum()
}

/// `J^T J` and `J^T r` in scaled parameters, with the analytic derivatives:
/// `df/dλ = N/D`, `df/dσ = -λN(N-1)/D²`, `df/dκ = -λN·N(N-1)/D²`.
fn normal_equations(
    points: &[Measurement],
    model: &UslModel,
    scale: &[f64; 3],
) -> ([[f64; 3]; 3], [f64; 3]) {
    let mut jtj = [[0.0; 3]; 3];
    let mut jtr = [0.0; 3];
    for point in points {
        let n = point.threads;
        let d = model.denominator(n);
        let row = [
            n / d * scale[0],
            -model.lambda * n * (n - 1.0) / (d * d) * scale[1],
            -model.lambda * n * n * (n - 1.0) / (d * d) * scale[2],
        ];
        let residual = model.throughput(n) - point.throughput;
        for i in 0..3 {
            jtr[i] += row[i] * residual;
            for j in 0..3 {
                jtj[i][j] += row[i] * row[j];
            }
        }
    }
    (jtj, jtr)
}

fn levenberg_marquardt(points: &[Measurement], seed: UslModel) -> Fitted {
    const MAX_ITERATIONS: usize = 500;
    const MAX_DAMPING: f64 = 1e16;
    // Scale each parameter by its start value (with a floor) so that all are of order one.
    let scale = [
        seed.lambda.max(f64::MIN_POSITIVE),
        seed.sigma.max(1e-3),
        seed.kappa.max(1e-6),
    ];
    let mut scaled = [
        seed.lambda / scale[0],
        seed.sigma / scale[1],
        seed.kappa / scale[2],
    ];
    clamp_to_bounds(&mut scaled, &scale);
    let mut cost = sum_of_squares(points, &model_of(&scaled, &scale));
    let mut damping = 1e-3;

    for _ in 0..MAX_ITERATIONS {
        let (jtj, jtr) = normal_equations(points, &model_of(&scaled, &scale), &scale);
        let mut accepted = false;
        while damping <= MAX_DAMPING {
            // Marquardt's damping on the diagonal keeps the step invariant to parameter scale.
            let mut damped = jtj;
            for (i, row) in damped.iter_mut().enumerate() {
                row[i] += damping * jtj[i][i].max(1e-12);
            }
            let Some(step) = solve3(damped, jtr.map(|value| -value)) else {
                damping *= 10.0;
                continue;
            };
            let mut candidate = [
                scaled[0] + step[0],
                scaled[1] + step[1],
                scaled[2] + step[2],
            ];
            clamp_to_bounds(&mut candidate, &scale);
            let candidate_cost = sum_of_squares(points, &model_of(&candidate, &scale));
            if candidate_cost.is_finite() && candidate_cost <= cost {
                let moved = (0..3)
                    .map(|i| (candidate[i] - scaled[i]).abs())
                    .fold(0.0, f64::max);
                let improvement = cost - candidate_cost;
                scaled = candidate;
                cost = candidate_cost;
                damping = (damping / 10.0).max(1e-15);
                accepted = true;
                if moved < 1e-13 || improvement <= 1e-16 * cost {
                    return Fitted {
                        scaled,
                        scale,
                        cost,
                    };
                }
                break;
            }
            damping *= 10.0;
        }
        if !accepted {
            break;
        }
    }
    Fitted {
        scaled,
        scale,
        cost,
    }
}

/// Solves a 3×3 linear system by Gaussian elimination with partial pivoting.
fn solve3(mut matrix: [[f64; 3]; 3], mut rhs: [f64; 3]) -> Option<[f64; 3]> {
    for column in 0..3 {
        let pivot = (column..3)
            .max_by(|&a, &b| matrix[a][column].abs().total_cmp(&matrix[b][column].abs()))?;
        if matrix[pivot][column].abs() < 1e-300 {
            return None;
        }
        matrix.swap(column, pivot);
        rhs.swap(column, pivot);
        for row in column + 1..3 {
            let factor = matrix[row][column] / matrix[column][column];
            let pivot_row = matrix[column];
            for (entry, pivot_entry) in matrix[row].iter_mut().zip(pivot_row).skip(column) {
                *entry -= factor * pivot_entry;
            }
            rhs[row] -= factor * rhs[column];
        }
    }
    let mut solution = [0.0; 3];
    for row in (0..3).rev() {
        let tail: f64 = (row + 1..3).map(|k| matrix[row][k] * solution[k]).sum();
        solution[row] = (rhs[row] - tail) / matrix[row][row];
    }
    solution
        .iter()
        .all(|value| value.is_finite())
        .then_some(solution)
}

/// The diagonal of `(J^T J)^-1`, by solving for each unit vector.
fn inverse_diagonal(jtj: [[f64; 3]; 3]) -> Option<[f64; 3]> {
    let mut diagonal = [0.0; 3];
    for (i, entry) in diagonal.iter_mut().enumerate() {
        let mut unit = [0.0; 3];
        unit[i] = 1.0;
        *entry = solve3(jtj, unit)?[i];
    }
    Some(diagonal)
}

fn describe(model: UslModel, points: Vec<Measurement>, notes: Vec<String>) -> UslFit {
    let residual_sum: f64 = sum_of_squares(&points, &model);
    let mean = points.iter().map(|p| p.throughput).sum::<f64>() / points.len() as f64;
    let total_sum: f64 = points.iter().map(|p| (p.throughput - mean).powi(2)).sum();
    let r_squared = if total_sum > 0.0 {
        1.0 - residual_sum / total_sum
    } else if residual_sum <= f64::EPSILON * mean * mean {
        1.0
    } else {
        0.0
    };

    let degrees_of_freedom = points.len().saturating_sub(3);
    let residual_standard_error =
        (degrees_of_freedom > 0).then(|| (residual_sum / degrees_of_freedom as f64).sqrt());
    let standard_errors = residual_standard_error.and_then(|error| {
        // Standard errors in scaled parameters, then unscaled (better conditioned this way).
        let scale = [
            model.lambda.max(1e-300),
            model.sigma.max(1e-3),
            model.kappa.max(1e-6),
        ];
        let (jtj, _) = normal_equations(&points, &model, &scale);
        let diagonal = inverse_diagonal(jtj)?;
        let error_of = |i: usize| diagonal[i].max(0.0).sqrt() * error * scale[i];
        Some(UslModel {
            lambda: error_of(0),
            sigma: error_of(1),
            kappa: error_of(2),
        })
        .filter(|errors| {
            errors.lambda.is_finite() && errors.sigma.is_finite() && errors.kappa.is_finite()
        })
    });

    let peak_threads = model.peak_threads();
    let peak_throughput = match peak_threads {
        Some(peak) => Some(model.throughput(peak)),
        None if model.sigma > 0.0 => Some(model.lambda / model.sigma),
        None => None,
    };

    UslFit {
        cliff_threads: cliff(
            &model,
            standard_errors.as_ref(),
            residual_standard_error,
            &points,
        ),
        recommended_threads: recommended_threads(&model),
        classification: model.classification(),
        model,
        standard_errors,
        peak_threads,
        peak_throughput,
        r_squared,
        residual_standard_error,
        points,
        notes,
    }
}

/// The earlier of the measured and the predicted fall. Measured: the best measurement is
/// followed by one lower by more than two residual standard errors. Predicted: the whole-number
/// peak, when kappa's lower 95% bound (kappa - 2 SE) is above zero.
fn cliff(
    model: &UslModel,
    errors: Option<&UslModel>,
    residual_error: Option<f64>,
    points: &[Measurement],
) -> Option<u32> {
    let coherency_is_real =
        model.kappa > 0.0 && errors.is_none_or(|errors| model.kappa - 2.0 * errors.kappa > 0.0);
    let predicted = model.peak_whole_threads().filter(|_| coherency_is_real);

    let noise = 2.0 * residual_error.unwrap_or(0.0);
    let best = points
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.throughput.total_cmp(&b.1.throughput))?;
    let falls_after_best = points[best.0 + 1..]
        .iter()
        .any(|later| later.throughput < best.1.throughput - noise);
    let measured = falls_after_best.then(|| saturating_u32(best.1.threads.round()));

    match (predicted, measured) {
        (Some(predicted), Some(measured)) => Some(predicted.min(measured)),
        (predicted, measured) => predicted.or(measured),
    }
}

/// The largest `N` such that every thread added up to `N` gains at least [`MIN_MARGINAL_GAIN`]
/// of one thread's throughput.
fn recommended_threads(model: &UslModel) -> u32 {
    let threshold = MIN_MARGINAL_GAIN * model.throughput(1.0);
    let mut recommended = 1;
    while recommended < MAX_RECOMMENDED_THREADS {
        let next = f64::from(recommended + 1);
        if model.throughput(next) - model.throughput(next - 1.0) < threshold {
            break;
        }
        recommended += 1;
    }
    recommended
}

fn saturating_u32(value: f64) -> u32 {
    // `as` saturates; the callers pass finite values of at least 1.
    value as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(threads: &[f64], throughput: &[f64]) -> Vec<Measurement> {
        threads
            .iter()
            .zip(throughput)
            .map(|(&n, &x)| Measurement::new(n, x))
            .collect()
    }

    fn synthetic() -> Vec<Measurement> {
        points(
            &[1.0, 2.0, 4.0, 6.0, 8.0, 10.0],
            &[1.0, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557],
        )
    }

    fn specsdm91() -> Vec<Measurement> {
        points(
            &[1.0, 18.0, 36.0, 72.0, 108.0, 144.0, 216.0],
            &[64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2],
        )
    }

    /// Equal to three significant figures.
    fn assert_3sf(actual: f64, published: f64) {
        let round = |value: f64| {
            let magnitude = 10f64.powi(2 - value.abs().log10().floor() as i32);
            (value * magnitude).round() / magnitude
        };
        assert_eq!(
            round(actual),
            round(published),
            "{actual} vs published {published}"
        );
    }

    #[test]
    fn reproduces_the_synthetic_coefficients() {
        let fit = fit_usl(&synthetic()).unwrap();
        assert_3sf(fit.model.sigma, 0.02);
        assert_3sf(fit.model.kappa, 0.02);
        assert_3sf(fit.model.lambda, 1.00);
        assert_3sf(fit.peak_threads.unwrap(), 7.0);
        assert_eq!(fit.cliff_threads, Some(7));
        assert!(fit.r_squared > 0.9999);
    }

    #[test]
    fn reproduces_the_specsdm91_bounded_nls_coefficients() {
        let fit = fit_usl(&specsdm91()).unwrap();
        assert_3sf(fit.model.sigma, 0.0277285);
        assert_3sf(fit.model.kappa, 1.043658e-4);
        assert_3sf(fit.model.lambda, 89.99518);
        assert_3sf(fit.peak_threads.unwrap(), 96.52);
        assert_3sf(fit.peak_throughput.unwrap(), 1884.0);
        // Published to 4 significant figures.
        assert!((fit.residual_standard_error.unwrap() - 82.85).abs() < 0.01);
        assert_eq!(fit.classification, ScalingClass::ContentionConstrained);
    }

    #[test]
    fn amdahl_data_has_no_peak_and_a_roof() {
        let amdahl = UslModel {
            sigma: 0.05,
            kappa: 0.0,
            lambda: 10.0,
        };
        let data: Vec<_> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
            .map(|n| Measurement::new(n, amdahl.throughput(n)))
            .to_vec();
        let fit = fit_usl(&data).unwrap();
        assert_eq!(fit.model.kappa, 0.0);
        assert!((fit.model.sigma - 0.05).abs() < 1e-6);
        assert_eq!(fit.peak_threads, None);
        assert!((fit.peak_throughput.unwrap() - 200.0).abs() < 1e-3);
        assert_eq!(fit.cliff_threads, None);
        assert_eq!(fit.classification, ScalingClass::Limitless);
        // The gain ~ lambda(1-sigma)/(1+sigma(N-1))^2 falls under 1.0 (10% of lambda) after 43.
        assert_eq!(fit.recommended_threads, 43);
    }

    #[test]
    fn linear_data_is_limitless() {
        let data: Vec<_> = [1.0, 2.0, 3.0, 4.0]
            .map(|n| Measurement::new(n, 5.0 * n))
            .to_vec();
        let fit = fit_usl(&data).unwrap();
        assert!(fit.model.sigma < 1e-9 && fit.model.kappa == 0.0);
        assert_eq!(fit.peak_throughput, None);
        assert_eq!(fit.recommended_threads, MAX_RECOMMENDED_THREADS);
        assert!(fit.notes.iter().any(|note| note.contains("rough")));
    }

    #[test]
    fn unsorted_input_and_replicates_are_handled() {
        let mut data = synthetic();
        data.reverse();
        data.push(Measurement::new(4.0, 3.0));
        data.push(Measurement::new(4.0, 3.1538));
        let fit = fit_usl(&data).unwrap();
        assert_eq!(fit.points.len(), 6);
        assert!(fit.points.windows(2).all(|w| w[0].threads < w[1].threads));
        assert!((fit.points[2].throughput - 3.0769).abs() < 1e-9);
        assert!(
            fit.notes
                .iter()
                .any(|note| note.contains("3 measurements at 4 threads"))
        );
        assert_3sf(fit.model.sigma, 0.02);
    }

    #[test]
    fn bad_data_is_a_clear_error() {
        let two = [
            Measurement::new(1.0, 1.0),
            Measurement::new(2.0, 1.9),
            Measurement::new(2.0, 1.8),
        ];
        assert_eq!(
            fit_usl(&two),
            Err(FitError::TooFewThreadCounts { distinct: 2 })
        );
        let mut data = synthetic();
        data[3].throughput = f64::NAN;
        assert!(matches!(
            fit_usl(&data),
            Err(FitError::InvalidThroughput { index: 3, .. })
        ));
        data[3].throughput = -1.0;
        assert!(matches!(
            fit_usl(&data),
            Err(FitError::InvalidThroughput { index: 3, .. })
        ));
        let mut data = synthetic();
        data[0].threads = 0.0;
        assert!(matches!(
            fit_usl(&data),
            Err(FitError::InvalidThreads { index: 0, .. })
        ));
        data[0].threads = f64::INFINITY;
        assert!(
            fit_usl(&data)
                .unwrap_err()
                .to_string()
                .contains("thread count inf")
        );
    }

    #[test]
    fn equal_throughput_everywhere_is_fitted_without_nan() {
        let flat: Vec<_> = [1.0, 2.0, 4.0].map(|n| Measurement::new(n, 7.0)).to_vec();
        let fit = fit_usl(&flat).unwrap();
        assert!(fit.r_squared.is_finite() && fit.model.sigma.is_finite());
        assert_eq!(fit.recommended_threads, 1);
    }

    proptest::proptest! {
        #[test]
        fn noisy_synthetic_data_is_fitted_back(
            sigma in 0.0f64..0.2,
            kappa in 0.0f64..0.01,
            lambda in 1.0f64..1000.0,
            noise in proptest::collection::vec(-0.005f64..0.005, 12),
        ) {
            let truth = UslModel { sigma, kappa, lambda };
            let data: Vec<_> = (1..=12)
                .map(|n| {
                    let n = f64::from(n);
                    Measurement::new(n, truth.throughput(n) * (1.0 + noise[n as usize - 1]))
                })
                .collect();
            let fit = fit_usl(&data).unwrap();
            // Within 0.5% noise the curve comes back within about 2% over the measured range.
            for n in 1..=12 {
                let n = f64::from(n);
                let relative = (fit.model.throughput(n) / truth.throughput(n) - 1.0).abs();
                proptest::prop_assert!(relative < 0.02, "N={} off by {}", n, relative);
            }
            proptest::prop_assert!((fit.model.lambda / lambda - 1.0).abs() < 0.03);
            proptest::prop_assert!(fit.r_squared.is_finite());
        }
    }
}
