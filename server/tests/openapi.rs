//! The public API's contract (`/api/openapi.json`, issue 21) on SQLite and PostgreSQL: it is OpenAPI
//! 3.1, every public route of the router is in it (read from `server/src/routes.rs`, so a route added
//! without its documentation fails here) and nothing else is, and every example in it has the shape of
//! what its route really answers over seeded data: the same fields at every level, of the same types.

mod support;

use domain::lifecycle::{Action, Actor};
use domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use support::{add_user, backends, post_with, signed_in, TestApp};

/// The public routes of the router: `/api/v1/…` and `/open311/…`.
fn public_routes() -> Vec<String> {
    let source = include_str!("../src/routes.rs");
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix(".route(\""))
        .filter_map(|rest| rest.split('"').next())
        .filter(|p| p.starts_with("/api/v1/") || p.starts_with("/open311/"))
        .map(str::to_string)
        .collect()
}

/// Whether a documented path (parameters filled in) is served by a route pattern (`{x}`: one segment).
fn served_by(route: &str, documented: &str) -> bool {
    let concrete: String = {
        let mut out = String::new();
        let mut depth = 0;
        for c in documented.chars() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    out.push('x');
                }
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    };
    let (r, d): (Vec<&str>, Vec<&str>) = (route.split('/').collect(), concrete.split('/').collect());
    r.len() == d.len() && r.iter().zip(&d).all(|(a, b)| (a.starts_with('{') && a.ends_with('}')) || a == b)
}

/// The same fields at every level with the same JSON types; null matches anything (optional fields);
/// lists compare their first entries and must not be empty in the example.
fn same_shape(at: &str, example: &Value, real: &Value) -> Result<(), String> {
    match (example, real) {
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (Value::Object(a), Value::Object(b)) => {
            let (ka, kb): (Vec<_>, Vec<_>) = (a.keys().collect(), b.keys().collect());
            let mut sa = ka.clone();
            sa.sort();
            let mut sb = kb.clone();
            sb.sort();
            if sa != sb {
                return Err(format!("{at}: the example has fields {sa:?}, the answer {sb:?}"));
            }
            a.iter().try_for_each(|(k, v)| same_shape(&format!("{at}.{k}"), v, &b[k]))
        }
        (Value::Array(a), Value::Array(b)) => match (a.first(), b.first()) {
            (Some(x), Some(y)) => same_shape(&format!("{at}[0]"), x, y),
            (None, _) => Err(format!("{at}: the example's list is empty, so it shows nothing")),
            (Some(_), None) => Err(format!("{at}: the answer's list is empty: seed the test better")),
        },
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_)) => Ok(()),
        (a, b) => Err(format!("{at}: the example has {a}, the answer {b}")),
    }
}

#[tokio::test]
async fn the_contract_names_every_public_route_and_its_examples_are_real_answers() {
    let routes = public_routes();
    assert!(routes.len() >= 7, "the router's public routes are found: {routes:?}");
    for b in backends() {
        let app = TestApp::start(b).await;
        // What every example needs to have something to show: a wish on the wall, a project under
        // notice, a request posted with a key (its number and receipt).
        let s = store::now();
        let (wish_id, ..) = support::submit_wish_with(&app, "humen", "13800000001", "", "zh-Hans").await;
        app.db.act(wish_id, None, Actor::Staff, "s", &Action::Accept { plan: "核实".into() }, s).await.unwrap();
        app.db
            .act(wish_id, None, Actor::Staff, "s", &Action::Publish { text: "老人需要一台轮椅".into() }, s)
            .await
            .unwrap();
        let project = support::propose_project(&app, "p1", "修复村口路灯", "13800000003", "").await;
        app.db.act(project.id, None, Actor::Staff, "s", &Action::Accept { plan: "符合".into() }, s).await.unwrap();
        app.db.act(project.id, None, Actor::Staff, "s", &Action::StartNotice { days: 7 }, s).await.unwrap();
        add_user(&app, "admin@dg.gov.cn", Role::Admin, None).await;
        let admin = signed_in(&app, "admin@dg.gov.cn").await;
        let (_, _, html) = post_with(&admin, &app.base, "/staff/admin/key_issue", &[("name", "test")]).await;
        let key = html.split("class=\"open311-key\">").nth(1).unwrap().split('<').next().unwrap().to_string();
        let community = support::first_community(&app, "humen").await;
        let post_form: Vec<(&str, &str)> = vec![
            ("api_key", key.as_str()),
            ("service_code", "wish.elderly_alone"),
            ("address_id", community.as_str()),
            ("last_name", "李"),
            ("first_name", "秀英"),
            ("phone", "13911112222"),
            ("description", "独居老人需要一台助听器"),
            ("attribute[submitted_by]", "self"),
            ("attribute[amount]", "600"),
            ("attribute[consent]", "yes"),
        ];

        let (status, body) = app.get("/api/openapi.json").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let doc: Value = serde_json::from_str(&body).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{b}: OpenAPI 3.1");
        let paths = doc["paths"].as_object().unwrap();
        for route in &routes {
            assert!(paths.keys().any(|p| served_by(route, p)), "{b}: the route {route} is not in the contract");
        }
        for p in paths.keys() {
            assert!(routes.iter().any(|r| served_by(r, p)), "{b}: {p} is documented but not served");
        }

        let mut receipt = String::new();
        let mut number = String::new();
        let mut checked = 0;
        // POST first: its answer gives the request and the receipt the GETs below ask for.
        let mut ops: Vec<(String, String, Value)> = Vec::new();
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                ops.push((path.clone(), method.clone(), op.clone()));
            }
        }
        ops.sort_by_key(|(_, m, _)| if m == "post" { 0 } else { 1 });
        for (path, method, op) in ops {
            for (status, response) in op["responses"].as_object().unwrap() {
                let Some(example) = response.pointer("/content/application~1json/example") else { continue };
                // The request: path parameters from their examples (a real number and receipt where
                // the example's cannot exist here), query parameters with examples.
                let mut url = path.clone();
                let mut query: Vec<String> = Vec::new();
                for p in op["parameters"].as_array().cloned().unwrap_or_default() {
                    let name = p["name"].as_str().unwrap();
                    let value = match name {
                        "service_request_id" if p["in"] == "path" => number.clone(),
                        "token" => receipt.clone(),
                        _ => match p["example"].as_str() {
                            Some(v) => v.to_string(),
                            None => continue,
                        },
                    };
                    if p["in"] == "path" {
                        url = url.replace(&format!("{{{name}}}"), &value);
                    } else {
                        query.push(format!("{name}={value}"));
                    }
                }
                // What makes each documented refusal happen.
                let mut form = post_form.clone();
                match (path.as_str(), method.as_str(), status.as_str()) {
                    ("/api/v1/kpi", "get", "400") => query.push("colour=red".into()),
                    (_, "post", "403") => form[0].1 = "not-a-key",
                    (_, _, "200") => {}
                    other => panic!("{b}: no way to produce the example of {other:?} here"),
                }
                if !query.is_empty() {
                    url = format!("{url}?{}", query.join("&"));
                }
                let r = if method == "post" {
                    app.http.post(format!("{}{url}", app.base)).form(&form).send().await.unwrap()
                } else {
                    app.http.get(format!("{}{url}", app.base)).send().await.unwrap()
                };
                assert_eq!(r.status().as_str(), status, "{b}: {method} {url}");
                let real: Value = r.json().await.unwrap();
                if let Err(e) = same_shape("", example, &real) {
                    panic!(
                        "{b}: the example of {method} {path} {status} is not what it answers: {e}\nanswer: {}",
                        serde_json::to_string_pretty(&real).unwrap()
                    );
                }
                if method == "post" && status == "200" {
                    number = real[0]["service_request_id"].as_str().unwrap().to_string();
                    receipt = real[0]["token"].as_str().unwrap().to_string();
                }
                checked += 1;
            }
        }
        assert!(checked >= 12, "{b}: {checked} examples checked");

        // The readable page lists every operation.
        let (status, html) = app.get("/api/docs").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        for p in paths.keys() {
            assert!(html.contains(&p.replace('&', "&amp;")), "{b}: {p} on /api/docs");
        }
    }
}

#[test]
fn a_documented_path_is_served_by_the_route_that_takes_it() {
    assert!(served_by("/open311/v2/{file}", "/open311/v2/services.{format}"));
    assert!(served_by("/open311/v2/services/{file}", "/open311/v2/services/{service_code}.{format}"));
    assert!(!served_by("/open311/v2/{file}", "/open311/v2/services/{service_code}.{format}"));
    assert!(served_by("/api/v1/kpi", "/api/v1/kpi"));
    assert!(!served_by("/api/v1/kpi", "/api/v1/wishes"));
    let ok = serde_json::json!({"a": [{"b": 1, "c": null}]});
    assert!(same_shape("", &ok, &serde_json::json!({"a": [{"b": 2, "c": "x"}]})).is_ok());
    assert!(same_shape("", &ok, &serde_json::json!({"a": [{"b": "2", "c": 1}]})).is_err(), "a type changed");
    assert!(same_shape("", &ok, &serde_json::json!({"a": [{"b": 2}]})).is_err(), "a field went missing");
    assert!(same_shape("", &serde_json::json!({"a": []}), &serde_json::json!({"a": [1]})).is_err(), "an empty example");
}
