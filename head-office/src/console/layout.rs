//! The page every console screen sits in: header, navigation by role, language switch,
//! sign-out. A new page is one file in `pages/` and one line of [`NAV`].

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::i18n::Lang;
use super::session::Signed;
use super::users::{Role, User};

/// One link of the navigation.
pub struct NavItem {
    pub path: &'static str,
    /// Its text's key in the translation files.
    pub key: &'static str,
    /// Who sees the link (the page checks again).
    pub shown: fn(&User) -> bool,
}

/// The navigation, in order.
pub const NAV: &[NavItem] = &[
    NavItem {
        path: "/dashboard",
        key: "nav.dashboard",
        shown: |_| true,
    },
    NavItem {
        path: "/tills",
        key: "nav.tills",
        shown: |_| true,
    },
    NavItem {
        path: "/closes",
        key: "nav.closes",
        shown: |_| true,
    },
    NavItem {
        path: "/stock",
        key: "nav.stock",
        shown: |_| true,
    },
    NavItem {
        path: "/transfers",
        key: "nav.transfers",
        shown: |_| true,
    },
    NavItem {
        path: "/transfer-orders",
        key: "nav.transfer_orders",
        shown: |_| true,
    },
    NavItem {
        path: "/discrepancies",
        key: "nav.discrepancies",
        shown: |_| true,
    },
    NavItem {
        path: "/replenishment",
        key: "nav.replenishment",
        shown: |_| true,
    },
    NavItem {
        path: "/trace",
        key: "nav.trace",
        shown: |_| true,
    },
    NavItem {
        path: "/device-sales",
        key: "nav.device_sales",
        shown: |_| true,
    },
    NavItem {
        path: "/catalog",
        key: "nav.catalog",
        shown: |_| true,
    },
    NavItem {
        path: "/promotions",
        key: "nav.promotions",
        shown: |_| true,
    },
    NavItem {
        path: "/loyalty",
        key: "nav.loyalty",
        shown: |_| true,
    },
    NavItem {
        path: "/members",
        key: "nav.members",
        shown: |_| true,
    },
    NavItem {
        path: "/point-adjustments",
        key: "nav.point_adjustments",
        shown: |_| true,
    },
    NavItem {
        path: "/member-duplicates",
        key: "nav.member_duplicates",
        shown: may_merge_members,
    },
    NavItem {
        path: "/organisations",
        key: "nav.organisations",
        shown: |_| true,
    },
    NavItem {
        path: "/organisation-duplicates",
        key: "nav.organisation_duplicates",
        shown: may_merge_organisations,
    },
    NavItem {
        path: "/organisation-reviews",
        key: "nav.organisation_reviews",
        shown: |_| true,
    },
    NavItem {
        path: "/segments",
        key: "nav.segments",
        shown: User::may_read_segments,
    },
    NavItem {
        path: "/reports",
        key: "nav.reports",
        shown: |_| true,
    },
    NavItem {
        path: "/audit",
        key: "nav.audit",
        shown: may_read_audit,
    },
    NavItem {
        path: "/integrations",
        key: "nav.integrations",
        shown: may_manage_integrations,
    },
];

/// Likely duplicates and merges are for admins only (they show full phones and names).
pub fn may_merge_members(user: &User) -> bool {
    user.role == Role::Admin
}

/// Likely duplicate organisations and their merges are for admins only, like members'.
pub fn may_merge_organisations(user: &User) -> bool {
    user.role == Role::Admin
}

/// Integrations and their keys are for admins only.
pub fn may_manage_integrations(user: &User) -> bool {
    user.role == Role::Admin
}

/// The audit log is for admins and auditors.
pub fn may_read_audit(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Auditor)
}

/// Small, fixed styles: readable at 1366×768 and on a tablet (768×1024), no build step.
/// The header and its navigation wrap; a wide table scrolls inside its own box (see
/// `table.rs`), never the page.
const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.6rem 1rem;background:#12355b;color:#fff}
header a{color:#fff}
header button{color:#12355b;background:#fff;border:1px solid #fff;border-radius:3px}
header nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;flex:1 1 20rem;min-width:0}
header nav a[aria-current]{font-weight:bold;text-decoration:underline}
main{padding:1rem;max-width:80rem;box-sizing:border-box}
main p,main dd,main h1{overflow-wrap:anywhere}
svg,img{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1.5rem}
th,td{border:1px solid #d5dce4;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#e8edf3}
div.scroll{overflow-x:auto;max-width:100%;margin-bottom:1.5rem}
div.scroll>table{margin-bottom:0}
.notice{padding:.6rem;background:#e6f4ea;border:1px solid #9ccfa9}
.problem{padding:.6rem;background:#fdecea;border:1px solid #e3a29b}
form.inline{display:inline}
form.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:end;margin-bottom:1rem}
form.filters label{margin:0}
button{font:inherit;padding:.3rem .8rem;cursor:pointer}
label{display:block;margin:.5rem 0}
input{font:inherit;padding:.3rem}
.summaries{display:flex;flex-wrap:wrap;gap:1rem}
.summary h2{font-size:1rem;margin:.2rem 0}
.cards{display:flex;flex-wrap:wrap;gap:.5rem}
.card{background:#fff;border:1px solid #d5dce4;padding:.4rem .6rem;min-width:7rem}
.card span{display:block;font-size:.8rem;color:#52606d}
.charts{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
figure.chart{flex:1 1 20rem;margin:0;background:#fff;border:1px solid #d5dce4;padding:.4rem}
figure.chart svg{width:100%;height:10rem}
nav.tabs{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0}
nav.tabs a[aria-current]{font-weight:bold;text-decoration:none;color:inherit}
"#;

/// A whole page. `current` is the path whose link is marked.
pub fn page(
    lang: Lang,
    signed: Option<&Signed>,
    title: &str,
    current: &str,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("app.title")) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    strong { (lang.t("app.title")) }
                    @if let Some(signed) = signed {
                        nav {
                            @for item in NAV {
                                @if (item.shown)(&signed.user) {
                                    @if item.path == current {
                                        a href=(item.path) aria-current="page" { (lang.t(item.key)) }
                                    } @else {
                                        a href=(item.path) { (lang.t(item.key)) }
                                    }
                                }
                            }
                        }
                        span {
                            (lang.tf("app.signed_in_as", &[
                                ("name", &signed.user.name),
                                ("role", &lang.t(&format!("role.{}", signed.user.role.as_str()))),
                            ]))
                        }
                        form.inline method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            button type="submit" { (lang.t("app.sign_out")) }
                        }
                    }
                    a href={ "/lang/" (lang.other().code()) "?back=" (current) } { (lang.t("app.language")) }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NAV;
    use crate::console::ROUTES;

    /// A page is one file and one line of navigation: every top-level page (a GET of one
    /// path segment, but sign-in and the home redirect) has a link.
    #[test]
    fn every_page_is_in_the_navigation() {
        for (method, path) in ROUTES {
            let is_page = *method == "get"
                && path.matches('/').count() == 1
                && !["/", "/login"].contains(path);
            if is_page {
                assert!(
                    NAV.iter().any(|item| item.path == *path),
                    "{path} has no link in NAV"
                );
            }
        }
        for item in NAV {
            assert!(
                ROUTES.contains(&("get", item.path)),
                "{} is not a route",
                item.path
            );
        }
    }
}
