//! Which files a run checks: the files named, and the `*.py` and `*.ipynb` files in the folders
//! named, less what `.gitignore`, `.ignore` and the configuration's `exclude` leave out.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;

use super::output::{FileDiagnostics, Finding};
use super::settings::Resolver;
use crate::detector::{CheckOptions, not_analysed};

/// A file to check.
pub struct Target {
    /// Where to read it; `None` for standard input.
    pub path: Option<PathBuf>,
    /// How it is printed: relative to the working directory where it is below it.
    pub label: String,
    pub options: CheckOptions,
    pub notebook: bool,
}

/// What discovery found: the files, the folders that could not be read (as findings), and the
/// errors that make the run fail (a named path that is missing, a broken configuration).
#[derive(Default)]
pub struct Discovered {
    pub targets: Vec<Target>,
    pub unreadable: Vec<FileDiagnostics>,
    pub errors: Vec<String>,
}

/// `path` relative to the working directory when it is below it, as ruff prints paths.
pub fn label(path: &Path, cwd: &Path) -> String {
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    let shown = relative.display().to_string();
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

fn is_checked_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "py" || ext == "ipynb")
}

fn is_notebook(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "ipynb")
}

/// Finds the files of a run. `stdin_filename` names standard input (`-`) for configuration,
/// per-file ignores and output; `force_exclude` applies `exclude` to files named too.
pub fn discover(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    force_exclude: bool,
    resolver: &Arc<Resolver>,
    cwd: &Path,
) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let named = stdin_filename.map(|name| cwd.join(name));
            let folder = named
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(cwd)
                .to_path_buf();
            match resolver.settings_for(&folder) {
                Ok(settings) => found.targets.push(Target {
                    path: None,
                    label: named
                        .as_deref()
                        .map_or("-".to_string(), |named| label(named, cwd)),
                    options: named
                        .as_deref()
                        .map_or(settings.options, |named| settings.options_for(named)),
                    notebook: named.as_deref().is_some_and(is_notebook),
                }),
                Err(error) => found.errors.push(error),
            }
            continue;
        }
        // Without `.` components, so that labels come out relative to the working directory.
        let absolute: PathBuf = cwd.join(path).components().collect();
        let metadata = match std::fs::metadata(&absolute) {
            Ok(metadata) => metadata,
            Err(error) => {
                found
                    .errors
                    .push(format!("cannot read `{}`: {error}", path.display()));
                continue;
            }
        };
        if metadata.is_file() {
            // A file named on the command line is checked even where `exclude` would skip it,
            // unless asked.
            let folder = absolute.parent().unwrap_or(cwd);
            match resolver.settings_for(folder) {
                Ok(settings) if force_exclude && settings.excludes(&absolute, false) => {}
                Ok(settings) => found.targets.push(Target {
                    label: label(&absolute, cwd),
                    options: settings.options_for(&absolute),
                    notebook: is_notebook(&absolute),
                    path: Some(absolute),
                }),
                Err(error) => found.errors.push(error),
            }
        } else if metadata.is_dir() {
            walk(&absolute, resolver, cwd, &mut found);
        } else {
            found.errors.push(format!(
                "`{}` is not a regular file or a folder",
                path.display()
            ));
        }
    }
    found.targets.sort_by(|a, b| a.path.cmp(&b.path));
    found
        .targets
        .dedup_by(|a, b| a.path.is_some() && a.path == b.path);
    found
}

/// Searches a folder. Each entry is judged by the settings of the folder it is in (the nearest
/// configuration wins); hidden files and folders are skipped, as before any configuration.
fn walk(root: &Path, resolver: &Arc<Resolver>, cwd: &Path, found: &mut Discovered) {
    let respect_gitignore = match resolver.settings_for(root) {
        Ok(settings) => settings.respect_gitignore,
        Err(error) => {
            found.errors.push(error);
            return;
        }
    };
    let errors = Arc::new(Mutex::new(Vec::new()));
    let filter = {
        let resolver = Arc::clone(resolver);
        let errors = Arc::clone(&errors);
        move |entry: &ignore::DirEntry| {
            let Some(folder) = entry.path().parent().filter(|_| entry.depth() > 0) else {
                return true;
            };
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            match resolver.settings_for(folder) {
                Ok(settings) => !settings.excludes_entry(entry.path(), is_dir),
                Err(error) => {
                    errors
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(error);
                    false
                }
            }
        }
    };
    let walker = WalkBuilder::new(root)
        .standard_filters(respect_gitignore)
        .hidden(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(filter)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                if !is_file || !is_checked_file(entry.path()) {
                    continue;
                }
                let folder = entry.path().parent().unwrap_or(root);
                if let Ok(settings) = resolver.settings_for(folder) {
                    found.targets.push(Target {
                        label: label(entry.path(), cwd),
                        options: settings.options_for(entry.path()),
                        notebook: is_notebook(entry.path()),
                        path: Some(entry.into_path()),
                    });
                }
            }
            Err(error) => {
                let place = error_path(&error).unwrap_or(root);
                // What went wrong, without the paths the walker's message repeats.
                let reason = match error.io_error() {
                    Some(io_error) => format!("cannot read: {}", io_error.kind()),
                    None => format!("cannot read: {error}"),
                };
                found.unreadable.push(FileDiagnostics {
                    path: label(place, cwd),
                    findings: vec![Finding::new(not_analysed(&reason))],
                });
            }
        }
    }
    found.errors.extend(std::mem::take(
        &mut *errors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    ));
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.first().and_then(error_path),
        _ => None,
    }
}
