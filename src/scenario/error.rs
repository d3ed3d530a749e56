//! Errors from reading and checking scenario files.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with a scenario: the key path and what is wrong with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Key path, e.g. `firm[2].export_share` or `migration.base_hazard`.
    pub key: String,
    /// What is wrong and what is valid.
    pub message: String,
    /// The file holding the key, when it is not the file the error names: a scenario that
    /// `extends` another one can have problems in several files of its chain.
    pub file: Option<PathBuf>,
}

impl Problem {
    /// A problem at `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            key: key.into(),
            message: message.into(),
            file: None,
        }
    }

    /// A value outside its valid range.
    pub fn range(key: &str, value: f64, min: f64, max: f64) -> Self {
        Problem::new(
            key,
            format!("value {value} is outside the valid range [{min}, {max}]"),
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        write!(f, "`{}`: {}", self.key, self.message)
    }
}

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key is unknown or of the wrong type.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Key path, position and explanation.
        message: String,
    },
    /// The file parsed but values break the model's rules.
    #[error("{path}: {} problem(s):\n  {}", problems.len(), problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n  "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Everything found wrong.
        problems: Vec<Problem>,
    },
}
