//! `compose.yaml`, read as compose reads it (anchors and `<<` merges applied), held
//! against what the stack needs: `docker compose config` cannot run here, so this test
//! checks every service's image, command, dependencies and health check itself.

use std::collections::{BTreeMap, BTreeSet};

use serde_norway::Value;

use crate::repository;

/// The services of `compose.yaml`, by name.
fn services() -> BTreeMap<String, Value> {
    let mut document: Value = serde_norway::from_str(&repository::read("compose.yaml"))
        .unwrap_or_else(|error| panic!("compose.yaml is not YAML: {error}"));
    document
        .apply_merge()
        .unwrap_or_else(|error| panic!("compose.yaml's merge keys: {error}"));
    let services = document
        .get("services")
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("compose.yaml has no services"));
    services
        .iter()
        .map(|(name, service)| {
            let name = name
                .as_str()
                .unwrap_or_else(|| panic!("a service name is not text: {name:?}"));
            (name.to_owned(), service.clone())
        })
        .collect()
}

fn text<'a>(service: &'a Value, key: &str) -> Option<&'a str> {
    service.get(key).and_then(Value::as_str)
}

/// A command or health check test as words (the list form; a string is split).
fn words(value: &Value) -> Vec<String> {
    match value {
        Value::Sequence(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .unwrap_or_else(|| panic!("not text: {item:?}"))
                    .to_owned()
            })
            .collect(),
        Value::String(line) => line.split_whitespace().map(str::to_owned).collect(),
        other => panic!("not a command: {other:?}"),
    }
}

/// `depends_on` as service → condition, in either of its forms (a list means
/// `service_started`).
fn dependencies(service: &Value) -> BTreeMap<String, String> {
    match service.get("depends_on") {
        None => BTreeMap::new(),
        Some(Value::Sequence(names)) => names
            .iter()
            .map(|name| {
                let name = name.as_str().unwrap_or_else(|| panic!("{name:?}"));
                (name.to_owned(), "service_started".to_owned())
            })
            .collect(),
        Some(Value::Mapping(entries)) => entries
            .iter()
            .map(|(name, entry)| {
                let name = name.as_str().unwrap_or_else(|| panic!("{name:?}"));
                let condition = entry
                    .get("condition")
                    .and_then(Value::as_str)
                    .unwrap_or("service_started");
                (name.to_owned(), condition.to_owned())
            })
            .collect(),
        Some(other) => panic!("depends_on is neither a list nor a mapping: {other:?}"),
    }
}

/// The environment of a service as name → value (the mapping form).
fn environment(service: &Value) -> BTreeMap<String, String> {
    let Some(entries) = service.get("environment") else {
        return BTreeMap::new();
    };
    let entries = entries
        .as_mapping()
        .unwrap_or_else(|| panic!("write environment as a mapping: {entries:?}"));
    entries
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().unwrap_or_else(|| panic!("{name:?}"));
            let value = match value {
                Value::String(text) => text.clone(),
                Value::Null => String::new(),
                other => panic!("{name}: quote the value {other:?} (compose wants text)"),
            };
            (name.to_owned(), value)
        })
        .collect()
}

/// Services built from this repository's Dockerfile, which run `kronika`.
fn builds_kronika(service: &Value) -> bool {
    text(service, "build") == Some(".")
}

/// The `kronika serve` replicas: built here, with no command other than the image's
/// `serve`.
fn replicas(services: &BTreeMap<String, Value>) -> Vec<(&String, &Value)> {
    let replicas: Vec<_> = services
        .iter()
        .filter(|(_, service)| {
            builds_kronika(service)
                && service
                    .get("command")
                    .is_none_or(|command| words(command) == ["serve"])
        })
        .collect();
    assert!(
        replicas.len() >= 2,
        "the stack runs fewer than two replicas"
    );
    replicas
}

/// Whether compose can see the service healthy: a health check of its own that is not
/// disabled, or else the image's `HEALTHCHECK` (the Dockerfile has one, checked by the
/// Dockerfile tests).
fn has_health_check(service: &Value) -> bool {
    match service.get("healthcheck") {
        Some(check) => {
            check.get("disable").and_then(Value::as_bool) != Some(true)
                && check.get("test").is_some()
        }
        None => builds_kronika(service) && repository::read("Dockerfile").contains("HEALTHCHECK"),
    }
}

/// A one-shot job: compose never restarts it, so "completed successfully" can happen.
fn is_one_shot(service: &Value) -> bool {
    matches!(text(service, "restart"), None | Some("no")) && service.get("ports").is_none()
}

#[test]
fn every_service_runs_an_image_with_a_tag_and_kronika_is_built_here() {
    for (name, service) in services() {
        let image = text(&service, "image").unwrap_or_else(|| panic!("{name} names no image"));
        let last_part = image.rsplit('/').next().unwrap_or(image);
        assert!(last_part.contains(':'), "{name}: image {image} has no tag");
        if let Some(context) = text(&service, "build") {
            assert!(
                repository::root()
                    .join(context)
                    .join("Dockerfile")
                    .is_file(),
                "{name} builds {context}, which has no Dockerfile"
            );
            assert!(image.starts_with("kronika:"), "{name}: {image}");
        }
    }
}

#[test]
fn every_dependency_is_a_service_whose_condition_can_come_true() {
    let services = services();
    for (name, service) in &services {
        for (dependency, condition) in dependencies(service) {
            let target = services
                .get(&dependency)
                .unwrap_or_else(|| panic!("{name} depends on {dependency}, no such service"));
            match condition.as_str() {
                "service_started" => {}
                "service_healthy" => assert!(
                    has_health_check(target),
                    "{name} waits for {dependency} to be healthy, which has no health check"
                ),
                "service_completed_successfully" => assert!(
                    is_one_shot(target),
                    "{name} waits for {dependency} to complete, which is restarted (not a one-shot job)"
                ),
                other => panic!("{name}: unknown condition {other} on {dependency}"),
            }
        }
    }
    // And no service waits for itself through others.
    fn visit(
        name: &str,
        services: &BTreeMap<String, Value>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(name) {
            return;
        }
        assert!(
            !path.iter().any(|seen| seen == name),
            "a dependency cycle: {path:?} → {name}"
        );
        path.push(name.to_owned());
        if let Some(service) = services.get(name) {
            for dependency in dependencies(service).keys() {
                visit(dependency, services, path, done);
            }
        }
        path.pop();
        done.insert(name.to_owned());
    }
    let mut done = BTreeSet::new();
    for name in services.keys() {
        visit(name, &services, &mut Vec::new(), &mut done);
    }
}

#[test]
fn every_health_check_runs_a_program_its_image_has() {
    // The programs each image is known to ship: pg_isready comes with PostgreSQL, the
    // Meilisearch image installs curl, the MinIO server image carries its client mc.
    // A health check with any other program needs a look at its image first.
    let known: [(&str, &str); 3] = [
        ("postgres:", "pg_isready"),
        ("getmeili/meilisearch:", "curl"),
        ("minio/minio:", "mc"),
    ];
    for (name, service) in services() {
        let Some(check) = service.get("healthcheck") else {
            continue;
        };
        if check.get("disable").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let test = words(
            check
                .get("test")
                .unwrap_or_else(|| panic!("{name}: health check without a test")),
        );
        assert_eq!(
            test.first().map(String::as_str),
            Some("CMD"),
            "{name}: use the exec form, [\"CMD\", …]"
        );
        let program = test.get(1).cloned().unwrap_or_default();
        let image = text(&service, "image").unwrap_or_default();
        assert!(
            known
                .iter()
                .any(|(prefix, shipped)| image.starts_with(prefix) && program == *shipped),
            "{name}: is {program} in {image}?"
        );
        for setting in ["interval", "timeout", "retries"] {
            assert!(
                check.get(setting).is_some(),
                "{name}: health check without {setting}"
            );
        }
    }
}

#[test]
fn the_replicas_start_only_when_everything_they_share_is_there() {
    let services = services();
    let bucket_job = services
        .get("minio-bucket")
        .unwrap_or_else(|| panic!("no job creates the bucket"));
    let migrate = services
        .get("migrate")
        .unwrap_or_else(|| panic!("no migrate job"));
    for (name, replica) in replicas(&services) {
        let waits_for = dependencies(replica);
        for (dependency, condition) in [
            ("postgres", "service_healthy"),
            ("migrate", "service_completed_successfully"),
            ("meilisearch", "service_healthy"),
            ("minio-bucket", "service_completed_successfully"),
        ] {
            assert_eq!(
                waits_for.get(dependency).map(String::as_str),
                Some(condition),
                "{name} must wait for {dependency} ({condition})"
            );
        }

        // The bucket the job creates is the one the replica uses, on the MinIO it waits for.
        let bucket = environment(replica)
            .get("KRONIKA_S3_BUCKET")
            .cloned()
            .unwrap_or_else(|| panic!("{name} names no bucket"));
        let script = words(
            bucket_job
                .get("command")
                .unwrap_or_else(|| panic!("the bucket job runs nothing")),
        )
        .join(" ");
        assert!(
            script.contains(&format!("mc mb --ignore-existing local/{bucket}")),
            "the bucket job does not create {bucket}: {script}"
        );
        assert!(script.contains("http://minio:9000"), "{script}");
    }
    assert_eq!(
        dependencies(bucket_job).get("minio").map(String::as_str),
        Some("service_healthy")
    );

    // The migrate job runs `kronika migrate` once, when PostgreSQL answers.
    assert!(builds_kronika(migrate));
    let command = words(
        migrate
            .get("command")
            .unwrap_or_else(|| panic!("migrate has no command")),
    );
    assert_eq!(command, ["migrate"]);
    assert!(repository::kronika_has_subcommand("migrate"));
    assert_eq!(
        dependencies(migrate),
        BTreeMap::from([("postgres".to_owned(), "service_healthy".to_owned())])
    );
    assert!(is_one_shot(migrate));
}

#[test]
fn the_replicas_keep_their_state_in_shared_services_and_set_only_what_kronika_reads() {
    let services = services();
    let read = repository::environment_variables_kronika_reads();
    for (name, replica) in replicas(&services) {
        let environment = environment(replica);
        for variable in environment.keys() {
            assert!(
                read.contains(variable),
                "{name} sets {variable}, which kronika never reads"
            );
        }
        // Shared state only: a replica with an index or media of its own would be
        // refused at start beside the others.
        let expect = |variable: &str, wanted: &str| {
            let value = environment
                .get(variable)
                .unwrap_or_else(|| panic!("{name} does not set {variable}"));
            assert!(
                value.starts_with(wanted),
                "{name}: {variable}={value}, expected {wanted}…"
            );
        };
        expect("DATABASE_URL", "postgres://");
        assert!(
            environment
                .get("DATABASE_URL")
                .is_some_and(|url| url.contains("@postgres:5432/")),
            "{name} uses the stack's PostgreSQL"
        );
        expect("MEILISEARCH_URL", "http://meilisearch:7700");
        expect("KRONIKA_STORAGE", "s3");
        expect("KRONIKA_S3_ENDPOINT", "http://minio:9000");
        assert!(
            environment
                .get("KRONIKA_SEARCH")
                .is_none_or(|search| search == "meilisearch"),
            "{name} must not choose the embedded index"
        );
        expect("KRONIKA_LISTEN", "0.0.0.0:8080");
        expect("KRONIKA_DEMO_CONTENT", "false");

        // Trusting X-Forwarded-For is safe only when every request comes through the
        // balancer, which sets it: a replica publishes no port of its own.
        if environment.get("KRONIKA_TRUST_PROXY").map(String::as_str) == Some("true") {
            assert!(
                replica.get("ports").is_none(),
                "{name} trusts X-Forwarded-For but can be reached without the balancer"
            );
        }
    }
}

#[test]
fn every_variable_compose_takes_from_the_env_file_is_in_the_example() {
    let compose = repository::read("compose.yaml");
    let example = repository::read(".env.example");
    let documented: BTreeSet<&str> = example
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
        .collect();
    let mut used = BTreeSet::new();
    for (position, _) in compose.match_indices("${") {
        let rest = &compose[position + 2..];
        let name: String = rest
            .chars()
            .take_while(|character| character.is_ascii_alphanumeric() || *character == '_')
            .collect();
        used.insert(name);
    }
    assert!(!used.is_empty());
    for name in &used {
        assert!(
            documented.contains(name.as_str()),
            "compose.yaml takes {name} from .env, and .env.example does not list it"
        );
    }
}

#[test]
fn the_balancer_runs_the_mounted_caddyfile_in_front_of_every_replica() {
    let services = services();
    let balancer = services
        .get("balancer")
        .unwrap_or_else(|| panic!("no balancer"));
    assert!(
        text(balancer, "image").is_some_and(|image| image.starts_with("caddy:2")),
        "the balancer is Caddy 2"
    );
    let command = words(
        balancer
            .get("command")
            .unwrap_or_else(|| panic!("the balancer has no command")),
    );
    assert_eq!(
        command.get(..2),
        Some(&["caddy".to_owned(), "run".to_owned()][..])
    );
    let option = |flag: &str| -> String {
        let position = command
            .iter()
            .position(|word| word == flag)
            .unwrap_or_else(|| panic!("the balancer's command has no {flag}: {command:?}"));
        command
            .get(position + 1)
            .cloned()
            .unwrap_or_else(|| panic!("{flag} without a value"))
    };
    assert_eq!(option("--adapter"), "caddyfile");
    let config_path = option("--config");
    let mounts = balancer
        .get("volumes")
        .and_then(Value::as_sequence)
        .unwrap_or_else(|| panic!("the balancer mounts no Caddyfile"));
    let source = mounts
        .iter()
        .filter_map(Value::as_str)
        .find_map(|mount| {
            let mut parts = mount.split(':');
            let source = parts.next()?;
            (parts.next()? == config_path).then(|| source.to_owned())
        })
        .unwrap_or_else(|| panic!("nothing is mounted at {config_path}"));
    let source = source.trim_start_matches("./");
    assert!(
        repository::root().join(source).is_file(),
        "the balancer mounts {source}, which does not exist"
    );
    assert_eq!(source, crate::caddyfile::PATH);

    // It proxies to exactly the replicas, on the port they listen on, and health-checks
    // a route kronika has.
    let caddyfile = crate::caddyfile::Caddyfile::read();
    let upstreams: BTreeSet<String> = caddyfile.upstreams().into_iter().collect();
    let expected: BTreeSet<String> = replicas(&services)
        .into_iter()
        .map(|(name, replica)| {
            let listen = environment(replica)
                .get("KRONIKA_LISTEN")
                .cloned()
                .unwrap_or_default();
            let port = listen.rsplit(':').next().unwrap_or_default().to_owned();
            format!("{name}:{port}")
        })
        .collect();
    assert_eq!(upstreams, expected);
    let health_uri = caddyfile
        .setting("health_uri")
        .unwrap_or_else(|| panic!("the Caddyfile has no active health check"));
    assert!(
        repository::kronika_has_route(&health_uri),
        "the balancer checks {health_uri}, which kronika does not serve"
    );
    for (replica, _) in replicas(&services) {
        assert!(
            dependencies(balancer).contains_key(replica.as_str()),
            "the balancer does not wait for {replica} to be created"
        );
    }
    assert!(
        balancer.get("ports").is_some(),
        "the balancer publishes the stack's port"
    );
}
