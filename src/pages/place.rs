//! 您家在哪里: the household chooses its county (县、区、旗), township (乡镇、苏木) and village (村、
//! 社区、嘎查) from the official lists ([`crate::places`]), one after the other. Each list has a
//! search box that finds any part of a name, is grouped (counties by city, townships and
//! villages by kind), and can be read aloud. A village missing from the list is written by hand
//! under its township, and the declaration goes to that township.
//!
//! The three levels are drawn by one component ([`Level`]) from a plain description of what
//! each shows ([`Shown`]): few view types, so the picker adds little to the download.
use crate::draft::Draft;
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::report::{input_id, FieldErrorText, Form, Need};
use crate::places;
use crate::speech::ReadAloud;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use xiangqin_rules::places::{match_written, CountyFile};
use xiangqin_rules::Region;

/// A list to choose from: groups of (code, name) under a heading.
type Groups = Vec<(String, Vec<(String, String)>)>;

/// What the level being chosen shows.
#[derive(Clone, PartialEq)]
enum Now {
    /// The list to choose from.
    Choose(Arc<Groups>),
    /// A note instead of the list (loading, or no network).
    Note(Msg),
    /// The village is not listed: the household writes it (under this township).
    Written(String),
}

/// The picker as it stands: the levels chosen (field, label, name), and the one being chosen.
#[derive(Clone, PartialEq, Default)]
struct Picker {
    done: Vec<(&'static str, Msg, String)>,
    now: Option<(&'static str, Msg, Now)>,
}

/// Entries grouped by their kind (镇, 乡, 苏木 …), in the order of the list.
fn by_kind<'a>(entries: impl Iterator<Item = (&'a String, &'a String)>) -> Groups {
    let mut groups: Groups = Vec::new();
    for (code, name) in entries {
        let kind = places::kind(name);
        let entry = (code.clone(), name.clone());
        match groups.iter_mut().find(|(k, _)| k == kind) {
            Some((_, list)) => list.push(entry),
            None => groups.push((kind.to_string(), vec![entry])),
        }
    }
    groups
}

impl Draft {
    /// A new region: the places chosen in another one no longer apply.
    pub fn set_region(&mut self, key: &str) {
        if self.region != key {
            self.region = key.to_string();
            self.set_county(None);
        }
    }

    /// Chooses a county (or, with `None`, undoes the choice and everything below it).
    fn set_county(&mut self, county: Option<(String, String)>) {
        (self.county_code, self.county) = county.unwrap_or_default();
        self.set_township(None);
    }

    fn set_township(&mut self, township: Option<(String, String)>) {
        (self.place_code, self.township) = township.unwrap_or_default();
        self.village_not_listed = false;
        self.village.clear();
    }

    /// Chooses a village of the township (`listed`), or goes back to it to write one.
    fn set_village(&mut self, code: &str, name: String, listed: bool) {
        self.place_code = code.to_string();
        self.village = name;
        self.village_not_listed = !listed;
    }
}

/// The (code, name) of the one entry a name written by hand means (see [`match_written`]).
fn pick<'a>(
    entries: impl Iterator<Item = (&'a String, &'a String)>,
    written: &str,
) -> Option<(String, String)> {
    let entries: Vec<(&str, &str)> = entries.map(|(c, n)| (c.as_str(), n.as_str())).collect();
    let code = match_written(entries.iter().copied(), written)?;
    let (c, n) = entries.into_iter().find(|(c, _)| *c == code)?;
    Some((c.to_string(), n.to_string()))
}

/// The names typed in a draft from before the lists, matched where they are unambiguous (the
/// household then only checks them): the county from the compiled list, and — once the
/// county's file is here — the township and the village.
fn match_earlier(d: &mut Draft, region: Region, county: Option<&CountyFile>) {
    if d.earlier_place.is_empty() || d.village_not_listed || d.place_code.len() == 12 {
        return;
    }
    if d.county_code.is_empty() {
        let counties = places::counties(region)
            .into_iter()
            .flat_map(|r| &r.cities)
            .flat_map(|c| &c.counties);
        if let Some((code, name)) = pick(counties.map(|(c, n)| (c, n)), &d.county) {
            (d.county_code, d.county) = (code, name);
        }
        return;
    }
    let Some(file) = county.filter(|f| f.code == d.county_code) else {
        return;
    };
    if d.place_code.is_empty() {
        if let Some((code, name)) = pick(
            file.townships.iter().map(|t| (&t.code, &t.name)),
            &d.township,
        ) {
            (d.place_code, d.township) = (code, name);
        }
    }
    if let Some(t) = file.townships.iter().find(|t| t.code == d.place_code) {
        if let Some((code, name)) = pick(t.villages.iter().map(|(c, n)| (c, n)), &d.village) {
            d.set_village(&code, name, true);
        }
    }
}

#[component]
pub fn PlacePicker(form: Form) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let i18n = use_i18n();
    let file: RwSignal<Option<Arc<CountyFile>>> = RwSignal::new(None);
    let failed = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    // Fetches the chosen county's townships and villages (the service worker keeps them).
    let load = move || {
        let (code, region) = form
            .draft
            .with_untracked(|d| (d.county_code.clone(), Region::from_key(&d.region)));
        if code.is_empty() {
            return;
        }
        failed.set(false);
        spawn_local(async move {
            let got = places::county_file(&code).await;
            if form.draft.with_untracked(|d| d.county_code != code) {
                return; // another county was chosen meanwhile
            }
            if let (Some(f), Some(region)) = (&got, region) {
                if form.draft.with_untracked(|d| !d.earlier_place.is_empty()) {
                    form.update("place.township", |d| match_earlier(d, region, Some(f)));
                }
            }
            failed.set(got.is_none());
            file.set(got);
        });
    };
    if let Some(region) = form.region_untracked() {
        if form.draft.with_untracked(|d| !d.earlier_place.is_empty()) {
            form.update("place.county", |d| match_earlier(d, region, None));
        }
    }
    load();

    let picker = Memo::new(move |_| {
        let Some(region) = form.region() else {
            return Picker::default();
        };
        let im = region == Region::InnerMongolia;
        let (town, vill) = match im {
            true => (
                Msg::ReportTownshipInnerMongolia,
                Msg::ReportVillageInnerMongolia,
            ),
            false => (Msg::ReportTownship, Msg::ReportVillage),
        };
        let d = form.draft.get();
        let mut p = Picker::default();
        if d.county_code.is_empty() {
            let groups = places::counties(region)
                .map(|r| {
                    r.cities
                        .iter()
                        .map(|c| (c.name.clone(), c.counties.clone()))
                        .collect()
                })
                .unwrap_or_default();
            p.now = Some((
                "place.county",
                Msg::ReportCounty,
                Now::Choose(Arc::new(groups)),
            ));
            return p;
        }
        p.done
            .push(("place.county", Msg::ReportCounty, d.county.clone()));
        let file = file.get().filter(|f| f.code == d.county_code);
        if d.place_code.is_empty() {
            let now = match (file, failed.get()) {
                (Some(f), _) => Now::Choose(Arc::new(by_kind(
                    f.townships.iter().map(|t| (&t.code, &t.name)),
                ))),
                (None, true) => Now::Note(Msg::PlaceLoadFailed),
                (None, false) => Now::Note(Msg::PlaceLoading),
            };
            p.now = Some(("place.township", town, now));
            return p;
        }
        p.done.push(("place.township", town, d.township.clone()));
        let now = if d.place_code.len() == 12 {
            p.done.push(("place.village", vill, d.village.clone()));
            return p;
        } else if d.village_not_listed {
            Now::Written(d.township.clone())
        } else {
            let villages = file
                .as_ref()
                .and_then(|f| f.townships.iter().find(|t| t.code == d.place_code));
            match villages {
                Some(t) => Now::Choose(Arc::new(by_kind(t.villages.iter().map(|(c, n)| (c, n))))),
                None => Now::Note(Msg::PlaceLoading),
            }
        };
        p.now = Some(("place.village", vill, now));
        p
    });
    let field = move || picker.with(|p| p.now.as_ref().map_or("", |(f, _, _)| f));
    let now = move || picker.with(|p| p.now.as_ref().map(|(_, _, n)| n.clone()));
    // The entries of the list whose name holds what is typed, by group.
    let found = move || -> Groups {
        let Some(Now::Choose(groups)) = now() else {
            return Vec::new();
        };
        let typed = typed.get();
        let many = groups.len() > 1;
        let matching = |l: &Vec<(String, String)>| {
            l.iter()
                .filter(|(_, n)| places::matches(n, &typed))
                .cloned()
                .collect()
        };
        groups
            .iter()
            .map(|(h, l)| (if many { h.clone() } else { String::new() }, matching(l)))
            .filter(|(_, l): &(String, Vec<_>)| !l.is_empty())
            .collect()
    };
    let names = move || {
        found()
            .into_iter()
            .flat_map(|(_, l)| l.into_iter().map(|(_, n)| n))
            .collect::<Vec<_>>()
    };

    // What is chosen so far, and the note: HTML, with a 改一下 button per level.
    let done_html = move || {
        let earlier = form.draft.with(|d| d.earlier_place.clone());
        let note = match (form.region(), earlier.is_empty()) {
            (None, _) => i18n.tr(Msg::PlaceRegionFirst).to_string(),
            (_, false) => fill(i18n.tr(Msg::PlaceEarlier), &[("place", &earlier)]),
            _ => String::new(),
        };
        let mut html = String::new();
        if !note.is_empty() {
            html += &format!(
                "<p class=\"note\" data-testid=\"place-note\">{}</p>",
                escape(&note)
            );
        }
        for (field, label, name) in picker.get().done {
            html += &format!(
                "<div class=\"field chosen\" id=\"{id}\" tabindex=\"-1\"><p><span class=\"label-text\">{label}</span> \
                 <strong data-testid=\"chosen-{field}\">{name}</strong></p>\
                 <button type=\"button\" class=\"button secondary small\" data-undo=\"{field}\" data-testid=\"change-{field}\">{change}</button></div>",
                id = input_id(field),
                label = escape(i18n.tr(label)),
                name = escape(&name),
                change = escape(i18n.tr(Msg::PlaceChange)),
            );
        }
        html
    };
    // The level being chosen: its note, list and buttons as HTML (one click handler for all:
    // hundreds of villages as reactive views would weigh on the download and on a cheap phone).
    let now_html = move || {
        let testid = field().replace("place.", "place-");
        let button = |class: &str, data: &str, id: &str, text: &str| {
            format!(
                "<button type=\"button\" class=\"{class}\" {data} data-testid=\"{id}\">{}</button>",
                escape(text)
            )
        };
        let mut html = String::new();
        match now() {
            Some(Now::Note(msg)) => {
                html += &format!(
                    "<p class=\"hint\" role=\"status\" data-testid=\"{testid}-note\">{}</p>",
                    escape(i18n.tr(msg))
                );
                if msg == Msg::PlaceLoadFailed {
                    html += &button(
                        "button secondary small",
                        "data-retry=\"1\"",
                        "place-township-other",
                        i18n.tr(Msg::PlaceRetry),
                    );
                }
            }
            Some(Now::Written(township)) => {
                let note = fill(i18n.tr(Msg::PlaceWrittenNote), &[("township", &township)]);
                html += &format!(
                    "<p class=\"hint\" data-testid=\"place-written-note\">{}</p>",
                    escape(&note)
                );
            }
            Some(Now::Choose(_)) => {
                for (heading, list) in found() {
                    if !heading.is_empty() {
                        html += &format!("<h3 class=\"chooser-group\">{}</h3>", escape(&heading));
                    }
                    html += "<ul class=\"choices chooser-list\">";
                    for (code, name) in list {
                        html += "<li>";
                        html += &button(
                            "choice",
                            &format!("data-code=\"{code}\""),
                            &format!("{testid}-{code}"),
                            &name,
                        );
                        html += "</li>";
                    }
                    html += "</ul>";
                }
                if field() == "place.village" {
                    let label =
                        picker.with(|p| p.now.as_ref().map_or(Msg::ReportVillage, |(_, l, _)| *l));
                    let text = fill(i18n.tr(Msg::PlaceNotListed), &[("village", i18n.tr(label))]);
                    html += &button(
                        "button secondary",
                        "data-not-listed=\"1\"",
                        "place-village-other",
                        &text,
                    );
                }
            }
            None => {}
        }
        html
    };

    // Every button of the HTML above.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button").ok().flatten())
        else {
            return;
        };
        let data = |name: &str| button.get_attribute(name);
        if let Some(code) = data("data-code") {
            let name = found()
                .into_iter()
                .flat_map(|(_, l)| l)
                .find(|(c, _)| *c == code)
                .map(|(_, n)| n);
            let Some(name) = name else { return };
            typed.set(String::new());
            match code.len() {
                6 => {
                    form.update("place.county", |d| d.set_county(Some((code, name))));
                    file.set(None);
                    load();
                }
                9 => form.update("place.township", |d| d.set_township(Some((code, name)))),
                _ => form.update("place.village", |d| d.set_village(&code, name, true)),
            }
        } else if let Some(field) = data("data-undo") {
            typed.set(String::new());
            match field.as_str() {
                "place.county" => form.update("place.county", |d| d.set_county(None)),
                "place.township" => form.update("place.township", |d| d.set_township(None)),
                _ => form.update("place.village", |d| to_township(d, true)),
            }
        } else if data("data-not-listed").is_some() {
            form.update("place.village", |d| to_township(d, false));
        } else if data("data-retry").is_some() {
            load();
        }
    };

    let read = Callback::new(move |()| {
        let label = picker
            .with(|p| p.now.as_ref().map(|(_, l, _)| *l))
            .map_or("", |l| i18n.tr(l));
        format!("{label}：{}", names().join("、"))
    });
    let choosing = move || matches!(now(), Some(Now::Choose(_)));
    let writing = move || matches!(now(), Some(Now::Written(_)));
    let has_error = move || {
        let f = field();
        form.errors_for(|e| !f.is_empty() && e.field == f)
    };
    view! {
        <div class="place-picker" id="f-place-code" tabindex="-1" data-testid="place-picker" on:click=on_click>
            <FieldErrorText form field="place.code"/>
            <div inner_html=done_html></div>
            <fieldset class="field" class:has-error=has_error id=move || input_id(field()) tabindex="-1" hidden=move || now().is_none()>
                <legend>
                    <span class="label-text">
                        {move || picker.with(|p| p.now.as_ref().map(|(_, l, _)| *l)).map(|l| i18n.tr(l))}
                    </span>
                    <Need required=true/>
                </legend>
                <FieldErrorText form field="place.county"/>
                <FieldErrorText form field="place.township"/>
                <FieldErrorText form field="place.village"/>
                <div hidden=move || !choosing()>
                    <label for="place-search" class="hint">{t(Msg::PlaceSearchLabel)}</label>
                    <input
                        id="place-search"
                        type="search"
                        class="text-input"
                        autocomplete="off"
                        data-testid=move || format!("{}-search", field().replace("place.", "place-"))
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <p class="hint" role="status" data-testid=move || format!("{}-count", field().replace("place.", "place-"))>
                        {move || match names().len() {
                            0 => i18n.tr(Msg::PlaceNoneFound).to_string(),
                            n => fill(i18n.tr(Msg::PlaceFound), &[("n", &n.to_string())]),
                        }}
                    </p>
                    <ReadAloud text=read/>
                </div>
                <div class="chooser" inner_html=now_html></div>
                <div hidden=move || !writing()>
                    <label for="f-place-village-written" class="hint">{t(Msg::PlaceWriteLabel)}</label>
                    <input
                        id="f-place-village-written"
                        class="text-input"
                        maxlength="40"
                        data-testid="field-place.village"
                        prop:value=move || form.draft.with(|d| if d.village_not_listed { d.village.clone() } else { String::new() })
                        on:input=move |ev| form.update("place.village", |d| d.village = event_target_value(&ev))
                    />
                    <button type="button" class="link-button" data-undo="place.village" data-testid="place-back-to-list">
                        {t(Msg::PlaceBackToList)}
                    </button>
                </div>
            </fieldset>
        </div>
    }
}

/// 改一下 on a village (or 回到名单里选) goes back to its township's list; `listed` false: the
/// household writes its village instead.
fn to_township(d: &mut Draft, listed: bool) {
    let township = d.place_code.get(..9).unwrap_or_default().to_string();
    d.set_village(&township, String::new(), listed);
}

/// Text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
