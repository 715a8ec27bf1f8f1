//! How a run analyses: which rules report, whether the code is a library, which free-threaded
//! build it targets. The command line fills these from flags and configuration files; the
//! playground uses the defaults.

use std::fmt;

use super::rules::ALL_RULES;

/// Options the detector's entry points take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOptions {
    /// The code is a library: its functions may be called from threads it does not start (read
    /// by the sharing analysis' library mode).
    pub library: bool,
    /// The free-threaded build the code will run on, where a rule or an explanation differs.
    pub target_version: TargetVersion,
    /// The rules whose findings are reported. `FT000` (code that cannot be analysed) always is.
    pub rules: RuleSet,
    /// Report suppression comments that suppress nothing (`FT100`).
    pub report_unused_suppressions: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            library: false,
            target_version: TargetVersion::default(),
            rules: RuleSet::ALL,
            report_unused_suppressions: false,
        }
    }
}

/// A free-threaded CPython build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetVersion {
    Py313t,
    #[default]
    Py314t,
}

impl TargetVersion {
    pub const ALL: [Self; 2] = [Self::Py313t, Self::Py314t];

    pub fn name(self) -> &'static str {
        match self {
            Self::Py313t => "3.13t",
            Self::Py314t => "3.14t",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|version| version.name() == name)
    }
}

impl fmt::Display for TargetVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// A set of rules, one bit a rule of [`ALL_RULES`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleSet(u128);

const _: () = assert!(ALL_RULES.len() <= 128, "RuleSet holds up to 128 rules");

impl RuleSet {
    pub const EMPTY: Self = Self(0);
    pub const ALL: Self = Self(if ALL_RULES.len() == 128 {
        u128::MAX
    } else {
        (1 << ALL_RULES.len()) - 1
    });

    /// The rules a selector names, as ruff reads them: `ALL`, a code (`FT001`) or a prefix of
    /// codes (`FT0`, `FT01`). A selector that names no rule is an error.
    pub fn from_selector(selector: &str) -> Result<Self, String> {
        let selector = selector.trim();
        if selector == "ALL" {
            return Ok(Self::ALL);
        }
        let set = ALL_RULES
            .iter()
            .enumerate()
            .filter(|(_, rule)| rule.code.starts_with(selector) && !selector.is_empty())
            .fold(Self::EMPTY, |set, (index, _)| Self(set.0 | 1 << index));
        if set == Self::EMPTY {
            Err(format!(
                "`{selector}` is not a rule code or a prefix of one (run `aether rules` to list them)"
            ))
        } else {
            Ok(set)
        }
    }

    pub fn contains(self, code: &str) -> bool {
        ALL_RULES
            .iter()
            .position(|rule| rule.code == code)
            .is_some_and(|index| self.0 & 1 << index != 0)
    }

    #[must_use]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    #[must_use]
    pub fn difference(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// The codes in the set, in code order.
    pub fn codes(self) -> impl Iterator<Item = &'static str> {
        ALL_RULES
            .iter()
            .enumerate()
            .filter(move |(index, _)| self.0 & 1 << index != 0)
            .map(|(_, rule)| rule.code)
    }
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_list().entries(self.codes()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_codes_prefixes_or_all() {
        let ft001 = RuleSet::from_selector("FT001").unwrap();
        assert_eq!(ft001.codes().collect::<Vec<_>>(), ["FT001"]);
        let ft01 = RuleSet::from_selector("FT01").unwrap();
        assert_eq!(ft01.codes().next(), Some("FT010"));
        assert!(ft01.codes().all(|code| code.starts_with("FT01")));
        assert_eq!(RuleSet::from_selector("ALL").unwrap(), RuleSet::ALL);
        assert_eq!(
            RuleSet::from_selector("FT").unwrap().codes().count(),
            ALL_RULES.len()
        );
        for bad in ["FT9", "E501", "", "ft001"] {
            assert!(RuleSet::from_selector(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sets_combine() {
        let all_but_one = RuleSet::ALL.difference(RuleSet::from_selector("FT001").unwrap());
        assert!(!all_but_one.contains("FT001") && all_but_one.contains("FT002"));
        assert!(RuleSet::EMPTY.union(all_but_one).contains("FT020"));
        assert!(!RuleSet::ALL.contains("FT999"));
    }
}
