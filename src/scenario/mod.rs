//! Scenario files: what a user writes, read strictly and checked.
//!
//! Two stages, as in ripgrep's flag handling: the TOML text is deserialised into the raw
//! [`ScenarioFile`] (every struct rejects unknown keys; the key path of a type error is
//! tracked with `serde_path_to_error`), then `Params::try_from(&file)` checks every rule
//! (all problems at once, each naming its key path and valid range) and resolves every
//! name into a typed id: towns, the firms named by shocks, holdings, dates. A [`Scenario`]
//! holds the validated, immutable [`Params`] a run reads, and keeps the raw file and its
//! text privately for the manifest and for sweeps.
//!
//! Files: `file.rs` holds the raw serde types as written in TOML, `validate.rs` the rules of
//! the raw file (one function per section), `params.rs` the parameter tables, `validated.rs`
//! the [`Params`] built from a checked file, `interventions.rs` the resolved policies and
//! shocks, `error.rs` the error types; this file loads and embeds scenarios.

pub mod error;
mod file;
pub mod inherit;
pub mod interventions;
pub mod params;
mod validate;
pub mod validated;

use std::path::{Path, PathBuf};

pub use error::{Problem, ScenarioError};
pub use file::{
    DateSpec, DistanceSpec, FirmSpec, Institution, NationalSection, Path2, PolicySpec, RunSection,
    ScenarioFile, ShockSpec, TownKind, TownSpec, UnitSpec, Window, default_age_shares, interpolate,
    month_index,
};
pub use inherit::{Resolved, resolve};
pub use interventions::{Policy, PolicyLever, Shock, ShockKind, Unit};
pub use params::{
    Clusters, Demography, Firms, Informal, Labour, Migration, ParamDoc, PolicyParams, Seasonality,
    ShockParams, SpecParam, Towns,
};
pub use validate::smallest_scale_for;
pub(crate) use validate::{closest, validate};
pub use validated::{Distance, Holding, NamedFirm, Params, Town};

/// A validated scenario: the validated [`Params`] a run reads, plus the raw file and its
/// text (for the manifest, and for sweeps, which edit key paths on the raw file and
/// validate again). Immutable: a change of scale goes through [`Scenario::with_scale`].
#[derive(Debug, Clone)]
pub struct Scenario {
    file: ScenarioFile,
    params: Params,
    source_text: String,
    origin: String,
}

/// Parse TOML text into the raw file structure, with key paths in errors. The text is
/// taken as written: `extends` is resolved by [`resolve`] (and [`Scenario::load`]).
pub fn parse_file(text: &str, origin: &Path) -> Result<ScenarioFile, ScenarioError> {
    let de = toml::Deserializer::parse(text).map_err(|e| ScenarioError::Parse {
        path: origin.to_path_buf(),
        message: format!("TOML syntax error: {e}"),
    })?;
    deserialize_file(de).map_err(|(key, message)| ScenarioError::Parse {
        path: origin.to_path_buf(),
        message: if key.is_empty() || key == "." {
            message
        } else {
            format!("at key `{key}`: {message}")
        },
    })
}

/// Deserialise a scenario file from any TOML deserialiser (text, or a merged tree); on
/// error, the key path (`.` for the whole file) and the message, with the closest valid
/// key for an unknown one.
fn deserialize_file<'de, D>(de: D) -> Result<ScenarioFile, (String, String)>
where
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let mut message = e.into_inner().to_string();
        if let Some(hint) = suggest_unknown(&message) {
            message.push_str(&hint);
        } else if (key.is_empty() || key == ".")
            && ["`extends`", "`replace`"]
                .iter()
                .any(|k| message.contains(&format!("unknown field {k}")))
        {
            // Text parsed without its file: inheritance needs the file's folder.
            message.push_str(" (`extends` is read when a scenario is loaded from its file)");
        }
        (key, message)
    })
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" messages: the closest valid key.
fn suggest_unknown(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let (unknown, tail) = rest.split_once('`')?;
    let candidates: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    closest(0.7, unknown, candidates.into_iter()).map(|c| format!(" (did you mean `{c}`?)"))
}

impl Scenario {
    /// Read and check a scenario file, resolving its `extends` chain (see [`inherit`]):
    /// errors name the file of the chain that holds the faulty key.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        resolve(path)?.scenario()
    }

    /// Check scenario text as written (no `extends`: that needs the file's folder, see
    /// [`resolve`]); `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Scenario, ScenarioError> {
        let file = parse_file(text, origin)?;
        Scenario::from_file(file, text.to_string(), origin)
    }

    /// Check a parsed file.
    pub fn from_file(
        file: ScenarioFile,
        source_text: String,
        origin: &Path,
    ) -> Result<Scenario, ScenarioError> {
        let params = Params::try_from(&file).map_err(|problems| ScenarioError::Invalid {
            path: origin.to_path_buf(),
            problems,
        })?;
        Ok(Scenario {
            file,
            params,
            source_text,
            origin: origin.display().to_string(),
        })
    }

    /// The same scenario at another scale (agents per real person), validated again: a
    /// command-line `--scale` goes through the same rules as `run.scale`. The source text
    /// (and so the manifest's scenario hash) is unchanged.
    pub fn with_scale(self, scale: f64) -> Result<Scenario, ScenarioError> {
        let mut file = self.file;
        file.run.scale = scale;
        Scenario::from_file(file, self.source_text, Path::new(&self.origin))
    }

    /// The validated parameters: all a run reads.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The raw file as read (with a [`Scenario::with_scale`] override applied), for key-path
    /// edits of sweeps and for reports; the model reads [`Scenario::params`].
    pub fn file(&self) -> &ScenarioFile {
        &self.file
    }

    /// The TOML text (recorded in the manifest): the file as written, or for a file that
    /// `extends` another the resolved, stand-alone scenario.
    pub fn source_text(&self) -> &str {
        &self.source_text
    }

    /// Where the scenario came from (a path, or `scenarios/<name>.toml` for built-ins).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of simulated months.
    pub fn months(&self) -> u32 {
        self.params.months()
    }
}

/// Name of the outside option in migration tables.
pub const REST_OF_COUNTRY: &str = "rest of country";

/// The three built-in scenarios, embedded in the binary.
pub const DEFAULT_SCENARIOS: [(&str, &str); 3] = [
    (
        "nizhny_tagil",
        include_str!("../../scenarios/nizhny_tagil.toml"),
    ),
    ("biysk", include_str!("../../scenarios/biysk.toml")),
    (
        "novokuznetsk",
        include_str!("../../scenarios/novokuznetsk.toml"),
    ),
];

/// The other renewal patterns of the source documents, embedded too; `monotown --all` runs
/// them after the three defaults.
pub const EXTRA_SCENARIOS: [(&str, &str); 3] = [
    ("sheregesh", include_str!("../../scenarios/sheregesh.toml")),
    (
        "verkhnyaya_pyshma",
        include_str!("../../scenarios/verkhnyaya_pyshma.toml"),
    ),
    (
        "minsk_satellites",
        include_str!("../../scenarios/minsk_satellites.toml"),
    ),
];

/// Load an embedded scenario (default or extra pattern) by name.
pub fn embedded(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    DEFAULT_SCENARIOS
        .iter()
        .chain(EXTRA_SCENARIOS.iter())
        .find(|(n, _)| *n == name)
        .map(|(n, text)| Scenario::from_toml(text, &PathBuf::from(format!("scenarios/{n}.toml"))))
}
