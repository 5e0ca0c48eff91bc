//! A browser's part in tests of the console: real HTTP on 127.0.0.1, cookies
//! kept as a browser keeps them, redirects not followed (the tests look at them).

use std::collections::BTreeMap;

use reqwest::redirect::Policy;

// Test support: a failed request is a failed test, so it panics with the reason.

/// An answer: status, `Location`, the `Set-Cookie` headers and the body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Answer {
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let start = self
            .body
            .find(r#"name="csrf" value=""#)
            .unwrap_or_else(|| panic!("a form with a CSRF token in {}", self.body))
            + r#"name="csrf" value=""#.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_owned()
    }
}

pub struct Visitor {
    base_url: String,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Visitor {
    pub fn new(base_url: &str) -> Visitor {
        Visitor {
            base_url: base_url.to_owned(),
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let request = self.http.get(format!("{}{path}", self.base_url));
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .form(form);
        self.send(request).await
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Answer {
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header("Cookie", header.join("; "));
        }
        let response = request.send().await.expect("the console answers");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for cookie in &set_cookies {
            let pair = cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if cookie.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.text().await.unwrap();
        Answer {
            status,
            location,
            set_cookies,
            body,
        }
    }

    /// Signs in through the form; returns the answer to the form's post.
    pub async fn sign_in(&mut self, name: &str, password: &str) -> Answer {
        let form = self.get("/login").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.csrf();
        self.post(
            "/login",
            &[("username", name), ("password", password), ("csrf", &csrf)],
        )
        .await
    }
}
