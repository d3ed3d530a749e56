//! Scenario inheritance: a scenario file may start from another one with a top-level
//! `extends = "base.toml"` (relative to the extending file's folder) and then add or
//! override entries, so that a policy variant is a ten-line file.
//!
//! The files of the chain (child, parent, grandparent, ...) are merged as TOML trees
//! before anything is deserialised, parent first:
//!
//! - tables merge key by key, recursively (`[migration]` in the child overrides only the
//!   keys it sets); scalars and plain arrays (`skill_shares`, `national.wage_krub`,
//!   `towns = [...]`) are replaced whole;
//! - arrays of tables whose entries are named (`[[town]]`, `[[firm]]`: every entry has a
//!   `name`) merge by name: a child entry with a name the parent has merges into that
//!   entry (its keys override), a new name is appended; `[[distance]]` entries merge by
//!   their pair of towns, in either order;
//! - arrays of tables without a name (`[[policy]]`, `[[shock]]`) are appended: the child's
//!   entries follow the parent's, so "base + one more policy" is one `[[policy]]` table;
//! - `replace = ["policy", "town.Biysk.sector_shares"]` drops inherited values before the
//!   child's are merged: each entry is a key path in the notation of sweeps
//!   (`section.key`, `town.<name>`, `firm.<name>.field`), naming something the parent
//!   chain holds. `replace = ["shock"]` with no `[[shock]]` in the child removes every
//!   inherited shock.
//!
//! The result is a stand-alone scenario (`monotown validate --resolved` prints it): its
//! text is what runs, batches, sweeps and calibrations read, and what a run's manifest
//! records, so a run is reproducible from its output folder alone. A file without
//! `extends` is used exactly as written (same text, same hash).
//!
//! Every value remembers the file it came from, so that an error at a key names the file
//! holding it and the key as written there (`../biysk.toml: at key `town[0].amenity``);
//! an error at a value no file sets (a default) names the file that holds the enclosing
//! entry or section.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::{Problem, ScenarioError};
use super::file::ScenarioFile;
use super::{Scenario, closest, deserialize_file};

/// Longest `extends` chain followed (a longer one is almost surely a mistake).
const MAX_DEPTH: usize = 32;

/// Where a value of the merged tree came from: a file of the chain (index into
/// [`Resolved::chain`]) and its key path in that file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    file: usize,
    local: String,
}

/// The provenance tree, parallel to the TOML tree: a leaf for scalars and plain arrays.
#[derive(Debug, Clone)]
enum Prov {
    Leaf(Origin),
    Table(Origin, BTreeMap<String, Prov>),
    Tables(Origin, Vec<Prov>),
}

impl Prov {
    fn origin(&self) -> &Origin {
        match self {
            Prov::Leaf(o) | Prov::Table(o, _) | Prov::Tables(o, _) => o,
        }
    }
}

/// A scenario file with its `extends` chain resolved.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The files of the chain, the loaded file first, then its parent, and so on.
    pub chain: Vec<PathBuf>,
    /// The scenario text: the file as written when it extends nothing, else the merged
    /// scenario (a comment naming the chain, then the TOML), a stand-alone scenario.
    pub text: String,
    /// The merged tree (`None` when the file extends nothing).
    merged: Option<toml::Table>,
    /// Merged key path (`town[3].amenity`) -> its origin.
    provenance: BTreeMap<String, Origin>,
}

/// Read a scenario file and resolve its `extends` chain. Errors name the file and key:
/// a parent that cannot be read (the child, `extends` and the path tried), a cycle (the
/// files in it), a `replace` entry that names nothing.
pub fn resolve(path: &Path) -> Result<Resolved, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    resolve_text(&text, path)
}

/// As [`resolve`], for text already read from `path` (parents are read relative to it).
pub fn resolve_text(text: &str, path: &Path) -> Result<Resolved, ScenarioError> {
    // Text that is not TOML, or has no `extends`, is used as written: its errors (syntax
    // included) are those of an ordinary scenario file.
    let own = match toml::from_str::<toml::Table>(text) {
        Ok(t) if t.contains_key("extends") => t,
        Ok(t) => {
            if t.contains_key("replace") {
                return Err(parse_error(
                    path,
                    "replace",
                    "`replace` drops inherited values, so it needs `extends = \"base.toml\"`",
                ));
            }
            return Ok(Resolved {
                chain: vec![path.to_path_buf()],
                text: text.to_string(),
                merged: None,
                provenance: BTreeMap::new(),
            });
        }
        Err(_) => {
            return Ok(Resolved {
                chain: vec![path.to_path_buf()],
                text: text.to_string(),
                merged: None,
                provenance: BTreeMap::new(),
            });
        }
    };
    let mut chain = Vec::new();
    let mut links = Vec::new();
    let (merged, prov) = merge_chain(own, path, &mut chain, &mut links)?;
    let mut provenance = BTreeMap::new();
    if let Prov::Table(_, keys) = &prov {
        for (k, p) in keys {
            flatten(k.clone(), p, &mut provenance);
        }
    }
    let body = toml::to_string(&merged).map_err(|e| {
        parse_error(
            path,
            "extends",
            &format!("cannot write the merged scenario: {e}"),
        )
    })?;
    // The chain as written (each `extends` relative to the file before it), so that the
    // text does not depend on the folder the command ran in.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = format!(
        "# Resolved scenario: {name}, which extends {}.\n\
         # The merged result of the chain, a stand-alone scenario.\n\n{body}",
        links.join(", which extends ").replace(['\n', '\r'], " ")
    );
    Ok(Resolved {
        chain,
        text,
        merged: Some(merged),
        provenance,
    })
}

/// `path: at key `key`: message` as a parse error.
fn parse_error(path: &Path, key: &str, message: &str) -> ScenarioError {
    ScenarioError::Parse {
        path: path.to_path_buf(),
        message: format!("at key `{key}`: {message}"),
    }
}

/// Read `path` (already parsed as `own`), merge its parent chain under it; push every file
/// of the chain onto `chain`, child first, and every `extends` as written onto `links`.
fn merge_chain(
    mut own: toml::Table,
    path: &Path,
    chain: &mut Vec<PathBuf>,
    links: &mut Vec<String>,
) -> Result<(toml::Table, Prov), ScenarioError> {
    let me = chain.len();
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if let Some(first) = chain.iter().position(|c| canonical(c) == canonical(path)) {
        let cycle: Vec<String> = chain[first..]
            .iter()
            .chain(std::iter::once(&path.to_path_buf()))
            .map(|p| p.display().to_string())
            .collect();
        return Err(parse_error(
            &chain[me - 1],
            "extends",
            &format!("the chain of `extends` is a cycle: {}", cycle.join(" -> ")),
        ));
    }
    if me >= MAX_DEPTH {
        return Err(parse_error(
            path,
            "extends",
            &format!("the chain of `extends` is longer than {MAX_DEPTH} files"),
        ));
    }
    chain.push(path.to_path_buf());
    let extends = own.remove("extends");
    let replace = own.remove("replace");
    let own_prov = prov_table(&own, me, "");
    let Some(extends) = extends else {
        if replace.is_some() {
            return Err(parse_error(
                path,
                "replace",
                "`replace` drops inherited values, so it needs `extends = \"base.toml\"`",
            ));
        }
        return Ok((own, own_prov));
    };
    let Some(rel) = extends.as_str() else {
        return Err(parse_error(
            path,
            "extends",
            &format!(
                "expected the path of a scenario file (text), found a {}",
                extends.type_str()
            ),
        ));
    };
    let parent_path = path.parent().unwrap_or(Path::new("")).join(rel);
    let parent_text = std::fs::read_to_string(&parent_path).map_err(|e| {
        parse_error(
            path,
            "extends",
            &format!(
                "cannot read the parent scenario {} ({e}); the path is relative to the folder of {}",
                parent_path.display(),
                path.display()
            ),
        )
    })?;
    let parent: toml::Table = toml::from_str(&parent_text).map_err(|e| ScenarioError::Parse {
        path: parent_path.clone(),
        message: format!("TOML syntax error: {e}"),
    })?;
    links.push(rel.to_string());
    let (mut base, mut base_prov) = merge_chain(parent, &parent_path, chain, links)?;
    if let Some(replace) = replace {
        let Some(list) = replace.as_array() else {
            return Err(parse_error(
                path,
                "replace",
                "expected a list of key paths, e.g. replace = [\"policy\"]",
            ));
        };
        for (i, r) in list.iter().enumerate() {
            let key = format!("replace[{i}]");
            let Some(r) = r.as_str() else {
                return Err(parse_error(path, &key, "expected a key path (text)"));
            };
            remove_path(&mut base, &mut base_prov, r).map_err(|m| parse_error(path, &key, &m))?;
        }
    }
    merge_table(&mut base, &mut base_prov, own, own_prov);
    Ok((base, base_prov))
}

/// The provenance of a table read from file `file`, whose key path there is `at`.
fn prov_table(t: &toml::Table, file: usize, at: &str) -> Prov {
    let keys = t
        .iter()
        .map(|(k, v)| {
            let local = join(at, k);
            (k.clone(), prov_value(v, file, local))
        })
        .collect();
    Prov::Table(
        Origin {
            file,
            local: at.to_string(),
        },
        keys,
    )
}

fn prov_value(v: &toml::Value, file: usize, local: String) -> Prov {
    match v {
        toml::Value::Table(t) => prov_table(t, file, &local),
        toml::Value::Array(a) if is_tables(a) => Prov::Tables(
            Origin {
                file,
                local: local.clone(),
            },
            a.iter()
                .enumerate()
                .map(|(i, e)| prov_value(e, file, format!("{local}[{i}]")))
                .collect(),
        ),
        _ => Prov::Leaf(Origin { file, local }),
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// A non-empty array whose items are all tables.
fn is_tables(a: &[toml::Value]) -> bool {
    !a.is_empty() && a.iter().all(|v| v.is_table())
}

/// What identifies an entry of an array of tables across files: its `name`, or for a
/// distance its unordered pair of towns. `None`: the entry is appended.
fn entry_id(v: &toml::Value) -> Option<String> {
    let t = v.as_table()?;
    if let Some(name) = t.get("name").and_then(|n| n.as_str()) {
        return Some(format!("name:{name}"));
    }
    let from = t.get("from")?.as_str()?;
    let to = t.get("to")?.as_str()?;
    let (a, b) = if from <= to { (from, to) } else { (to, from) };
    Some(format!("pair:{a}\u{0}{b}"))
}

/// Merge `child` (with its provenance) into `base`.
fn merge_table(base: &mut toml::Table, base_prov: &mut Prov, child: toml::Table, child_prov: Prov) {
    let Prov::Table(_, mut child_keys) = child_prov else {
        return;
    };
    let Prov::Table(_, base_keys) = base_prov else {
        return;
    };
    for (k, v) in child {
        let Some(cp) = child_keys.remove(&k) else {
            continue;
        };
        match (base.get_mut(&k), base_keys.get_mut(&k)) {
            (Some(toml::Value::Table(bt)), Some(bp @ Prov::Table(..))) if v.is_table() => {
                if let toml::Value::Table(ct) = v {
                    merge_table(bt, bp, ct, cp);
                }
            }
            (Some(toml::Value::Array(ba)), Some(Prov::Tables(_, bps))) if matches!(&v, toml::Value::Array(a) if is_tables(a)) => {
                if let (toml::Value::Array(ca), Prov::Tables(_, cps)) = (v, cp) {
                    merge_entries(ba, bps, ca, cps);
                }
            }
            _ => {
                base.insert(k.clone(), v);
                base_keys.insert(k, cp);
            }
        }
    }
}

/// Merge the entries of a child's array of tables into the parent's: an entry whose id
/// (see [`entry_id`]) a parent entry has merges into it, once; any other is appended (a
/// second child entry of the same id too, so that validation reports the duplicate).
fn merge_entries(
    base: &mut Vec<toml::Value>,
    base_prov: &mut Vec<Prov>,
    child: Vec<toml::Value>,
    child_prov: Vec<Prov>,
) {
    let inherited = base.len();
    let mut merged_into = vec![false; inherited];
    for (v, p) in child.into_iter().zip(child_prov) {
        let target = entry_id(&v).and_then(|id| {
            (0..inherited).find(|&j| !merged_into[j] && entry_id(&base[j]).as_ref() == Some(&id))
        });
        match (target, v) {
            (Some(j), toml::Value::Table(ct)) => {
                merged_into[j] = true;
                if let (Some(toml::Value::Table(bt)), Some(bp)) =
                    (base.get_mut(j), base_prov.get_mut(j))
                {
                    merge_table(bt, bp, ct, p);
                }
            }
            (_, v) => {
                base.push(v);
                base_prov.push(p);
            }
        }
    }
}

/// Remove the value at key path `path` (sweep notation: `policy`, `migration.base_hazard`,
/// `town.<name>`, `town.<name>.sector_shares`) from the inherited tree.
fn remove_path(base: &mut toml::Table, prov: &mut Prov, path: &str) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    remove_in(base, prov, &segs).map_err(|what| {
        format!(
            "`{path}` names nothing in the inherited scenario ({what}); write a key path such as `policy`, `shock`, `migration.base_hazard` or `town.<name>.sector_shares`"
        )
    })
}

/// [`remove_path`] below one table; the error says what was not found.
fn remove_in(table: &mut toml::Table, prov: &mut Prov, segs: &[&str]) -> Result<(), String> {
    let Prov::Table(_, keys) = prov else {
        return Err("not a table".into());
    };
    let seg = segs[0];
    if !table.contains_key(seg) {
        return Err(closest(0.7, seg, table.keys().map(|k| k.as_str()))
            .map(|c| format!("did you mean `{c}`?"))
            .unwrap_or_else(|| format!("no key `{seg}`")));
    }
    if segs.len() == 1 {
        table.remove(seg);
        keys.remove(seg);
        return Ok(());
    }
    match (table.get_mut(seg), keys.get_mut(seg)) {
        (Some(toml::Value::Table(t)), Some(p @ Prov::Table(..))) => remove_in(t, p, &segs[1..]),
        (Some(toml::Value::Array(a)), Some(Prov::Tables(_, ps))) => {
            let name = segs[1];
            let Some(j) = a
                .iter()
                .position(|e| e.get("name").and_then(|n| n.as_str()) == Some(name))
            else {
                return Err(format!("no entry of `{seg}` is named `{name}`"));
            };
            if segs.len() == 2 {
                a.remove(j);
                ps.remove(j);
                return Ok(());
            }
            match (a.get_mut(j), ps.get_mut(j)) {
                (Some(toml::Value::Table(t)), Some(p)) => remove_in(t, p, &segs[2..]),
                _ => Err(format!("`{seg}.{name}` is not a table")),
            }
        }
        _ => Err(format!("`{seg}` holds a value, not a table")),
    }
}

/// Record the origin of every node of the merged tree under its merged key path.
fn flatten(at: String, p: &Prov, out: &mut BTreeMap<String, Origin>) {
    match p {
        Prov::Leaf(_) => {}
        Prov::Table(_, keys) => {
            for (k, c) in keys {
                flatten(join(&at, k), c, out);
            }
        }
        Prov::Tables(_, entries) => {
            for (i, c) in entries.iter().enumerate() {
                flatten(format!("{at}[{i}]"), c, out);
            }
        }
    }
    out.insert(at, p.origin().clone());
}

impl Resolved {
    /// The loaded file.
    pub fn path(&self) -> &Path {
        &self.chain[0]
    }

    /// Whether the file extends another one.
    pub fn extends(&self) -> bool {
        self.merged.is_some()
    }

    /// The file holding the value at merged key path `key`, and the key as written in it.
    /// A key no file sets (a default) is attributed to the file holding the closest
    /// enclosing entry or section, and to the loaded file when there is none.
    pub fn locate(&self, key: &str) -> (&Path, String) {
        let mut prefix = key;
        loop {
            if let Some(o) = self.provenance.get(prefix) {
                let local = format!("{}{}", o.local, &key[prefix.len()..]);
                let local = local.trim_start_matches('.').to_string();
                return (&self.chain[o.file], local);
            }
            match prefix.rfind(['.', '[']) {
                Some(cut) => prefix = &prefix[..cut],
                None => return (self.path(), key.to_string()),
            }
        }
    }

    /// Deserialise the merged tree into the raw file, errors naming the file and key.
    /// For a file without `extends` this is the ordinary parse of its text.
    pub fn parse(&self) -> Result<ScenarioFile, ScenarioError> {
        let Some(merged) = &self.merged else {
            return super::parse_file(&self.text, self.path());
        };
        deserialize_file(merged.clone()).map_err(|(key, message)| {
            // An unknown key is reported at its table: locate the key itself, which the
            // file that wrote it holds (the table may come from a parent).
            let unknown = message
                .split("unknown field `")
                .nth(1)
                .and_then(|r| r.split_once('`'))
                .map(|(u, _)| u.to_string());
            let (file, local) = match unknown {
                // (The tree's deserialiser puts the unknown key itself at the path's end.)
                Some(u) if key == u || key.ends_with(&format!(".{u}")) => self.locate(&key),
                Some(u) if !key.is_empty() && key != "." => {
                    let (file, local) = self.locate(&format!("{key}.{u}"));
                    let local = local
                        .strip_suffix(&format!(".{u}"))
                        .unwrap_or(&local)
                        .to_string();
                    (file, local)
                }
                Some(u) => (self.locate(&u).0, key.clone()),
                None => self.locate(&key),
            };
            ScenarioError::Parse {
                path: file.to_path_buf(),
                message: if key.is_empty() || key == "." {
                    message
                } else {
                    format!("at key `{local}`: {message}")
                },
            }
        })
    }

    /// Name the file and local key of each problem of a validation error of the merged
    /// scenario: when all lie in one file the error names it, otherwise it names the loaded
    /// file and each problem its own.
    pub fn attribute(&self, e: ScenarioError) -> ScenarioError {
        if !self.extends() {
            return e;
        }
        match e {
            ScenarioError::Invalid { problems, .. } => {
                let located: Vec<(PathBuf, Problem)> = problems
                    .into_iter()
                    .map(|p| {
                        let (file, local) = self.locate(&p.key);
                        (file.to_path_buf(), Problem { key: local, ..p })
                    })
                    .collect();
                let first = located[0].0.clone();
                if located.iter().all(|(f, _)| *f == first) {
                    ScenarioError::Invalid {
                        path: first,
                        problems: located.into_iter().map(|(_, p)| p).collect(),
                    }
                } else {
                    ScenarioError::Invalid {
                        path: self.path().to_path_buf(),
                        problems: located
                            .into_iter()
                            .map(|(f, p)| Problem { file: Some(f), ..p })
                            .collect(),
                    }
                }
            }
            other => other,
        }
    }

    /// Parse and validate: the [`Scenario`] of the resolved text, errors naming the file
    /// and key that hold the faulty value.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        if !self.extends() {
            return Scenario::from_toml(&self.text, self.path());
        }
        // Parse the tree first for errors in the files' own keys, then build the scenario
        // from the resolved text, exactly as from a hand-written copy of it.
        self.parse()?;
        Scenario::from_toml(&self.text, self.path()).map_err(|e| self.attribute(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Write `files` (name, text) into a fresh folder and resolve the first.
    fn resolve_files(
        files: &[(&str, &str)],
    ) -> (tempfile::TempDir, Result<Resolved, ScenarioError>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let r = resolve(&dir.path().join(files[0].0));
        (dir, r)
    }

    fn merged(files: &[(&str, &str)]) -> toml::Table {
        let (_d, r) = resolve_files(files);
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        r.merged.unwrap()
    }

    const PARENT: &str = r#"
[run]
name = "base"
seed = 1

[migration]
base_hazard = 0.001
beta_distance = 1.0

[[town]]
name = "A"
population = 1000
wage_krub = 10.0
sector_shares = { metallurgy = 0.5, public_sector = 0.5 }

[[town]]
name = "B"
population = 500
wage_krub = 9.0

[[distance]]
from = "A"
to = "B"
km = 30

[[policy]]
kind = "incubator"
start = 1990

[[shock]]
kind = "crisis"
start = 1992
"#;

    #[test]
    fn tables_merge_key_by_key_and_scalars_are_replaced() {
        let m = merged(&[
            (
                "child.toml",
                "extends = \"base.toml\"\n[run]\nname = \"child\"\n[migration]\nbase_hazard = 0.002\n",
            ),
            ("base.toml", PARENT),
        ]);
        assert_eq!(m["run"]["name"].as_str(), Some("child"));
        assert_eq!(m["run"]["seed"].as_integer(), Some(1), "parent key kept");
        assert_eq!(m["migration"]["base_hazard"].as_float(), Some(0.002));
        assert_eq!(m["migration"]["beta_distance"].as_float(), Some(1.0));
        assert!(!m.contains_key("extends"));
    }

    #[test]
    fn towns_merge_by_name_and_new_names_are_appended() {
        let m = merged(&[
            (
                "child.toml",
                "extends = \"base.toml\"\n[[town]]\nname = \"B\"\namenity = 1.2\n\
                 [[town]]\nname = \"C\"\npopulation = 10\nwage_krub = 1.0\n\
                 [[distance]]\nfrom = \"B\"\nto = \"A\"\nkm = 40\n",
            ),
            ("base.toml", PARENT),
        ]);
        let towns = m["town"].as_array().unwrap();
        let names: Vec<_> = towns.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(towns[1]["amenity"].as_float(), Some(1.2));
        assert_eq!(
            towns[1]["population"].as_integer(),
            Some(500),
            "merged, not replaced"
        );
        // A distance is keyed by its pair of towns, in either order.
        let d = m["distance"].as_array().unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0]["km"].as_integer(), Some(40));
    }

    #[test]
    fn nested_tables_of_a_named_entry_merge_and_plain_arrays_are_replaced() {
        let m = merged(&[
            (
                "child.toml",
                "extends = \"base.toml\"\n[[town]]\nname = \"A\"\nsector_shares = { it = 0.1 }\n\
                 skill_shares = [0.3, 0.5, 0.2]\n",
            ),
            ("base.toml", PARENT),
        ]);
        let a = &m["town"][0];
        let shares = a["sector_shares"].as_table().unwrap();
        assert_eq!(shares.len(), 3, "{shares:?}");
        assert_eq!(a["skill_shares"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn policies_and_shocks_are_appended() {
        let m = merged(&[
            (
                "child.toml",
                "extends = \"base.toml\"\n[[policy]]\nkind = \"youth_retention\"\nstart = 2020\nhazard_cut = 0.2\n",
            ),
            ("base.toml", PARENT),
        ]);
        let p = m["policy"].as_array().unwrap();
        let kinds: Vec<_> = p.iter().map(|t| t["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["incubator", "youth_retention"]);
        assert_eq!(m["shock"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn replace_drops_inherited_entries_before_the_merge() {
        let m = merged(&[
            (
                "child.toml",
                "extends = \"base.toml\"\nreplace = [\"policy\", \"shock\", \"town.A.sector_shares\"]\n\
                 [[policy]]\nkind = \"youth_retention\"\nstart = 2020\nhazard_cut = 0.2\n\
                 [[town]]\nname = \"A\"\nsector_shares = { it = 1.0 }\n",
            ),
            ("base.toml", PARENT),
        ]);
        let p = m["policy"].as_array().unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0]["kind"].as_str(), Some("youth_retention"));
        assert!(!m.contains_key("shock"));
        assert_eq!(m["town"][0]["sector_shares"].as_table().unwrap().len(), 1);
        assert!(!m.contains_key("replace"));
    }

    #[test]
    fn replace_of_a_missing_key_is_an_error_naming_the_child() {
        let (_d, r) = resolve_files(&[
            (
                "child.toml",
                "extends = \"base.toml\"\nreplace = [\"polcy\"]\n",
            ),
            ("base.toml", PARENT),
        ]);
        let e = r.unwrap_err().to_string();
        assert!(e.contains("child.toml") && e.contains("replace[0]"), "{e}");
        assert!(e.contains("did you mean `policy`"), "{e}");
    }

    #[test]
    fn chains_merge_in_order() {
        let m = merged(&[
            (
                "c.toml",
                "extends = \"sub/b.toml\"\n[migration]\nbase_hazard = 0.003\n",
            ),
            (
                "sub/b.toml",
                "extends = \"../base.toml\"\n[migration]\nbase_hazard = 0.002\nbeta_distance = 2.0\n",
            ),
            ("base.toml", PARENT),
        ]);
        assert_eq!(m["migration"]["base_hazard"].as_float(), Some(0.003));
        assert_eq!(m["migration"]["beta_distance"].as_float(), Some(2.0));
        assert_eq!(m["run"]["name"].as_str(), Some("base"));
    }

    #[test]
    fn a_cycle_is_an_error_naming_its_files() {
        let (_d, r) = resolve_files(&[
            ("a.toml", "extends = \"b.toml\"\n"),
            ("b.toml", "extends = \"a.toml\"\n"),
        ]);
        let e = r.unwrap_err().to_string();
        assert!(e.contains("cycle"), "{e}");
        assert!(e.contains("a.toml -> ") && e.contains("b.toml -> "), "{e}");
        let (_d, r) = resolve_files(&[("self.toml", "extends = \"self.toml\"\n")]);
        assert!(r.unwrap_err().to_string().contains("cycle"));
    }

    #[test]
    fn a_missing_parent_names_the_child_the_key_and_the_path_tried() {
        let (_d, r) = resolve_files(&[("child.toml", "extends = \"nowhere/base.toml\"\n")]);
        let e = r.unwrap_err();
        assert!(matches!(e, ScenarioError::Parse { ref path, .. } if path.ends_with("child.toml")));
        let e = e.to_string();
        assert!(
            e.contains("`extends`") && e.contains("nowhere/base.toml"),
            "{e}"
        );
    }

    #[test]
    fn replace_without_extends_is_an_error() {
        let (_d, r) = resolve_files(&[("x.toml", "replace = [\"policy\"]\n[run]\nname = \"x\"\n")]);
        assert!(r.unwrap_err().to_string().contains("needs `extends"));
    }

    #[test]
    fn a_file_without_extends_is_used_as_written() {
        let text = "# comment kept\n[run]\nname = \"x\"\n";
        let (_d, r) = resolve_files(&[("x.toml", text)]);
        let r = r.unwrap();
        assert_eq!(r.text, text);
        assert!(!r.extends());
    }

    #[test]
    fn locate_names_the_file_and_the_key_as_written_there() {
        let (_d, r) = resolve_files(&[
            (
                "child.toml",
                "extends = \"base.toml\"\n[[town]]\nname = \"C\"\npopulation = 10\nwage_krub = 1.0\n\
                 [[town]]\nname = \"B\"\namenity = 1.2\n[[policy]]\nkind = \"grant\"\nstart = 2000\n",
            ),
            ("base.toml", PARENT),
        ]);
        let r = r.unwrap();
        let file = |k: &str| {
            let (f, local) = r.locate(k);
            (f.file_name().unwrap().to_str().unwrap().to_string(), local)
        };
        // B is the parent's town[1]: the child sets its amenity as its own town[1].
        assert_eq!(
            file("town[1].amenity"),
            ("child.toml".into(), "town[1].amenity".into())
        );
        assert_eq!(
            file("town[1].population"),
            ("base.toml".into(), "town[1].population".into())
        );
        // A default under an inherited entry: the file holding the entry.
        assert_eq!(
            file("town[1].housing_cost_krub"),
            ("base.toml".into(), "town[1].housing_cost_krub".into())
        );
        // C is appended: merged town[2] is the child's town[0].
        assert_eq!(
            file("town[2].population"),
            ("child.toml".into(), "town[0].population".into())
        );
        // The child's policy follows the parent's one.
        assert_eq!(
            file("policy[1].krub_per_worker"),
            ("child.toml".into(), "policy[0].krub_per_worker".into())
        );
        assert_eq!(
            file("policy[0].start"),
            ("base.toml".into(), "policy[0].start".into())
        );
        assert_eq!(
            file("firms.wage_up"),
            ("child.toml".into(), "firms.wage_up".into())
        );
    }
}
