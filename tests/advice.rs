//! The advice: parallel call sites found in Python code and the veto on each.

use aether::Analysis;
use aether::advice::{AdviceSettings, TargetBuild, WorkloadSetting, advise};
use aether::analysis::{CallSite, CallSiteKind};

fn call_sites(source: &str) -> Vec<CallSite> {
    Analysis::new(source).call_sites().to_vec()
}

fn settings(threads: u32) -> AdviceSettings {
    AdviceSettings {
        threads,
        ..AdviceSettings::for_cores(8)
    }
}

fn codes(advice: &aether::advice::CallSiteAdvice) -> Vec<&str> {
    advice
        .reasons
        .iter()
        .map(|reason| reason.code.as_str())
        .collect()
}

const HAZARD_IN_TARGET: &str = "\
from concurrent.futures import ThreadPoolExecutor

n = 0

def worker(item):
    global n
    n += 1

with ThreadPoolExecutor() as ex:
    ex.map(worker, range(10000))
";

#[test]
fn a_hazard_in_the_target_vetoes_with_gil_unsafe_pattern() {
    let sites = call_sites(HAZARD_IN_TARGET);
    assert_eq!(sites.len(), 1, "{sites:?}");
    let site = &sites[0];
    assert_eq!(site.kind, CallSiteKind::PoolMap);
    assert_eq!(site.target.as_deref(), Some("worker"));
    assert_eq!((site.location.row, site.location.column), (10, 5));
    assert_eq!(site.target_lines, Some((5, 7)));
    assert_eq!(site.items, Some(10_000));
    assert!(!site.hazards.is_empty(), "{site:?}");

    let advice = advise(HAZARD_IN_TARGET, &settings(8), "");
    let site = &advice.call_sites[0];
    assert!(!site.parallel);
    assert_eq!(codes(site), ["GIL_UNSAFE_PATTERN"]);
    assert!(site.reasons[0].message.contains(&site.site.hazards[0]));
}

#[test]
fn three_items_for_eight_threads_is_too_small() {
    let source = "\
from concurrent.futures import ThreadPoolExecutor

def f(x):
    return x * x

pool = ThreadPoolExecutor(max_workers=8)
results = list(pool.map(f, range(3)))
";
    let advice = advise(source, &settings(8), "");
    assert_eq!(advice.call_sites.len(), 1);
    let site = &advice.call_sites[0];
    assert_eq!(site.site.items, Some(3));
    assert!(site.site.hazards.is_empty());
    assert!(!site.parallel);
    assert_eq!(codes(site), ["TOO_SMALL"]);
    assert!(site.reasons[0].message.contains("3 items for 8 threads"));
}

#[test]
fn a_clean_big_workload_runs_in_parallel() {
    let source = "\
import concurrent.futures

def square(x):
    return x * x

with concurrent.futures.ThreadPoolExecutor() as executor:
    total = sum(executor.map(square, range(1, 100001)))
";
    let advice = advise(source, &settings(8), "");
    assert_eq!(advice.call_sites.len(), 1);
    let site = &advice.call_sites[0];
    assert_eq!(site.site.items, Some(100_000));
    assert!(site.parallel, "{site:?}");
    assert!(site.reasons.is_empty());
}

#[test]
fn threads_in_comprehensions_and_loops_count_their_items() {
    let source = "\
import threading

def work():
    pass

threads = [threading.Thread(target=work) for _ in range(4)]
for i in range(2):
    for j in range(3):
        threading.Thread(target=work, args=(i, j)).start()
t = threading.Thread(None, work)
def spawn(k):
    while True:
        threading.Thread(target=work).start()
";
    let sites = call_sites(source);
    let items: Vec<_> = sites.iter().map(|site| site.items).collect();
    assert_eq!(items, [Some(4), Some(6), Some(1), None]);
    assert!(sites.iter().all(|site| site.kind == CallSiteKind::Thread));
    assert!(
        sites
            .iter()
            .all(|site| site.target.as_deref() == Some("work"))
    );
}

#[test]
fn submit_and_literal_lists_are_found() {
    let source = "\
from concurrent.futures import ThreadPoolExecutor

def fetch(url):
    return url

ex = ThreadPoolExecutor()
futures = [ex.submit(fetch, u) for u in range(0, 20, 2)]
ex.map(fetch, ['a', 'b'])
ex.map(lambda x: x, items)
";
    let sites = call_sites(source);
    let summary: Vec<_> = sites
        .iter()
        .map(|site| (site.kind, site.target.as_deref(), site.items))
        .collect();
    assert_eq!(
        summary,
        [
            (CallSiteKind::PoolSubmit, Some("fetch"), Some(10)),
            (CallSiteKind::PoolMap, Some("fetch"), Some(2)),
            (CallSiteKind::PoolMap, None, None),
        ]
    );
}

#[test]
fn a_gil_reenabling_import_vetoes_every_site() {
    let source = "\
import threading
import regex

def work():
    return regex.compile('a+')

threads = [threading.Thread(target=work) for _ in range(16)]
";
    let advice = advise(source, &settings(8), "");
    let site = &advice.call_sites[0];
    assert_eq!(site.site.gil_reenabling_imports, ["regex"]);
    assert!(codes(site).contains(&"GIL_REENABLED"), "{site:?}");
}

#[test]
fn the_verdict_follows_the_build_and_the_workload() {
    let newer = advise("", &settings(8), "").migration.unwrap();
    assert_eq!(newer.verdict, "migrate_now");
    assert!(
        newer
            .reasons
            .iter()
            .any(|reason| reason.contains("breaks even"))
    );

    let older = AdviceSettings {
        build: TargetBuild::Ft313,
        threads: 1,
        ..settings(8)
    };
    let older = advise("", &older, "").migration.unwrap();
    assert_eq!(older.verdict, "migrate_if_threads");
    assert_eq!(
        older.headline,
        format!(
            "migrate if you run {} or more threads",
            older.break_even_threads.unwrap()
        )
    );

    let serial = AdviceSettings {
        workload: WorkloadSetting::ParallelFraction(0.05),
        ..settings(8)
    };
    assert_eq!(
        advise("", &serial, "").migration.unwrap().verdict,
        "stay_on_gil"
    );

    let bad = AdviceSettings {
        workload: WorkloadSetting::ParallelFraction(f64::NAN),
        ..settings(8)
    };
    assert!(
        advise("", &bad, "")
            .migration
            .unwrap_err()
            .contains("parallel fraction")
    );
    let custom = AdviceSettings {
        build: TargetBuild::Custom(-2.0),
        ..settings(8)
    };
    assert!(
        advise("", &custom, "")
            .migration
            .unwrap_err()
            .contains("overhead")
    );
}

#[test]
fn usl_points_fit_or_explain() {
    assert!(advise("", &settings(8), "  \n").usl.is_none());
    let points = "threads,throughput\n1,100\n2,190\n4,340\n8,520\n16,600\n32,480\n";
    let fit = advise("", &settings(8), points).usl.unwrap().unwrap();
    assert!(fit.sigma.is_finite() && fit.kappa.is_finite());
    assert!(fit.recommended_threads >= 1);
    assert!(fit.peak_threads.is_some());

    let error = advise("", &settings(8), "1,100\n2,190\n")
        .usl
        .unwrap()
        .unwrap_err();
    assert!(
        error.contains("3 or more distinct thread counts"),
        "{error}"
    );
    let error = advise("", &settings(8), "1,100\n2,x\n")
        .usl
        .unwrap()
        .unwrap_err();
    assert!(error.contains("line 2"), "{error}");
}

#[test]
fn a_measured_cliff_vetoes_too_many_threads() {
    let source = "\
from concurrent.futures import ThreadPoolExecutor

def f(x):
    return x

with ThreadPoolExecutor() as ex:
    ex.map(f, range(100000))
";
    let points = "1,100\n2,190\n4,340\n8,520\n16,600\n32,480\n64,300\n";
    let advice = advise(source, &settings(64), points);
    let site = &advice.call_sites[0];
    assert!(
        codes(site).contains(&"SATURATION_CLIFF_DETECTED"),
        "{site:?}"
    );
}

#[test]
fn refused_or_broken_input_gives_no_call_sites_and_no_panic() {
    let deep = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let advice = advise(&deep, &settings(8), "");
    assert!(advice.call_sites.is_empty());
    assert!(advice.call_sites_skipped.is_some());
    let broken = "def f(:\n    pass\nwith ThreadPoolExecutor() as ex:\n    ex.map(f, range(3))\n";
    assert!(
        advise(broken, &settings(8), "")
            .call_sites_skipped
            .is_none()
    );
}

#[test]
fn the_e2e_settings_flip_the_verdict() {
    // The browser test sets 2 cores, 2 threads and p = 0.3, then switches 3.14t to 3.13t.
    let newer = AdviceSettings {
        threads: 2,
        workload: WorkloadSetting::ParallelFraction(0.3),
        ..AdviceSettings::for_cores(2)
    };
    assert_eq!(
        advise("", &newer, "").migration.unwrap().verdict,
        "migrate_now"
    );
    let older = AdviceSettings {
        build: TargetBuild::Ft313,
        ..newer
    };
    let older = advise("", &older, "").migration.unwrap();
    assert_eq!(older.verdict, "stay_on_gil");
    assert_eq!(older.headline, "stay on the GIL build");
}
