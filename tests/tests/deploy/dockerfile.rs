//! The `Dockerfile`: every path it copies exists and is in the build context, the build
//! takes the whole workspace (no list of members to keep in step), and the runtime image
//! runs `kronika` unprivileged with a health check and a data volume.

use crate::repository;

/// One instruction, its continuation lines joined.
#[derive(Debug)]
struct Instruction {
    /// The line the instruction starts on, for messages.
    line: usize,
    /// `FROM`, `COPY`, `RUN`, … in capitals.
    keyword: String,
    arguments: String,
}

impl Instruction {
    /// The `--name=value` flags before the arguments proper, and what follows them.
    fn flags_and_rest(&self) -> (Vec<(String, String)>, &str) {
        let mut flags = Vec::new();
        let mut rest = self.arguments.trim_start();
        while let Some(after_dashes) = rest.strip_prefix("--") {
            let (flag, remainder) = after_dashes
                .split_once(char::is_whitespace)
                .unwrap_or((after_dashes, ""));
            let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
            flags.push((name.to_owned(), value.to_owned()));
            rest = remainder.trim_start();
        }
        (flags, rest)
    }

    /// The words of a shell-form or JSON-form (exec form) argument list.
    fn words(text: &str) -> Vec<String> {
        let text = text.trim();
        if text.starts_with('[') {
            serde_json::from_str(text)
                .unwrap_or_else(|error| panic!("not a JSON array: {text}: {error}"))
        } else {
            text.split_whitespace().map(str::to_owned).collect()
        }
    }
}

/// A build stage: its `FROM` and the instructions up to the next one.
#[derive(Debug)]
struct Stage {
    name: Option<String>,
    instructions: Vec<Instruction>,
}

fn parse(text: &str) -> Vec<Stage> {
    let mut instructions = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        // Comments (and parser directives, which look like comments) and blank lines
        // end nothing: Docker skips them, inside a continued instruction too.
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (start, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
        if let Some(continued) = trimmed.strip_suffix('\\') {
            joined.push_str(continued);
            joined.push(' ');
            pending = Some((start, joined));
        } else {
            joined.push_str(trimmed);
            instructions.push((start, joined));
        }
    }
    assert!(
        pending.is_none(),
        "the Dockerfile ends inside a continued line"
    );
    let mut stages: Vec<Stage> = Vec::new();
    for (line, text) in instructions {
        let (keyword, arguments) = text.split_once(char::is_whitespace).unwrap_or((&text, ""));
        let instruction = Instruction {
            line,
            keyword: keyword.to_uppercase(),
            arguments: arguments.trim().to_owned(),
        };
        if instruction.keyword == "FROM" {
            let words = Instruction::words(&instruction.arguments);
            let name = match words.as_slice() {
                [_, as_keyword, name] if as_keyword.eq_ignore_ascii_case("as") => {
                    Some(name.clone())
                }
                _ => None,
            };
            stages.push(Stage {
                name,
                instructions: vec![instruction],
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push(instruction);
        } else {
            // ARG before the first FROM: the build arguments of FROM lines.
            assert_eq!(
                instruction.keyword, "ARG",
                "line {}: only ARG may come before the first FROM",
                instruction.line
            );
        }
    }
    stages
}

fn stages() -> Vec<Stage> {
    parse(&repository::read("Dockerfile"))
}

fn stage<'a>(stages: &'a [Stage], name: &str) -> &'a Stage {
    stages
        .iter()
        .find(|stage| stage.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("the Dockerfile has no stage named {name}"))
}

/// The sources and destination of a COPY or ADD.
fn copy_sources_and_destination(instruction: &Instruction) -> (Vec<String>, String) {
    let (_, rest) = instruction.flags_and_rest();
    let mut words = Instruction::words(rest);
    let destination = words
        .pop()
        .unwrap_or_else(|| panic!("line {}: COPY without a destination", instruction.line));
    assert!(
        !words.is_empty(),
        "line {}: COPY without a source",
        instruction.line
    );
    (words, destination)
}

#[test]
fn every_path_the_dockerfile_copies_from_the_repository_exists_and_is_in_the_context() {
    let stages = stages();
    let mut checked = 0;
    for instruction in stages.iter().flat_map(|stage| &stage.instructions) {
        let local_sources: Vec<String> = match instruction.keyword.as_str() {
            "COPY" | "ADD" => {
                let (flags, _) = instruction.flags_and_rest();
                if flags.iter().any(|(name, _)| name == "from") {
                    continue;
                }
                copy_sources_and_destination(instruction).0
            }
            // A bind mount of the build context reads repository files too.
            "RUN" => instruction
                .flags_and_rest()
                .0
                .iter()
                .filter(|(name, value)| name == "mount" && value.contains("type=bind"))
                .filter_map(|(_, value)| {
                    value
                        .split(',')
                        .find_map(|part| part.strip_prefix("source="))
                        .map(str::to_owned)
                })
                .collect(),
            _ => continue,
        };
        for source in local_sources {
            assert!(
                !source.contains(['*', '?', '[']),
                "line {}: a wildcard source ({source}) cannot be checked; name the paths",
                instruction.line
            );
            let path = repository::root().join(&source);
            assert!(
                path.exists(),
                "line {}: {source} does not exist in the repository",
                instruction.line
            );
            assert!(
                !repository::docker_ignores(&source),
                "line {}: {source} is left out of the build context by .dockerignore",
                instruction.line
            );
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "the Dockerfile copies nothing from the repository"
    );
}

#[test]
fn the_build_takes_the_whole_workspace_whatever_members_it_has() {
    let stages = stages();
    let build = stage(&stages, "build");
    let workdir = build
        .instructions
        .iter()
        .find(|instruction| instruction.keyword == "WORKDIR")
        .map(|instruction| instruction.arguments.clone())
        .unwrap_or_else(|| panic!("the build stage has no WORKDIR"));
    let copies_everything = build
        .instructions
        .iter()
        .position(|instruction| {
            instruction.keyword == "COPY"
                && copy_sources_and_destination(instruction) == (vec![".".to_owned()], ".".into())
        })
        .unwrap_or_else(|| panic!("the build stage does not copy the whole context (COPY . .)"));
    let builds = build
        .instructions
        .iter()
        .position(|instruction| {
            instruction.keyword == "RUN" && instruction.arguments.contains("cargo build")
        })
        .unwrap_or_else(|| panic!("the build stage runs no cargo build"));
    assert!(
        copies_everything < builds,
        "the whole context must be there before the first cargo build (no stub crates)"
    );
    // No manifest listed by hand: a new workspace member needs no change here.
    for instruction in &build.instructions {
        if instruction.keyword == "COPY" {
            let (sources, _) = copy_sources_and_destination(instruction);
            assert!(
                sources.iter().all(|source| !source.ends_with("Cargo.toml")),
                "line {}: a manifest copied by hand; copy the whole workspace instead",
                instruction.line
            );
        }
    }
    let members = repository::workspace_members();
    assert!(members.contains(&"api".to_owned()), "{members:?}");
    for member in &members {
        assert!(
            repository::root().join(member).join("Cargo.toml").is_file(),
            "workspace member {member} has no Cargo.toml"
        );
        assert!(
            !repository::docker_ignores(member)
                && !repository::docker_ignores(&format!("{member}/Cargo.toml"))
                && !repository::docker_ignores(&format!("{member}/src")),
            "workspace member {member} is left out of the build context by .dockerignore"
        );
    }

    // The build caches dependencies in the cargo registry and target directory, and
    // copies the binary out in the same step, since a cache mount is gone after it.
    let cargo_build = &build.instructions[builds];
    let (flags, command) = cargo_build.flags_and_rest();
    let cache_targets: Vec<&str> = flags
        .iter()
        .filter(|(name, value)| name == "mount" && value.contains("type=cache"))
        .filter_map(|(_, value)| {
            value
                .split(',')
                .find_map(|part| part.strip_prefix("target="))
        })
        .collect();
    let target_directory = format!("{}/target", workdir.trim_end_matches('/'));
    for needed in ["/usr/local/cargo/registry", target_directory.as_str()] {
        assert!(
            cache_targets.contains(&needed),
            "no cache mount at {needed}: {cache_targets:?}"
        );
    }
    assert!(command.contains("--locked"), "{command}");
    assert!(command.contains("-p kronika-api"), "{command}");
    assert!(
        repository::read("api/Cargo.toml").contains("name = \"kronika-api\""),
        "the package built is api's"
    );
    let binary = format!("{target_directory}/release/kronika");
    assert!(
        repository::read("api/Cargo.toml").contains("name = \"kronika\""),
        "api builds the binary `kronika`"
    );
    assert!(
        command.contains(&format!("cp {binary} /usr/local/bin/kronika")),
        "the cargo build step must copy {binary} out of the cache mount: {command}"
    );
}

#[test]
fn the_runtime_image_runs_kronika_unprivileged_with_a_health_check_and_a_volume() {
    let stages = stages();
    let build = stage(&stages, "build");
    let runtime = stages
        .last()
        .unwrap_or_else(|| panic!("the Dockerfile has no stage"));
    let find = |keyword: &str| -> Vec<&Instruction> {
        runtime
            .instructions
            .iter()
            .filter(|instruction| instruction.keyword == keyword)
            .collect()
    };

    // The binary comes from the build stage, from the path that stage put it at.
    let copies: Vec<_> = find("COPY");
    let from_build = copies
        .iter()
        .find(|instruction| {
            instruction
                .flags_and_rest()
                .0
                .contains(&("from".to_owned(), "build".to_owned()))
        })
        .unwrap_or_else(|| panic!("the runtime stage copies nothing from the build stage"));
    let (sources, destination) = copy_sources_and_destination(from_build);
    for source in &sources {
        assert!(
            build.instructions.iter().any(|instruction| {
                instruction.keyword == "RUN" && instruction.arguments.contains(source.as_str())
            }),
            "the build stage never writes {source}"
        );
    }
    assert_eq!(destination, "/usr/local/bin/kronika");

    let user = find("USER");
    let user = user
        .last()
        .unwrap_or_else(|| panic!("the runtime stage sets no USER, so it runs as root"));
    let user_name = user.arguments.split(':').next().unwrap_or_default();
    assert!(
        !["root", "0", ""].contains(&user_name),
        "the runtime user is {}",
        user.arguments
    );

    let healthcheck = find("HEALTHCHECK");
    let healthcheck = healthcheck
        .first()
        .unwrap_or_else(|| panic!("the runtime stage has no HEALTHCHECK"));
    let (_, command) = healthcheck.flags_and_rest();
    let command = command
        .strip_prefix("CMD")
        .unwrap_or_else(|| panic!("HEALTHCHECK without CMD: {command}"));
    assert_eq!(Instruction::words(command), ["kronika", "healthcheck"]);
    assert!(repository::kronika_has_subcommand("healthcheck"));

    let entrypoint = find("ENTRYPOINT");
    let entrypoint = entrypoint
        .first()
        .unwrap_or_else(|| panic!("no ENTRYPOINT"));
    assert_eq!(Instruction::words(&entrypoint.arguments), ["kronika"]);
    let command = find("CMD");
    let command = command.first().unwrap_or_else(|| panic!("no CMD"));
    let command = Instruction::words(&command.arguments);
    assert_eq!(command, ["serve"]);
    assert!(repository::kronika_has_subcommand("serve"));

    let volumes: Vec<String> = find("VOLUME")
        .iter()
        .flat_map(|instruction| Instruction::words(&instruction.arguments))
        .collect();
    assert_eq!(volumes, ["/data"]);

    // Every variable the image sets is one kronika reads, and the data directory is the
    // volume.
    let read = repository::environment_variables_kronika_reads();
    let mut environment = Vec::new();
    for instruction in find("ENV") {
        for assignment in instruction.arguments.split_whitespace() {
            let (name, value) = assignment
                .split_once('=')
                .unwrap_or_else(|| panic!("line {}: ENV {assignment}", instruction.line));
            assert!(
                read.contains(name),
                "the image sets {name}, which kronika never reads"
            );
            environment.push((name.to_owned(), value.to_owned()));
        }
    }
    assert!(
        environment.contains(&("KRONIKA_DATA_DIR".to_owned(), "/data".to_owned())),
        "{environment:?}"
    );
}

#[test]
fn the_parser_joins_continued_lines_and_reads_flags() {
    let stages = parse(
        "# syntax=docker/dockerfile:1\nARG V=1\nFROM base:${V} AS build\n\
         RUN --mount=type=cache,target=/x \\\n    # a comment inside\n    make \\\n    && cp a b\n\
         COPY [\"a b\", \"c\"]\nFROM scratch\nCOPY --from=build /a /b\n",
    );
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0].name.as_deref(), Some("build"));
    let run = &stages[0].instructions[1];
    assert_eq!(run.line, 4);
    let (flags, rest) = run.flags_and_rest();
    assert_eq!(
        flags,
        [("mount".to_owned(), "type=cache,target=/x".to_owned())]
    );
    assert_eq!(
        rest.split_whitespace().collect::<Vec<_>>(),
        ["make", "&&", "cp", "a", "b"]
    );
    assert_eq!(
        copy_sources_and_destination(&stages[0].instructions[2]),
        (vec!["a b".to_owned()], "c".to_owned())
    );
    assert_eq!(stages[1].name, None);
}
