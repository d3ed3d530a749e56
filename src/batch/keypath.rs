//! Key paths: naming one number in a scenario file, so that sweeps and batches can vary it.
//!
//! A key path is dotted, like the keys in validation errors:
//!
//! - `migration.beta_distance`, `firms.wage_up`, `run.end_year`: a field of a section
//!   (every parameter of `monotown params` can be named, whether or not the file sets it);
//! - `firm.<name>.export_share`: a field of the `[[firm]]` entry with that `name`, and
//!   likewise `town.<name>.amenity` (names may contain spaces, e.g.
//!   `town.Nizhny Tagil.amenity`);
//! - `firm[2].workforce`, `policy[0].share`, `shock[1].demand`: an entry by its position;
//! - deeper fields and array items: `town.Biysk.sector_shares.it`,
//!   `town.Biysk.skill_shares[2]`, `national.wage_krub[3][1]`.
//!
//! A path is resolved against the base scenario before any run starts: the field must exist
//! in the scenario's schema (defaults included) and hold a number, otherwise the error names
//! the path and suggests the closest valid key. Values are then written into the parsed
//! TOML of the base file, the result is serialised back to text and goes through the
//! normal scenario parser and validation, so parameter ranges are enforced exactly as for a
//! hand-written file.

use std::path::{Path, PathBuf};

use crate::scenario::{ScenarioError, closest, parse_file};

/// Why a key path or an override could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyPathError {
    /// The base scenario could not be read or parsed.
    #[error(transparent)]
    Base(#[from] ScenarioError),
    /// The path names nothing in the scenario.
    #[error("{origin}: key path `{key}`: {message}{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    Unknown {
        /// The base scenario.
        origin: PathBuf,
        /// The key path as written.
        key: String,
        /// What could not be found.
        message: String,
        /// The closest valid key path, if any is close.
        suggestion: Option<String>,
    },
    /// The path names a value that is not a number (text, a table, a list).
    #[error(
        "{origin}: key path `{key}` names a {found}, not a number; only numeric values can be varied"
    )]
    NotNumeric {
        /// The base scenario.
        origin: PathBuf,
        /// The key path.
        key: String,
        /// What it names.
        found: &'static str,
    },
    /// A fractional value for an integer field (e.g. `run.end_year = 2000.5`).
    #[error("key path `{key}` is an integer, but the value {value} is not a whole number")]
    NotInteger {
        /// The key path.
        key: String,
        /// The value.
        value: f64,
    },
}

/// One step of a resolved path inside the TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A key path checked against a base scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The path as the user wrote it (used in manifests and tables).
    pub key: String,
    steps: Vec<Step>,
    /// The field holds an integer (values are rounded to the nearest whole number).
    pub integer: bool,
}

/// A base scenario ready to take overrides: its TOML tree as written, and the complete
/// tree with every default filled in (the schema that paths are checked against).
#[derive(Debug, Clone)]
pub struct BaseScenario {
    /// Where the text came from (names it in errors).
    pub origin: PathBuf,
    /// The text as written.
    pub text: String,
    /// Scenario name (`run.name`).
    pub name: String,
    as_written: toml::Table,
    complete: toml::Table,
}

impl BaseScenario {
    /// The scenario's `run.description` (empty when it has none).
    pub fn description(&self) -> &str {
        self.complete
            .get("run")
            .and_then(|r| r.get("description"))
            .and_then(|d| d.as_str())
            .unwrap_or("")
    }

    /// Parse a base scenario. The text must be a scenario file (unknown keys rejected); its
    /// value ranges are checked later, run by run, after the overrides.
    pub fn new(text: &str, origin: &Path) -> Result<BaseScenario, KeyPathError> {
        let file = parse_file(text, origin)?;
        let parse_err = |e: String| ScenarioError::Parse {
            path: origin.to_path_buf(),
            message: e,
        };
        let as_written: toml::Table =
            toml::from_str(text).map_err(|e| parse_err(format!("TOML syntax error: {e}")))?;
        let complete = match toml::Value::try_from(&file) {
            Ok(toml::Value::Table(t)) => t,
            Ok(_) => return Err(parse_err("scenario did not serialise to a table".into()).into()),
            Err(e) => return Err(parse_err(format!("cannot serialise the scenario: {e}")).into()),
        };
        Ok(BaseScenario {
            origin: origin.to_path_buf(),
            text: text.to_string(),
            name: file.run.name,
            as_written,
            complete,
        })
    }

    /// Check a key path against the scenario's schema.
    pub fn resolve(&self, key: &str) -> Result<ResolvedKey, KeyPathError> {
        let unknown = |message: String, suggestion: Option<String>| KeyPathError::Unknown {
            origin: self.origin.clone(),
            key: key.to_string(),
            message,
            suggestion,
        };
        let key_trim = key.trim();
        if key_trim.is_empty() {
            return Err(unknown("is empty".into(), None));
        }
        let (head, mut rest) = split_head(key_trim);
        let mut steps = vec![Step::Key(head.to_string())];
        let mut node = match self.complete.get(head) {
            Some(v) => v,
            None => {
                let top: Vec<String> = self.complete.keys().cloned().collect();
                return Err(unknown(
                    format!("there is no section `{head}`"),
                    closest(0.7, head, top.iter().map(String::as_str)).map(String::from),
                ));
            }
        };
        let mut done = head.to_string();
        // `firm.<name>` and `town.<name>`: find the entry by its name (the longest match, so
        // names containing dots or spaces work).
        if let (Some(stripped), toml::Value::Array(items)) = (rest.strip_prefix('.'), node)
            && !stripped.starts_with('[')
        {
            let names: Vec<&str> = items
                .iter()
                .filter_map(|v| v.get("name").and_then(|n| n.as_str()))
                .collect();
            let found = items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.get("name").and_then(|n| n.as_str()).map(|n| (i, n)))
                .filter(|(_, n)| {
                    stripped == *n
                        || stripped.starts_with(&format!("{n}."))
                        || stripped.starts_with(&format!("{n}["))
                })
                .max_by_key(|(_, n)| n.len());
            match found {
                Some((i, n)) => {
                    steps.push(Step::Index(i));
                    node = &items[i];
                    rest = &stripped[n.len()..];
                    done = format!("{head}.{n}");
                }
                None => {
                    let wanted = stripped.split('.').next().unwrap_or(stripped);
                    let hint =
                        closest(0.7, wanted, names.iter().copied()).map(|c| format!("{head}.{c}"));
                    let listed = if names.is_empty() {
                        format!("the scenario has no [[{head}]] entries with a name")
                    } else {
                        format!(
                            "no [[{head}]] entry is named `{wanted}` (names: {})",
                            names.join(", ")
                        )
                    };
                    return Err(unknown(listed, hint));
                }
            }
        }
        for part in PathParts::new(rest) {
            match part {
                Err(bad) => {
                    return Err(unknown(
                        format!("cannot read `{bad}`: use `.field` or `[index]`"),
                        None,
                    ));
                }
                Ok(Step::Key(k)) => {
                    let toml::Value::Table(t) = node else {
                        return Err(unknown(
                            format!("`{done}` is a {}, it has no field `{k}`", kind(node)),
                            None,
                        ));
                    };
                    match t.get(&k) {
                        Some(v) => node = v,
                        None => {
                            let hint = closest(0.7, &k, t.keys().map(String::as_str))
                                .map(|c| format!("{done}.{c}"));
                            return Err(unknown(format!("`{done}` has no field `{k}`"), hint));
                        }
                    }
                    done = format!("{done}.{k}");
                    steps.push(Step::Key(k));
                }
                Ok(Step::Index(i)) => {
                    let toml::Value::Array(a) = node else {
                        return Err(unknown(
                            format!("`{done}` is a {}, not a list", kind(node)),
                            None,
                        ));
                    };
                    match a.get(i) {
                        Some(v) => node = v,
                        None => {
                            return Err(unknown(
                                format!(
                                    "`{done}` has {} entries, index {i} is out of range",
                                    a.len()
                                ),
                                None,
                            ));
                        }
                    }
                    done = format!("{done}[{i}]");
                    steps.push(Step::Index(i));
                }
            }
        }
        let integer = match node {
            toml::Value::Integer(_) => true,
            toml::Value::Float(_) => false,
            other => {
                return Err(KeyPathError::NotNumeric {
                    origin: self.origin.clone(),
                    key: key.to_string(),
                    found: kind(other),
                });
            }
        };
        Ok(ResolvedKey {
            key: key.to_string(),
            steps,
            integer,
        })
    }

    /// The scenario text with the values set, ready for [`crate::scenario::Scenario::from_toml`].
    /// Integer fields take the value rounded to the nearest whole number.
    pub fn with_values(&self, values: &[(&ResolvedKey, f64)]) -> String {
        if values.is_empty() {
            return self.text.clone();
        }
        let mut doc = toml::Value::Table(self.as_written.clone());
        for (key, v) in values {
            let value = if key.integer {
                toml::Value::Integer(v.round() as i64)
            } else {
                toml::Value::Float(*v)
            };
            set(&mut doc, &key.steps, &self.complete, value);
        }
        toml::to_string(&doc).unwrap_or_else(|_| self.text.clone())
    }
}

/// Check that `value` fits the key's type (a whole number for integer fields).
pub fn check_value(key: &ResolvedKey, value: f64) -> Result<(), KeyPathError> {
    if key.integer && value.fract() != 0.0 {
        return Err(KeyPathError::NotInteger {
            key: key.key.clone(),
            value,
        });
    }
    Ok(())
}

/// Write `value` at `steps`, creating sections and filling in list entries from the
/// complete tree where the file as written left them out.
fn set(doc: &mut toml::Value, steps: &[Step], complete: &toml::Table, value: toml::Value) {
    let mut node = doc;
    let mut shadow = Some(toml::Value::Table(complete.clone()));
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let next_shadow = shadow.as_ref().and_then(|s| match step {
            Step::Key(k) => s.get(k.as_str()).cloned(),
            Step::Index(j) => s.get(*j).cloned(),
        });
        if last {
            match (node, step) {
                (toml::Value::Table(t), Step::Key(k)) => {
                    t.insert(k.clone(), value);
                }
                (toml::Value::Array(a), Step::Index(j)) if *j < a.len() => a[*j] = value,
                _ => {}
            }
            return;
        }
        let filler = || {
            next_shadow
                .clone()
                .unwrap_or_else(|| toml::Value::Table(toml::Table::new()))
        };
        node = match (node, step) {
            (toml::Value::Table(t), Step::Key(k)) => t.entry(k.clone()).or_insert_with(filler),
            (toml::Value::Array(a), Step::Index(j)) => {
                while a.len() <= *j {
                    let fill = shadow
                        .as_ref()
                        .and_then(|s| s.get(a.len()))
                        .cloned()
                        .unwrap_or_else(|| toml::Value::Table(toml::Table::new()));
                    a.push(fill);
                }
                &mut a[*j]
            }
            _ => return,
        };
        shadow = next_shadow;
    }
}

fn split_head(key: &str) -> (&str, &str) {
    let end = key.find(['.', '[']).unwrap_or(key.len());
    (&key[..end], &key[end..])
}

/// Iterates `.field` and `[index]` parts.
struct PathParts<'a> {
    rest: &'a str,
}

impl<'a> PathParts<'a> {
    fn new(rest: &'a str) -> Self {
        PathParts { rest }
    }
}

impl Iterator for PathParts<'_> {
    type Item = Result<Step, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        if let Some(r) = self.rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let field = &r[..end];
            self.rest = &r[end..];
            if field.is_empty() {
                let bad = self.rest.to_string();
                self.rest = "";
                return Some(Err(format!(".{bad}")));
            }
            return Some(Ok(Step::Key(field.to_string())));
        }
        if let Some(r) = self.rest.strip_prefix('[')
            && let Some(close) = r.find(']')
            && let Ok(i) = r[..close].trim().parse::<usize>()
        {
            self.rest = &r[close + 1..];
            return Some(Ok(Step::Index(i)));
        }
        let bad = self.rest.to_string();
        self.rest = "";
        Some(Err(bad))
    }
}

fn kind(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "text value",
        toml::Value::Integer(_) => "integer",
        toml::Value::Float(_) => "number",
        toml::Value::Boolean(_) => "true/false value",
        toml::Value::Datetime(_) => "date",
        toml::Value::Array(_) => "list",
        toml::Value::Table(_) => "table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    const TINY: &str = include_str!("../../tests/data/tiny_batch.toml");

    fn base() -> BaseScenario {
        BaseScenario::new(TINY, Path::new("tests/data/tiny_batch.toml")).unwrap()
    }

    fn apply(keys: &[(&str, f64)]) -> Scenario {
        let b = base();
        let resolved: Vec<ResolvedKey> = keys.iter().map(|(k, _)| b.resolve(k).unwrap()).collect();
        let pairs: Vec<(&ResolvedKey, f64)> = resolved
            .iter()
            .zip(keys)
            .map(|(r, (_, v))| (r, *v))
            .collect();
        Scenario::from_toml(&b.with_values(&pairs), Path::new("point")).unwrap()
    }

    #[test]
    fn section_parameter_not_in_the_file_is_set() {
        let s = apply(&[("migration.beta_distance", 1.25)]);
        assert_eq!(s.file().migration.beta_distance, 1.25);
        // Other defaults are untouched.
        assert_eq!(
            s.file().migration.base_hazard,
            crate::scenario::Migration::default().base_hazard
        );
    }

    #[test]
    fn firm_and_town_by_name() {
        let s = apply(&[
            ("firm.Tiny Works.export_share", 0.2),
            ("town.Tinygrad.amenity", 1.3),
            ("firm.Tiny Machines.import_share", 0.3),
        ]);
        assert_eq!(s.file().firm[0].export_share, 0.2);
        assert_eq!(s.file().firm[1].import_share, 0.3);
        assert_eq!(s.file().town[0].amenity, 1.3);
        assert_eq!(s.file().town[1].amenity, 1.1);
    }

    #[test]
    fn indexed_entries_nested_maps_and_integers() {
        let s = apply(&[
            ("firm[1].workforce", 900.0),
            ("town.Tinygrad.sector_shares.it", 0.05),
            ("run.end_year", 1991.4),
            ("shock[0].demand", 0.7),
        ]);
        assert_eq!(s.file().firm[1].workforce, 900.0);
        assert_eq!(s.file().run.end_year, 1991);
        let ShockSpec::Crisis { demand, .. } = &s.file().shock[0] else {
            panic!()
        };
        assert_eq!(*demand, 0.7);
        use crate::scenario::ShockSpec;
    }

    #[test]
    fn unknown_paths_are_errors_with_suggestions() {
        let b = base();
        let e = b
            .resolve("migration.beta_distanse")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("migration.beta_distanse")
                && e.contains("did you mean `migration.beta_distance`"),
            "{e}"
        );
        let e = b
            .resolve("firm.Tiny Werks.export_share")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("Tiny Werks") && e.contains("did you mean `firm.Tiny Works`"),
            "{e}"
        );
        let e = b
            .resolve("firm.Tiny Works.export_shar")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("did you mean `firm.Tiny Works.export_share`"),
            "{e}"
        );
        let e = b.resolve("migratio.beta_distance").unwrap_err().to_string();
        assert!(e.contains("did you mean `migration`"), "{e}");
        assert!(matches!(
            b.resolve("firm[7].workforce"),
            Err(KeyPathError::Unknown { .. })
        ));
        assert!(matches!(
            b.resolve("run.name"),
            Err(KeyPathError::NotNumeric { .. })
        ));
        assert!(matches!(
            b.resolve("migration"),
            Err(KeyPathError::NotNumeric { .. })
        ));
    }

    #[test]
    fn out_of_range_value_fails_validation_not_resolution() {
        let b = base();
        let k = b.resolve("migration.base_hazard").unwrap();
        let text = b.with_values(&[(&k, 3.0)]);
        let e = Scenario::from_toml(&text, Path::new("p"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("migration.base_hazard") && e.contains("[0, 1]"),
            "{e}"
        );
    }

    #[test]
    fn integer_check() {
        let b = base();
        let k = b.resolve("run.end_year").unwrap();
        assert!(k.integer);
        assert!(check_value(&k, 1990.0).is_ok());
        assert!(check_value(&k, 1990.5).is_err());
    }
}
