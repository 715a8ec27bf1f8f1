//! The advice settings as the form holds them (text as typed), and the settings they mean.
//! Pure logic, so it is tested without a browser.

use crate::advice::{AdviceSettings, TargetBuild, WorkloadSetting};
use crate::web::share::AdviceFields;

/// The free-threaded build chosen in the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildChoice {
    Ft314,
    Ft313,
    Custom,
}

impl BuildChoice {
    pub const ALL: [Self; 3] = [Self::Ft314, Self::Ft313, Self::Custom];

    /// The `<option>` value.
    pub fn value(self) -> &'static str {
        match self {
            Self::Ft314 => "3.14t",
            Self::Ft313 => "3.13t",
            Self::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ft314 => "3.14t",
            Self::Ft313 => "3.13t",
            Self::Custom => "custom r",
        }
    }

    pub fn from_value(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|choice| choice.value() == value)
    }
}

/// Which number describes the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadMode {
    ParallelFraction,
    BlockingRatio,
}

impl WorkloadMode {
    pub const ALL: [Self; 2] = [Self::ParallelFraction, Self::BlockingRatio];

    pub fn value(self) -> &'static str {
        match self {
            Self::ParallelFraction => "parallel-fraction",
            Self::BlockingRatio => "blocking-ratio",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ParallelFraction => "CPU-bound (parallel fraction)",
            Self::BlockingRatio => "waits (blocking ratio)",
        }
    }

    pub fn from_value(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.value() == value)
    }
}

/// The form's fields, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct AdviceForm {
    pub build: BuildChoice,
    pub overhead: String,
    pub cores: String,
    pub threads: String,
    pub mode: WorkloadMode,
    pub parallel_fraction: String,
    pub blocking_ratio: String,
    /// Pasted `threads,throughput` lines.
    pub points: String,
}

impl AdviceForm {
    /// The defaults: 3.14t, the machine's cores, as many threads, p = 0.95.
    pub fn new(cores: u32) -> Self {
        let cores = cores.max(1).to_string();
        Self {
            build: BuildChoice::Ft314,
            overhead: "0.08".into(),
            threads: cores.clone(),
            cores,
            mode: WorkloadMode::ParallelFraction,
            parallel_fraction: "0.95".into(),
            blocking_ratio: "0.5".into(),
            points: String::new(),
        }
    }

    /// The form holding the fields a link or the autosave kept; a choice this version does not
    /// know keeps its default.
    pub fn from_fields(fields: &AdviceFields) -> Self {
        let defaults = Self::new(1);
        Self {
            build: BuildChoice::from_value(&fields.build).unwrap_or(defaults.build),
            overhead: fields.overhead.clone(),
            cores: fields.cores.clone(),
            threads: fields.threads.clone(),
            mode: WorkloadMode::from_value(&fields.workload).unwrap_or(defaults.mode),
            parallel_fraction: fields.parallel_fraction.clone(),
            blocking_ratio: fields.blocking_ratio.clone(),
            points: fields.points.clone(),
        }
    }

    /// The fields as links and the autosave keep them.
    pub fn fields(&self) -> AdviceFields {
        AdviceFields {
            build: self.build.value().to_owned(),
            overhead: self.overhead.clone(),
            cores: self.cores.clone(),
            threads: self.threads.clone(),
            workload: self.mode.value().to_owned(),
            parallel_fraction: self.parallel_fraction.clone(),
            blocking_ratio: self.blocking_ratio.clone(),
            points: self.points.clone(),
        }
    }

    /// The settings the fields mean. A number that does not parse becomes NaN (or 0 for counts),
    /// which the advice reports as a sentence naming the field.
    pub fn settings(&self) -> AdviceSettings {
        AdviceSettings {
            build: match self.build {
                BuildChoice::Ft314 => TargetBuild::Ft314,
                BuildChoice::Ft313 => TargetBuild::Ft313,
                BuildChoice::Custom => TargetBuild::Custom(number(&self.overhead)),
            },
            cores: count(&self.cores),
            threads: count(&self.threads),
            workload: match self.mode {
                WorkloadMode::ParallelFraction => {
                    WorkloadSetting::ParallelFraction(number(&self.parallel_fraction))
                }
                WorkloadMode::BlockingRatio => {
                    WorkloadSetting::BlockingRatio(number(&self.blocking_ratio))
                }
            },
        }
    }
}

fn number(text: &str) -> f64 {
    text.trim().parse().unwrap_or(f64::NAN)
}

fn count(text: &str) -> u32 {
    text.trim().parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_cores() {
        let form = AdviceForm::new(6);
        assert_eq!(form.settings(), AdviceSettings::for_cores(6));
        assert_eq!(AdviceForm::new(0).settings().cores, 1);
    }

    #[test]
    fn fields_become_settings() {
        let form = AdviceForm {
            build: BuildChoice::Custom,
            overhead: " 0.2 ".into(),
            threads: "16".into(),
            mode: WorkloadMode::BlockingRatio,
            blocking_ratio: "0.7".into(),
            ..AdviceForm::new(4)
        };
        let settings = form.settings();
        assert_eq!(settings.build, TargetBuild::Custom(0.2));
        assert_eq!(settings.threads, 16);
        assert_eq!(settings.workload, WorkloadSetting::BlockingRatio(0.7));
    }

    #[test]
    fn unparsable_fields_are_reported_not_guessed() {
        let form = AdviceForm {
            cores: "many".into(),
            parallel_fraction: "high".into(),
            ..AdviceForm::new(4)
        };
        let settings = form.settings();
        assert_eq!(settings.cores, 0);
        let advice = crate::advice::advise("", &settings, "");
        assert!(advice.migration.unwrap_err().contains("parallel fraction"));
    }

    #[test]
    fn fields_round_trip_and_unknown_choices_keep_defaults() {
        let form = AdviceForm {
            build: BuildChoice::Custom,
            overhead: "0.3".into(),
            mode: WorkloadMode::BlockingRatio,
            points: "1,10\n".into(),
            ..AdviceForm::new(8)
        };
        assert_eq!(AdviceForm::from_fields(&form.fields()), form);
        let odd = AdviceFields {
            build: "<script>".into(),
            workload: "?".into(),
            ..AdviceFields::default()
        };
        let read = AdviceForm::from_fields(&odd);
        assert_eq!(read.build, BuildChoice::Ft314);
        assert_eq!(read.mode, WorkloadMode::ParallelFraction);
    }

    #[test]
    fn choices_round_trip_through_their_values() {
        for choice in BuildChoice::ALL {
            assert_eq!(BuildChoice::from_value(choice.value()), Some(choice));
        }
        for mode in WorkloadMode::ALL {
            assert_eq!(WorkloadMode::from_value(mode.value()), Some(mode));
        }
    }
}
