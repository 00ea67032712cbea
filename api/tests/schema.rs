//! The public schema is a checked-in snapshot (`api/schema.graphql`): every API change
//! shows up as a reviewed diff of that file.
//!
//! After an intended change, refresh it with
//! `KRONIKA_UPDATE_SCHEMA=1 cargo test -p kronika-api --test schema`.

use std::path::Path;

#[test]
fn the_schema_matches_its_checked_in_snapshot() {
    let snapshot_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let current = kronika_api::graphql::sdl();
    if std::env::var_os("KRONIKA_UPDATE_SCHEMA").is_some() {
        std::fs::write(&snapshot_path, &current)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", snapshot_path.display()));
        return;
    }
    let checked_in = std::fs::read_to_string(&snapshot_path).unwrap_or_default();
    assert!(
        checked_in == current,
        "the GraphQL schema changed; review the difference and refresh the snapshot with \
         KRONIKA_UPDATE_SCHEMA=1 cargo test -p kronika-api --test schema\n\n--- current schema ---\n{current}"
    );
}
