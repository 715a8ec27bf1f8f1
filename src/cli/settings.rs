//! Configuration: `[tool.aether]` in a `pyproject.toml`, or the top level of an `aether.toml`
//! (which wins when a folder has both), found by walking up from each checked file: the nearest
//! wins, as in ruff, and the command line's flags go over it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Deserialize;

use crate::detector::{CheckOptions, RuleSet, TargetVersion};

/// Folders never searched unless `exclude` is set (ruff's defaults, and `__pycache__`).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// The keys a configuration may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    select: Option<Vec<String>>,
    extend_select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    extend_ignore: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    extend_exclude: Option<Vec<String>>,
    per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    library: Option<bool>,
    target_version: Option<String>,
    respect_gitignore: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTools>,
}

#[derive(Debug, Deserialize)]
struct PyprojectTools {
    aether: Option<ConfigFile>,
}

/// One layer of rule selection, as ruff applies them: a `select` replaces what came before,
/// `extend-select` adds, `ignore` and `extend-ignore` remove.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn apply(&self, rules: RuleSet) -> Result<RuleSet, String> {
        let mut rules = match &self.select {
            Some(select) => union(select)?,
            None => rules,
        };
        rules = rules.union(union(&self.extend_select)?);
        Ok(rules.difference(union(&self.ignore)?))
    }
}

fn union(selectors: &[String]) -> Result<RuleSet, String> {
    selectors.iter().try_fold(RuleSet::EMPTY, |set, selector| {
        Ok(set.union(RuleSet::from_selector(selector)?))
    })
}

/// What the command line sets; `None` leaves it to the configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub selection: Selection,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub library: Option<bool>,
    pub target_version: Option<TargetVersion>,
    pub respect_gitignore: Option<bool>,
    pub report_unused_suppressions: bool,
    /// Read no configuration file.
    pub isolated: bool,
}

/// The settings of the files under one configuration.
#[derive(Debug)]
pub struct Settings {
    /// The configuration file, if any.
    pub source: Option<PathBuf>,
    /// The folder its patterns are relative to.
    pub root: PathBuf,
    pub options: CheckOptions,
    pub exclude: Vec<String>,
    exclude_matcher: Gitignore,
    per_file_ignores: Vec<(String, Gitignore, RuleSet)>,
    pub respect_gitignore: bool,
}

impl Settings {
    /// The options for one file: the per-file ignores that match it taken out.
    pub fn options_for(&self, path: &Path) -> CheckOptions {
        let mut options = self.options;
        for (_, matcher, rules) in &self.per_file_ignores {
            if matches(matcher, path, false) {
                options.rules = options.rules.difference(*rules);
            }
        }
        options
    }

    /// Whether `path` (a file or folder below the root), or a folder it is in, is excluded.
    pub fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        matches(&self.exclude_matcher, path, is_dir)
    }

    /// Whether `path` itself is excluded: for a walk, which has judged its folders already.
    pub fn excludes_entry(&self, path: &Path, is_dir: bool) -> bool {
        path.strip_prefix(self.exclude_matcher.path()).is_ok()
            && self.exclude_matcher.matched(path, is_dir).is_ignore()
    }

    /// `--show-settings`: what applies to files under this configuration.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        let source = self
            .source
            .as_ref()
            .map_or("none (defaults)".to_string(), |path| {
                path.display().to_string()
            });
        let options = &self.options;
        let codes: Vec<_> = options.rules.codes().collect();
        let _ = writeln!(text, "configuration: {source}");
        let _ = writeln!(text, "root: {}", self.root.display());
        let _ = writeln!(text, "rules: {}", codes.join(", "));
        let _ = writeln!(text, "library: {}", options.library);
        let _ = writeln!(text, "target-version: {}", options.target_version);
        let _ = writeln!(text, "respect-gitignore: {}", self.respect_gitignore);
        let _ = writeln!(
            text,
            "report-unused-suppressions: {}",
            options.report_unused_suppressions
        );
        let _ = writeln!(text, "exclude: {}", self.exclude.join(", "));
        for (pattern, _, rules) in &self.per_file_ignores {
            let codes: Vec<_> = rules.codes().collect();
            let _ = writeln!(text, "per-file-ignores: {pattern} = {}", codes.join(", "));
        }
        text
    }
}

/// Gitignore-style matching, as ruff's `exclude` patterns behave: a pattern without a slash
/// matches a name at any depth, one with a slash is anchored at the configuration's folder.
fn matches(matcher: &Gitignore, path: &Path, is_dir: bool) -> bool {
    path.strip_prefix(matcher.path()).is_ok()
        && matcher
            .matched_path_or_any_parents(path, is_dir)
            .is_ignore()
}

fn matcher(root: &Path, patterns: &[String]) -> Result<Gitignore, String> {
    let mut builder = GitignoreBuilder::new(root);
    for pattern in patterns {
        builder
            .add_line(None, pattern)
            .map_err(|error| format!("pattern `{pattern}`: {error}"))?;
    }
    builder.build().map_err(|error| error.to_string())
}

/// Finds and caches the settings of each folder.
pub struct Resolver {
    overrides: Overrides,
    cache: Mutex<HashMap<PathBuf, Arc<Settings>>>,
}

impl Resolver {
    pub fn new(overrides: Overrides) -> Self {
        Self {
            overrides,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The settings for files in `folder` (absolute): those of the nearest folder at or above
    /// it with a configuration, or the defaults. Each folder on the way is looked at once.
    pub fn settings_for(&self, folder: &Path) -> Result<Arc<Settings>, String> {
        if let Some(settings) = self.lock().get(folder) {
            return Ok(Arc::clone(settings));
        }
        let settings = match self.config_in(folder)? {
            Some((path, text, config)) => {
                Arc::new(self.settings(Some(path), Some(&text), folder, config)?)
            }
            None => match folder.parent() {
                Some(parent) => self.settings_for(parent)?,
                None => Arc::new(self.settings(None, None, folder, ConfigFile::default())?),
            },
        };
        self.lock()
            .insert(folder.to_path_buf(), Arc::clone(&settings));
        Ok(settings)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<Settings>>> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The configuration file in `folder` itself: `aether.toml`, else a `pyproject.toml` with
    /// a `[tool.aether]` table.
    fn config_in(&self, folder: &Path) -> Result<Option<(PathBuf, String, ConfigFile)>, String> {
        if self.overrides.isolated {
            return Ok(None);
        }
        let own = folder.join("aether.toml");
        if own.is_file() {
            let text = read_config(&own)?;
            let config =
                toml::from_str(&text).map_err(|error| config_error(&own, &text, &error))?;
            return Ok(Some((own, text, config)));
        }
        let pyproject = folder.join("pyproject.toml");
        if !pyproject.is_file() {
            return Ok(None);
        }
        let text = read_config(&pyproject)?;
        let parsed: Pyproject =
            toml::from_str(&text).map_err(|error| config_error(&pyproject, &text, &error))?;
        Ok(parsed
            .tool
            .and_then(|tool| tool.aether)
            .map(|config| (pyproject, text, config)))
    }

    fn settings(
        &self,
        source: Option<PathBuf>,
        text: Option<&str>,
        root: &Path,
        config: ConfigFile,
    ) -> Result<Settings, String> {
        // A wrong value names itself in backquotes: point at the first line that spells it.
        let named = |message: String| match (&source, text) {
            (Some(path), Some(text)) => {
                let line = message
                    .split('`')
                    .nth(1)
                    .and_then(|value| text.lines().position(|line| line.contains(value)))
                    .map_or(String::new(), |index| format!(":{}", index + 1));
                format!("{}{line}: {message}", shown(path))
            }
            _ => message,
        };
        let overrides = &self.overrides;
        let mut ignore = config.ignore.unwrap_or_default();
        ignore.extend(config.extend_ignore.unwrap_or_default());
        let from_file = Selection {
            select: config.select,
            extend_select: config.extend_select.unwrap_or_default(),
            ignore,
        };
        let rules = from_file
            .apply(RuleSet::ALL)
            .and_then(|rules| overrides.selection.apply(rules))
            .map_err(named)?;
        let target_version = match (overrides.target_version, &config.target_version) {
            (Some(version), _) => version,
            (None, Some(name)) => TargetVersion::from_name(name).ok_or_else(|| {
                named(format!(
                    "target-version `{name}` is not one of {}",
                    target_version_names()
                ))
            })?,
            (None, None) => TargetVersion::default(),
        };
        let mut exclude: Vec<String> = match overrides.exclude.clone().or(config.exclude) {
            Some(exclude) => exclude,
            None => DEFAULT_EXCLUDES
                .iter()
                .map(|name| name.to_string())
                .collect(),
        };
        exclude.extend(config.extend_exclude.unwrap_or_default());
        exclude.extend(overrides.extend_exclude.iter().cloned());
        let exclude_matcher = matcher(root, &exclude).map_err(named)?;
        let per_file_ignores = config
            .per_file_ignores
            .unwrap_or_default()
            .into_iter()
            .map(|(pattern, codes)| {
                let matcher = matcher(root, std::slice::from_ref(&pattern))?;
                Ok((pattern, matcher, union(&codes)?))
            })
            .collect::<Result<_, String>>()
            .map_err(named)?;
        Ok(Settings {
            source,
            root: root.to_path_buf(),
            options: CheckOptions {
                library: overrides.library.or(config.library).unwrap_or(false),
                target_version,
                rules,
                report_unused_suppressions: overrides.report_unused_suppressions,
            },
            exclude,
            exclude_matcher,
            per_file_ignores,
            respect_gitignore: overrides
                .respect_gitignore
                .or(config.respect_gitignore)
                .unwrap_or(true),
        })
    }
}

pub fn target_version_names() -> String {
    TargetVersion::ALL
        .iter()
        .map(|version| format!("`{version}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_config(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", shown(path)))
}

/// A configuration file's path as messages show it: relative to the working directory.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    super::discover::label(path, &cwd)
}

/// `file:line:column: what is wrong`, from the TOML parser's span.
fn config_error(path: &Path, text: &str, error: &toml::de::Error) -> String {
    let place = error.span().map_or(String::new(), |span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
        format!(":{line}:{column}")
    });
    let message = error.message().trim_end().replace('\n', "; ");
    format!("{}{place}: {message}", shown(path))
}
