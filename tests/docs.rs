//! Documentation that must stay true of the code.

/// The parameter table at the end of docs/ODD.md is the table `monotown params` prints
/// (regenerate it with `monotown params` when a parameter changes).
#[test]
fn odd_parameter_table_equals_monotown_params() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ODD.md");
    let odd = std::fs::read_to_string(&path).expect("docs/ODD.md exists");
    let (_, after) = odd
        .split_once("\n## Parameter table\n")
        .expect("docs/ODD.md has a `## Parameter table` section");
    let documented: Vec<&str> = after
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let generated = monotown::scenario::params::markdown_table();
    let generated: Vec<&str> = generated.lines().collect();
    for (i, (d, g)) in documented.iter().zip(&generated).enumerate() {
        assert_eq!(
            d, g,
            "docs/ODD.md parameter table row {i} differs from `monotown params`"
        );
    }
    assert_eq!(
        documented.len(),
        generated.len(),
        "docs/ODD.md has {} table rows, `monotown params` prints {}",
        documented.len(),
        generated.len()
    );
}
