//! The modules of a crate depend on each other one way: no top-level module of a crate, and no
//! submodule among its siblings, reaches back to itself through the others. Read from the
//! sources: every `crate::…`, `super::…` and `self::…` path (in `use` items and in code) is an
//! edge from the module it is written in to the module it names. Comments, strings and test-only
//! code (`#[cfg(test)]` modules, `tests.rs`, `tests_*.rs`, `*_tests.rs`, `tests/` folders) are
//! left out: a test may reach wherever it needs.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates checked, by source folder: every crate of the workspace.
const CRATES: &[&str] = &[
    "crates/domain/src",
    "crates/storage/src",
    "crates/web/src",
    "crates/growth/src",
    "src",
];

#[test]
fn no_module_reaches_back_to_itself_through_others() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in CRATES {
        let sources = read_sources(&root.join(dir));
        assert!(!sources.is_empty(), "no sources under {dir}");
        for c in cycles(&sources) {
            found.push(format!("{dir}: {c}"));
        }
    }
    assert!(
        found.is_empty(),
        "modules depending on each other in a circle (move the shared piece to the module it \
         belongs to):\n{}",
        found.join("\n")
    );
}

/// The check itself finds a cycle, between top-level modules and between siblings deeper down,
/// and is not fooled by comments, strings or tests.
#[test]
fn the_module_check_finds_a_cycle_and_ignores_comments_and_tests() {
    let src = |m: &[&str], text: &str| (m.iter().map(|s| s.to_string()).collect(), text.into());
    let sources: Vec<(Vec<String>, String)> = vec![
        src(&[], "mod a; mod b; mod c;"),
        src(&["a"], "use crate::b::{self, Thing as T};"),
        src(&["b"], "fn f() { crate::c::g(); }"),
        src(&["c"], "pub fn g() { let _ = super::a::X; }"),
    ];
    let found = cycles(&sources);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("a → b") && found[0].contains("c → a"),
        "{found:?}"
    );

    let sources: Vec<(Vec<String>, String)> = vec![
        src(&["a"], "use crate::b::X;"),
        src(
            &["b"],
            "// crate::a::Y\nconst S: &str = \"crate::a::Y\";\n/* crate::a */",
        ),
        src(
            &["c"],
            "#[cfg(test)]\nmod tests {\n    use crate::a::X; fn f() { '{'; }\n}",
        ),
        src(&["a", "tests"], "use crate::c::Z;"),
        src(&["c"], "use crate::d::{e::{F, G}, H};"),
        src(&["d", "e"], "use super::super::c::Z;"),
    ];
    let found = cycles(&sources);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("c → d") && found[0].contains("d → c"),
        "{found:?}"
    );
}

/// Every non-test `.rs` file under `dir`: its module path (`["health", "schedule"]`) and its
/// text with comments, strings and test modules blanked out.
fn read_sources(dir: &Path) -> Vec<(Vec<String>, String)> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(dir).ok()?;
            let mut path: Vec<String> = rel
                .iter()
                .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if matches!(
                path.last().map(String::as_str),
                Some("lib" | "main" | "mod")
            ) {
                path.pop();
            }
            let text = std::fs::read_to_string(&f).ok()?;
            Some((path, text))
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Whether a module path is test code by its name.
fn is_test_module(path: &[String]) -> bool {
    path.iter()
        .any(|m| m == "tests" || m.starts_with("tests_") || m.ends_with("_tests"))
}

/// The cycles among siblings, one line each: "a → b → c → a" with where each step is written.
fn cycles(sources: &[(Vec<String>, String)]) -> Vec<String> {
    // Edges between module paths, with an example of the path written.
    let mut refs: Vec<(Vec<String>, Vec<String>, String)> = Vec::new();
    let mut modules: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut test_only: BTreeSet<Vec<String>> = BTreeSet::new();
    let cleaned: Vec<(Vec<String>, String)> = sources
        .iter()
        .map(|(m, text)| {
            let (code, tests) = without_tests(&blank(text));
            for t in tests {
                let mut p = m.clone();
                p.push(t);
                test_only.insert(p);
            }
            (m.clone(), code)
        })
        .collect();
    for (m, code) in &cleaned {
        if is_test_module(m) || test_only.iter().any(|t| m.starts_with(t)) {
            continue;
        }
        for i in 0..=m.len() {
            modules.insert(m[..i].to_vec());
        }
        for (target, written) in paths(m, code) {
            refs.push((m.clone(), target, written));
        }
    }
    let mut out = Vec::new();
    for parent in &modules {
        let n = parent.len();
        let children: BTreeSet<&String> = modules
            .iter()
            .filter(|p| p.len() == n + 1 && p.starts_with(parent))
            .map(|p| &p[n])
            .collect();
        let mut graph: BTreeMap<&String, BTreeMap<&String, (String, String)>> = BTreeMap::new();
        for (from, to, written) in &refs {
            if from.len() <= n || to.len() <= n || !from.starts_with(parent) {
                continue;
            }
            if !to.starts_with(parent) || from[n] == to[n] || !children.contains(&to[n]) {
                continue;
            }
            graph
                .entry(&from[n])
                .or_default()
                .entry(&to[n])
                .or_insert_with(|| (from.join("::"), written.clone()));
        }
        for scc in strongly_connected(&graph) {
            let place = if parent.is_empty() {
                "crate".to_string()
            } else {
                parent.join("::")
            };
            let steps: Vec<String> =
                scc.iter()
                    .flat_map(|a| {
                        graph[a].iter().filter(|(b, _)| scc.contains(b)).map(
                            move |(b, (file, written))| format!("{a} → {b} ({file}: {written})"),
                        )
                    })
                    .collect();
            out.push(format!("in {place}: {}", steps.join("; ")));
        }
    }
    out
}

/// Tarjan's strongly connected components with more than one module.
fn strongly_connected<'a, V>(
    graph: &BTreeMap<&'a String, BTreeMap<&'a String, V>>,
) -> Vec<Vec<&'a String>> {
    struct State<'a> {
        index: BTreeMap<&'a String, usize>,
        low: BTreeMap<&'a String, usize>,
        stack: Vec<&'a String>,
        on_stack: BTreeSet<&'a String>,
        out: Vec<Vec<&'a String>>,
    }
    fn visit<'a, V>(
        v: &'a String,
        graph: &BTreeMap<&'a String, BTreeMap<&'a String, V>>,
        s: &mut State<'a>,
    ) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in graph.get(v).into_iter().flat_map(|e| e.keys().copied()) {
            if !s.index.contains_key(w) {
                visit(w, graph, s);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys().copied() {
        if !s.index.contains_key(v) {
            visit(v, graph, &mut s);
        }
    }
    s.out
}

/// `text` with comments, string literals and character literals replaced by spaces.
fn blank(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (i == 0 || !ident(b[i - 1])) && matches!(next, Some('"' | '#')) && {
            let mut j = i + 1;
            while b.get(j) == Some(&'#') {
                j += 1;
            }
            b.get(j) == Some(&'"')
        } {
            let mut hashes = 0;
            i += 1;
            while b[i] == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            while i < b.len() {
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next == Some('\\') {
            i += 2;
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c == '\'' && b.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` without its `#[cfg(test)] mod name { … }` blocks, and the names of the modules
/// declared test-only (`#[cfg(test)] mod name;` and the blocks).
fn without_tests(code: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(code.len());
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let item = trimmed
            .strip_prefix("pub(crate) ")
            .or_else(|| trimmed.strip_prefix("pub(super) "))
            .or_else(|| trimmed.strip_prefix("pub "))
            .unwrap_or(trimmed);
        let Some(decl) = item.strip_prefix("mod ") else {
            rest = after;
            continue;
        };
        let name: String = decl
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        names.push(name);
        let body_at = decl.find(['{', ';']).unwrap_or(decl.len());
        if decl[body_at..].starts_with(';') {
            rest = &decl[body_at + 1..];
            continue;
        }
        let mut depth = 0;
        let mut end = decl.len();
        for (k, ch) in decl[body_at..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = body_at + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &decl[end..];
    }
    out.push_str(rest);
    (out, names)
}

/// The module paths `code` (of module `module`) names through `crate::`, `super::` and
/// `self::`, each with the text written.
fn paths(module: &[String], code: &str) -> Vec<(Vec<String>, String)> {
    let b: Vec<char> = code.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !ident(b[i]) || (i > 0 && (ident(b[i - 1]) || b[i - 1] == '$' || b[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ident(b[i]) {
            i += 1;
        }
        let word: String = b[start..i].iter().collect();
        if !matches!(word.as_str(), "crate" | "super" | "self") || !at(&b, i, "::") {
            continue;
        }
        let mut base: Vec<String> = match word.as_str() {
            "crate" => Vec::new(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            _ => module.to_vec(),
        };
        i += 2;
        // Further `super::`.
        loop {
            let save = i;
            let w = word_at(&b, &mut i);
            if w == "super" && at(&b, i, "::") {
                base.pop();
                i += 2;
            } else {
                i = save;
                break;
            }
        }
        let mut trees = Vec::new();
        tree(&b, &mut i, base, &mut trees);
        let written: String = b[start..i.min(b.len())].iter().collect();
        let written = written.split_whitespace().collect::<Vec<_>>().join(" ");
        for t in trees {
            out.push((t, written.clone()));
        }
    }
    out
}

fn at(b: &[char], i: usize, s: &str) -> bool {
    s.chars().enumerate().all(|(k, c)| b.get(i + k) == Some(&c))
}

fn skip_space(b: &[char], i: &mut usize) {
    while *i < b.len() && b[*i].is_whitespace() {
        *i += 1;
    }
}

fn word_at(b: &[char], i: &mut usize) -> String {
    skip_space(b, i);
    let start = *i;
    while *i < b.len() && (b[*i].is_alphanumeric() || b[*i] == '_') {
        *i += 1;
    }
    b[start..*i].iter().collect()
}

/// Reads a use tree after `prefix::` (`a::b`, `{a, b::{c, d}}`, `*`), adding each full path.
fn tree(b: &[char], i: &mut usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        skip_space(b, i);
        if *i < b.len() && b[*i] == '{' {
            *i += 1;
            loop {
                skip_space(b, i);
                if *i >= b.len() {
                    return;
                }
                if b[*i] == '}' {
                    *i += 1;
                    return;
                }
                if b[*i] == ',' {
                    *i += 1;
                    continue;
                }
                let before = *i;
                tree(b, i, prefix.clone(), out);
                // Skip `as name`.
                let save = *i;
                if word_at(b, i) != "as" {
                    *i = save;
                } else {
                    word_at(b, i);
                }
                if *i == before {
                    *i += 1;
                }
            }
        }
        let w = word_at(b, i);
        if w.is_empty() || w == "self" {
            out.push(prefix);
            return;
        }
        prefix.push(w);
        if at(b, *i, "::") && !at(b, *i + 2, "<") {
            *i += 2;
            continue;
        }
        out.push(prefix);
        return;
    }
}
