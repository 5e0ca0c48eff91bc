//! Reading the console's tables back in tests: the cells of an HTML table and of its
//! CSV export, fetched as bytes so the byte-order mark and the content type show.

use head_office::testing::Visitor;

/// The body cells of the table `id`, row by row, as the page shows them.
pub fn html_rows(body: &str, id: &str) -> Vec<Vec<String>> {
    let start = body
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("table {id} in {body}"));
    let body = &body[start..];
    let tbody = &body[body.find("<tbody>").unwrap()..body.find("</tbody>").unwrap()];
    tbody
        .split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let text = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    without_tags(text)
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&quot;", "\"")
                        .replace("&amp;", "&")
                })
                .collect()
        })
        .collect()
}

/// A cell's text: a link's text without its `<a ...>` and `</a>`.
fn without_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The rows of a table that are marked as flagged (highlighted).
pub fn flagged_rows(body: &str, id: &str) -> usize {
    let start = body.find(&format!(r#"id="{id}""#)).unwrap();
    let end = body[start..].find("</table>").unwrap() + start;
    body[start..end].matches(r#"<tr class="flagged""#).count()
}

/// An export as it comes: status, content type and bytes.
pub struct Export {
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Export {
    /// The header row and the data rows, after checking the byte-order mark.
    pub fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let text = self
            .bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .expect("a UTF-8 byte-order mark");
        let mut reader = csv::Reader::from_reader(text);
        let header = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    }
}

/// Fetches `path` with the visitor's session, without decoding the body.
pub async fn export(base_url: &str, visitor: &Visitor, path: &str) -> Export {
    let cookie = format!("ho_session={}", visitor.cookie("ho_session").unwrap_or(""));
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base_url}{path}"))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("the console answers");
    Export {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}
