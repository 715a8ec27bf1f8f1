//! The fuzz targets' bodies (`fuzz/`), here so that the inputs they found stay regression tests
//! of the normal build (`tests/fuzz_regressions.rs`). Each takes any bytes and must not panic.

/// Any bytes as a Python file: decoding, the limits, parsing, the semantic model, every rule and
/// the fixes, which must never make a text that parses stop parsing.
pub fn analyse(bytes: &[u8]) {
    let Ok(source) = crate::detector::decode_source(bytes.to_vec()) else {
        return;
    };
    let diagnostics = crate::check_source(&source);
    crate::detector::apply_fixes(&source, &diagnostics);
    if diagnostics
        .iter()
        .any(|diagnostic| diagnostic.fix.is_some())
    {
        let options = crate::detector::CheckOptions::default();
        let fixed = crate::detector::fix_source(&source, &[], &options, true);
        assert!(!fixed.broke_syntax, "a fix broke the syntax of {source:?}");
    }
}

/// Any text as a `threads,throughput` CSV: parsing and the USL fit. A fit never holds NaN or an
/// infinity (models never print NaN).
pub fn fit(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let Ok(measurements) = crate::models::parse_measurements(&text) else {
        return;
    };
    let Ok(fit) = crate::models::fit_usl(&measurements) else {
        return;
    };
    let model = fit.model;
    let numbers = [model.sigma, model.kappa, model.lambda, fit.r_squared]
        .into_iter()
        .chain(fit.peak_threads)
        .chain(fit.peak_throughput)
        .chain(fit.residual_standard_error);
    for number in numbers {
        assert!(number.is_finite(), "{fit:?}");
    }
}

/// Any arguments to `aether advise` or `aether simulate`: the first byte picks the command, the
/// rest, split at spaces, are its arguments.
pub fn model_arguments(bytes: &[u8]) {
    let Some((&selector, rest)) = bytes.split_first() else {
        return;
    };
    let command = if selector % 2 == 0 {
        "advise"
    } else {
        "simulate"
    };
    let text = String::from_utf8_lossy(rest);
    let args: Vec<String> = ["aether", command]
        .into_iter()
        .map(str::to_string)
        .chain(text.split(' ').map(str::to_string))
        .collect();
    crate::cli::fuzz_model_arguments(&args);
}

/// Any bytes as a Jupyter notebook: reading the JSON, joining the code cells, the analysis, and
/// placing each finding back in its cell.
pub fn notebook(bytes: &[u8]) {
    crate::cli::fuzz_notebook(bytes);
}
