//! End-to-end tests: templates from the reference transcripts over Docker-shaped JSON.

use super::*;
use serde_json::json;

fn inspect() -> Value {
    json!({
        "Id": "239fd57da34b345b7e24991a612076e194c323ac657f7afde9568caccc5a28dc",
        "RestartCount": 0,
        "Args": ["100000"],
        "State": {"Status": "running", "Running": true, "Paused": false, "Pid": 11611,
                  "ExitCode": 0, "Error": "", "OOMKilled": false, "Health": null,
                  "StartedAt": "2026-11-23T08:29:43.541929945Z"},
        "Config": {"Cmd": ["sleep", "100000"], "Labels": {"b": "2", "a": "1"}},
        "RootFS": {"Layers": ["sha256:5d49", "sha256:6ecf"]},
        "Parent": ""
    })
}

fn run(src: &str) -> String {
    match parse(src) {
        Ok(t) => t.execute(&inspect()).unwrap_or_else(|e| e.to_string()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn reference_inspect_formats() {
    assert_eq!(run("{{.State.Status}}"), "running");
    assert_eq!(
        run(
            "Running={{.State.Running}} Paused={{.State.Paused}} Pid={{.State.Pid}} StartedAt={{.State.StartedAt}}"
        ),
        "Running=true Paused=false Pid=11611 StartedAt=2026-11-23T08:29:43.541929945Z"
    );
    assert_eq!(
        run("ExitCode={{.State.ExitCode}} Error={{.State.Error}}"),
        "ExitCode=0 Error="
    );
    assert_eq!(
        run("{{.State.Status}} RestartCount={{.RestartCount}}"),
        "running RestartCount=0"
    );
    assert_eq!(
        run(
            "Layers={{len .RootFS.Layers}} {{json .RootFS.Layers}} Cmd={{json .Config.Cmd}} Parent={{.Parent}}"
        ),
        r#"Layers=2 ["sha256:5d49","sha256:6ecf"] Cmd=["sleep","100000"] Parent="#
    );
}

#[test]
fn missing_keys_null_and_containers_print_like_go() {
    assert_eq!(
        run("{{.Nope}}|{{.Nope.Deeper}}|{{.State.Health}}"),
        "<no value>|<no value>|<no value>"
    );
    assert_eq!(run("{{json .Nope}}"), "null");
    assert_eq!(run("{{.Config.Cmd}}"), "[sleep 100000]");
    assert_eq!(run("{{.Config.Labels}}"), "map[a:1 b:2]");
    assert_eq!(
        run("{{.Config}}"),
        "map[Cmd:[sleep 100000] Labels:map[a:1 b:2]]"
    );
}

#[test]
fn pipelines_functions_and_variables() {
    assert_eq!(run("{{join .Config.Cmd \" \"}}"), "sleep 100000");
    assert_eq!(run("{{.State.Status | upper}}"), "RUNNING");
    assert_eq!(
        run("{{.Id | truncate 12}}"),
        r#"template: :1:8: executing "" at <truncate 12>: wrong type for value; expected string; got int"#
    );
    assert_eq!(run("{{truncate .Id 12}}"), "239fd57da34b");
    assert_eq!(
        run("{{printf \"%-10s|%5d\" .State.Status .State.Pid}}"),
        "running   |11611"
    );
    assert_eq!(
        run("{{$s := .State}}{{$s.Pid}} {{$.RestartCount}}"),
        "11611 0"
    );
    assert_eq!(run("{{$x := 1}}{{$x = 2}}{{$x}}"), "2");
    assert_eq!(
        run("{{index .Config.Labels \"b\"}} {{index .Config.Cmd 0}}"),
        "2 sleep"
    );
    assert_eq!(run("{{(index .Config.Cmd 1) | len}}"), "6");
    assert_eq!(run("{{print 1 2 \"x\"}}{{println \"!\"}}"), "1 2x!\n");
    assert_eq!(run("{{split \"a,b\" \",\"}}"), "[a b]");
    assert_eq!(run("{{`raw \\t`}}"), "raw \\t");
}

#[test]
fn control_structures() {
    assert_eq!(run("{{if .State.Running}}up{{else}}down{{end}}"), "up");
    assert_eq!(
        run("{{if .State.Paused}}p{{else if eq .State.Status \"running\"}}r{{else}}x{{end}}"),
        "r"
    );
    assert_eq!(
        run("{{if and .State.Running (not .State.Paused)}}ok{{end}}"),
        "ok"
    );
    assert_eq!(run("{{or .State.Error \"none\"}}"), "none");
    assert_eq!(
        run("{{range .Config.Cmd}}[{{.}}]{{end}}"),
        "[sleep][100000]"
    );
    assert_eq!(
        run("{{range $i, $e := .Config.Cmd}}{{$i}}={{$e}} {{end}}"),
        "0=sleep 1=100000 "
    );
    assert_eq!(
        run("{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}};{{end}}"),
        "a:1;b:2;"
    );
    assert_eq!(run("{{range .Nope}}x{{else}}empty{{end}}"), "empty");
    assert_eq!(
        run("{{range .Config.Cmd}}{{if eq . \"sleep\"}}{{continue}}{{end}}{{.}}{{end}}"),
        "100000"
    );
    assert_eq!(run("{{range .Config.Cmd}}{{.}}{{break}}{{end}}"), "sleep");
    assert_eq!(
        run("{{with .State}}{{.Pid}}{{end}}{{with .Nope}}x{{else}}y{{end}}"),
        "11611y"
    );
    assert_eq!(run("a  {{- /* c */ -}}  b"), "ab");
    assert_eq!(
        run("{{range .Config.Cmd -}}\n  {{.}}\n{{- end}}"),
        "sleep100000"
    );
}

#[test]
fn parse_errors_are_worded_like_go() {
    assert_eq!(
        run("{{foo .X}}"),
        r#"template: :1: function "foo" not defined"#
    );
    assert_eq!(run("{{.Foo}"), r#"template: :1: unexpected "}" in operand"#);
    assert_eq!(run("{{.Foo"), "template: :1: unclosed action");
    assert_eq!(run("a\n{{if .X}}"), "template: :2: unexpected EOF");
    assert_eq!(run("{{end}}"), "template: :1: unexpected {{end}}");
    assert_eq!(run("{{else}}"), "template: :1: unexpected {{else}}");
    assert_eq!(run("{{}}"), "template: :1: missing value for command");
    assert_eq!(run("{{if}}{{end}}"), "template: :1: missing value for if");
    assert_eq!(run("{{$x}}"), r#"template: :1: undefined variable "$x""#);
    assert_eq!(
        run("{{.A | \"x\"}}"),
        "template: :1: non executable command in pipeline stage 2"
    );
    assert_eq!(run("{{.A)}}"), "template: :1: unexpected right paren");
    assert_eq!(
        run("{{break}}"),
        "template: :1: {{break}} outside {{range}}"
    );
}

#[test]
fn exec_errors_are_worded_like_go() {
    assert_eq!(
        run("{{.State.Pid.X}}"),
        r#"template: :1:2: executing "" at <.State.Pid.X>: can't evaluate field X in type interface {}"#
    );
    assert_eq!(
        run("x {{.State.Health.Status}}"),
        r#"template: :1:4: executing "" at <.State.Health.Status>: nil pointer evaluating interface {}.Status"#
    );
    assert_eq!(
        run("{{index .Config.Cmd 5}}"),
        r#"template: :1:2: executing "" at <index .Config.Cmd 5>: error calling index: index out of range: 5"#
    );
    assert_eq!(
        run("{{len .State.Pid}}"),
        r#"template: :1:2: executing "" at <len .State.Pid>: error calling len: len of type int"#
    );
    assert_eq!(
        run("{{range .State.Pid}}{{end}}"),
        r#"template: :1:8: executing "" at <.State.Pid>: range can't iterate over 11611"#
    );
    assert_eq!(
        run("{{upper .State.Pid}}"),
        r#"template: :1:2: executing "" at <upper .State.Pid>: wrong type for value; expected string; got int"#
    );
    assert_eq!(
        run("{{len (printf \"%s %s %s\" .Id .Id .Id) 1}}"),
        r#"template: :1:2: executing "" at <len (printf "%s %s %...>: wrong number of args for len: want 1 got 2"#
    );
}

#[test]
fn never_panics_on_hostile_templates_or_data() {
    let hostile = [
        "{{",
        "}}",
        "{{{{",
        "{{-",
        "{{- -}}",
        "{{ -}}",
        "{{/*",
        "{{/**/",
        "{{\"\\",
        "{{'",
        "{{'ab'}}",
        "{{`",
        "{{(",
        "{{)",
        "{{((((",
        "{{$",
        "{{$ := 1}}",
        "{{range $a, }}",
        "{{if 1}}{{else}}{{else}}{{end}}",
        "{{.A.}}",
        "{{..}}",
        "{{1.2.3}}",
        "{{0x}}",
        "{{\u{1F600}}}",
        "{{.\u{e9}}}",
        "é{{-  é",
        "{{printf}}",
        "{{printf 1}}",
        "{{index}}",
        "{{index . 1 2 3}}",
        "{{and}}",
        "{{or}}",
        "{{eq 1}}",
        "{{nil}}",
        "{{1 2}}",
        "{{.State 1}}",
        "{{$.X.Y.Z}}",
        "{{with $x := 1}}{{$x}}{{end}}{{$x}}",
        "{{len}}",
        "{{pad \"a\" -5 99999999999}}",
        "{{printf \"%*d\" 1 2}}",
        "{{truncate \"é\" 1}}",
        "{{range 3}}{{end}}",
        "{{else if}}",
        "{{if 1}}{{else if}}{{end}}",
        "{{continue}}",
    ];
    for src in hostile {
        let _ = run(src);
    }
    let deep = "{{".to_string() + &"(".repeat(5000) + "1" + &")".repeat(5000) + "}}";
    assert_eq!(run(&deep), "template: :1: max expression depth exceeded");
    let deep_if = "{{if 1}}".repeat(5000);
    assert_eq!(run(&deep_if), "template: :1: max expression depth exceeded");
    let big: Vec<Value> = (0..100_000).map(|i| json!({"N": i})).collect();
    let t = parse("{{range .}}{{.N}},{{end}}").unwrap();
    assert_eq!(t.execute(&Value::Array(big)).unwrap().len(), 588_890);
    let t = parse("{{range .}}{{range $}}{{range $}}{{.}}{{end}}{{end}}{{end}}").unwrap();
    let wide = Value::Array(vec![
        json!(
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        );
        1000
    ]);
    assert!(t.execute(&wide).is_err());
}

#[test]
fn format_specs_and_headers() {
    let spec = parse_format(r"table {{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}");
    assert_eq!(
        spec,
        FormatSpec::Table("{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}".into())
    );
    assert_eq!(parse_format("table"), FormatSpec::Table(String::new()));
    assert_eq!(
        parse_format(r"{{.Names}}\n"),
        FormatSpec::Plain("{{.Names}}\n".into())
    );
    let headers = |f: &str| match f {
        "ID" => Some("IMAGE ID"),
        "Repository" => Some("REPOSITORY"),
        "Tag" => Some("TAG"),
        "Size" => Some("SIZE"),
        "Name" => Some("NAME"),
        "MemUsage" => Some("MEM USAGE / LIMIT"),
        "MemPerc" => Some("MEM %"),
        "PIDs" => Some("PIDS"),
        _ => None,
    };
    assert_eq!(
        header_row("{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}", &headers),
        "REPOSITORY:TAG\tIMAGE ID\tSIZE"
    );
    assert_eq!(
        header_row(
            "{{.Name}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.PIDs}}",
            &headers
        ),
        "NAME\tMEM USAGE / LIMIT\tMEM %\tPIDS"
    );
    assert_eq!(
        header_row("{{upper .Tag}} {{json .Size}} {{.Other}}", &headers),
        "TAG SIZE OTHER"
    );
    let rows = [
        json!({"Name": "mem", "MemUsage": "100.9MiB / 23.54GiB", "MemPerc": "0.42%", "PIDs": "2"}),
    ];
    let FormatSpec::Table(body) =
        parse_format(r"table {{.Name}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.PIDs}}")
    else {
        panic!("not a table")
    };
    let t = parse(&body).unwrap();
    let mut text = header_row(&body, &headers) + "\n";
    for row in &rows {
        text += &(t.execute(row).unwrap() + "\n");
    }
    assert_eq!(
        tabwrite(&text, 10, 3),
        "NAME      MEM USAGE / LIMIT     MEM %     PIDS\nmem       100.9MiB / 23.54GiB   0.42%     2\n"
    );
}

#[test]
fn ps_row_format_from_reference() {
    let row = json!({"Names": "il_img_stopped", "Image": "a10e70290059", "Status": "Created"});
    let t = parse("{{.Names}} image={{.Image}} status={{.Status}}").unwrap();
    assert_eq!(
        t.execute(&row).unwrap(),
        "il_img_stopped image=a10e70290059 status=Created"
    );
}
