//! Every input the fuzz targets (`fuzz/`) ever crashed on, kept under `fuzz/regressions/TARGET/`
//! and replayed here through the same code.

use std::fs;
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut replayed = 0;
    for entry in fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        run(&fs::read(&path).unwrap());
        replayed += 1;
    }
    replayed
}

#[test]
fn analyse() {
    assert!(replay("analyse", aether::fuzzing::analyse) > 0);
}

#[test]
fn fit() {
    assert!(replay("fit", aether::fuzzing::fit) > 0);
}

#[test]
fn model_arguments() {
    assert!(replay("model_arguments", aether::fuzzing::model_arguments) > 0);
}

#[test]
fn notebook() {
    assert!(replay("notebook", aether::fuzzing::notebook) > 0);
}
