//! Open311 GeoReport v2 on SQLite and PostgreSQL. The conformance checks are written from the
//! specification (wiki.open311.org/GeoReport_v2): each resource's field list with its types, in JSON
//! and in XML (the same values; lists as plural elements with singular children, null as an empty
//! element), and its error rules (404 for what does not exist, 403 for a missing or bad api_key, 400
//! for the rest, the body a list of `code` + `description`). Beside them: keys issued and revoked by
//! admins only, posts through the forms' validation and limits (counted in the database), and no
//! personal data in any answer.

mod support;

use domain::lifecycle::{Action, Actor};
use domain::Role;
use reqwest::StatusCode;
use serde_json::Value;
use support::{add_user, backends, get_with, post_with, signed_in, TestApp};

/// A field's type as the specification gives it.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Str,
    /// A string or null ("may not be returned").
    OptStr,
    Bool,
    /// A positive integer.
    Order,
    Int,
    /// A W3C datetime with its zone.
    Time,
    OptTime,
    OptNum,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A list of objects with these fields (`values`, `endpoints`) or of strings (`formats`).
    List(&'static [(&'static str, Ty)]),
    OptList(&'static [(&'static str, Ty)]),
    Strings,
}

const SERVICE: &[(&str, Ty)] = &[
    ("service_code", Ty::Str),
    ("service_name", Ty::Str),
    ("description", Ty::Str),
    ("metadata", Ty::Bool),
    ("type", Ty::OneOf(&["realtime", "batch", "blackbox"])),
    ("keywords", Ty::Str),
    ("group", Ty::Str),
];
const VALUE: &[(&str, Ty)] = &[("key", Ty::Str), ("name", Ty::Str)];
const ATTRIBUTE: &[(&str, Ty)] = &[
    ("variable", Ty::Bool),
    ("code", Ty::Str),
    ("datatype", Ty::OneOf(&["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"])),
    ("required", Ty::Bool),
    ("datatype_description", Ty::OptStr),
    ("order", Ty::Order),
    ("description", Ty::Str),
    ("values", Ty::OptList(VALUE)),
];
const REQUEST: &[(&str, Ty)] = &[
    ("service_request_id", Ty::Str),
    ("status", Ty::OneOf(&["open", "closed"])),
    ("status_notes", Ty::OptStr),
    ("service_name", Ty::Str),
    ("service_code", Ty::Str),
    ("description", Ty::OptStr),
    ("agency_responsible", Ty::OptStr),
    ("service_notice", Ty::OptStr),
    ("requested_datetime", Ty::Time),
    ("updated_datetime", Ty::Time),
    ("expected_datetime", Ty::OptTime),
    ("address", Ty::OptStr),
    ("address_id", Ty::OptStr),
    ("zipcode", Ty::OptStr),
    ("lat", Ty::OptNum),
    ("long", Ty::OptNum),
    ("media_url", Ty::OptStr),
];
const CREATED: &[(&str, Ty)] =
    &[("service_request_id", Ty::Str), ("token", Ty::Str), ("service_notice", Ty::OptStr), ("account_id", Ty::OptStr)];
const TOKEN: &[(&str, Ty)] = &[("service_request_id", Ty::Str), ("token", Ty::Str)];
const ERROR: &[(&str, Ty)] = &[("code", Ty::Int), ("description", Ty::Str)];
const ENDPOINT: &[(&str, Ty)] = &[
    ("specification", Ty::Str),
    ("url", Ty::Str),
    ("changeset", Ty::Time),
    ("type", Ty::OneOf(&["production", "test"])),
    ("formats", Ty::Strings),
];
const DISCOVERY: &[(&str, Ty)] =
    &[("changeset", Ty::Time), ("contact", Ty::Str), ("key_service", Ty::Str), ("endpoints", Ty::List(ENDPOINT))];

fn is_w3c(s: &str) -> bool {
    // YYYY-MM-DDThh:mm:ss with Z or ±hh:mm, as the specification's examples.
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    s.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && digits(14..16)
        && digits(17..19)
        && (&s[19..] == "Z" || (s.len() == 25 && (b[19] == b'+' || b[19] == b'-') && digits(20..22) && digits(23..25)))
}

/// Checks one JSON object against a field list: every field there, of its type, and nothing else.
fn check_json(what: &str, v: &Value, fields: &[(&str, Ty)]) {
    let obj = v.as_object().unwrap_or_else(|| panic!("{what}: an object, got {v}"));
    for key in obj.keys() {
        assert!(fields.iter().any(|(f, _)| f == key), "{what}: `{key}` is not a field of the specification");
    }
    for (name, ty) in fields {
        let f = obj.get(*name);
        let ok = match (ty, f) {
            (Ty::OptList(_), None) => true,
            (_, None) => false,
            (Ty::Str, Some(x)) => x.as_str().is_some_and(|s| !s.is_empty()),
            (Ty::OptStr, Some(x)) => x.is_null() || x.is_string(),
            (Ty::Bool, Some(x)) => x.is_boolean(),
            (Ty::Order, Some(x)) => x.as_i64().is_some_and(|n| n > 0),
            (Ty::Int, Some(x)) => x.is_i64(),
            (Ty::Time, Some(x)) => x.as_str().is_some_and(is_w3c),
            (Ty::OptTime, Some(x)) => x.is_null() || x.as_str().is_some_and(is_w3c),
            (Ty::OptNum, Some(x)) => x.is_null() || x.is_number(),
            (Ty::OneOf(words), Some(x)) => x.as_str().is_some_and(|s| words.contains(&s)),
            (Ty::List(inner) | Ty::OptList(inner), Some(x)) => match x.as_array() {
                Some(items) => {
                    items.iter().for_each(|i| check_json(&format!("{what}.{name}"), i, inner));
                    true
                }
                None => false,
            },
            (Ty::Strings, Some(x)) => x.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        };
        assert!(ok, "{what}: `{name}` should be {ty:?}, is {f:?}");
    }
}

/// The element's text as the JSON value would write it (null: an empty element).
fn xml_text(n: roxmltree::Node) -> Option<String> {
    let t: String = n.children().filter(|c| c.is_text()).map(|c| c.text().unwrap_or("")).collect();
    (!t.is_empty() || n.has_children()).then_some(t)
}

/// Checks one XML element against the same field list and against the JSON answer's values.
fn check_xml(what: &str, node: roxmltree::Node, fields: &[(&str, Ty)], json: &Value) {
    let children: Vec<_> = node.children().filter(|c| c.is_element()).collect();
    for c in &children {
        assert!(
            fields.iter().any(|(f, _)| *f == c.tag_name().name()),
            "{what}: <{}> is not a field",
            c.tag_name().name()
        );
    }
    for (name, ty) in fields {
        let el = children.iter().find(|c| c.tag_name().name() == *name);
        let j = &json[*name];
        match (ty, el) {
            (Ty::OptList(_), None) => assert!(j.is_null(), "{what}: <{name}> missing while JSON has it"),
            (_, None) => panic!("{what}: <{name}> missing"),
            (Ty::List(inner) | Ty::OptList(inner), Some(e)) => {
                let items: Vec<_> = e.children().filter(|c| c.is_element()).collect();
                let arr = j.as_array().unwrap();
                assert_eq!(items.len(), arr.len(), "{what}: <{name}> entries");
                for (i, (item, jv)) in items.iter().zip(arr).enumerate() {
                    check_xml(&format!("{what}.{name}[{i}]"), *item, inner, jv);
                }
            }
            (Ty::Strings, Some(e)) => {
                let items: Vec<String> =
                    e.children().filter(|c| c.is_element()).map(|c| xml_text(c).unwrap_or_default()).collect();
                let arr: Vec<String> = j.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
                assert_eq!(items, arr, "{what}: <{name}>");
            }
            (_, Some(e)) => {
                let text = xml_text(*e);
                let expected = match j {
                    Value::Null => None,
                    Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                };
                assert_eq!(text, expected, "{what}: <{name}> carries the JSON's value");
                if let (Ty::Bool, Some(t)) = (ty, &text) {
                    assert!(t == "true" || t == "false", "{what}: <{name}> is a boolean");
                }
            }
        }
    }
}

/// GET both formats of a resource and check each against the field list of its entries. `list`:
/// the answer is a list (`root` plural element with `item` children); otherwise one object.
async fn conforms(app: &TestApp, path: &str, root: &str, item: Option<&str>, fields: &[(&str, Ty)]) -> Value {
    let r = app.http.get(format!("{}{path}.json", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}.json");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}.json");
    let json: Value = r.json().await.unwrap();
    let r = app.http.get(format!("{}{path}.xml", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}.xml");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/xml"), "{path}.xml");
    let xml = r.text().await.unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{path}.xml declares UTF-8");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path}.xml parses: {e}"));
    let top = doc.root_element();
    assert_eq!(top.tag_name().name(), root, "{path}.xml root");
    match item {
        Some(item) => {
            let arr = json.as_array().unwrap_or_else(|| panic!("{path}.json is a list"));
            let els: Vec<_> = top.children().filter(|c| c.is_element()).collect();
            assert_eq!(els.len(), arr.len(), "{path}: the same entries in both formats");
            for (i, (el, j)) in els.iter().zip(arr).enumerate() {
                assert_eq!(el.tag_name().name(), item, "{path}.xml entry");
                check_json(&format!("{path}.json[{i}]"), j, fields);
                check_xml(&format!("{path}.xml[{i}]"), *el, fields, j);
            }
        }
        None => {
            check_json(&format!("{path}.json"), &json, fields);
            check_xml(&format!("{path}.xml"), top, fields, &json);
        }
    }
    json
}

/// A refusal in both formats: this status, and a body listing errors with `code` and `description`.
async fn refused_get(app: &TestApp, path: &str, query: &str, status: StatusCode) -> String {
    let mut description = String::new();
    for ext in ["json", "xml"] {
        let r = app.http.get(format!("{}{path}.{ext}{query}", app.base)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}.{ext}");
        description = check_errors(&format!("{path}.{ext}"), ext, &r.text().await.unwrap());
    }
    description
}

/// Checks an error body; answers its first description.
fn check_errors(what: &str, ext: &str, body: &str) -> String {
    if ext == "json" {
        let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: JSON errors ({e}): {body}"));
        let arr = v.as_array().unwrap_or_else(|| panic!("{what}: a list of errors: {body}"));
        assert!(!arr.is_empty(), "{what}");
        arr.iter().for_each(|e| check_json(what, e, ERROR));
        arr[0]["description"].as_str().unwrap().to_string()
    } else {
        let doc = roxmltree::Document::parse(body).unwrap_or_else(|e| panic!("{what}: XML errors ({e}): {body}"));
        assert_eq!(doc.root_element().tag_name().name(), "errors", "{what}");
        let first = doc.root_element().children().find(|c| c.is_element()).expect("an <error>");
        assert_eq!(first.tag_name().name(), "error");
        let code = first.children().find(|c| c.tag_name().name() == "code").and_then(|c| c.text()).unwrap();
        assert!(code.parse::<u16>().is_ok(), "{what}: <code> is a number");
        first.children().find(|c| c.tag_name().name() == "description").and_then(|c| c.text()).unwrap().to_string()
    }
}

/// An admin issues a key through the admin page; answers it (shown once on the page).
async fn issue_key(app: &TestApp, admin: &reqwest::Client, label: &str) -> String {
    let (status, _, html) = post_with(admin, &app.base, "/staff/admin/key_issue", &[("name", label)]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let start = html.find("class=\"open311-key\">").expect("the new key on the page") + "class=\"open311-key\">".len();
    html[start..].split('<').next().unwrap().to_string()
}

async fn post_request(app: &TestApp, ext: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let r = app.http.post(format!("{}/open311/v2/requests.{ext}", app.base)).form(form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The portal's demo of each kind: a wish published on the wall, one not yet reviewed, a project
/// under public notice (its description carries a phone number). Answers their numbers.
async fn three_items(app: &TestApp) -> (String, String, String) {
    let published = support::submit_wish_with(app, "humen", "13800000001", "", "zh-Hans").await;
    let s = store::now();
    app.db.act(published.0, None, Actor::Staff, "s", &Action::Accept { plan: "核实".into() }, s).await.unwrap();
    app.db
        .act(published.0, None, Actor::Staff, "s", &Action::Publish { text: "老人需要一台轮椅".into() }, s)
        .await
        .unwrap();
    let unreviewed = support::submit_wish_with(app, "humen", "13800000002", "wang@example.cn", "zh-Hans").await;
    let project = support::propose_project(app, "p1", "修复村口路灯", "13800000003", "").await;
    app.db.act(project.id, None, Actor::Staff, "s", &Action::Accept { plan: "符合条件".into() }, s).await.unwrap();
    app.db.act(project.id, None, Actor::Staff, "s", &Action::StartNotice { days: 7 }, s).await.unwrap();
    (published.1, unreviewed.1, project.number)
}

#[tokio::test]
async fn every_resource_answers_as_the_specification_says_in_both_formats() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "admin@dg.gov.cn", Role::Admin, None).await;
        let admin = signed_in(&app, "admin@dg.gov.cn").await;
        let key = issue_key(&app, &admin, "12345 热线").await;
        let (published, unreviewed, project) = three_items(&app).await;

        // Discovery names this endpoint and both formats.
        let d = conforms(&app, "/open311/v2/discovery", "discovery", None, DISCOVERY).await;
        assert_eq!(d["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2", "{b}");
        assert!(d["endpoints"][0]["url"].as_str().unwrap().ends_with("/open311/v2"), "{b}");
        assert_eq!(d["endpoints"][0]["formats"], serde_json::json!(["text/xml", "application/json"]), "{b}");

        // Every kind and category is a service, each with its definition.
        let services = conforms(&app, "/open311/v2/services", "services", Some("service"), SERVICE).await;
        assert_eq!(services.as_array().unwrap().len(), 13, "{b}: five wish groups and eight project categories");
        for s in services.as_array().unwrap() {
            let code = s["service_code"].as_str().unwrap();
            let def = conforms(
                &app,
                &format!("/open311/v2/services/{code}"),
                "service_definition",
                None,
                &[("service_code", Ty::Str), ("attributes", Ty::List(ATTRIBUTE))],
            )
            .await;
            assert_eq!(def["service_code"], code, "{b}");
            let attrs = def["attributes"].as_array().unwrap();
            let orders: Vec<i64> = attrs.iter().map(|a| a["order"].as_i64().unwrap()).collect();
            assert_eq!(orders, (1..=attrs.len() as i64).collect::<Vec<_>>(), "{b} {code}: orders 1, 2, …, unique");
            for a in attrs {
                let list = a["datatype"].as_str().unwrap().ends_with("valuelist");
                assert_eq!(list, a.get("values").is_some_and(|v| !v.as_array().unwrap().is_empty()), "{b} {code}: {a}");
            }
        }
        let wish_def: Value = app
            .http
            .get(format!("{}/open311/v2/services/wish.elderly_alone.json", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let town = wish_def["attributes"].as_array().unwrap().iter().find(|a| a["code"] == "town").unwrap().clone();
        let towns = town["values"].as_array().unwrap();
        assert!(towns.iter().any(|v| v["key"] == "humen" && v["name"] == "虎门镇"), "{b}: towns by slug and name");
        assert!(towns.iter().any(|v| v["key"] == "unknown"), "{b}: 'don't know' is a choice");

        // A wish posted with the key, by its village (address_id), in JSON; a project by the place in
        // words, in XML. Both answer the created request in the specification's shape.
        let community = support::first_community(&app, "humen").await;
        let (status, body) = post_request(
            &app,
            "json",
            &[
                ("api_key", key.as_str()),
                ("jurisdiction_id", "dg.gov.cn"),
                ("service_code", "wish.elderly_alone"),
                ("address_id", community.as_str()),
                ("first_name", "秀英"),
                ("last_name", "李"),
                ("phone", "13911112222"),
                ("email", "li.xiuying@example.cn"),
                ("description", "独居老人需要一台助听器"),
                ("attribute[submitted_by]", "self"),
                ("attribute[amount]", "600"),
                ("attribute[consent]", "yes"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        let created: Value = serde_json::from_str(&body).unwrap();
        check_json("POST requests.json", &created[0], CREATED);
        let wish_number = created[0]["service_request_id"].as_str().unwrap().to_string();
        let receipt = created[0]["token"].as_str().unwrap().to_string();
        let item = app.db.item_by_number(&wish_number).await.unwrap().unwrap();
        assert_eq!(item.contact_name, "李秀英", "{b}: family name first");
        assert_eq!(item.facts.town_slug.as_deref(), Some("humen"), "{b}: the village's town");
        assert_eq!(item.community_id.map(|c| c.to_string()), Some(community.clone()), "{b}");
        assert_eq!(item.status, domain::Status::Routed, "{b}: routed to its town like a form's wish");
        assert!(item.token != receipt, "{b}: the receipt is not the resident's private tracking token");

        let (status, xml) = post_request(
            &app,
            "xml",
            &[
                ("api_key", key.as_str()),
                ("service_code", "project.roads_lighting"),
                ("address_string", "虎门镇白沙社区村口大榕树旁"),
                ("first_name", "建国"),
                ("last_name", "欧阳"),
                ("phone", "13922223333"),
                ("description", "村口主路三盏路灯损坏，夜间出行不安全"),
                ("attribute[title]", "修复村口路灯"),
                ("attribute[location]", "村口大榕树旁"),
                ("attribute[budget]", "30000"),
                ("attribute[town]", "humen"),
                ("attribute[consent]", "yes"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}: {xml}");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "service_requests", "{b}");
        let req = doc.root_element().children().find(|c| c.is_element()).unwrap();
        assert_eq!(req.tag_name().name(), "request");
        let field =
            |n: &str| req.children().find(|c| c.tag_name().name() == n).and_then(|c| c.text()).map(str::to_string);
        let project_number = field("service_request_id").expect("an id");
        assert!(field("token").is_some(), "{b}");
        let p = app.db.item_by_number(&project_number).await.unwrap().unwrap();
        assert_eq!(p.place_text.as_deref(), Some("虎门镇白沙社区村口大榕树旁"), "{b}: the place in words");
        assert_eq!(p.facts.town_slug.as_deref(), Some("humen"), "{b}");

        // The list, one request, a receipt.
        let list = conforms(&app, "/open311/v2/requests", "service_requests", Some("request"), REQUEST).await;
        let numbers: Vec<&str> =
            list.as_array().unwrap().iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
        for n in [&published, &unreviewed, &project, &wish_number, &project_number] {
            assert!(numbers.contains(&n.as_str()), "{b}: {n} listed");
        }
        let one =
            conforms(&app, &format!("/open311/v2/requests/{published}"), "service_requests", Some("request"), REQUEST)
                .await;
        assert_eq!(one[0]["service_code"], "wish.elderly_alone", "{b}");
        assert_eq!(one[0]["status"], "open", "{b}");
        assert_eq!(one[0]["description"], "老人需要一台轮椅", "{b}: the wall's text");
        assert_eq!(one[0]["agency_responsible"], "虎门镇", "{b}");
        assert!(one[0]["expected_datetime"].as_str().unwrap().ends_with("+08:00"), "{b}");
        let tok =
            conforms(&app, &format!("/open311/v2/tokens/{receipt}"), "service_requests", Some("request"), TOKEN).await;
        assert_eq!(tok[0]["service_request_id"], wish_number.as_str(), "{b}");

        // Filters: by id (overriding the rest), by service, by status, by dates.
        let (_, j) =
            app.get(&format!("/open311/v2/requests.json?service_request_id={published},{project}&status=closed")).await;
        let got: Vec<Value> = serde_json::from_str(&j).unwrap();
        assert_eq!(got.len(), 2, "{b}: ids override the status filter");
        let (_, j) = app.get("/open311/v2/requests.json?service_code=project.roads_lighting").await;
        let got: Vec<Value> = serde_json::from_str(&j).unwrap();
        assert_eq!(got.len(), 2, "{b}: {j}");
        assert!(got.iter().all(|r| r["service_code"] == "project.roads_lighting"), "{b}");
        let (_, j) = app.get("/open311/v2/requests.json?status=closed").await;
        assert_eq!(serde_json::from_str::<Vec<Value>>(&j).unwrap().len(), 0, "{b}: nothing closed yet");
        let (_, j) =
            app.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z").await;
        assert_eq!(serde_json::from_str::<Vec<Value>>(&j).unwrap().len(), 0, "{b}: nothing in 2020");

        // The specification's errors, in both formats.
        refused_get(&app, "/open311/v2/services/wish.nonsense", "", StatusCode::NOT_FOUND).await;
        refused_get(&app, "/open311/v2/requests/W-1999-000001", "", StatusCode::NOT_FOUND).await;
        refused_get(&app, "/open311/v2/tokens/nosuchtoken", "", StatusCode::NOT_FOUND).await;
        refused_get(&app, "/open311/v2/nothing", "", StatusCode::NOT_FOUND).await;
        let d = refused_get(&app, "/open311/v2/requests", "?status=pending&x=", StatusCode::BAD_REQUEST).await;
        assert!(d.contains("pending"), "{b}: {d}");
        for q in [
            "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
            "start_date=yesterday",
            "service_code=wish.roads_lighting",
        ] {
            for ext in ["json", "xml"] {
                let r = app.http.get(format!("{}/open311/v2/requests.{ext}?{q}", app.base)).send().await.unwrap();
                assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{b}: {q}");
                check_errors(q, ext, &r.text().await.unwrap());
            }
        }
        for ext in ["json", "xml"] {
            let (status, body) = post_request(&app, ext, &[("api_key", "wrong"), ("service_code", "wish.other")]).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{b}: a bad key");
            assert!(check_errors("bad key", ext, &body).contains("api_key"), "{b}");
            let (status, body) = post_request(&app, ext, &[("service_code", "wish.other")]).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{b}: no key");
            check_errors("no key", ext, &body);
            let (status, body) = post_request(&app, ext, &[("api_key", key.as_str())]).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: no service_code");
            check_errors("no service_code", ext, &body);
            let (status, body) =
                post_request(&app, ext, &[("api_key", key.as_str()), ("service_code", "wish.nope")]).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{b}: unknown service_code");
            check_errors("unknown service_code", ext, &body);
        }
    }
}

#[tokio::test]
async fn posted_requests_meet_the_forms_rules_keys_and_limits() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "admin@dg.gov.cn", Role::Admin, None).await;
        add_user(&app, "hm@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        let admin = signed_in(&app, "admin@dg.gov.cn").await;
        let key = issue_key(&app, &admin, "虎门镇平台").await;
        let community = support::first_community(&app, "humen").await;
        let c: &str = &community;
        let wish = move |phone: &'static str| {
            vec![
                ("service_code", "wish.disabled"),
                ("address_id", c),
                ("last_name", "张三"),
                ("phone", phone),
                ("description", "需要一副拐杖"),
                ("attribute[submitted_by]", "self"),
                ("attribute[amount]", "300"),
                ("attribute[consent]", "yes"),
            ]
        };

        // The forms' validation, each error naming the Open311 parameter, nothing written.
        let before: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM items").fetch_one(&app.db.pool).await.unwrap();
        let mut bad = wish("12345");
        bad.retain(|(k, _)| *k != "attribute[consent]" && *k != "description");
        bad.push(("api_key", key.as_str()));
        let (status, body) = post_request(&app, "json", &bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {body}");
        let errors: Vec<Value> = serde_json::from_str(&body).unwrap();
        let text: Vec<&str> = errors.iter().map(|e| e["description"].as_str().unwrap()).collect();
        assert!(text.iter().any(|d| d.starts_with("phone: ")), "{b}: {text:?}");
        assert!(text.iter().any(|d| d.starts_with("description: ")), "{b}: {text:?}");
        assert!(text.iter().any(|d| d.starts_with("attribute[consent]: ")), "{b}: {text:?}");
        let mut far = wish("13700000000");
        far.retain(|(k, _)| *k != "address_id");
        far.push(("lat", "22.8"));
        far.push(("long", "113.6"));
        far.push(("api_key", key.as_str()));
        let (status, body) = post_request(&app, "json", &far).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: coordinates alone: {body}");
        assert!(body.contains("address_id"), "{b}: {body}");
        let mut nowhere = wish("13700000000");
        nowhere.retain(|(k, _)| *k != "address_id");
        nowhere.push(("api_key", key.as_str()));
        assert_eq!(post_request(&app, "json", &nowhere).await.0, StatusCode::BAD_REQUEST, "{b}: no location");
        let after: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM items").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(after, before, "{b}: a refused post writes nothing");

        // A good one reaches the town's inbox like a form's wish; its key counts it.
        let mut good = wish("13700000000");
        good.push(("api_key", key.as_str()));
        let (status, body) = post_request(&app, "json", &good).await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        let number =
            serde_json::from_str::<Value>(&body).unwrap()[0]["service_request_id"].as_str().unwrap().to_string();
        let staff = signed_in(&app, "hm@dg.gov.cn").await;
        let (_, inbox) = get_with(&staff, &app.base, "/staff?tab=new").await;
        assert!(inbox.contains(&number), "{b}: in Humen's inbox");
        let keys = app.db.open311_keys().await.unwrap();
        assert_eq!((keys[0].requests, keys[0].last_used_at.is_some()), (1, true), "{b}");
        let stored: String =
            sqlx::query_scalar("SELECT key_hash FROM open311_keys").fetch_one(&app.db.pool).await.unwrap();
        assert!(!stored.contains(&key) && stored.len() == 64, "{b}: only a hash of the key is kept");
        let audit: Vec<String> =
            sqlx::query_scalar("SELECT detail FROM audit_log").fetch_all(&app.db.pool).await.unwrap();
        assert!(audit.iter().any(|d| d.contains("虎门镇平台")), "{b}: the issue is audited by label");
        assert!(!audit.iter().any(|d| d.contains(&key)), "{b}: never with the key");

        // The per-key daily limit, counted in the database: 429 with Retry-After, in the spec's shape.
        // Every post with the key counts, refused ones too: four so far, so a limit of five lets one
        // more through.
        let mut limits = app.db.settings().await.unwrap().abuse;
        limits.set(domain::abuse::Limit::Open311PerKeyDay, 5);
        app.db.save_abuse_limits(&limits).await.unwrap();
        let mut second = wish("13700000001");
        second.push(("api_key", key.as_str()));
        assert_eq!(post_request(&app, "json", &second).await.0, StatusCode::OK, "{b}: the fifth of the day");
        let r = app.http.post(format!("{}/open311/v2/requests.xml", app.base)).form(&second).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{b}: the sixth is over the key's limit");
        assert!(r.headers().contains_key("retry-after"), "{b}");
        check_errors("limit", "xml", &r.text().await.unwrap());

        // Revoked: refused at once.
        let key_id = keys[0].id.to_string();
        let (status, _, _) = post_with(&admin, &app.base, "/staff/admin/key_revoke", &[("id", key_id.as_str())]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let mut third = wish("13700000002");
        third.push(("api_key", key.as_str()));
        assert_eq!(post_request(&app, "json", &third).await.0, StatusCode::FORBIDDEN, "{b}: a revoked key");

        // Only admins issue and revoke keys.
        let (status, _, _) = post_with(&staff, &app.base, "/staff/admin/key_issue", &[("name", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: town staff may not issue keys");
        let (status, _, _) = post_with(&app.http, &app.base, "/staff/admin/key_issue", &[("name", "x")]).await;
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::SEE_OTHER,
            "{b}: nobody signed in: {status}"
        );
        assert_eq!(app.db.open311_keys().await.unwrap().len(), 1, "{b}");
        let (status, _, html) = post_with(&admin, &app.base, "/staff/admin/key_issue", &[("name", "")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: a key needs a label");
        assert!(html.contains("key_issue-name-error"), "{b}");

        // Every post counts against the sender's address, bad keys too.
        limits.set(domain::abuse::Limit::Open311PerClientHour, 3);
        app.db.save_abuse_limits(&limits).await.unwrap();
        let mut last = StatusCode::OK;
        for _ in 0..4 {
            last = post_request(&app, "json", &[("api_key", "guess"), ("service_code", "wish.other")]).await.0;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{b}: guessing keys is held back");
    }
}

#[tokio::test]
async fn no_open311_answer_carries_personal_data_or_text_not_yet_public() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let (published, unreviewed, project) = three_items(&app).await;
        let mut bodies = Vec::new();
        for ext in ["json", "xml"] {
            bodies.push(app.get(&format!("/open311/v2/requests.{ext}")).await.1);
            for n in [&published, &unreviewed, &project] {
                bodies.push(app.get(&format!("/open311/v2/requests/{n}.{ext}")).await.1);
            }
        }
        for body in &bodies {
            for secret in [
                "13800000001",
                "13800000002",
                "13800000003",
                "13912345678",
                "王小明",
                "欧阳建国",
                "wang@example.cn",
                "独居老人需要一台轮椅",
            ] {
                assert!(!body.contains(secret), "{b}: `{secret}` in an Open311 answer: {body}");
            }
        }
        let (_, j) = app.get(&format!("/open311/v2/requests/{unreviewed}.json")).await;
        let r: Vec<Value> = serde_json::from_str(&j).unwrap();
        assert!(r[0]["description"].is_null(), "{b}: a wish not on the wall shows no text");
        assert!(r[0]["address_id"].is_null(), "{b}: nor its village");
        assert_eq!(r[0]["address"], "虎门镇，东莞市", "{b}: the town only");
        // A proposal declined and then rated is closed, but it was never on the board: it stays
        // private on the board (done stage, its page) and in Open311.
        let declined = support::propose_project(&app, "p9", "私人诉求不应公开", "13800000009", "").await;
        let s = store::now();
        app.db
            .act(declined.id, None, Actor::Staff, "s", &Action::Decline { reason: "不属于微实事范围".into() }, s)
            .await
            .unwrap();
        let rate = Action::Rate { rating: domain::Rating::Satisfied, comment: String::new(), aware: None };
        app.db.act(declined.id, None, Actor::Resident, "", &rate, s).await.unwrap();
        assert_eq!(app.db.item_by_number(&declined.number).await.unwrap().unwrap().status, domain::Status::Closed);
        let (_, j) = app.get(&format!("/open311/v2/requests/{}.json", declined.number)).await;
        let r: Vec<Value> = serde_json::from_str(&j).unwrap();
        assert_eq!(r[0]["status"], "closed", "{b}");
        assert!(r[0]["description"].is_null() && r[0]["address_id"].is_null(), "{b}: never public: {j}");
        let (_, board) = app.get("/api/v1/projects?stage=done").await;
        assert!(!board.contains(&declined.number), "{b}: not on the board's done stage: {board}");
        assert_eq!(app.get(&format!("/projects/{}", declined.number)).await.0, StatusCode::NOT_FOUND, "{b}");
        let (_, j) = app.get(&format!("/open311/v2/requests/{project}.json")).await;
        let r: Vec<Value> = serde_json::from_str(&j).unwrap();
        let d = r[0]["description"].as_str().unwrap();
        assert!(
            d.starts_with("修复村口路灯\n") && d.contains("***********"),
            "{b}: the board's text, digits hidden: {d}"
        );
    }
}
