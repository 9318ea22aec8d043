//! The tables live twice: in `template.yaml` for deployments and in `chat_core::aws::provision`
//! for the emulator. What the code relies on is checked here against the template.

use std::path::Path;

use chat_core::aws::provision::SESSION_INDEX_ATTRIBUTES;
use yaml_serde::Value;

fn template() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).expect("template.yaml is YAML")
}

#[test]
fn sessions_index_projects_what_the_code_reads_and_never_the_secret_hash() {
    let template = template();
    let indexes = template["Resources"]["SessionsTable"]["Properties"]["GlobalSecondaryIndexes"]
        .as_sequence()
        .expect("the sessions table has indexes");
    let by_user = indexes
        .iter()
        .find(|index| index["IndexName"].as_str() == Some("by_user"))
        .expect("the by_user index");
    assert_eq!(
        by_user["Projection"]["ProjectionType"].as_str(),
        Some("INCLUDE")
    );
    let projected: Vec<&str> = by_user["Projection"]["NonKeyAttributes"]
        .as_sequence()
        .expect("NonKeyAttributes")
        .iter()
        .map(|attribute| attribute.as_str().expect("a name"))
        .collect();
    assert_eq!(projected, SESSION_INDEX_ATTRIBUTES);
    assert!(!projected.contains(&"secret_hash"));
}
